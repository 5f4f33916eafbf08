package com.helix.migrations.cli;

import com.helix.migrations.fleet.FleetOptions;
import picocli.CommandLine.Option;

/** {@code --concurrency N}: how many databases a fan-out command works on at once. */
final class ConcurrencyOption {
    @Option(
            names = "--concurrency",
            paramLabel = "N",
            defaultValue = "" + FleetOptions.DEFAULT_CONCURRENCY,
            description = "Databases worked on at once, 1 to " + FleetOptions.MAX_CONCURRENCY
                    + " (default: ${DEFAULT-VALUE}).")
    int concurrency;
}
