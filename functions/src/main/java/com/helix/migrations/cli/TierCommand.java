package com.helix.migrations.cli;

import com.helix.migrations.core.Action;
import com.helix.migrations.core.BaselineOptions;
import com.helix.migrations.core.Platform;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.fleet.FleetOptions;
import com.helix.migrations.fleet.FleetRun;
import com.helix.migrations.target.Tier;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code central}, {@code tenants}, {@code products}: one tier's databases, fanned out in this process. */
abstract class TierCommand implements Callable<Integer> {
    @ParentCommand
    HelixCommand parent;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    ConcurrencyOption concurrency;

    @Mixin
    OutputOption output;

    @Mixin
    FilterOptions filters;

    @Option(names = "--dry-run", description = "List what is pending, or blocked, per database; change nothing.")
    boolean dryRun;

    @Option(
            names = "--target",
            paramLabel = "VERSION",
            description = "Migrate no further than this version (3, 2.1 or 2_1).")
    String target;

    @Option(
            names = "--max-failures",
            paramLabel = "N",
            description = "Start no new database after N failures (default: carry on to the end).")
    Integer maxFailures;

    @Mixin
    OlderBuildOption olderBuild;

    @Mixin
    RolloutOptions rollout;

    @Mixin
    PerServerOption perServer;

    @Override
    public Integer call() {
        Cli cli = parent.cli;
        FleetOptions options = new FleetOptions(
                concurrency.concurrency,
                maxFailures,
                dryRun ? Action.STATUS : Action.MIGRATE,
                target,
                BaselineOptions.CHECKED,
                perServer.perServer,
                rollout.rollout());
        FleetRun.Scope scope = scope();
        Platform platform = connection.platform(cli.env());
        Report report = Report.of(cli, output);
        new FleetRun(platform, cli.interruption().stopFor(platform))
                .run(List.of(scope), options, report, cli.origin(olderBuild.allowOlderBuild, null));
        return report.exitCode(report.finish());
    }

    abstract FleetRun.Scope scope();

    FleetRun.Scope scope(Tier tier, String productType) {
        return new FleetRun.Scope(tier, productType, filters.ids(), filters.excludeIds(), filters.jurisdiction);
    }

    @Command(name = "central", mixinStandardHelpOptions = true, description = "Migrate the central database.")
    static final class Central extends TierCommand {
        @Override
        FleetRun.Scope scope() {
            if (filters.any() || maxFailures != null) {
                throw new InvalidRequestException(
                        "central takes no --ids, --exclude-ids, --jurisdiction or --max-failures");
            }
            return FleetRun.Scope.central();
        }
    }

    @Command(name = "tenants", mixinStandardHelpOptions = true, description = "Migrate every active tenant database.")
    static final class Tenants extends TierCommand {
        @Override
        FleetRun.Scope scope() {
            return scope(Tier.TENANT, null);
        }
    }

    @Command(
            name = "products",
            mixinStandardHelpOptions = true,
            description = "Migrate every active product database, of all types or one.")
    static final class Products extends TierCommand {
        @Option(names = "--product", paramLabel = "TYPE", description = "Only this product type (kira, ledger, …).")
        String productType;

        @Override
        FleetRun.Scope scope() {
            return scope(Tier.PRODUCT, productType);
        }
    }
}
