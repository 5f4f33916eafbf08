package com.helix.migrations.exceptions;

/**
 * A central registry row that cannot be migrated as written: its id breaks the id rule, its host is not
 * a plain host name or IP address, its port is out of range, or it names a system database, the central
 * database or a database another row names too. Other services write the registry: nothing is connected
 * to until the row is corrected.
 */
public class InvalidRegistryRowException extends MigrationsException {
    public InvalidRegistryRowException(String what, String id, String problem) {
        super(ErrorCode.INVALID_REGISTRY_ROW, "Invalid registry row: " + what + " " + id + ": " + problem);
    }
}
