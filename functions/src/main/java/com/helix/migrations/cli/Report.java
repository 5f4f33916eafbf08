package com.helix.migrations.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.helix.migrations.core.Action;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.exceptions.ErrorCode;
import com.helix.migrations.fleet.FleetRun;
import com.helix.migrations.fleet.FleetSummary;
import com.helix.migrations.json.Json;
import com.helix.migrations.target.Tier;
import com.helix.migrations.text.Printable;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What a fleet run prints: the original library's lines ({@code [TenantMigrator] ✓ Migrated tenant: …}),
 * a live progress line when standard output is a terminal, the failures again at the end; or, with
 * {@code --output json}, one JSON document and nothing else on standard output.
 */
final class Report implements FleetRun.Listener {
    static final int FAILURES_SHOWN = 5;

    private final PrintStream out;
    private final Interruption interruption;
    private final boolean json;
    private final boolean progress;
    private final Function<MigrationOutcome, String> lineOf;
    private final List<MigrationOutcome> results = new ArrayList<>();
    private final FleetSummary.Builder summary = new FleetSummary.Builder(Integer.MAX_VALUE);
    private FleetSummary.Builder scopeSummary = new FleetSummary.Builder(0);
    private int scopes;
    private Tier tier;
    private int expected;
    private int done;
    private boolean progressShown;

    /**
     * The report a command prints to its standard output, as its flags ask.
     *
     * @param lineOf how one database's outcome is written (the original library's line by default)
     */
    Report(Cli cli, OutputOption output, Function<MigrationOutcome, String> lineOf) {
        this.out = cli.out();
        this.interruption = cli.interruption();
        this.json = output.json();
        this.progress = Terminal.interactive(cli.env()) && !json;
        this.lineOf = lineOf;
    }

    static Report of(Cli cli, OutputOption output) {
        return new Report(cli, output, MigrationOutcome::line);
    }

    @Override
    public synchronized void starting(FleetRun.Scope scope, Action action) {
        this.tier = scope.tier();
        scopes++;
        scopeSummary = new FleetSummary.Builder(0);
        String what = switch (scope.tier()) {
            case CENTRAL -> "the central database";
            case TENANT -> "all tenant databases";
            case PRODUCT ->
                scope.productType() == null
                        ? "all product databases"
                        : "all " + scope.productType() + " product databases";
        };
        line("Starting " + verb(action) + " for " + what + "...");
    }

    @Override
    public synchronized void found(FleetRun.Scope scope, int count, Action action) {
        expected = count;
        done = 0;
        String noun = scope.tier() == Tier.TENANT ? "tenants" : "products";
        String purpose = switch (action) {
            case MIGRATE -> " to migrate";
            case REPAIR -> " to repair";
            case STATUS, VALIDATE -> " to check";
        };
        line("Found " + count + " active " + noun + purpose);
    }

    @Override
    public synchronized void outcome(MigrationOutcome outcome) {
        results.add(outcome);
        summary.add(outcome);
        scopeSummary.add(outcome);
        done++;
        line(lineOf.apply(outcome));
        showProgress();
    }

    /** Closes one tier: how many were not started and why, and its {@code Migration complete} line. */
    @Override
    public synchronized void scopeDone(FleetRun.Scope scope, int notStarted, String stoppedBy) {
        summary.skipped(notStarted);
        scopeSummary.skipped(notStarted);
        if (notStarted > 0) {
            line((stoppedBy == null ? "Failure limit reached" : "Interrupted by " + stoppedBy) + ": " + notStarted
                    + " databases not started");
        }
        line(scopeSummary.build().message());
    }

    /** Prints the closing lines (or the JSON document) and returns the summary. */
    synchronized FleetSummary finish() {
        FleetSummary result = summary.build();
        if (json) {
            out.println(document(result, results, interruption.signal()));
        } else {
            printClosingLines(result);
        }
        return result;
    }

    /**
     * The {@code --output json} document: the summary's fields and every database's result, and
     * {@code interruptedBy} when a signal stopped the run.
     */
    static String document(FleetSummary summary, List<MigrationOutcome> results, String interruptedBy) {
        ObjectNode document = Json.MAPPER.valueToTree(summary);
        if (interruptedBy != null) {
            document.put("interruptedBy", interruptedBy);
        }
        document.set("results", Json.MAPPER.valueToTree(results));
        return document.toPrettyString();
    }

    /** A run's exit code: 1 when a database failed, was blocked or was not started. */
    static int exitCode(FleetSummary summary) {
        return summary.anyFailed() || summary.blocked() > 0 || summary.skipped() > 0 ? Main.FAILED : Main.OK;
    }

    private void printClosingLines(FleetSummary result) {
        if (interruption.signal() != null) {
            long stopped = results.stream()
                    .filter(o -> o.errorCode() == ErrorCode.INTERRUPTED)
                    .count();
            tier = null;
            line("Interrupted by " + interruption.signal() + ": " + (results.size() - stopped) + " finished, " + stopped
                    + " stopped (a transactional migration in progress is rolled back), " + result.skipped()
                    + " not started. Run again to carry on.");
        }
        if (scopes > 1) {
            tier = null;
            line("All tiers: " + result.succeeded() + " succeeded, " + result.failedCount() + " failed"
                    + (result.blocked() > 0 ? ", " + result.blocked() + " blocked" : "")
                    + (result.skipped() > 0 ? ", " + result.skipped() + " not started" : ""));
        }
        if (!result.failed().isEmpty()) {
            out.println();
            out.println(result.blocked() > 0 ? "Failed or blocked databases:" : "Failed databases:");
            result.failed().stream()
                    .limit(FAILURES_SHOWN)
                    .forEach(f -> out.println("  ✗ " + f.tier() + " " + Printable.of(f.name()) + " ("
                            + Printable.of(f.id()) + "): " + f.error()));
            int unnamed = result.failedCount() + result.blocked() - FAILURES_SHOWN;
            if (unnamed > 0) {
                out.println("  and " + unnamed + " more");
            }
        }
    }

    /** A line for people; nothing in JSON mode. */
    synchronized void line(String text) {
        if (json) {
            return;
        }
        clearProgress();
        out.println(tier == null ? text : "[" + tier.migrator() + "] " + text);
    }

    private static String verb(Action action) {
        return switch (action) {
            case MIGRATE -> "migration";
            case REPAIR -> "repair";
            case STATUS, VALIDATE -> "dry run";
        };
    }

    private void showProgress() {
        if (progress && expected > 0) {
            out.print("\r" + done + "/" + expected + " databases done");
            out.flush();
            progressShown = true;
        }
    }

    private void clearProgress() {
        if (progressShown) {
            out.print("\r\033[2K");
            progressShown = false;
        }
    }
}
