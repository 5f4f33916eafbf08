package com.helix.migrations.cli;

import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.core.MigrationStatus;
import com.helix.migrations.text.Printable;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The fleet's versions as a table, and how many databases are at each version. */
final class StatusTable {
    private StatusTable() {}

    static void print(PrintStream out, List<MigrationOutcome> outcomes) {
        int width = Math.max(
                8,
                outcomes.stream()
                        .mapToInt(o -> String.valueOf(o.database()).length())
                        .max()
                        .orElse(8));
        String format = "%-" + width + "s  %-7s  %-24s  %-7s  %s%n";
        out.printf(format, "DATABASE", "TIER", "ID", "VERSION", "PENDING");
        Map<String, Integer> histogram = new TreeMap<>();
        for (MigrationOutcome o : outcomes) {
            String version = o.status() == MigrationStatus.FAILED ? "?" : o.version();
            String pending = switch (o.status()) {
                case FAILED -> "error: " + o.error();
                case BLOCKED -> o.pending().size() + ", blocked: " + o.blockedReason();
                default ->
                    o.pending().size()
                            + (o.warnings().isEmpty() ? "" : ", warning: " + String.join("; ", o.warnings()));
            };
            if (o.baseline() != null) {
                pending += " · " + o.baseline().summary();
            }
            out.printf(format, Printable.of(o.database()), o.tier().wire(), Printable.of(o.id()), version, pending);
            long repeatables =
                    o.pending().stream().filter(p -> p.startsWith("R ")).count();
            String group = o.tier().wire() + (o.productType() == null ? "" : " " + o.productType());
            histogram.merge(
                    group + " @ " + version + (repeatables > 0 ? " +" + repeatables + " R pending" : ""),
                    1,
                    Integer::sum);
        }
        out.println();
        out.println("Databases per version:");
        int most = histogram.values().stream().mapToInt(Integer::intValue).max().orElse(1);
        histogram.forEach((key, count) ->
                out.printf("  %-24s %5d  %s%n", key, count, "█".repeat(Math.max(1, count * 40 / most))));
        out.println();
        long failed = count(outcomes, MigrationStatus.FAILED);
        long blocked = count(outcomes, MigrationStatus.BLOCKED);
        long pending = count(outcomes, MigrationStatus.PENDING);
        // A warning (a database newer than the known migrations) needs a look, although migrate would not refuse it.
        long warned = outcomes.stream()
                .filter(o -> o.status() == MigrationStatus.UP_TO_DATE
                        && !o.warnings().isEmpty())
                .count();
        out.println(outcomes.size() + " databases: " + (outcomes.size() - failed - blocked - pending - warned)
                + " up to date, " + warned + " with warnings, " + pending + " with pending migrations, " + blocked
                + " blocked, " + failed + " could not be checked");
    }

    private static long count(List<MigrationOutcome> outcomes, MigrationStatus status) {
        return outcomes.stream().filter(o -> o.status() == status).count();
    }
}
