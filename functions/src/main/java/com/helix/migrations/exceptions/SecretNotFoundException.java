package com.helix.migrations.exceptions;

/** The secret named by the registry does not exist in its jurisdiction (or in the secrets file). */
public class SecretNotFoundException extends MigrationsException {
    public SecretNotFoundException(String secretId) {
        super(ErrorCode.SECRET_NOT_FOUND, "Secret not found: " + secretId);
    }
}
