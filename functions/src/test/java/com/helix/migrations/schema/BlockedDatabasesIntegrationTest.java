package com.helix.migrations.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.helix.migrations.config.MigrationsConfig;
import com.helix.migrations.core.Action;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.core.MigrationRequest;
import com.helix.migrations.core.MigrationStatus;
import com.helix.migrations.core.Platform;
import com.helix.migrations.exceptions.MigrationFailedException;
import com.helix.migrations.exceptions.MigrationsException;
import com.helix.migrations.exceptions.ValidationFailedException;
import com.helix.migrations.support.CliRun;
import com.helix.migrations.support.FlywayProject;
import com.helix.migrations.support.TestFleet;
import com.helix.migrations.target.Tier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Needs: the embedded PostgreSQL and the Secrets Manager fake. {@code status} (and {@code --dry-run},
 * {@code status --check}) predicts {@code migrate}: a database is {@code blocked}, with Flyway's
 * reason and hint, exactly when migrate refuses it, and migrate's refusal changes nothing.
 */
class BlockedDatabasesIntegrationTest {
    private static TestFleet fleet;
    private static Map<String, String> cliEnv;

    @BeforeAll
    static void fleet(@TempDir Path secrets) {
        fleet = TestFleet.empty("block_");
        for (String tenant : new String[] {
            "pending-uk",
            "hotfix-uk",
            "missing-uk",
            "adopt-uk",
            "failed-uk",
            "edited-uk",
            "commit-uk",
            "absorbed-uk",
            "rollback-uk",
            "callback-uk",
            "target-uk"
        }) {
            fleet.builder.tenant(tenant, "Tenant " + tenant, "uk", "active", true);
        }
        fleet.serveSecrets();
        cliEnv = new HashMap<>(fleet.environment());
        cliEnv.remove("AWS_REGION");
        cliEnv.put(
                "SECRETS_FILE",
                fleet.builder.writeSecretsFile(secrets.resolve("secrets.json")).toString());
    }

    @AfterAll
    static void drop() {
        fleet.close();
    }

    private static Platform migrator(Path dir) {
        Map<String, String> env = new HashMap<>(fleet.environment());
        env.put("MIGRATIONS_DIR", dir.toString());
        return Platform.fromConfig(MigrationsConfig.fromEnvironment(env));
    }

    private static MigrationOutcome run(Path dir, String tenant, Action action) {
        return TestFleet.run(migrator(dir), new MigrationRequest(Tier.TENANT, tenant, action, null));
    }

    /** Each case: a tenant, how it got into its state, and what migrate refuses it for (null: migrate applies). */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("pending-uk", (BiConsumer<Path, String>) (dir, db) -> {}, null),
                Arguments.of(
                        "hotfix-uk",
                        (BiConsumer<Path, String>) (dir, db) -> {
                            run(dir, "hotfix-uk", Action.MIGRATE);
                            FlywayProject.write(dir, "V3_1__hotfix.sql", "alter table accounts add column hotfix int;");
                        },
                        "Detected resolved migration not applied to database: 3.1."),
                Arguments.of(
                        "missing-uk",
                        (BiConsumer<Path, String>) (dir, db) -> {
                            run(dir, "missing-uk", Action.MIGRATE);
                            delete(
                                    dir.resolve("tenant/V2__greeting_function.sql"),
                                    dir.resolve("tenant/V2__greeting_function.sql.conf"));
                        },
                        "Detected applied migration not resolved locally: 2."),
                Arguments.of(
                        "adopt-uk",
                        (BiConsumer<Path, String>)
                                (dir, db) -> fleet.builder.execute(db, "create table legacy_accounts (id int)"),
                        "no history (needs baseline): the schema has objects but no flyway_schema_history table"),
                Arguments.of(
                        "failed-uk",
                        (BiConsumer<Path, String>) (dir, db) -> {
                            TestFleet.run(
                                    migrator(dir), new MigrationRequest(Tier.TENANT, "failed-uk", Action.MIGRATE, "4"));
                            // A failed row of a transactional migration: Flyway's own repair is the way out, never a
                            // silent retry.
                            fleet.builder.execute(
                                    db,
                                    "insert into flyway_schema_history (installed_rank, version, description, type, script,"
                                            + " checksum, installed_by, execution_time, success) values (9, '5', 'activate invited', 'SQL',"
                                            + " 'V5__activate_invited.sql', 0, 'someone', 1, false)");
                        },
                        "Detected failed migration to version 5 (activate invited)."),
                Arguments.of(
                        "edited-uk",
                        (BiConsumer<Path, String>) (dir, db) -> {
                            run(dir, "edited-uk", Action.MIGRATE);
                            FlywayProject.write(
                                    dir,
                                    "V1__accounts.sql",
                                    read(dir.resolve("tenant/V1__accounts.sql")) + "\n-- edited after release\n");
                        },
                        "Migration checksum mismatch for migration version 1"),
                Arguments.of(
                        "commit-uk",
                        (BiConsumer<Path, String>) (dir, db) -> {
                            run(dir, "commit-uk", Action.MIGRATE);
                            FlywayProject.write(dir, "V6__two_tables.sql", """
                            create table first_half (id int);
                            commit;
                            create table second_half (id int);
                            select 1/0;
                            """);
                        },
                        "V6__two_tables.sql: line 2: COMMIT would commit part of the migration: it runs in one transaction,"
                                + " which it did not open (remove the COMMIT)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void statusIsBlocked_exactlyWhenMigrateRefuses_andTheRefusalChangesNothing(
            String tenant, BiConsumer<Path, String> setUp, String refusal, @TempDir Path dir) {
        FlywayProject.copyTo(dir);
        String db = fleet.builder.tenantDatabase(tenant);
        setUp.accept(dir, db);
        List<String> before = fleet.history(db);
        List<String> schema = fleet.schemaSnapshot(db);

        MigrationOutcome status = run(dir, tenant, Action.STATUS);
        CliRun check = CliRun.of(
                cliEnv, "status", "--tier", "tenant", "--ids", tenant, "--check", "--migrations", dir.toString());
        CliRun dryRun = CliRun.of(cliEnv, "tenants", "--ids", tenant, "--dry-run", "--migrations", dir.toString());

        if (refusal == null) {
            assertThat(status.status()).isEqualTo(MigrationStatus.PENDING);
            assertThat(dryRun.exit()).as(dryRun.toString()).isZero();
            assertThat(run(dir, tenant, Action.MIGRATE).status()).isEqualTo(MigrationStatus.MIGRATED);
            return;
        }
        assertThat(status.status()).isEqualTo(MigrationStatus.BLOCKED);
        assertThat(status.blockedReason()).contains(refusal);
        assertThat(check.exit()).as(check.toString()).isEqualTo(1);
        assertThat(check.out()).contains("blocked: " + status.blockedReason());
        assertThat(dryRun.exit()).as(dryRun.toString()).isEqualTo(1);
        assertThat(dryRun.out())
                .contains("✗ Blocked tenant: Tenant " + tenant + " (" + tenant + ")")
                .contains(refusal);
        assertThatThrownBy(() -> run(dir, tenant, Action.VALIDATE))
                .isExactlyInstanceOf(ValidationFailedException.class)
                .hasMessageContaining(refusal);

        MigrationsException refused =
                catchThrowableOfType(MigrationsException.class, () -> run(dir, tenant, Action.MIGRATE));
        assertThat(refused).as("migrate refuses").isNotNull();
        assertThat(refused.getMessage()).contains(refusal);
        assertThat(fleet.history(db)).isEqualTo(before);
        assertThat(fleet.schemaSnapshot(db)).isEqualTo(schema);
    }

