package com.helix.migrations.guarantees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.helix.migrations.config.MigrationsConfig;
import com.helix.migrations.core.Action;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.core.MigrationRequest;
import com.helix.migrations.core.Platform;
import com.helix.migrations.exceptions.DatabaseBusyException;
import com.helix.migrations.exceptions.DatabaseUnavailableException;
import com.helix.migrations.exceptions.ValidationFailedException;
import com.helix.migrations.support.PackagedMigrations;
import com.helix.migrations.support.TestFleet;
import com.helix.migrations.target.Tier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Needs: the embedded PostgreSQL and the Secrets Manager fake. Faults a migration meets on a live
 * database: the database is reported, left at a consistent version, and a re-run converges.
 */
class FaultsIntegrationTest {
    private static TestFleet fleet;

    @BeforeAll
    static void fleet() {
        fleet = TestFleet.empty("fault_");
        fleet.builder
                .tenant("locked-uk", "Locked Ltd", "uk", "active", true)
                .tenant("drift-eu", "Drift GmbH", "eu", "active", true)
                .tenant("ahead-uk", "Ahead Ltd", "uk", "active", true)
                .tenant("killed-eu", "Killed GmbH", "eu", "active", true)
                .tenant("slow-uk", "Slow Ltd", "uk", "active", true)
                .tenant("ok-1-uk", "Fine One", "uk", "active", true)
                .tenant("ok-2-eu", "Fine Two", "eu", "active", true)
                .tenant("gone-uk", "Gone Ltd", "uk", "active", true)
                .tenant("twice-eu", "Twice GmbH", "eu", "active", true)
                .tenant("index-uk", "Index Ltd", "uk", "active", true);
        // gone-uk's server refuses connections: its registry row points at a closed port.
        fleet.builder.execute(
                fleet.builder.centralDatabase(), "update tenant_databases set port = 1 where tenant_id = 'gone-uk'");
        fleet.serveSecrets();
    }

    @AfterAll
    static void drop() {
        fleet.close();
    }

