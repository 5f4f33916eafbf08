package com.helix.migrations.cli;

import com.helix.migrations.core.Action;
import com.helix.migrations.core.DatabaseMigrator;
import com.helix.migrations.fleet.FleetOptions;
import com.helix.migrations.fleet.FleetRunner;
import com.helix.migrations.registry.Target;
import com.helix.migrations.registry.TargetQuery;
import com.helix.migrations.registry.Tier;

import java.util.List;

/**
 * One tier's fan-out as the CLI runs it: announce, list, migrate each database, report. Shared by the
 * tier commands and the demo.
 */
final class FleetMigration {
    private final DatabaseMigrator migrator;
    private final Report report;

    FleetMigration(DatabaseMigrator migrator, Report report) {
        this.migrator = migrator;
        this.report = report;
    }

    void central(FleetOptions options) {
        report.starting(Tier.CENTRAL, verb(options) + " for the central database");
        Target central = migrator.resolve(Tier.CENTRAL, null);
        report.outcome(migrator.attempt(central, options.action(), options.targetVersion()));
        report.tierDone(0);
    }

    void tier(Tier tier, String productType, FleetOptionsMixin filters, FleetOptions options) {
        if (productType != null) {
            migrator.sources().requireKnownProductType(productType);
        }
        String scope = switch (tier) {
            case TENANT -> "all tenant databases";
            case PRODUCT -> productType == null ? "all product databases" : "all " + productType + " product databases";
            case CENTRAL -> throw new IllegalArgumentException("central is not listed");
        };
        report.starting(tier, verb(options) + " for " + scope);
        List<Target> targets = migrator.registry().listAll(query(tier, productType, filters));
        String noun = tier == Tier.TENANT ? "tenants" : "products";
        report.found(targets.size(), "active " + noun + (options.action() == Action.MIGRATE ? " to migrate" : " to check"));
        FleetRunner.FleetResult result = new FleetRunner(migrator).run(targets, options, report::outcome);
        report.tierDone(result.notStarted());
    }

    private static TargetQuery query(Tier tier, String productType, FleetOptionsMixin filters) {
        return new TargetQuery(tier, productType, filters.ids, filters.excludeIds, null, filters.jurisdiction, 1000, null);
    }

    private static String verb(FleetOptions options) {
        return options.action() == Action.MIGRATE ? "migration" : "dry run";
    }

    /** The outcome lines go through the report; this is the exit code for a finished run. */
    static int exitCode(com.helix.migrations.fleet.FleetSummary summary) {
        return summary.anyFailed() || summary.skipped() > 0 ? Main.FAILED : Main.OK;
    }

}
