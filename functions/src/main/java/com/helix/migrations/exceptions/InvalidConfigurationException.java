package com.helix.migrations.exceptions;

/** An environment variable or flag that cannot be used as given. */
public class InvalidConfigurationException extends MigrationsException {
    public InvalidConfigurationException(String reason) {
        super(ErrorCode.INVALID_CONFIGURATION, "Invalid configuration: " + reason);
    }

    public InvalidConfigurationException(String reason, Throwable cause) {
        super(ErrorCode.INVALID_CONFIGURATION, "Invalid configuration: " + reason, cause);
    }
}
