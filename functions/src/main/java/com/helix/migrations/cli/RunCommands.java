package com.helix.migrations.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.helix.migrations.core.Action;
import com.helix.migrations.core.BaselineOptions;
import com.helix.migrations.core.Platform;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.fleet.FleetOptions;
import com.helix.migrations.fleet.FleetRun;
import com.helix.migrations.json.Json;
import com.helix.migrations.ledger.RunLedger;
import com.helix.migrations.ledger.RunRecord;
import com.helix.migrations.ledger.RunTarget;
import com.helix.migrations.text.Printable;
import java.io.PrintStream;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The commands that read and act on the run ledger: {@code runs}, {@code run}, {@code resume}, {@code stop}, {@code purge}. */
final class RunCommands {
    /** Databases a {@code run} report lists at most, per kind. */
    static final int SHOWN = 50;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'");

    private RunCommands() {}

    /** What every ledger command takes. */
    abstract static class LedgerCommand implements Callable<Integer> {
        @ParentCommand
        HelixCommand parent;

        @Mixin
        ConnectionOptions connection;

        RunLedger ledger() {
            return connection.platform(parent.cli.env()).ledger();
        }

        PrintStream out() {
            return parent.cli.out();
        }
    }

    @Command(
            name = "runs",
            mixinStandardHelpOptions = true,
            description = "List recent fleet runs (state machine and CLI) from the run ledger, newest first.")
    static final class Runs extends LedgerCommand {
        @Mixin
        OutputOption output;

