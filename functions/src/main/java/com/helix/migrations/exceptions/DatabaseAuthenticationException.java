package com.helix.migrations.exceptions;

/** The database rejected the credentials from the secret. */
public class DatabaseAuthenticationException extends MigrationsException {
    public DatabaseAuthenticationException(String detail) {
        super(ErrorCode.DATABASE_AUTHENTICATION_FAILED, "Database authentication failed: " + detail);
    }

    public DatabaseAuthenticationException(String detail, Throwable cause) {
        super(ErrorCode.DATABASE_AUTHENTICATION_FAILED, "Database authentication failed: " + detail, cause);
    }
}
