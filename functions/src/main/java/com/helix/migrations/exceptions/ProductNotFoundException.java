package com.helix.migrations.exceptions;

/** No tenant product with this id in the central registry. */
public class ProductNotFoundException extends MigrationsException {
    public ProductNotFoundException(String tenantProductId) {
        super(ErrorCode.PRODUCT_NOT_FOUND, "Product not found: " + tenantProductId);
    }
}
