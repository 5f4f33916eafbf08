package com.helix.migrations.cli;

import com.helix.migrations.core.Action;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.core.Platform;
import com.helix.migrations.fleet.FleetOptions;
import com.helix.migrations.fleet.FleetRun;
import com.helix.migrations.fleet.FleetSummary;
import java.util.List;
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
                        outcome -> {});
        FleetSummary.Builder summary = new FleetSummary.Builder(Integer.MAX_VALUE);
        outcomes.forEach(summary::add);
        FleetSummary result = summary.build();
        if (output.json()) {
            cli.out()
                    .println(Report.documentNode(
                                    result, outcomes, cli.interruption().signal())
                            .toPrettyString());
        } else {
            StatusTable.print(cli.out(), outcomes);
        }
        boolean attention = result.pending() > 0 || result.blocked() > 0 || result.warned() > 0 || result.anyFailed();
        return check && attention ? Main.FAILED : Main.OK;
    }
}