    @Test
    void aBeginCommitPairThatFails_leavesNothing_andARollbackIsRefusedBeforeAnythingRuns(@TempDir Path dir) {
        FlywayProject.copyTo(dir);
        run(dir, "absorbed-uk", Action.MIGRATE);
        run(dir, "rollback-uk", Action.MIGRATE);
        FlywayProject.write(dir, "V6__orders.sql", """
                begin;
                create table orders (id int);
                select 1/0;
                commit;
                """);

        assertThatThrownBy(() -> run(dir, "absorbed-uk", Action.MIGRATE))
                .isExactlyInstanceOf(MigrationFailedException.class)
                .hasMessage(
                        "Flyway migration failed: V6__orders.sql: line 3: ERROR: division by zero (SQLSTATE 22012)");
        assertThat(fleet.exists(fleet.builder.tenantDatabase("absorbed-uk"), "orders"))
                .isFalse();
        assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase("absorbed-uk")))
                .containsExactly("1", "2", "3", "4", "5");

        FlywayProject.write(dir, "V6__orders.sql", """
                create table orders (id int);
                rollback;
                """);
        assertThatThrownBy(() -> run(dir, "rollback-uk", Action.MIGRATE))
                .isExactlyInstanceOf(MigrationFailedException.class)
                .hasMessage(
                        "Flyway migration failed: V6__orders.sql: line 2: ROLLBACK would end the migration's transaction early:"
                                + " a migration runs in one transaction (remove it, or split the migration)");
        assertThat(fleet.exists(fleet.builder.tenantDatabase("rollback-uk"), "orders"))
                .isFalse();
    }

    @Test
    void readOnlyActions_runReadOnly_soACallbackThatWritesIsReportedNotObeyed(@TempDir Path dir) {
        FlywayProject.copyTo(dir);
        FlywayProject.write(dir, "beforeInfo.sql", "create table info_log (id int);");
        String db = fleet.builder.tenantDatabase("callback-uk");

        assertThatThrownBy(() -> run(dir, "callback-uk", Action.STATUS))
                .isExactlyInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("read-only transaction")
                .hasMessageEndingWith("(status and validate change nothing: a callback may not write)");
        CliRun status =
                CliRun.of(cliEnv, "status", "--tier", "tenant", "--ids", "callback-uk", "--migrations", dir.toString());
        assertThat(status.out()).contains("error: Flyway migration failed:").contains("read-only transaction");
        assertThat(fleet.exists(db, "info_log")).isFalse();
        assertThat(fleet.exists(db, "flyway_schema_history")).isFalse();
    }

    @Test
    void aTargetVersion_takesEveryFlywaySpelling_andTheResultSaysWhatIsLeft(@TempDir Path dir) {
        FlywayProject.copyTo(dir);

        MigrationOutcome outcome =
                TestFleet.run(migrator(dir), new MigrationRequest(Tier.TENANT, "target-uk", Action.MIGRATE, "3"));
        assertThat(outcome.toVersion()).isEqualTo("3");
        assertThat(outcome.pending())
                .as("repeatables run with any target, as in Flyway")
                .containsExactly("4", "5");

        FlywayProject.write(dir, "V3_5__between.sql", "select 1;");
        MigrationOutcome underscores =
                TestFleet.run(migrator(dir), new MigrationRequest(Tier.TENANT, "target-uk", Action.MIGRATE, "3_5"));
        assertThat(underscores.toVersion()).isEqualTo("3.5");
        assertThat(underscores.applied()).isEqualTo(1);
        assertThat(underscores.pending()).startsWith("4", "5");
    }

    private static void delete(Path... files) {
        try {
            for (Path file : files) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
