package com.helix.migrations.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.helix.migrations.core.Action;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.core.MigrationStatus;
import com.helix.migrations.core.Platform;
import com.helix.migrations.db.OpenConnections;
import com.helix.migrations.registry.TargetQuery;
import com.helix.migrations.support.TestFleet;
import com.helix.migrations.target.Target;
import com.helix.migrations.target.Tier;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Needs: the embedded PostgreSQL and the Secrets Manager fake. Whatever one database's work throws,
 * a bug included, becomes that database's failed result; every other database is finished.
 */
class FleetRunnerIntegrationTest {
    private static TestFleet fleet;

    @BeforeAll
    static void fleet() {
        fleet = TestFleet.empty("runner_");
        fleet.core().tenant("umbrella-eu", "Umbrella", "eu", "active", true);
        fleet.serveSecrets();
    }

    @AfterAll
    static void drop() {
        fleet.close();
    }

    @Test
    void anUnexpectedExceptionForOneTarget_becomesItsFailedResult_andTheOthersFinish() {
        Platform platform = fleet.platform();
        List<Target> targets = platform.registry().list(TargetQuery.all(Tier.TENANT));
        FleetRunner.Work buggy = (target, options) -> {
            if (target.id().equals("globex-eu")) {
                throw new IllegalStateException("a bug in the work for " + target.id());
            }
            return platform.migrator().run(target, options.action(), options.targetVersion(), options.baseline(), null);
        };
        List<MigrationOutcome> heard = new CopyOnWriteArrayList<>();

        FleetRunner.FleetResult result = new FleetRunner(buggy, new Stop(new OpenConnections()))
                .run(targets, new FleetOptions(2, null, Action.MIGRATE, null), heard::add);

        assertThat(result.outcomes()).hasSize(3).containsExactlyInAnyOrderElementsOf(heard);
        MigrationOutcome failed = result.outcomes().stream()
                .filter(o -> o.id().equals("globex-eu"))
                .findFirst()
                .orElseThrow();
        assertThat(failed.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(failed.error()).isEqualTo("java.lang.IllegalStateException: a bug in the work for globex-eu");
        assertThat(failed.errorType()).isEqualTo("IllegalStateException");
        assertThat(result.outcomes())
                .filteredOn(o -> !o.id().equals("globex-eu"))
                .allSatisfy(o -> assertThat(o.status()).isEqualTo(MigrationStatus.MIGRATED));
        assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase("umbrella-eu")))
                .containsExactly("1", "2", "3", "4", "5");
        assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase("globex-eu")))
                .isEmpty();
    }
}
