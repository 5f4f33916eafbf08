package com.helix.migrations.exceptions;

/** A malformed event or argument. Nothing was changed. */
public class InvalidRequestException extends MigrationsException {
    public InvalidRequestException(String reason) {
        super(ErrorCode.INVALID_REQUEST, "Invalid request: " + reason);
    }
}
