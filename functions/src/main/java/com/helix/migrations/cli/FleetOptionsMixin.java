package com.helix.migrations.cli;

import com.helix.migrations.core.Action;
import com.helix.migrations.fleet.FleetOptions;
import picocli.CommandLine.Option;

import java.util.List;

/** The flags every fan-out command shares. */
final class FleetOptionsMixin {
    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "5",
            description = "Databases migrated at once, 1 to 100 (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--ids", paramLabel = "ID", split = ",", description = "Only these ids (comma-separated).")
    List<String> ids;

    @Option(names = "--exclude-ids", paramLabel = "ID", split = ",", description = "Never these ids (comma-separated).")
    List<String> excludeIds;

    @Option(names = "--jurisdiction", paramLabel = "J", description = "Only databases of this jurisdiction (uk, eu, …).")
    String jurisdiction;

    @Option(names = "--dry-run", description = "List what is pending per database; change nothing.")
    boolean dryRun;

    @Option(names = "--target", paramLabel = "VERSION", description = "Migrate no further than this version.")
    String target;

    @Option(names = "--max-failures", paramLabel = "N",
            description = "Start no new database after N failures (default: carry on to the end).")
    Integer maxFailures;

    @Option(names = "--output", paramLabel = "text|json", defaultValue = "text",
            description = "text (default) or json: one JSON document {success, failed, results} on standard output.")
    Output output;

    enum Output { text, json }

    FleetOptions options() {
        return new FleetOptions(concurrency, maxFailures, dryRun ? Action.STATUS : Action.MIGRATE, target);
    }
}
