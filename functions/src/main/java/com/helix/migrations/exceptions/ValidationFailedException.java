package com.helix.migrations.exceptions;

/** Applied migrations differ from the packaged ones (checksum drift, missing or unknown versions). */
public class ValidationFailedException extends MigrationsException {
    public ValidationFailedException(String detail) {
        super(ErrorCode.VALIDATION_FAILED, "Flyway validation failed: " + detail);
    }

    public ValidationFailedException(String detail, Throwable cause) {
        super(ErrorCode.VALIDATION_FAILED, "Flyway validation failed: " + detail, cause);
    }
}