        @Option(
                names = "--limit",
                paramLabel = "N",
                defaultValue = "20",
                description = "How many runs (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            if (limit < 1 || limit > 1000) {
                throw new InvalidRequestException("--limit must be from 1 to 1000, not " + limit);
            }
            List<RunRecord> runs = ledger().recent(limit);
            if (output.json()) {
                out().println(Json.MAPPER.valueToTree(runs).toPrettyString());
                return Main.OK;
            }
            String format = "%-22s  %-13s  %-28s  %-20s  %9s  %-8s  %-9s  %9s  %8s  %10s  %6s  %11s%n";
            out().printf(
                            format,
                            "RUN",
                            "SOURCE",
                            "STARTED BY",
                            "STARTED",
                            "DURATION",
                            "ACTION",
                            "STATUS",
                            "DATABASES",
                            "MIGRATED",
                            "UP TO DATE",
                            "FAILED",
                            "NOT STARTED");
            for (RunRecord run : runs) {
                out().printf(
                                format,
                                run.id(),
                                run.source(),
                                shorten(Printable.of(run.startedBy()), 28),
                                TIME.format(run.startedAt().atOffset(ZoneOffset.UTC)),
                                duration(run.duration()),
                                run.action(),
                                run.status(),
                                run.running() ? "-" : String.valueOf(run.targets()),
                                run.running() ? "-" : String.valueOf(run.migrated()),
                                run.running() ? "-" : String.valueOf(run.upToDate()),
                                run.running() ? "-" : String.valueOf(run.failed()),
                                run.running() ? "-" : String.valueOf(run.notStarted()));
            }
            if (runs.isEmpty()) {
                out().println("(no runs in the ledger)");
            }
            return Main.OK;
        }
    }

    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = "Show one run: its counts per tier, its failed databases with their errors, those not"
                    + " started, and the runs linked to it.")
    static final class Show extends LedgerCommand {
        @Mixin
        OutputOption output;

        @Parameters(paramLabel = "RUN", description = "The run's id (see runs).")
        String runId;

        @Override
        public Integer call() {
            RunLedger ledger = ledger();
            RunRecord run = ledger.run(runId);
            List<RunLedger.Count> counts = ledger.counts(runId);
            List<RunTarget> unfinished = ledger.unfinished(runId, output.json() ? 10_000 : SHOWN * 2);
            List<RunRecord> resumedBy = ledger.resumedBy(runId);
            if (output.json()) {
                ObjectNode document = Json.MAPPER.valueToTree(run);
                document.set("counts", Json.MAPPER.valueToTree(counts));
                document.set("unfinished", Json.MAPPER.valueToTree(unfinished));
                document.set(
                        "resumedBy",
                        Json.MAPPER.valueToTree(
                                resumedBy.stream().map(RunRecord::id).toList()));
                out().println(document.toPrettyString());
                return Main.OK;
            }
            PrintStream out = out();
            out.println("Run " + run.id() + ": " + run.status() + " (" + run.action() + ")");
            out.println("  started   " + TIME.format(run.startedAt().atOffset(ZoneOffset.UTC)) + " by "
                    + Printable.of(run.startedBy()) + " (" + run.source() + "), "
                    + (run.running() ? "running for " : "took ") + duration(run.duration()));
            out.println("  build     "
                    + run.build().entrySet().stream()
                            .map(e -> e.getKey() + " " + e.getValue())
                            .collect(Collectors.joining(", ")));
            if (run.resumes() != null) {
                out.println("  resumes   " + run.resumes());
            }
            if (!resumedBy.isEmpty()) {
                out.println("  resumed by "
                        + resumedBy.stream()
                                .map(r -> r.id() + " (" + r.status() + ")")
                                .collect(Collectors.joining(", ")));
            }
            if (run.stopRequested()) {
                out.println("  a stop was requested");
            }
            out.println();
            out.println("Databases:");
            counts.forEach(c -> out.printf(
                    "  %-8s %-10s %-16s %6d%n",
                    c.tier().wire(), c.productType() == null ? "" : c.productType(), c.status(), c.count()));
            print(
                    out,
                    "Failed",
                    unfinished.stream()
                            .filter(t ->
                                    t.status().equals("failed") || t.status().equals("blocked"))
                            .toList());
            print(
                    out,
                    "Not started",
                    unfinished.stream()
                            .filter(t ->
                                    !t.status().equals("failed") && !t.status().equals("blocked"))
                            .toList());
            if (!unfinished.isEmpty() && !run.running()) {
                out.println();
                out.println("Run them again: helix-migrations resume " + run.id());
            }
            return Main.OK;
        }

        private static void print(PrintStream out, String heading, List<RunTarget> targets) {
            if (targets.isEmpty()) {
                return;
            }
            out.println();
            out.println(heading + ":");
            targets.stream()
                    .limit(SHOWN)
                    .forEach(t -> out.println("  " + t.tier().wire() + " "
                            + Printable.of(t.name()) + " (" + Printable.of(t.id()) + ")"
                            + (t.errorMessage() == null
                                    ? (t.status().equals("running") ? ": was running" : "")
                                    : ": [" + t.errorCode() + "] " + Printable.of(t.errorMessage()))));
            if (targets.size() > SHOWN) {
                out.println("  and more: helix-migrations run ID --output json lists them all");
            }
        }
    }

    @Command(
            name = "resume",
            mixinStandardHelpOptions = true,
            description = "Start a new run over exactly the databases that failed, were blocked or were not started"
                    + " in a run (with its action and target version), linked to it.")
    static final class Resume extends LedgerCommand {
        @Mixin
        OutputOption output;

        @Mixin
        ConcurrencyOption concurrency;

        @Parameters(paramLabel = "RUN", description = "The run to resume (see runs).")
        String runId;

        @Option(
                names = "--max-failures",
                paramLabel = "N",
                description = "Start no new database after N failures (default: the resumed run's).")
        Integer maxFailures;

        @Mixin
        OlderBuildOption olderBuild;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            Platform platform = connection.platform(cli.env());
            RunRecord resumed = platform.ledger().run(runId);
            JsonNode options = resumed.options();
            JsonNode baseline = options.path("baseline");
            FleetOptions fleetOptions = new FleetOptions(
                    concurrency.concurrency,
                    maxFailures != null
                            ? maxFailures
                            : options.path("maxFailures").canConvertToInt()
                                    ? options.path("maxFailures").asInt()
                                    : null,
                    Action.parse(resumed.action()),
                    options.path("targetVersion").isTextual()
                            ? options.path("targetVersion").asText()
                            : null,
                    new BaselineOptions(
                            baseline.path("force").asBoolean(false),
                            baseline.path("referenceId").isTextual()
                                    ? baseline.path("referenceId").asText()
                                    : null));
            Report report = Report.of(cli, output);
            new FleetRun(platform, cli.interruption().stopFor(platform))
                    .run(List.of(), fleetOptions, report, cli.origin(olderBuild.allowOlderBuild, runId));
            return report.exitCode(report.finish());
        }
    }

    @Command(
            name = "stop",
            mixinStandardHelpOptions = true,
            description = "Ask a running run to stop: nothing new starts, what is running finishes, and the run ends"
                    + " stopped (resume it later).")
    static final class StopRun extends LedgerCommand {
        @Parameters(paramLabel = "RUN", description = "The run to stop (see runs).")
        String runId;

        @Override
        public Integer call() {
            RunRecord run = ledger().requestStop(runId);
            out().println("Stop requested for run " + run.id() + ": no new database starts; those running finish."
                    + " A CLI run sees it within its next heartbeat; a state machine's lanes when they record"
                    + " their current databases.");
            return Main.OK;
        }
    }

    @Command(
            name = "purge",
            mixinStandardHelpOptions = true,
            description = "Delete the ledger's runs (and their databases) that ended more than DAYS days ago.")
    static final class Purge extends LedgerCommand {
        @Option(
                names = "--older-than",
                paramLabel = "DAYS",
                required = true,
                description = "Delete runs that ended more than this many days ago (at least 1).")
        int days;

        @Override
        public Integer call() {
            if (days < 1) {
                throw new InvalidRequestException("--older-than must be at least 1 day, not " + days);
            }
            int deleted = ledger().purge(Duration.ofDays(days));
            out().println("Deleted " + deleted + " runs that ended more than " + days + " days ago");
            return Main.OK;
        }
    }

    static String duration(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds < 60
                ? seconds + "s"
                : seconds < 3600
                        ? seconds / 60 + "m" + String.format("%02d", seconds % 60) + "s"
                        : seconds / 3600 + "h" + String.format("%02d", seconds % 3600 / 60) + "m";
    }

    private static String shorten(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "…";
    }
}
