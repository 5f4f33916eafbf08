package com.helix.migrations.exceptions;

/** The tenant exists but has no {@code tenant_databases} row yet. */
public class TenantDatabaseNotProvisionedException extends MigrationsException {
    public TenantDatabaseNotProvisionedException(String tenantId) {
        super(ErrorCode.TENANT_DATABASE_NOT_PROVISIONED, "Tenant database not provisioned: " + tenantId);
    }
}
