package com.helix.migrations.exceptions;

/** The jurisdiction has no region in {@code JURISDICTION_REGIONS}: its secrets are never looked up elsewhere. */
public class UnknownJurisdictionException extends MigrationsException {
    public UnknownJurisdictionException(String jurisdiction) {
        super(ErrorCode.UNKNOWN_JURISDICTION, "Unknown jurisdiction: " + jurisdiction);
    }
}
