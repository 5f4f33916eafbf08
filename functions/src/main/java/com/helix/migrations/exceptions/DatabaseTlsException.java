package com.helix.migrations.exceptions;

/**
 * The database's TLS did not satisfy {@code DB_SSL_MODE}: a certificate not signed by a trusted
 * authority, a host name the certificate does not name, or no TLS at all. Trying again will not help.
 */
public class DatabaseTlsException extends MigrationsException {
    public DatabaseTlsException(String detail, Throwable cause) {
        super(ErrorCode.DATABASE_TLS_FAILED, "Database TLS check failed: " + detail, cause);
    }
}
