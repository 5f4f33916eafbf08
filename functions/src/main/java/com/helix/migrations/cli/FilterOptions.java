package com.helix.migrations.cli;

import com.helix.migrations.exceptions.InvalidRequestException;
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

    /** {@code --ids}: null when not given; never empty (that would select nothing, silently). */
    List<String> ids() {
        return named("--ids", ids);
    }

    /** {@code --exclude-ids}: null when not given. */
    List<String> excludeIds() {
        return named("--exclude-ids", excludeIds);
    }

    private static List<String> named(String flag, List<String> ids) {
        if (ids != null && (ids.isEmpty() || ids.stream().anyMatch(String::isBlank))) {
            throw new InvalidRequestException(flag + " must be ids separated by commas, none of them empty");
        }
        return ids;
    }
}
