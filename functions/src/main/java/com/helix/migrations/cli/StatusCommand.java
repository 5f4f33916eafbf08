package com.helix.migrations.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.helix.migrations.core.Action;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.core.Platform;
import com.helix.migrations.fleet.FleetOptions;
import com.helix.migrations.fleet.FleetRun;
import com.helix.migrations.fleet.FleetSummary;
import com.helix.migrations.json.Json;
import com.helix.migrations.ledger.RunLedger;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code status}: every database's version, what is pending or blocked, and how many databases are at each version. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description =
                "Show the fleet's schema versions, pending migrations and what migrate would refuse; change nothing.")
final class StatusCommand extends FleetCheckCommand {
    @Option(
            names = "--check",
            description =
                    "Exit 1 when any database has pending migrations, is blocked, carries a warning (newer than the known migrations), or could not be checked.")
    boolean check;

    @Option(
            names = "--baseline-check",
            paramLabel = "VERSION",
            description = "Also say, per database, whether baseline at this version would adopt it (see baseline).")
    String baselineCheck;

    @Override
    public Integer call() {
        Cli cli = parent.cli;
        List<FleetRun.Scope> scopes = tiers.scopes(false);
        Platform platform = connection.platform(cli.env());
        List<MigrationOutcome> outcomes = new FleetRun(
                        platform, cli.interruption().stopFor(platform))
                .run(
                        scopes,
                        new FleetOptions(
                                concurrency.concurrency,
                                null,
                                baselineCheck == null ? Action.STATUS : Action.BASELINE_CHECK,
                                baselineCheck),
                        outcome -> {},
                        cli.origin(false, null))
                .outcomes();
        FleetSummary.Builder summary = new FleetSummary.Builder(Integer.MAX_VALUE);
        outcomes.forEach(summary::add);
        FleetSummary result = summary.build();
        Map<String, RunLedger.LastRun> lastRuns = lastRuns(platform.ledger(), outcomes);
        if (output.json()) {
            ObjectNode document =
                    Report.documentNode(result, outcomes, cli.interruption().signal());
            document.set("lastMigrateRuns", Json.MAPPER.valueToTree(lastRuns));
            cli.out().println(document.toPrettyString());
        } else {
            StatusTable.print(cli.out(), outcomes, lastRuns);
        }
        boolean attention = result.pending() > 0 || result.blocked() > 0 || result.warned() > 0 || result.anyFailed();
        return check && attention ? Main.FAILED : Main.OK;
    }

    /** Per database ({@code tier/id}), how the last migrate run that reached it ended. */
    private static Map<String, RunLedger.LastRun> lastRuns(RunLedger ledger, List<MigrationOutcome> outcomes) {
        Map<String, RunLedger.LastRun> lastRuns = new TreeMap<>();
        outcomes.stream()
                .collect(Collectors.groupingBy(MigrationOutcome::tier))
                .forEach((tier, ofTier) -> ledger.lastMigrateRuns(
                                tier, ofTier.stream().map(MigrationOutcome::id).toList())
                        .forEach((id, last) -> lastRuns.put(tier.wire() + "/" + id, last)));
        return lastRuns;
    }
}
