package com.helix.migrations.cli;

import com.helix.migrations.core.Action;
import com.helix.migrations.core.BaselineOptions;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.core.MigrationStatus;
import com.helix.migrations.core.Platform;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.fleet.FleetOptions;
import com.helix.migrations.fleet.FleetRun;
import com.helix.migrations.schema.BaselineVerdict;
import com.helix.migrations.text.Printable;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code baseline}: adopt databases whose schema another tool built. Each is checked first against the
 * schema the migrations produce at the version; {@code --dry-run} only checks.
 */
@Command(
        name = "baseline",
        mixinStandardHelpOptions = true,
        description = {
            "Adopt databases built by another tool: check each schema against the one the migrations produce at"
                    + " the version (built in a scratch database on its server, or read from --reference-id), then"
                    + " write Flyway's baseline row, as flyway baseline does. A database with history, or lacking"
                    + " anything the migrations' schema has, is refused; nothing is written to it.",
            "Run --dry-run first: it checks every database and writes nothing."
        })
final class BaselineCommand extends FleetCheckCommand {
    @Option(
            names = "--target",
            paramLabel = "VERSION",
            description = "The version to baseline at (default: baselineVersion in the tier's Flyway configuration).")
    String target;

    @Option(names = "--dry-run", description = "Check every database and say what baseline would do; write nothing.")
    boolean dryRun;

    @Option(names = "--force", description = "Baseline without comparing the schema (said in each result).")
    boolean force;

    @Option(
            names = "--reference-id",
            paramLabel = "ID",
            description = "Compare with this tenant's or product's database (at the version) instead of building"
                    + " the reference in a scratch database. Needs --tier.")
    String referenceId;

    @Override
    public Integer call() {
        Cli cli = parent.cli;
        if (referenceId != null && tiers.tier == null) {
            throw new InvalidRequestException("--reference-id goes with --tier: a reference is one tier's database");
        }
        List<FleetRun.Scope> scopes = tiers.scopes(true);
        FleetOptions options = new FleetOptions(
                concurrency.concurrency,
                null,
                dryRun ? Action.BASELINE_CHECK : Action.BASELINE,
                target,
                new BaselineOptions(force, referenceId));
        Platform platform = connection.platform(cli.env());
        Report report = new Report(cli, output, dryRun ? BaselineCommand::preview : MigrationOutcome::line);
        new FleetRun(platform, cli.interruption().stopFor(platform))
                .run(scopes, options, report, cli.origin(false, null));
        return report.exitCode(report.finish());
    }

    /** A dry run's line: what baseline would do to the database. */
    private static String preview(MigrationOutcome outcome) {
        BaselineVerdict verdict = outcome.baseline();
        if (outcome.status() == MigrationStatus.FAILED || verdict == null) {
            return outcome.line();
        }
        String who =
                outcome.tier().wire() + ": " + Printable.of(outcome.name()) + " (" + Printable.of(outcome.id()) + ")";
        return switch (verdict.verdict()) {
            case ADOPTABLE ->
                "✓ Would baseline " + who + " at " + verdict.version()
                        + (verdict.extras().isEmpty()
                                ? ""
                                : " ⚠ not in the migrations: " + String.join("; ", verdict.extras()));
            case FORCED -> "✓ Would baseline " + who + " at " + verdict.version() + " without comparing (--force)";
            case EMPTY -> "• Nothing to baseline in " + who + ": empty; migrate applies every migration";
            case MANAGED -> "✗ Baseline refused for " + who + ": already managed, at version " + outcome.version();
            case DRIFTED -> "✗ Baseline refused for " + who + ": " + verdict.refusal();
        };
    }
}
