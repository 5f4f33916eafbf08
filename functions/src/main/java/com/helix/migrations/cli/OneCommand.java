package com.helix.migrations.cli;

import com.helix.migrations.core.Action;
import com.helix.migrations.core.BaselineOptions;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.core.MigrationRequest;
import com.helix.migrations.core.Platform;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.fleet.FleetOptions;
import com.helix.migrations.fleet.FleetRunner;
import com.helix.migrations.json.Json;
import com.helix.migrations.target.Target;
import com.helix.migrations.target.Tier;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code one --tenant ID} / {@code one --product-id ID}: the original library's migrateOne. */
@Command(
        name = "one",
        mixinStandardHelpOptions = true,
        description = "Migrate (or check) one tenant or product database, as provisioning does.")
final class OneCommand implements Callable<Integer> {
    @ParentCommand
    HelixCommand parent;

    @Mixin
    ConnectionOptions connection;

    @ArgGroup(multiplicity = "1")
    Which which;

    static final class Which {
        @Option(names = "--tenant", paramLabel = "ID", required = true, description = "A tenant id.")
        String tenant;

        @Option(names = "--product-id", paramLabel = "ID", required = true, description = "A tenant product id.")
        String product;
    }

    @Option(
            names = "--action",
            paramLabel = "migrate|status|validate|repair|baseline|baseline-check",
            defaultValue = "migrate",
            description =
                    "migrate (default); status (pending, or blocked, changes nothing); validate (fails where migrate would refuse);"
                            + " repair (as flyway repair: removes failed rows, marks removed migrations deleted, aligns checksums);"
                            + " baseline (adopt a database built by another tool, after checking its schema); baseline-check"
                            + " (status, and whether baseline would adopt it; changes nothing).")
    String action;

    @Option(
            names = "--target",
            paramLabel = "VERSION",
            description =
                    "Migrate no further than this version (3, 2.1 or 2_1); for baseline, the version to baseline at.")
    String target;

    @Option(names = "--force", description = "baseline: without comparing the schema (said in the result).")
    boolean force;

    @Option(
            names = "--reference-id",
            paramLabel = "ID",
            description = "baseline: compare with this tenant's or product's database instead of a scratch one.")
    String referenceId;

    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        Cli cli = parent.cli;
        Action parsed = Action.parse(action);
        if ((force || referenceId != null) && !parsed.baseline()) {
            throw new InvalidRequestException("--force and --reference-id go with --action baseline or baseline-check");
        }
        BaselineOptions baseline = new BaselineOptions(force, referenceId);
        MigrationRequest request = which.tenant != null
                ? new MigrationRequest(Tier.TENANT, which.tenant, parsed, target, baseline)
                : new MigrationRequest(Tier.PRODUCT, which.product, parsed, target, baseline);
        Platform platform = connection.platform(cli.env());
        // Not found, not provisioned: exit 2; central unreachable: exit 1, worth trying again (Main).
        Target found = platform.registry().find(request.tier(), request.id());
        // From here on a failure is this database's, reported as its outcome: exit 1.
        MigrationOutcome outcome = new FleetRunner(
                        platform.migrator(), cli.interruption().stopFor(platform))
                .run(
                        List.of(found),
                        new FleetOptions(1, null, request.action(), request.targetVersion(), request.baseline()),
                        o -> {})
                .outcomes()
                .get(0);
        if (output.json()) {
            cli.out().println(Json.MAPPER.valueToTree(outcome).toPrettyString());
        } else {
            cli.out().println("[" + outcome.tier().migrator() + "] " + outcome.line());
        }
        return outcome.succeeded() ? Main.OK : Main.FAILED;
    }
}
