package com.helix.migrations.cli;

import java.util.List;
import picocli.CommandLine.Option;

/** Which of a tier's databases: the filters every fan-out command shares. */
final class FilterOptions {
    @Option(names = "--ids", paramLabel = "ID", split = ",", description = "Only these ids (comma-separated).")
    List<String> ids;

    @Option(names = "--exclude-ids", paramLabel = "ID", split = ",", description = "Never these ids (comma-separated).")
    List<String> excludeIds;

    @Option(
            names = "--jurisdiction",
            paramLabel = "J",
            description = "Only databases of this jurisdiction (uk, eu, …).")
    String jurisdiction;

    boolean any() {
        return ids != null || excludeIds != null || jurisdiction != null;
    }
}
