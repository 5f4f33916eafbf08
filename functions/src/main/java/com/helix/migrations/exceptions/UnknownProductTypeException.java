package com.helix.migrations.exceptions;

/** No migrations are packaged (or found under {@code MIGRATIONS_DIR}) for this product type. */
public class UnknownProductTypeException extends MigrationsException {
    public UnknownProductTypeException(String productType) {
        super(ErrorCode.UNKNOWN_PRODUCT_TYPE, "Unknown product type: " + productType);
    }
}
