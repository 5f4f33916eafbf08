package com.helix.migrations.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.fleet.FleetSummary;
import com.helix.migrations.json.Json;
import com.helix.migrations.registry.Tier;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * What a fleet run prints: the original library's lines ({@code [TenantMigrator] ✓ Migrated tenant: …}),
 * a live progress line when standard output is a terminal, the failures again at the end; or, with
 * {@code --output json}, one JSON document and nothing else on standard output.
 */
final class Report {
    static final int FAILURES_SHOWN = 5;

    private final PrintStream out;
    private final boolean json;
    private final boolean progress;
    private final List<MigrationOutcome> results = new ArrayList<>();
    private final FleetSummary.Builder summary = new FleetSummary.Builder(Integer.MAX_VALUE);
    private FleetSummary.Builder tierSummary = new FleetSummary.Builder(0);
    private int tiers;
    private Tier tier;
    private int expected;
    private int done;
    private boolean progressShown;

    Report(PrintStream out, boolean json, boolean progress) {
        this.out = out;
        this.json = json;
        this.progress = progress && !json;
    }

    synchronized void starting(Tier tier, String what) {
        this.tier = tier;
        tiers++;
        tierSummary = new FleetSummary.Builder(0);
        line("Starting " + what + "...");
    }

    synchronized void found(int count, String what) {
        expected = count;
        done = 0;
        line("Found " + count + " " + what);
    }

    synchronized void outcome(MigrationOutcome outcome) {
        results.add(outcome);
        summary.add(outcome);
        tierSummary.add(outcome);
        done++;
        line(outcome.line());
        showProgress();
    }

    /** Closes one tier: how many were not started (failure limit), and its {@code Migration complete} line. */
    synchronized void tierDone(int notStarted) {
        summary.skipped(notStarted);
        tierSummary.skipped(notStarted);
        if (notStarted > 0) {
            line("Failure limit reached: " + notStarted + " databases not started");
        }
        line(tierSummary.build().message());
    }

    /** Prints the closing lines (or the JSON document) and returns the summary. */
    synchronized FleetSummary finish() {
        FleetSummary result = summary.build();
        if (json) {
            ObjectNode document = Json.MAPPER.valueToTree(result);
            document.set("results", Json.MAPPER.valueToTree(results));
            out.println(document.toPrettyString());
            return result;
        }
        if (tiers > 1) {
            tier = null;
            line("All tiers: " + result.succeeded() + " succeeded, " + result.failedCount() + " failed"
                    + (result.skipped() > 0 ? ", " + result.skipped() + " not started" : ""));
        }
        if (result.anyFailed()) {
            out.println();
            out.println("Failed databases:");
            result.failed().stream().limit(FAILURES_SHOWN).forEach(f ->
                    out.println("  ✗ " + f.tier() + " " + f.name() + " (" + f.id() + "): " + f.error()));
            if (result.failedCount() > FAILURES_SHOWN) {
                out.println("  and " + (result.failedCount() - FAILURES_SHOWN) + " more");
            }
        }
        return result;
    }

    /** A line for people; nothing in JSON mode. */
    synchronized void line(String text) {
        if (json) {
            return;
        }
        clearProgress();
        out.println(tier == null ? text : "[" + tier.migrator() + "] " + text);
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
