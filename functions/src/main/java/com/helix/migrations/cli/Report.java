package com.helix.migrations.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.helix.migrations.core.Action;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.exceptions.ErrorCode;
import com.helix.migrations.exceptions.MigrationsException;
import com.helix.migrations.fleet.FleetRun;
import com.helix.migrations.fleet.FleetSummary;
import com.helix.migrations.json.Json;
import com.helix.migrations.ledger.RunRecord;
import com.helix.migrations.target.Tier;
import com.helix.migrations.text.Printable;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

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
    private final Map<String, Integer> verdicts = new TreeMap<>();
    private Map<String, Integer> scopeVerdicts = new TreeMap<>();
    private Action action;
    private int scopes;
    private Tier tier;
    private int expected;
    private int done;
    private boolean progressShown;
    private RunRecord run;
    private MigrationsException notRecorded;

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
        this.action = action;
        scopes++;
        scopeSummary = new FleetSummary.Builder(0);
        scopeVerdicts = new TreeMap<>();
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
            case BASELINE -> " to baseline";
            case STATUS, VALIDATE, BASELINE_CHECK -> " to check";
        };
        line("Found " + count + " active " + noun + purpose);
    }

    @Override
    public synchronized void outcome(MigrationOutcome outcome) {
        results.add(outcome);
        summary.add(outcome);
        scopeSummary.add(outcome);
        if (outcome.action() == Action.BASELINE_CHECK) {
            String verdict = outcome.baseline() == null
                    ? "failed"
                    : outcome.baseline().verdict().wire();
            verdicts.merge(verdict, 1, Integer::sum);
            scopeVerdicts.merge(verdict, 1, Integer::sum);
        }
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
        line(
                action == Action.BASELINE_CHECK
                        ? "Baseline check complete: " + counted(scopeVerdicts)
                        : scopeSummary.build().message());
    }

    @Override
    public synchronized void waveStarting(int wave, int waves, int count) {
        tier = null;
        line((wave == 0 ? "Canary" : "Wave " + wave) + ": " + count + " databases");
    }

    @Override
    public synchronized void gateClosed(String reason, int notStarted) {
        summary.skipped(notStarted);
        tier = null;
        line("Gate closed after " + reason + ": " + notStarted + " databases of later waves not started");
    }

    @Override
    public synchronized void baking(int seconds) {
        tier = null;
        line("Baking " + seconds + " s before the next wave");
    }

    @Override
    public synchronized void runStarted(RunRecord started) {
        tier = null;
        line("Run " + started.id() + " started"
                + (started.resumes() == null ? "" : ", resuming run " + started.resumes()));
    }

    @Override
    public synchronized void runFinished(RunRecord finished) {
        run = finished;
    }

    @Override
    public synchronized void runNotRecorded(RunRecord started, MigrationsException failure) {
        run = started;
        notRecorded = failure;
    }

    /** Prints the closing lines (or the JSON document) and returns the summary. */
    synchronized FleetSummary finish() {
        FleetSummary result = summary.build();
        if (json) {
            ObjectNode document = documentNode(result, results, interruption.signal());
            if (!verdicts.isEmpty()) {
                document.set("verdicts", Json.MAPPER.valueToTree(verdicts));
            }
            if (run != null) {
                document.put("runId", run.id());
                document.put("runStatus", notRecorded == null ? run.status() : "not recorded");
            }
            if (notRecorded != null) {
                document.put("ledgerError", notRecorded.getMessage());
            }
            out.println(document.toPrettyString());
        } else {
            printClosingLines(result);
            if (notRecorded != null) {
                out.println();
                out.println("Run " + run.id() + " not recorded to the end (" + notRecorded.getMessage()
                        + "): every database above ran as shown; the ledger will show the run abandoned");
            } else if (run != null) {
                out.println();
                out.println("Run " + run.id() + " " + run.status()
                        + (run.status().equals("succeeded")
                                ? ""
                                : "; run the rest again: helix-migrations resume " + run.id()));
            }
        }
        return result;
    }

    /**
     * The exit code of what {@link #finish} reported: 1 when a database failed, was blocked or was not
     * started; for a baseline check, when one was refused (a database without history is blocked to
     * migrate, and is what a baseline is for).
     */
    synchronized int exitCode(FleetSummary summary) {
        if (action == Action.BASELINE_CHECK) {
            return verdicts.containsKey("failed") || verdicts.containsKey("managed") || verdicts.containsKey("drifted")
                    ? Main.FAILED
                    : Main.OK;
        }
        return summary.anyFailed() || summary.blocked() > 0 || summary.skipped() > 0 || notRecorded != null
                ? Main.FAILED
                : Main.OK;
    }

    /** {@code 2 adoptable, 1 drifted}. */
    private static String counted(Map<String, Integer> counts) {
        return counts.isEmpty()
                ? "no databases"
                : counts.entrySet().stream()
                        .map(e -> e.getValue() + " " + e.getKey())
                        .collect(Collectors.joining(", "));
    }

    /**
     * The {@code --output json} document: the summary's fields and every database's result, and
     * {@code interruptedBy} when a signal stopped the run.
     */
    static ObjectNode documentNode(FleetSummary summary, List<MigrationOutcome> results, String interruptedBy) {
        ObjectNode document = Json.MAPPER.valueToTree(summary);
        if (interruptedBy != null) {
            document.put("interruptedBy", interruptedBy);
        }
        document.set("results", Json.MAPPER.valueToTree(results));
        return document;
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
        if (action == Action.BASELINE_CHECK) {
            printRefused();
            return;
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

    /** A baseline check's closing lines: the verdicts over every tier, and the databases refused, again. */
    private void printRefused() {
        if (scopes > 1) {
            tier = null;
            line("All tiers: " + counted(verdicts));
        }
        List<MigrationOutcome> refused = results.stream()
                .filter(o -> o.baseline() == null || o.baseline().verdict().refused())
                .toList();
        if (!refused.isEmpty()) {
            out.println();
            out.println("Refused databases (nothing was written to any database):");
            refused.stream()
                    .limit(FAILURES_SHOWN)
                    .forEach(o -> out.println("  ✗ " + o.tier().wire() + " " + Printable.of(o.name()) + " ("
                            + Printable.of(o.id()) + "): "
                            + (o.baseline() == null ? o.error() : o.baseline().refusal())));
            if (refused.size() > FAILURES_SHOWN) {
                out.println("  and " + (refused.size() - FAILURES_SHOWN) + " more");
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
            case BASELINE -> "baseline";
            case STATUS, VALIDATE -> "dry run";
            case BASELINE_CHECK -> "baseline check";
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
