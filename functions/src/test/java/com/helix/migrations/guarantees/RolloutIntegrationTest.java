package com.helix.migrations.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import com.helix.migrations.core.Action;
import com.helix.migrations.core.BaselineOptions;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.core.MigrationRequest;
import com.helix.migrations.core.Platform;
import com.helix.migrations.demo.DatabaseServer;
import com.helix.migrations.demo.EmbeddedDemoServer;
import com.helix.migrations.fleet.FleetOptions;
import com.helix.migrations.fleet.FleetRunner;
import com.helix.migrations.fleet.Rollout;
import com.helix.migrations.fleet.Stop;
import com.helix.migrations.support.CliRun;
import com.helix.migrations.support.EmbeddedServer;
import com.helix.migrations.support.PackagedMigrations;
import com.helix.migrations.support.SecretsManagerFake;
import com.helix.migrations.support.TestFleet;
import com.helix.migrations.target.DatabaseLocation;
import com.helix.migrations.target.Target;
import com.helix.migrations.target.Tier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Needs: the embedded PostgreSQL. A CLI run rolls out in a canary and waves, frozen in the ledger; the
 * gate after each wave stops the run before the next one when the canary failed or the wave's failed
 * share is over the limit; and no database server ever has more than {@code --per-server} migrations at
 * once, while a slow one holds back only its own databases.
 */
class RolloutIntegrationTest {
    /** Eight tenants, uk and eu, on two servers (the same embedded one, named two ways). */
    private static TestFleet fleet(String prefix) {
        TestFleet fleet = TestFleet.empty(prefix);
        for (int i = 1; i <= 8; i++) {
            String jurisdiction = i % 2 == 0 ? "eu" : "uk";
            fleet.builder.tenant("t" + i + "-" + jurisdiction, "Tenant " + i, jurisdiction, "active", true);
        }
        fleet.builder.execute(
                fleet.builder.centralDatabase(),
                "update tenant_databases set host = 'localhost' where tenant_id in ('t3-uk', 't4-eu', 't7-uk', 't8-eu')");
        fleet.serveSecrets();
        return fleet;
    }

    private static void breakTenant(TestFleet fleet, String id) {
        TestFleet.run(fleet.platform(), new MigrationRequest(Tier.TENANT, id, Action.MIGRATE, "1"));
        fleet.builder.execute(fleet.builder.tenantDatabase(id), "create table audit_events (id int)");
    }

    private static final String LAST_RUN = "(select id from migration_runs order by started_at desc, id desc limit 1)";

    private static List<String> rows(TestFleet fleet, String sql) {
        return fleet.strings(fleet.builder.centralDatabase(), sql);
    }

