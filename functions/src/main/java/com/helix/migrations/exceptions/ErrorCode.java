package com.helix.migrations.exceptions;

import java.util.Arrays;

/**
 * What went wrong, and whether trying again can help: the one retry policy. Step Functions retries by
 * exception class name (its Retry lists are checked against {@link #retry()} by a test), the CLI's
 * exit code follows it, and every failed result carries the code.
 */
public enum ErrorCode {
    INVALID_REQUEST(InvalidRequestException.class, Retry.NEVER, true),
    INVALID_CONFIGURATION(InvalidConfigurationException.class, Retry.NEVER, true),
    TENANT_NOT_FOUND(TenantNotFoundException.class, Retry.NEVER, true),
    TENANT_DATABASE_NOT_PROVISIONED(TenantDatabaseNotProvisionedException.class, Retry.NEVER, true),
    PRODUCT_NOT_FOUND(ProductNotFoundException.class, Retry.NEVER, true),
    PRODUCT_DATABASE_NOT_PROVISIONED(ProductDatabaseNotProvisionedException.class, Retry.NEVER, true),
    TARGET_NOT_ACTIVE(TargetNotActiveException.class, Retry.NEVER, true),
    UNKNOWN_PRODUCT_TYPE(UnknownProductTypeException.class, Retry.NEVER, true),
    UNKNOWN_JURISDICTION(UnknownJurisdictionException.class, Retry.NEVER, true),
    INVALID_REGISTRY_ROW(InvalidRegistryRowException.class, Retry.NEVER, true),
    SECRET_NOT_FOUND(SecretNotFoundException.class, Retry.NEVER, false),
    SECRET_ACCESS_DENIED(SecretAccessDeniedException.class, Retry.NEVER, false),
    INVALID_SECRET(InvalidSecretException.class, Retry.NEVER, false),
    SECRETS_UNAVAILABLE(SecretsUnavailableException.class, Retry.WITH_BACKOFF, false),
    DATABASE_UNAVAILABLE(DatabaseUnavailableException.class, Retry.WITH_BACKOFF, false),
    DATABASE_BUSY(DatabaseBusyException.class, Retry.WITH_BACKOFF, false),
    DATABASE_AUTHENTICATION_FAILED(DatabaseAuthenticationException.class, Retry.ONCE, false),
    DATABASE_TLS_FAILED(DatabaseTlsException.class, Retry.NEVER, false),
    MIGRATION_FAILED(MigrationFailedException.class, Retry.NEVER, false),
    VALIDATION_FAILED(ValidationFailedException.class, Retry.NEVER, false),
    BASELINE_REFUSED(BaselineRefusedException.class, Retry.NEVER, true),
    OUT_OF_TIME(OutOfTimeException.class, Retry.WITH_BACKOFF, false),
    /** The run ledger refused a run: another build's run is in progress, or this build is older. */
    RUN_REFUSED(RunRefusedException.class, Retry.NEVER, true),
    /** A CLI run stopped by a signal; no function raises it. */
    INTERRUPTED(RunInterruptedException.class, Retry.NEVER, true),
    /** Anything this project did not raise on purpose: a bug, or something no one foresaw. */
    UNEXPECTED(null, Retry.NEVER, false);

    /** Whether, and how, a failed call is tried again. */
    public enum Retry {
        /** Trying again changes nothing until someone does something. */
        NEVER,
        /** Once: the cached secret is dropped, so the retry reads a rotated password. */
        ONCE,
        /** With backoff: a transient state of a server or service. */
        WITH_BACKOFF
    }

    private final Class<? extends MigrationsException> exception;
    private final Retry retry;
    private final boolean expected;

    ErrorCode(Class<? extends MigrationsException> exception, Retry retry, boolean expected) {
        this.exception = exception;
        this.retry = retry;
        this.expected = expected;
    }

    /** The exception raised with this code (what Step Functions matches), or null for {@link #UNEXPECTED}. */
    public Class<? extends MigrationsException> exception() {
        return exception;
    }

    public Retry retry() {
        return retry;
    }

    /** True when the same call may succeed later without anyone changing anything (retried with backoff). */
    public boolean retryable() {
        return retry == Retry.WITH_BACKOFF;
    }

    /** Bad input, or a target that is not there or not active: one log line, no stack trace. */
    public boolean expected() {
        return expected;
    }

    /** The code of a failure by its exception's class name (simple or fully qualified); {@link #UNEXPECTED} for any other. */
    public static ErrorCode ofException(String className) {
        if (className == null) {
            return UNEXPECTED;
        }
        String simple = className.substring(className.lastIndexOf('.') + 1);
        return Arrays.stream(values())
                .filter(code ->
                        code.exception != null && code.exception.getSimpleName().equals(simple))
                .findFirst()
                .orElse(UNEXPECTED);
    }
}
