package com.helix.migrations.schema;

import java.util.List;

/**
 * What Flyway found or did on one database.
 *
 * @param fromVersion the schema version before (null: empty database)
 * @param toVersion   the schema version after (equal to {@code fromVersion} when nothing was applied)
 * @param applied     how many migrations this run applied
 * @param pending     versions still pending after this run, oldest first
 * @param warnings    what Flyway warned about, such as a database newer than the known migrations
 */
public record SchemaReport(String fromVersion, String toVersion, int applied, List<String> pending, List<String> warnings) {
    public SchemaReport {
        pending = List.copyOf(pending);
        warnings = List.copyOf(warnings);
    }
}
