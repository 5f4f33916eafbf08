package com.helix.migrations.fleet;

import com.helix.migrations.core.Action;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.core.Platform;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.registry.TargetQuery;
import com.helix.migrations.schema.MigrationSet;
import com.helix.migrations.schema.MigrationSources;
import com.helix.migrations.target.Ids;
import com.helix.migrations.target.Target;
import com.helix.migrations.target.Tier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

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

        /**
         * A scope is done.
         *
         * @param notStarted how many of the scope's databases were never started: by the failure limit, or
         *                   because the run was stopped
         * @param stoppedBy  what stopped the run ({@code SIGINT}); null when it was not stopped
         */
        default void scopeDone(Scope scope, int notStarted, String stoppedBy) {}
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
    private final Stop stop;

    /** @param stop what a signal requests to stop the run early */
    public FleetRun(Platform platform, Stop stop) {
        this.platform = platform;
        this.stop = stop;
    }

    /** Runs the action over every scope, in order; returns every outcome. */
    public List<MigrationOutcome> run(List<Scope> scopes, FleetOptions options, Listener listener) {
        for (Scope scope : scopes) {
            for (MigrationSet set : sets(scope)) {
                set.target(options.targetVersion());
            }
        }
        requireNamedListed(scopes);
        FleetRunner runner = new FleetRunner(platform.migrator(), stop);
        List<MigrationOutcome> outcomes = new ArrayList<>();
        for (Scope scope : scopes) {
            listener.starting(scope, options.action());
            List<Target> targets = list(scope);
            if (scope.tier() != Tier.CENTRAL) {
                listener.found(scope, targets.size(), options.action());
            }
            FleetRunner.FleetResult result = runner.run(targets, options, listener::outcome);
            outcomes.addAll(result.outcomes());
            listener.scopeDone(scope, result.notStarted(), result.stoppedBy());
        }
        return outcomes;
    }

    /** A scope's databases, listed in full. */
    private List<Target> list(Scope scope) {
        if (scope.tier() == Tier.CENTRAL) {
            return List.of(platform.registry().find(Tier.CENTRAL, null));
        }
        return platform.registry()
                .listAll(new TargetQuery(
                        scope.tier(),
                        scope.productType(),
                        scope.ids(),
                        scope.excludeIds(),
                        null,
                        scope.jurisdiction(),
                        LISTING_PAGE_SIZE,
                        null));
    }

    /**
     * Every id a run names is a database it will run on (or one it also excludes): an id that is unknown,
     * inactive, not provisioned or outside the other filters is a mistake, refused before anything starts
     * rather than skipped.
     */
    private void requireNamedListed(List<Scope> scopes) {
        Set<String> unlisted = new LinkedHashSet<>();
        scopes.stream().filter(scope -> scope.ids() != null).forEach(scope -> unlisted.addAll(scope.ids()));
        if (unlisted.isEmpty()) {
            return;
        }
        for (Scope scope : scopes) {
            if (scope.ids() != null) {
                list(scope).forEach(target -> unlisted.remove(target.id()));
                if (scope.excludeIds() != null) {
                    scope.excludeIds().forEach(unlisted::remove);
                }
            }
        }
        if (!unlisted.isEmpty()) {
            String tiers =
                    scopes.stream().map(scope -> scope.tier().wire()).distinct().collect(Collectors.joining(" or "));
            throw new InvalidRequestException(
                    "ids name no active, provisioned " + tiers + " database (unknown, inactive, not provisioned, or "
                            + "outside the other filters): "
                            + unlisted.stream().map(Ids::quote).collect(Collectors.joining(", ")));
        }
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
