package com.helix.migrations.cli;

import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.core.MigrationStatus;
import com.helix.migrations.ledger.RunLedger;
import com.helix.migrations.text.Printable;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The fleet's versions as a table, and how many databases are at each version. */
final class StatusTable {
    private StatusTable() {}

    /**
     * Prints the table and the histogram.
     *
     * @param lastRuns per database ({@code tier/id}), how the last migrate run that reached it ended
     */
    static void print(PrintStream out, List<MigrationOutcome> outcomes, Map<String, RunLedger.LastRun> lastRuns) {
        int width = Math.max(
                8,
                outcomes.stream()
                        .mapToInt(o -> String.valueOf(o.database()).length())
                        .max()
                        .orElse(8));
        String format = "%-" + width + "s  %-7s  %-24s  %-7s  %-38s  %s%n";
        out.printf(format, "DATABASE", "TIER", "ID", "VERSION", "LAST MIGRATE RUN", "PENDING");
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
            RunLedger.LastRun last = lastRuns.get(key(o));
            out.printf(
                    format,
                    Printable.of(o.database()),
                    o.tier().wire(),
                    Printable.of(o.id()),
                    version,
                    last == null ? "-" : last.status() + " (" + last.runId() + ")",
                    pending);
            long repeatables =
                    o.pending().stream().filter(p -> p.startsWith("R ")).count();
            String group = o.tier().wire() + (o.productType() == null ? "" : " " + o.productType());
            histogram.merge(
                    group + " @ " + version + (repeatables > 0 ? " +" + repeatables + " R pending" : ""),
                    1,
                    Integer::sum);
        }
        printHistogram(out, histogram);
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

    /** How many databases are at each version ({@code tenant @ 5}), as bars. */
    static void printHistogram(PrintStream out, Map<String, Integer> histogram) {
        out.println();
        out.println("Databases per version:");
        int most = histogram.values().stream().mapToInt(Integer::intValue).max().orElse(1);
        histogram.forEach((key, count) ->
                out.printf("  %-24s %5d  %s%n", key, count, "█".repeat(Math.max(1, count * 40 / most))));
        out.println();
    }

    /** How a database is named in {@code lastRuns}. */
    static String key(MigrationOutcome outcome) {
        return outcome.tier().wire() + "/" + outcome.id();
    }

    private static long count(List<MigrationOutcome> outcomes, MigrationStatus status) {
        return outcomes.stream().filter(o -> o.status() == status).count();
    }
}
