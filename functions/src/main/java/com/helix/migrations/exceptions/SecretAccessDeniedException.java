package com.helix.migrations.exceptions;

/** Secrets Manager refused to read the secret (IAM policy, KMS key). */
public class SecretAccessDeniedException extends MigrationsException {
    public SecretAccessDeniedException(String secretId) {
        super(ErrorCode.SECRET_ACCESS_DENIED, "Secret access denied: " + secretId);
    }

    public SecretAccessDeniedException(String secretId, Throwable cause) {
        super(ErrorCode.SECRET_ACCESS_DENIED, "Secret access denied: " + secretId, cause);
    }
}
