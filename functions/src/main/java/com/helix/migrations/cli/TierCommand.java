package com.helix.migrations.cli;

import com.helix.migrations.core.DatabaseMigrator;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.fleet.FleetOptions;
import com.helix.migrations.registry.Tier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code central}, {@code tenants}, {@code products}: one tier's databases, fanned out in this process. */
abstract class TierCommand implements Callable<Integer> {
    @ParentCommand
    HelixCommand parent;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    FleetOptionsMixin fleet;

    @Override
    public Integer call() {
        Cli cli = parent.cli;
        FleetOptions options = fleet.options();
        DatabaseMigrator migrator = DatabaseMigrator.fromConfig(connection.config(cli.env()));
        Report report = new Report(cli.out(), fleet.output == FleetOptionsMixin.Output.json, Terminal.interactive(cli.env()));
        run(new FleetMigration(migrator, report), options);
        return FleetMigration.exitCode(report.finish());
    }

    abstract void run(FleetMigration migration, FleetOptions options);

    @Command(name = "central", mixinStandardHelpOptions = true, description = "Migrate the central database.")
    static final class Central extends TierCommand {
        @Override
        void run(FleetMigration migration, FleetOptions options) {
            if (fleet.ids != null || fleet.excludeIds != null || fleet.jurisdiction != null || fleet.maxFailures != null) {
                throw new InvalidRequestException("central takes no --ids, --exclude-ids, --jurisdiction or --max-failures");
            }
            migration.central(options);
        }
    }

    @Command(name = "tenants", mixinStandardHelpOptions = true, description = "Migrate every active tenant database.")
    static final class Tenants extends TierCommand {
        @Override
        void run(FleetMigration migration, FleetOptions options) {
            migration.tier(Tier.TENANT, null, fleet, options);
        }
    }

    @Command(name = "products", mixinStandardHelpOptions = true, description = "Migrate every active product database, of all types or one.")
    static final class Products extends TierCommand {
        @Option(names = "--product", paramLabel = "TYPE", description = "Only this product type (kira, ledger, …).")
        String productType;

        @Override
        void run(FleetMigration migration, FleetOptions options) {
            migration.tier(Tier.PRODUCT, productType, fleet, options);
        }
    }
}
