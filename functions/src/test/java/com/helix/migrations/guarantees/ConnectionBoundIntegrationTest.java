package com.helix.migrations.guarantees;

import com.helix.migrations.core.Action;
import com.helix.migrations.core.DatabaseMigrator;
import com.helix.migrations.fleet.FleetOptions;
import com.helix.migrations.fleet.FleetRunner;
import com.helix.migrations.registry.TargetQuery;
import com.helix.migrations.registry.Tier;
import com.helix.migrations.support.TestFleet;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Needs: the embedded PostgreSQL. A fleet at concurrency 20 never holds more connections than it
 * runs databases at once (plus the central registry's), sampled from pg_stat_activity throughout.
 */
class ConnectionBoundIntegrationTest {
    static final int DATABASES = 200;
    static final int CONCURRENCY = 20;

    @Test
    void connectionsNeverExceedConcurrencyPlusOne() throws Exception {
        TestFleet fleet = TestFleet.empty("conn_");
        try {
            for (int i = 0; i < DATABASES; i++) {
                fleet.builder.tenant(String.format("c%03d", i), "Tenant " + i, i % 2 == 0 ? "uk" : "eu", "active", true);
            }
            fleet.serveSecrets();
            DatabaseMigrator migrator = fleet.migrator();
            var targets = migrator.registry().listAll(TargetQuery.all(Tier.TENANT));
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger peak = new AtomicInteger();
            Thread sampler = Thread.ofPlatform().start(() -> {
                while (running.get()) {
                    int open = Integer.parseInt(fleet.strings("postgres",
                            "select count(*)::text from pg_stat_activity where application_name = 'helix-migrations'").getFirst());
                    peak.accumulateAndGet(open, Math::max);
                }
            });

            var result = new FleetRunner(migrator).run(targets, new FleetOptions(CONCURRENCY, null, Action.MIGRATE, null), o -> { });
            running.set(false);
            sampler.join();

            assertThat(result.outcomes()).hasSize(DATABASES).allSatisfy(o -> assertThat(o.toVersion()).isEqualTo("5"));
            System.out.printf("connection bound: %d databases at concurrency %d, peak %d connections%n", DATABASES, CONCURRENCY, peak.get());
            assertThat(peak.get()).isPositive().isLessThanOrEqualTo(CONCURRENCY + 1);
        } finally {
            fleet.close();
        }
    }
}
