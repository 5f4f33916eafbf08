package com.helix.migrations.exceptions;

/**
 * Base of every error this project raises on purpose. Messages name what failed and never carry a
 * password, a secret value or a credentialed JDBC URL.
 */
public abstract class MigrationsException extends RuntimeException {
    private final ErrorCode code;

    protected MigrationsException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    protected MigrationsException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public boolean retryable() {
        return code.retryable();
    }
}
