package com.helix.migrations.cli;

import com.helix.migrations.fleet.FleetOptions;
import picocli.CommandLine.Option;

/** How a fan-out command runs and prints: shared by every command that reaches many databases. */
final class RunOptions {
    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "" + FleetOptions.DEFAULT_CONCURRENCY,
            description = "Databases worked on at once, 1 to " + FleetOptions.MAX_CONCURRENCY + " (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--output", paramLabel = "text|json", defaultValue = "text",
            description = "text (default) or json: one JSON document {success, failed, results, counts…} on standard output, nothing else.")
    Output output;

    enum Output { text, json }

    boolean json() {
        return output == Output.json;
    }
}
