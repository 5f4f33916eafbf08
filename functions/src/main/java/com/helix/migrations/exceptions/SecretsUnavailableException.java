package com.helix.migrations.exceptions;

/** Secrets Manager throttled or failed after the SDK retries. Worth retrying. */
public class SecretsUnavailableException extends MigrationsException {
    public SecretsUnavailableException(String detail) {
        super(ErrorCode.SECRETS_UNAVAILABLE, "Secrets Manager unavailable: " + detail);
    }

    public SecretsUnavailableException(String detail, Throwable cause) {
        super(ErrorCode.SECRETS_UNAVAILABLE, "Secrets Manager unavailable: " + detail, cause);
    }
}
