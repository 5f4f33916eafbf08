package com.helix.migrations.exceptions;

/**
 * A fleet run that may not start, or a run command that names no run it can act on: another build's
 * run is in progress, this build is older than the last successful run's, or the run named is unknown
 * or already over. Nothing was started or changed.
 */
public class RunRefusedException extends MigrationsException {
    public RunRefusedException(String detail) {
        super(ErrorCode.RUN_REFUSED, "Run refused: " + detail);
    }
}
