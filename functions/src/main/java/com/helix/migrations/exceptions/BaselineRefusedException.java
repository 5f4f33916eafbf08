package com.helix.migrations.exceptions;

/**
 * A database that cannot be baselined: it already has history, or its schema lacks (or has
 * differently) something the migrations' schema has at the version; or the reference to compare it
 * with could not be built. Nothing was written.
 */
public class BaselineRefusedException extends MigrationsException {
    public BaselineRefusedException(String detail) {
        super(ErrorCode.BASELINE_REFUSED, "Baseline refused: " + detail);
    }
}
