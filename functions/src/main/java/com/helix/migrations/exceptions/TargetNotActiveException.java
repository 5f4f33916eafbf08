package com.helix.migrations.exceptions;

/** Only active tenants and products are migrated; status and validate still work on the others. */
public class TargetNotActiveException extends MigrationsException {
    public TargetNotActiveException(String what, String id, String status) {
        super(ErrorCode.TARGET_NOT_ACTIVE, what + " not active: " + id + " (" + status + ")");
    }
}
