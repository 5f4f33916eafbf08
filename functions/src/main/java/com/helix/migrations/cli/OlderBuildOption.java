package com.helix.migrations.cli;

import picocli.CommandLine.Option;

/** {@code --allow-older-build}: a migrating run may use migrations older than the last successful run's. */
final class OlderBuildOption {
    @Option(
            names = "--allow-older-build",
            description = "Run even though these migrations are older than those of the last successful run.")
    boolean allowOlderBuild;
}
