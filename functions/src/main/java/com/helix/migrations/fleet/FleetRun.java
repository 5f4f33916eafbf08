package com.helix.migrations.fleet;

import com.helix.migrations.core.Action;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.core.Platform;
import com.helix.migrations.registry.TargetQuery;
import com.helix.migrations.schema.MigrationSet;
import com.helix.migrations.schema.MigrationSources;
import com.helix.migrations.target.Target;
import com.helix.migrations.target.Tier;
import java.util.ArrayList;
import java.util.List;

/**
 * The one fan-out every command runs: the scopes in turn (central, tenants, products), each listed in
 * full before its first database starts, then run with bounded concurrency by {@link FleetRunner},
 * a {@link Listener} told as each database finishes. Mistakes in the migration sets, and a target
 * version that no migration has, are found before anything is listed.
 */
public final class FleetRun {
    /** Targets listed per query to the central database. */
    public static final int LISTING_PAGE_SIZE = 1000;

    /** Hears how a run goes: the CLI's report, the status table. */
    public interface Listener {
        default void starting(Scope scope, Action action) {}

        default void found(Scope scope, int count, Action action) {}

        void outcome(MigrationOutcome outcome);

        default void scopeDone(Scope scope, int notStarted) {}
    }

    /**
     * One tier's databases: all active, provisioned ones, or those the filters leave.
     *
     * @param productType only this product type (product tier); null: all
     * @param ids         only these ids; null: all
     * @param excludeIds  never these ids; null: none
     * @param jurisdiction only this jurisdiction; null: all
     */
    public record Scope(Tier tier, String productType, List<String> ids, List<String> excludeIds, String jurisdiction) {
        public static Scope central() {
            return new Scope(Tier.CENTRAL, null, null, null, null);
        }

        public static Scope all(Tier tier) {
            return new Scope(tier, null, null, null, null);
        }
    }

    private final Platform platform;

    public FleetRun(Platform platform) {
        this.platform = platform;
    }

    /** Runs the action over every scope, in order; returns every outcome. */
    public List<MigrationOutcome> run(List<Scope> scopes, FleetOptions options, Listener listener) {
        for (Scope scope : scopes) {
            for (MigrationSet set : sets(scope)) {
                set.target(options.targetVersion());
            }
        }
        FleetRunner runner = new FleetRunner(platform.migrator());
        List<MigrationOutcome> outcomes = new ArrayList<>();
        for (Scope scope : scopes) {
            listener.starting(scope, options.action());
            List<Target> targets;
            if (scope.tier() == Tier.CENTRAL) {
                targets = List.of(platform.registry().find(Tier.CENTRAL, null));
            } else {
                targets = platform.registry()
                        .listAll(new TargetQuery(
                                scope.tier(),
                                scope.productType(),
                                scope.ids(),
                                scope.excludeIds(),
                                null,
                                scope.jurisdiction(),
                                LISTING_PAGE_SIZE,
                                null));
                listener.found(scope, targets.size(), options.action());
            }
            FleetRunner.FleetResult result = runner.run(targets, options, listener::outcome);
            outcomes.addAll(result.outcomes());
            listener.scopeDone(scope, result.notStarted());
        }
        return outcomes;
    }

    /** The migration sets a scope's databases use, read and checked. */
    private List<MigrationSet> sets(Scope scope) {
        MigrationSources sources = platform.sources();
        if (scope.tier() != Tier.PRODUCT) {
            return List.of(sources.set(scope.tier(), null));
        }
        List<String> types = scope.productType() != null ? List.of(scope.productType()) : sources.productTypes();
        return types.stream().map(type -> sources.set(Tier.PRODUCT, type)).toList();
    }
}
