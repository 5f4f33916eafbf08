package com.helix.migrations.exceptions;

/** The tenant product exists but has no {@code product_databases} row yet. */
public class ProductDatabaseNotProvisionedException extends MigrationsException {
    public ProductDatabaseNotProvisionedException(String tenantProductId) {
        super(ErrorCode.PRODUCT_DATABASE_NOT_PROVISIONED, "Product database not provisioned: " + tenantProductId);
    }
}
