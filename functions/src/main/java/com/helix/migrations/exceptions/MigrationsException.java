package com.helix.migrations.exceptions;

import com.helix.migrations.text.Printable;

/**
 * Base of every error this project raises on purpose. Messages name what failed and never carry a
 * password, a secret value, a credentialed JDBC URL or a row value; they are one line, whatever ids,
 * names or server messages they quote ({@link Printable}).
 */
public abstract class MigrationsException extends RuntimeException {
    private final ErrorCode code;

    protected MigrationsException(ErrorCode code, String message) {
        super(Printable.of(message));
        this.code = code;
    }

    protected MigrationsException(ErrorCode code, String message, Throwable cause) {
        super(Printable.of(message), cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public boolean retryable() {
        return code.retryable();
    }
}
