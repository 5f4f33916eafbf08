package com.helix.migrations.exceptions;

/**
 * What went wrong, and whether trying again can help.
 *
 * <p>Step Functions retries by exception class name; {@link #retryable()} is the same decision for
 * in-process callers (the CLI's fan-out).
 */
public enum ErrorCode {
    INVALID_REQUEST(false),
    INVALID_CONFIGURATION(false),
    TENANT_NOT_FOUND(false),
    TENANT_DATABASE_NOT_PROVISIONED(false),
    PRODUCT_NOT_FOUND(false),
    PRODUCT_DATABASE_NOT_PROVISIONED(false),
    TARGET_NOT_ACTIVE(false),
    UNKNOWN_PRODUCT_TYPE(false),
    UNKNOWN_JURISDICTION(false),
    SECRET_NOT_FOUND(false),
    SECRET_ACCESS_DENIED(false),
    INVALID_SECRET(false),
    SECRETS_UNAVAILABLE(true),
    DATABASE_UNAVAILABLE(true),
    DATABASE_BUSY(true),
    DATABASE_AUTHENTICATION_FAILED(false),
    DATABASE_TLS_FAILED(false),
    MIGRATION_FAILED(false),
    VALIDATION_FAILED(false),
    OUT_OF_TIME(true);

    private final boolean retryable;

    ErrorCode(boolean retryable) {
        this.retryable = retryable;
    }

    /** True when the same call may succeed later without anyone changing anything. */
    public boolean retryable() {
        return retryable;
    }
}