    @Test
    void aCanaryFailure_stopsTheRunBeforeAnythingElseStarts() {
        TestFleet fleet = fleet("rolloutcanary_");
        try {
            breakTenant(fleet, "t5-uk");

            CliRun run = CliRun.of(fleet.environment(), "tenants", "--canary", "t1-uk,t5-uk", "--waves", "50%,100%");

            assertThat(run.exit()).as(run.toString()).isEqualTo(1);
            assertThat(run.out())
                    .contains("Canary: 2 databases")
                    .contains("✗ Failed to migrate tenant: Tenant 5 (t5-uk)")
                    .contains("Gate closed after canary: 1 of 2 failed: 6 databases of later waves not started")
                    .doesNotContain("Wave 1:");
            for (String untouched : List.of("t2-eu", "t3-uk", "t4-eu", "t6-eu", "t7-uk", "t8-eu")) {
                assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase(untouched)))
                        .as(untouched)
                        .isEmpty();
            }
            assertThat(rows(fleet, "select status || ' ' || coalesce(gate, '-') from migration_runs"))
                    .containsExactly("failed canary: 1 of 2 failed");
            assertThat(rows(
                            fleet,
                            "select wave || ' ' || status || ' ' || count(*) from migration_run_targets"
                                    + " where tier = 'tenant' group by wave, status order by 1"))
                    .containsExactly("0 failed 1", "0 migrated 1", "1 not_started 3", "2 not_started 3");
        } finally {
            fleet.close();
        }
    }

    @Test
    void aCanaryCount_coversEveryServerAndJurisdiction_andAWaveOverItsFailureRate_stopsTheNextWave() {
        TestFleet fleet = fleet("rolloutwaves_");
        try {
            Map<String, String> env = fleet.environment();
            CliRun canary = CliRun.of(env, "tenants", "--canary", "4", "--dry-run");
            assertThat(canary.exit()).as(canary.toString()).isZero();
            assertThat(rows(
                            fleet,
                            "select distinct t.server || '/' || ten.jurisdiction from migration_run_targets t"
                                    + " join tenants ten on ten.id = t.target_id where t.wave = 0 and t.run_id = "
                                    + LAST_RUN + " order by 1"))
                    .as("four canary tenants: one per server and jurisdiction")
                    .containsExactly("1/eu", "1/uk", "2/eu", "2/uk");

            // The same freeze tells which tenants each wave holds.
            CliRun check = CliRun.of(env, "tenants", "--waves", "50%,100%", "--dry-run");
            assertThat(check.out())
                    .as(check.toString())
                    .contains("Wave 1: 4 databases")
                    .contains("Wave 2: 4 databases");
            List<String> first =
                    rows(fleet, "select target_id from migration_run_targets where wave = 1 and run_id = " + LAST_RUN);
            List<String> second =
                    rows(fleet, "select target_id from migration_run_targets where wave = 2 and run_id = " + LAST_RUN);
            breakTenant(fleet, first.get(0));

            CliRun run = CliRun.of(env, "tenants", "--waves", "50%,100%", "--max-failure-percent", "10");

            assertThat(run.exit()).as(run.toString()).isEqualTo(1);
            assertThat(run.out())
                    .contains("Wave 1: 4 databases")
                    .contains("Gate closed after wave 1: 1 of 4 failed (25.0%), over maxFailurePercent 10: 4 databases"
                            + " of later waves not started")
                    .doesNotContain("Wave 2:");
            for (String tenant : first.subList(1, 4)) {
                assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase(tenant)))
                        .as(tenant)
                        .endsWith("5");
            }
            for (String tenant : second) {
                assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase(tenant)))
                        .as(tenant)
                        .isEmpty();
            }
            assertThat(rows(fleet, "select gate from migration_runs where id = " + LAST_RUN))
                    .containsExactly("wave 1: 1 of 4 failed (25.0%), over maxFailurePercent 10");
        } finally {
            fleet.close();
        }
    }

    @Test
    void onTwoRealServers_perServerCapsEach_andTheFastOneFinishesAtItsOwnPace(@TempDir Path dir) throws Exception {
        TestFleet fleet = TestFleet.empty("rolloutreal_");
        try (EmbeddedDemoServer second =
                EmbeddedDemoServer.start(EmbeddedServer.APP_USER, EmbeddedServer.APP_PASSWORD)) {
            DatabaseServer slow = second.server();
            for (int i = 1; i <= 4; i++) {
                fleet.builder.tenant("fast-" + i, "Fast " + i, "uk", "active", true);
            }
            Map<String, Map<String, Object>> secrets = new HashMap<>(fleet.builder.secrets());
            for (int i = 1; i <= 4; i++) {
                String database = "rolloutreal_slow_" + i;
                try (Connection admin = slow.admin("postgres");
                        Statement statement = admin.createStatement()) {
                    statement.execute("create database " + database + " owner " + slow.appUser());
                    // Every migration on this server takes 0.6 s longer.
                    statement.execute("alter database " + database + " set helix.sleep = '0.6'");
                }
                fleet.builder.execute(
                        fleet.builder.centralDatabase(),
                        "insert into tenants (id, name, jurisdiction) values ('slow-" + i + "', 'Slow " + i
                                + "', 'uk');"
                                + "insert into tenant_databases (tenant_id, host, port, database_name, secret_id)"
                                + " values ('slow-" + i + "', '127.0.0.1', " + slow.port() + ", '" + database
                                + "', 'helix/uk/slow-" + i + "')");
                secrets.put("helix/uk/slow-" + i, Map.of("username", slow.appUser(), "password", slow.appPassword()));
            }
            SecretsManagerFake.serve(secrets);
            Path migrations = PackagedMigrations.copy(dir.resolve("migrations"), "central");
            Files.createDirectories(migrations.resolve("tenant"));
            Files.writeString(migrations.resolve("tenant/V1__accounts.sql"), """
                    select pg_sleep(coalesce(nullif(current_setting('helix.sleep', true), ''), '0.05')::float);
                    create table accounts (id int);
                    """);
            Map<String, String> env = new HashMap<>(fleet.environment());
            env.put("MIGRATIONS_DIR", migrations.toString());

            CliRun run = CliRun.of(env, "tenants", "--concurrency", "4", "--per-server", "2");

            assertThat(run.exit()).as(run.toString()).isZero();
            assertThat(run.out()).contains("Migration complete: 8 succeeded, 0 failed");
            // From the ledger: how many of each server's migrations overlapped at most, and when each server finished.
            List<String> overlap = rows(fleet, """
                    select t.server || ' ' || max((select count(*) from migration_run_targets o
                                                   where o.run_id = t.run_id and o.server = t.server
                                                     and o.started_at <= t.started_at and o.finished_at > t.started_at))
                    from migration_run_targets t where t.tier = 'tenant' group by t.server order by 1""");
            assertThat(overlap).containsExactly("1 2", "2 2");
            List<String> finished = rows(fleet, """
                    select extract(epoch from max(t.finished_at) - min(r.started_at))::numeric(6, 2)
                    from migration_run_targets t join migration_runs r on r.id = t.run_id
                    where t.tier = 'tenant' group by split_part(t.target_id, '-', 1)
                    order by split_part(t.target_id, '-', 1)""");
            double fastDone = Double.parseDouble(finished.get(0));
            double slowDone = Double.parseDouble(finished.get(1));
            System.out.printf(
                    "two servers, per-server 2: fast server done after %.2f s, slow one after %.2f s%n",
                    fastDone, slowDone);
            assertThat(fastDone)
                    .as("the fast server's four finish in two short rounds")
                    .isLessThan(slowDone - 0.5);
        } finally {
            fleet.close();
        }
    }

    @Test
    void perServer_capsEachServer_theRunStaysUnderConcurrency_andASlowServerHoldsBackOnlyItsOwn() {
        TestFleet fleet = TestFleet.empty("rolloutserver_");
        try {
            Platform platform = fleet.platform();
            List<Target> targets = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                String host = "db-" + (i % 3) + ".internal";
                targets.add(new Target(
                        Tier.TENANT,
                        "t" + i,
                        "Tenant " + i,
                        "uk",
                        null,
                        true,
                        "active",
                        new DatabaseLocation(host, 5432, "tenant_" + i, "helix/t" + i),
                        null));
            }
            Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
            Map<String, AtomicInteger> peak = new ConcurrentHashMap<>();
            AtomicInteger total = new AtomicInteger();
            AtomicInteger totalPeak = new AtomicInteger();
            Map<String, Long> lastFinished = new ConcurrentHashMap<>();
            long started = System.nanoTime();
            FleetRunner runner = new FleetRunner(
                    (target, options) -> {
                        String server = target.location().host();
                        int now = inFlight.computeIfAbsent(server, s -> new AtomicInteger())
                                .incrementAndGet();
                        peak.computeIfAbsent(server, s -> new AtomicInteger()).accumulateAndGet(now, Math::max);
                        totalPeak.accumulateAndGet(total.incrementAndGet(), Math::max);
                        try {
                            // Server 0 is slow: each of its databases takes four times as long.
                            Thread.sleep(server.startsWith("db-0") ? 200 : 50);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        inFlight.get(server).decrementAndGet();
                        total.decrementAndGet();
                        lastFinished.merge(server, System.nanoTime() - started, Math::max);
                        return MigrationOutcome.failed(target, Action.STATUS, new IllegalStateException("done"), 0);
                    },
                    new Stop(platform.connections()));

            runner.run(
                    targets,
                    new FleetOptions(5, null, Action.STATUS, null, BaselineOptions.CHECKED, 2, Rollout.NONE),
                    o -> {});

            assertThat(peak).hasSize(3);
            peak.forEach((server, most) -> assertThat(most.get()).as(server).isLessThanOrEqualTo(2));
            assertThat(peak.get("db-0.internal").get())
                    .as("the slow server is kept busy")
                    .isEqualTo(2);
            assertThat(totalPeak.get()).isLessThanOrEqualTo(5);
            // The slow server's 8 databases take 4 rounds of 200 ms; the others', 4 rounds of 50 ms, alongside.
            assertThat(lastFinished.get("db-1.internal"))
                    .as("the fast servers finish at their own pace, long before the slow one")
                    .isLessThan(lastFinished.get("db-0.internal") / 2);
            Map<String, Integer> perServer = new HashMap<>();
            peak.forEach((server, most) -> perServer.put(server, most.get()));
            System.out.printf(
                    "per-server peaks %s, total peak %d, last finished (ms) %s%n",
                    perServer,
                    totalPeak.get(),
                    lastFinished.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue() / 1_000_000)
                            .toList());
        } finally {
            fleet.close();
        }
    }
}
