package com.helix.migrations.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import com.helix.migrations.core.Action;
import com.helix.migrations.core.Platform;
import com.helix.migrations.fleet.FleetOptions;
import com.helix.migrations.fleet.FleetRunner;
import com.helix.migrations.fleet.Stop;
import com.helix.migrations.registry.TargetQuery;
import com.helix.migrations.support.TestFleet;
import com.helix.migrations.target.Tier;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Needs: the embedded PostgreSQL. 500 databases at concurrency 20: the fleet never holds more
 * connections than it runs databases at once (plus the central registry's), sampled from
 * pg_stat_activity throughout; and the heap live after a collection stays flat from the first 100
 * databases to the last, so nothing is kept per database beyond its small result.
 */
class ConnectionBoundIntegrationTest {
    static final int DATABASES = 500;
    static final int CONCURRENCY = 20;
    static final long FLAT_HEAP_BYTES = 24L * 1024 * 1024;

    @Test
    void connectionsNeverExceedConcurrencyPlusOne_andMemoryStaysFlat() throws Exception {
        TestFleet fleet = TestFleet.empty("conn_");
        try {
            for (int i = 0; i < DATABASES; i++) {
                fleet.builder.tenant(
                        String.format("c%03d", i), "Tenant " + i, i % 2 == 0 ? "uk" : "eu", "active", true);
            }
            fleet.serveSecrets();
            Platform platform = fleet.platform();
            var targets = platform.registry().list(TargetQuery.all(Tier.TENANT));
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger peak = new AtomicInteger();
            Thread sampler = Thread.ofPlatform().start(() -> {
                while (running.get()) {
                    int open = Integer.parseInt(fleet.strings(
                                    "postgres",
                                    "select count(*)::text from pg_stat_activity where application_name = 'helix-migrations'")
                            .getFirst());
                    peak.accumulateAndGet(open, Math::max);
                }
            });
            // The heap in use after a full collection, each time another 100 databases are done.
            AtomicInteger done = new AtomicInteger();
            List<Long> liveHeap = new CopyOnWriteArrayList<>();

            var result = new FleetRunner(platform.migrator(), new Stop(platform.connections()))
                    .run(targets, new FleetOptions(CONCURRENCY, null, Action.MIGRATE, null), outcome -> {
                        if (done.incrementAndGet() % 100 == 0) {
                            liveHeap.add(liveHeapBytes());
                        }
                    });
            running.set(false);
            sampler.join();

            assertThat(result.outcomes())
                    .hasSize(DATABASES)
                    .allSatisfy(o -> assertThat(o.toVersion()).isEqualTo("5"));
            System.out.printf(
                    "connection bound: %d databases at concurrency %d, peak %d connections; live heap MB at each 100: %s%n",
                    DATABASES,
                    CONCURRENCY,
                    peak.get(),
                    liveHeap.stream().map(b -> b / (1024 * 1024)).toList());
            assertThat(peak.get()).isPositive().isLessThanOrEqualTo(CONCURRENCY + 1);
            assertThat(liveHeap).hasSize(DATABASES / 100);
            assertThat(liveHeap.stream().mapToLong(Long::longValue).max().orElseThrow() - liveHeap.getFirst())
                    .as("live heap growth from 100 to %d databases", DATABASES)
                    .isLessThan(FLAT_HEAP_BYTES);
        } finally {
            fleet.close();
        }
    }

    private static long liveHeapBytes() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
