package com.helix.migrations.exceptions;

/** No tenant with this id in the central registry. */
public class TenantNotFoundException extends MigrationsException {
    public TenantNotFoundException(String tenantId) {
        super(ErrorCode.TENANT_NOT_FOUND, "Tenant not found: " + tenantId);
    }
}
