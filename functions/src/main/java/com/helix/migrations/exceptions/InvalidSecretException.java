package com.helix.migrations.exceptions;

/**
 * The secret exists but is not usable RDS secret JSON. The parser's own message is dropped on
 * purpose: it would quote the secret's text.
 */
public class InvalidSecretException extends MigrationsException {
    public InvalidSecretException(String secretId, String problem) {
        super(ErrorCode.INVALID_SECRET, "Invalid secret: " + secretId + " (" + problem + ")");
    }
}