    @Test
    void aLockHeldByAnotherSession_firesLockTimeout_isRetryable_andARerunConverges() throws Exception {
        Map<String, String> env = fleet.environment();
        env.put("DB_LOCK_TIMEOUT_SECONDS", "1");
        Platform migrator = Platform.fromConfig(MigrationsConfig.fromEnvironment(env));
        String db = fleet.builder.tenantDatabase("locked-uk");
        TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, "locked-uk", Action.MIGRATE, "3"));
        fleet.builder.execute(db, "insert into users (email) values ('kept@locked.example')");

        try (Connection app = fleet.server.admin(db);
                Statement statement = app.createStatement()) {
            app.setAutoCommit(false);
            statement.execute("lock table users in access exclusive mode");

            assertThatThrownBy(() -> TestFleet.run(
                            migrator, new MigrationRequest(Tier.TENANT, "locked-uk", Action.MIGRATE, null)))
                    .isExactlyInstanceOf(DatabaseBusyException.class)
                    .hasMessage(
                            "Flyway migration failed: V4__users_status_backfill.sql: line 2: ERROR: canceling statement due to lock timeout (SQLSTATE 55P03)")
                    .satisfies(e ->
                            assertThat(((DatabaseBusyException) e).retryable()).isTrue());
            app.rollback();
        }

        assertThat(fleet.history(db)).containsExactly("1:true", "2:true", "3:true");
        assertThat(
                        fleet.strings(
                                db,
                                "select count(*)::text from information_schema.columns where table_name = 'users' and column_name = 'status'"))
                .as("no partial V4")
                .containsExactly("0");
        MigrationOutcome rerun =
                TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, "locked-uk", Action.MIGRATE, null));
        assertThat(rerun.fromVersion()).isEqualTo("3");
        assertThat(rerun.toVersion()).isEqualTo("5");
        assertThat(fleet.strings(db, "select email || '=' || status from users"))
                .containsExactly("kept@locked.example=active");
    }

    @Test
    void aSecondRunMeetingTheFirstsMigrationLock_waitsOnlyTheLockTimeout_isRetryable_andAppliesNothingTwice(
            @TempDir Path dir) throws Exception {
        Path tenant = packagedTenantMigrationsIn(dir);
        Files.writeString(tenant.resolve("V6__slow_backfill.sql"), "select pg_sleep(4);");
        Map<String, String> env = fleet.environment();
        env.put("MIGRATIONS_DIR", dir.toString());
        env.put("DB_LOCK_TIMEOUT_SECONDS", "1");
        Platform first = Platform.fromConfig(MigrationsConfig.fromEnvironment(env));
        Platform second = Platform.fromConfig(MigrationsConfig.fromEnvironment(env));
        String db = fleet.builder.tenantDatabase("twice-eu");
        TestFleet.run(first, new MigrationRequest(Tier.TENANT, "twice-eu", Action.MIGRATE, "5"));

        var running = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> TestFleet.run(first, new MigrationRequest(Tier.TENANT, "twice-eu", Action.MIGRATE, null)));
        awaitSleepIn(db);
        long started = System.nanoTime();
        assertThatThrownBy(() ->
                        TestFleet.run(second, new MigrationRequest(Tier.TENANT, "twice-eu", Action.MIGRATE, null)))
                .isExactlyInstanceOf(DatabaseBusyException.class)
                .hasMessage("Flyway migration failed: " + db
                        + ": another run is migrating it (its migration lock stayed taken)");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started))
                .as("gave up after the lock timeout, not Flyway's 50 s")
                .isLessThan(java.time.Duration.ofSeconds(4));

        assertThat(running.get().toVersion()).isEqualTo("6");
        assertThat(TestFleet.run(second, new MigrationRequest(Tier.TENANT, "twice-eu", Action.MIGRATE, null))
                        .status())
                .isEqualTo(com.helix.migrations.core.MigrationStatus.UP_TO_DATE);
        assertThat(fleet.history(db)).containsExactly("1:true", "2:true", "3:true", "4:true", "5:true", "6:true");
    }

    /**
     * A second run waits for the migration lock while the first builds an index concurrently. Waiting
     * inside a statement would hold a snapshot that the index build waits for in turn, a deadlock the
     * server breaks after {@code deadlock_timeout} by failing the index (the waiter started waiting
     * before the cycle closed, so its own check found none). The lock is asked for statement by
     * statement instead: the index is built, the second run then finds nothing to do.
     */
    @Test
    void aRunWaitingForTheMigrationLock_neverDeadlocksAConcurrentIndexBuild(@TempDir Path dir) throws Exception {
        Path tenant = packagedTenantMigrationsIn(dir);
        Files.writeString(tenant.resolve("V6__probe_index.sql"), """
                create table probe (id int);
                select pg_sleep(2);
                create index concurrently probe_id_idx on probe (id);
                """);
        Files.writeString(tenant.resolve("V6__probe_index.sql.conf"), "executeInTransaction=false\n");
        Map<String, String> env = fleet.environment();
        env.put("MIGRATIONS_DIR", dir.toString());
        env.put("DB_LOCK_TIMEOUT_SECONDS", "30");
        Platform first = Platform.fromConfig(MigrationsConfig.fromEnvironment(env));
        Platform second = Platform.fromConfig(MigrationsConfig.fromEnvironment(env));
        String db = fleet.builder.tenantDatabase("index-uk");
        TestFleet.run(first, new MigrationRequest(Tier.TENANT, "index-uk", Action.MIGRATE, "5"));

        var building = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> TestFleet.run(first, new MigrationRequest(Tier.TENANT, "index-uk", Action.MIGRATE, null)));
        awaitSleepIn(db);
        MigrationOutcome waited =
                TestFleet.run(second, new MigrationRequest(Tier.TENANT, "index-uk", Action.MIGRATE, null));

        assertThat(building.get().toVersion()).isEqualTo("6");
        assertThat(waited.status()).isEqualTo(com.helix.migrations.core.MigrationStatus.UP_TO_DATE);
        assertThat(fleet.history(db)).containsExactly("1:true", "2:true", "3:true", "4:true", "5:true", "6:true");
        assertThat(fleet.strings(
                        db, "select indisvalid::text from pg_index where indexrelid = 'probe_id_idx'::regclass"))
                .containsExactly("true");
    }

    @Test
    void aMigrationEditedAfterItWasApplied_failsValidateAndMigrate_andNothingReruns(@TempDir Path dir)
            throws IOException {
        Path tenant = packagedTenantMigrationsIn(dir);
        Platform migrator = fleet.platform(dir);
        String db = fleet.builder.tenantDatabase("drift-eu");
        TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, "drift-eu", Action.MIGRATE, "4"));
        Files.writeString(
                tenant.resolve("V2__audit_events.sql"),
                "\n-- edited after release\n",
                java.nio.file.StandardOpenOption.APPEND);
        // The next release: a new container (or CLI run) reads the edited files.
        Platform nextRelease = fleet.platform(dir);

        assertThatThrownBy(() -> TestFleet.run(
                        nextRelease, new MigrationRequest(Tier.TENANT, "drift-eu", Action.VALIDATE, null)))
                .isExactlyInstanceOf(ValidationFailedException.class)
                .hasMessageStartingWith("Flyway validation failed: ")
                .hasMessageContaining("checksum mismatch")
                .hasMessageContaining("2");
        assertThatThrownBy(() ->
                        TestFleet.run(nextRelease, new MigrationRequest(Tier.TENANT, "drift-eu", Action.MIGRATE, null)))
                .isExactlyInstanceOf(ValidationFailedException.class)
                .hasMessageContaining("checksum mismatch");
        assertThat(fleet.history(db))
                .as("V5 not applied, V2 not re-run")
                .containsExactly("1:true", "2:true", "3:true", "4:true");
    }

    @Test
    void aDatabaseNewerThanTheKnownMigrations_isReportedWithAWarning_notFailedOrHidden(@TempDir Path dir)
            throws IOException {
        Path tenant = packagedTenantMigrationsIn(dir);
        Files.writeString(tenant.resolve("V6__invoices.sql"), "create table invoices (id int primary key);");
        TestFleet.run(fleet.platform(dir), new MigrationRequest(Tier.TENANT, "ahead-uk", Action.MIGRATE, null));

        // An older build (the packaged migrations stop at 5) meets the database at 6.
        Platform older = fleet.platform();
        MigrationOutcome migrate =
                TestFleet.run(older, new MigrationRequest(Tier.TENANT, "ahead-uk", Action.MIGRATE, null));
        MigrationOutcome status =
                TestFleet.run(older, new MigrationRequest(Tier.TENANT, "ahead-uk", Action.STATUS, null));

        assertThat(migrate.status()).isEqualTo(com.helix.migrations.core.MigrationStatus.UP_TO_DATE);
        assertThat(migrate.warnings())
                .containsExactly("database is at version 6, newer than the newest known migration (5)");
        assertThat(status.warnings()).isEqualTo(migrate.warnings());
        assertThat(status.line()).contains("⚠ database is at version 6");
        assertThat(fleet.history(fleet.builder.tenantDatabase("ahead-uk"))).hasSize(6);
    }

    @Test
    void aBackendTerminatedMidMigration_isReportedRetryable_leavesNothingPartial_andARerunConverges(@TempDir Path dir)
            throws Exception {
        Path tenant = Files.createDirectories(dir.resolve("tenant"));
        Files.createDirectories(dir.resolve("central"));
        Files.writeString(
                tenant.resolve("V1__accounts.sql"),
                "create table accounts (id int primary key); insert into accounts values (1), (2);");
        Files.writeString(
                tenant.resolve("V2__slow_backfill.sql"),
                "create table ledger (id int primary key);\ninsert into ledger select id from accounts;\nselect pg_sleep(30);\n");
        Platform migrator = fleet.platform(dir);
        String db = fleet.builder.tenantDatabase("killed-eu");

        Thread killer = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 200; i++) {
                List<String> killed = fleet.strings(
                        "postgres",
                        "select pg_terminate_backend(pid)::text from pg_stat_activity " + "where datname = '" + db
                                + "' and query like '%pg_sleep%' and pid <> pg_backend_pid()");
                if (!killed.isEmpty()) {
                    return;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        assertThatThrownBy(() ->
                        TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, "killed-eu", Action.MIGRATE, null)))
                .isExactlyInstanceOf(DatabaseUnavailableException.class)
                .hasMessageStartingWith("Database unavailable: " + db + " (")
                .satisfies(e -> assertThat(((DatabaseUnavailableException) e).retryable())
                        .isTrue());
        killer.join();

        assertThat(fleet.history(db)).containsExactly("1:true");
        assertThat(fleet.exists(db, "ledger"))
                .as("V2 rolled back with its session")
                .isFalse();
        Files.writeString(
                tenant.resolve("V2__slow_backfill.sql"),
                "create table ledger (id int primary key);\ninsert into ledger select id from accounts;\nselect pg_sleep(30);\n"
                        .replace("30", "0"));
        MigrationOutcome rerun = TestFleet.run(
                fleet.platform(dir), new MigrationRequest(Tier.TENANT, "killed-eu", Action.MIGRATE, null));
        assertThat(rerun.toVersion()).isEqualTo("2");
        assertThat(fleet.strings(db, "select count(*)::text from ledger")).containsExactly("2");
    }

    @Test
    void aStatementPastStatementTimeout_failsThatMigration_andRollsItBack(@TempDir Path dir) throws IOException {
        Path tenant = Files.createDirectories(dir.resolve("tenant"));
        Files.createDirectories(dir.resolve("central"));
        Files.writeString(tenant.resolve("V1__runaway.sql"), "create table t (id int);\nselect pg_sleep(5);\n");
        Map<String, String> env = fleet.environment();
        env.put("MIGRATIONS_DIR", dir.toString());
        env.put("DB_STATEMENT_TIMEOUT_SECONDS", "1");
        Platform migrator = Platform.fromConfig(MigrationsConfig.fromEnvironment(env));

        assertThatThrownBy(() ->
                        TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, "slow-uk", Action.MIGRATE, null)))
                .isExactlyInstanceOf(com.helix.migrations.exceptions.MigrationFailedException.class)
                .hasMessage(
                        "Flyway migration failed: V1__runaway.sql: line 2: ERROR: canceling statement due to statement timeout (SQLSTATE 57014)");
        assertThat(fleet.exists(fleet.builder.tenantDatabase("slow-uk"), "t")).isFalse();
    }

    @Test
    void aDatabaseThatRefusesConnections_failsAlone_andTheRestOfTheFleetCompletes() {
        Platform platform = fleet.platform();
        var targets = platform.registry()
                .list(new com.helix.migrations.registry.TargetQuery(
                        Tier.TENANT, null, List.of("ok-1-uk", "gone-uk", "ok-2-eu"), null, null, null));

        var result = new com.helix.migrations.fleet.FleetRunner(
                        platform.migrator(), new com.helix.migrations.fleet.Stop(platform.connections()))
                .run(targets, new com.helix.migrations.fleet.FleetOptions(2, null, Action.MIGRATE, null), o -> {});

        var byId = new java.util.HashMap<String, MigrationOutcome>();
        result.outcomes().forEach(o -> byId.put(o.id(), o));
        assertThat(byId.get("gone-uk").error())
                .startsWith("Database unavailable: " + fleet.builder.tenantDatabase("gone-uk") + " (")
                .contains("refused");
        assertThat(byId.get("gone-uk").errorType()).isEqualTo("DatabaseUnavailableException");
        assertThat(byId.get("ok-1-uk").toVersion()).isEqualTo("5");
        assertThat(byId.get("ok-2-eu").toVersion()).isEqualTo("5");
    }

    /** Waits until a migration in the database sleeps on the server ({@code pg_sleep}). */
    private static void awaitSleepIn(String db) throws InterruptedException {
        while (fleet.strings(
                        db,
                        "select 1::text from pg_stat_activity where datname = current_database() and query like '%pg_sleep%'"
                                + " and state = 'active' and pid <> pg_backend_pid()")
                .isEmpty()) {
            Thread.sleep(20);
        }
    }

    /** A MIGRATIONS_DIR holding a copy of the packaged tenant migrations, to edit or extend. */
    private static Path packagedTenantMigrationsIn(Path dir) {
        return PackagedMigrations.copy(dir, "central", "tenant").resolve("tenant");
    }
}
