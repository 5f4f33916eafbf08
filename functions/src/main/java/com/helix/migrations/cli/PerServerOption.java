package com.helix.migrations.cli;

import picocli.CommandLine.Option;

/** {@code --per-server N}: at most N databases at once on any one database server. */
final class PerServerOption {
    @Option(
            names = "--per-server",
            paramLabel = "N",
            description = "At most N databases at once on any one database server (host and port); --concurrency"
                    + " caps the whole run (default: no limit per server).")
    Integer perServer;
}
