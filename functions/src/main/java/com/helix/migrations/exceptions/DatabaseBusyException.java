package com.helix.migrations.exceptions;

/** A migration gave up waiting for a lock, or lost a deadlock or serialization race. Worth retrying. */
public class DatabaseBusyException extends MigrationsException {
    public DatabaseBusyException(String detail) {
        super(ErrorCode.DATABASE_BUSY, "Flyway migration failed: " + detail);
    }

    public DatabaseBusyException(String detail, Throwable cause) {
        super(ErrorCode.DATABASE_BUSY, "Flyway migration failed: " + detail, cause);
    }
}
