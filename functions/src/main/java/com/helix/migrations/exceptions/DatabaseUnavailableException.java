package com.helix.migrations.exceptions;

/** The database could not be reached (refused, timed out, shutting down). Worth retrying. */
public class DatabaseUnavailableException extends MigrationsException {
    public DatabaseUnavailableException(String detail) {
        super(ErrorCode.DATABASE_UNAVAILABLE, "Database unavailable: " + detail);
    }

    public DatabaseUnavailableException(String detail, Throwable cause) {
        super(ErrorCode.DATABASE_UNAVAILABLE, "Database unavailable: " + detail, cause);
    }
}
