package com.helix.migrations.cli;

import com.helix.migrations.core.Action;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.core.MigrationStatus;
import com.helix.migrations.core.Platform;
import com.helix.migrations.fleet.FleetOptions;
import com.helix.migrations.fleet.FleetRun;
import com.helix.migrations.fleet.FleetSummary;
import com.helix.migrations.text.Printable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code repair}: what {@code flyway repair} does, over the fleet, saying per database what it changed. */
@Command(
        name = "repair",
        mixinStandardHelpOptions = true,
        description = {
            "Repair the Flyway history of the fleet's databases, as flyway repair does: remove failed rows,"
                    + " mark migrations no longer in the set as deleted, align checksums with the files.",
            "Run it after fixing what a failed migration left behind; --dry-run first shows what it would change."
        })
final class RepairCommand extends FleetCheckCommand {
    @Option(names = "--dry-run", description = "Show what repair would change per database; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        Cli cli = parent.cli;
        Platform platform = connection.platform(cli.env());
        Report report = new Report(cli, output, dryRun ? RepairCommand::preview : MigrationOutcome::line);
        new FleetRun(platform, cli.interruption().stopFor(platform))
                .run(
                        tiers.scopes(true),
                        new FleetOptions(concurrency.concurrency, null, dryRun ? Action.STATUS : Action.REPAIR, null),
                        report,
                        cli.origin(false, null));
        FleetSummary summary = report.finish();
        return summary.anyFailed() ? Main.FAILED : Main.OK;
    }

    /** A dry run's line: what repair would change. */
    private static String preview(MigrationOutcome outcome) {
        String who =
                outcome.tier().wire() + ": " + Printable.of(outcome.name()) + " (" + Printable.of(outcome.id()) + ")";
        if (outcome.status() == MigrationStatus.FAILED) {
            return outcome.line();
        }
        return outcome.repairs().isEmpty()
                ? "✓ Nothing to repair in " + who + " at " + outcome.version()
                : "• Would repair " + who + " at " + outcome.version() + ": " + String.join("; ", outcome.repairs());
    }
}
