package com.helix.migrations.exceptions;

/** A migration could not be applied; the database stays at the last version that completed. */
public class MigrationFailedException extends MigrationsException {
    public MigrationFailedException(String detail) {
        super(ErrorCode.MIGRATION_FAILED, "Flyway migration failed: " + detail);
    }

    public MigrationFailedException(String detail, Throwable cause) {
        super(ErrorCode.MIGRATION_FAILED, "Flyway migration failed: " + detail, cause);
    }
}
