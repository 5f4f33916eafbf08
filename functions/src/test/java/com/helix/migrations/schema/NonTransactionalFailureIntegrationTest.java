package com.helix.migrations.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.config.MigrationsConfig;
import com.helix.migrations.core.Action;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.core.MigrationRequest;
import com.helix.migrations.core.MigrationStatus;
import com.helix.migrations.core.Platform;
import com.helix.migrations.exceptions.DatabaseBusyException;
import com.helix.migrations.handler.MigrateDatabaseFunction;
import com.helix.migrations.json.Json;
import com.helix.migrations.support.CliRun;
import com.helix.migrations.support.FlywayProject;
import com.helix.migrations.support.TestFleet;
import com.helix.migrations.target.Tier;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Needs: the embedded PostgreSQL and the Secrets Manager fake. A migration that runs outside a
 * transaction ({@code CREATE INDEX CONCURRENTLY}) and fails leaves a failed history row; the database
 * is never stuck on it: the next migrate removes the row and tries again, and {@code repair} removes it
 * on request, as {@code flyway repair} does.
 */
class NonTransactionalFailureIntegrationTest {
    private static TestFleet fleet;
    private static Map<String, String> cliEnv;

    @BeforeAll
    static void fleet(@TempDir Path secrets) {
        fleet = TestFleet.empty("nontx_");
        fleet.builder
                .tenant("retry-uk", "Retry Ltd", "uk", "active", true)
                .tenant("repair-uk", "Repair Ltd", "uk", "active", true);
        fleet.serveSecrets();
        cliEnv = new HashMap<>(fleet.environment());
        cliEnv.remove("AWS_REGION");
        cliEnv.put(
                "SECRETS_FILE",
                fleet.builder.writeSecretsFile(secrets.resolve("secrets.json")).toString());
        cliEnv.put("DB_LOCK_TIMEOUT_SECONDS", "1");
    }

    @AfterAll
    static void drop() {
        fleet.close();
    }

    private static Platform migrator(Path dir) {
        Map<String, String> env = new HashMap<>(fleet.environment());
        env.put("MIGRATIONS_DIR", dir.toString());
        env.put("DB_LOCK_TIMEOUT_SECONDS", "1");
        return Platform.fromConfig(MigrationsConfig.fromEnvironment(env));
    }

    /** Migrates to V3, then runs V4 (CREATE INDEX CONCURRENTLY) while another session holds a lock on accounts. */
    private static void failTheConcurrentIndex(Platform migrator, String tenant) throws Exception {
        String db = fleet.builder.tenantDatabase(tenant);
        TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, tenant, Action.MIGRATE, "3"));
        try (Connection holder = fleet.server.admin(db);
                Statement statement = holder.createStatement()) {
            holder.setAutoCommit(false);
            statement.execute("lock table accounts in share row exclusive mode");
            assertThatThrownBy(() ->
                            TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, tenant, Action.MIGRATE, null)))
                    .isExactlyInstanceOf(DatabaseBusyException.class)
                    .hasMessage(
                            "Flyway migration failed: V4__accounts_created_at_index.sql: line 3: ERROR: canceling statement due to lock timeout (SQLSTATE 55P03)");
            holder.rollback();
        }
        assertThat(fleet.history(db))
                .as("Flyway's failed row, after the repeatables that came with V3")
                .containsExactly("1:true", "2:true", "3:true", "-:true", "-:true", "4:false");
    }

    @Test
    void aFailedNonTransactionalMigration_isShownAsFailed_pendingNotBlocked_andTheNextMigrateConverges(
            @TempDir Path dir) throws Exception {
        FlywayProject.copyTo(dir);
        Platform migrator = migrator(dir);
        failTheConcurrentIndex(migrator, "retry-uk");

        MigrationOutcome status =
                TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, "retry-uk", Action.STATUS, null));
        assertThat(status.status()).as("migrate will retry it").isEqualTo(MigrationStatus.PENDING);
        assertThat(status.version()).isEqualTo("3 (V4 failed)");
        assertThat(status.pending()).containsExactly("4", "5");
        assertThat(status.repairs()).containsExactly("would remove the failed row of V4 (accounts created at index)");
        CliRun table =
                CliRun.of(cliEnv, "status", "--tier", "tenant", "--ids", "retry-uk", "--migrations", dir.toString());
        assertThat(table.out()).contains("3 (V4 failed)");

        MigrationOutcome retried =
                TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, "retry-uk", Action.MIGRATE, null));

        assertThat(retried.status()).isEqualTo(MigrationStatus.MIGRATED);
        assertThat(retried.toVersion()).isEqualTo("5");
        String db = fleet.builder.tenantDatabase("retry-uk");
        assertThat(fleet.history(db))
                .containsExactly("1:true", "2:true", "3:true", "-:true", "-:true", "4:true", "5:true");
        assertThat(fleet.strings(
                        db,
                        "select indisvalid::text from pg_index where indexrelid = 'accounts_created_at_idx'::regclass"))
                .containsExactly("true");
    }

    @Test
    void repair_removesTheFailedRow_andSaysSo_throughTheHandlerAndTheCli(@TempDir Path dir) throws Exception {
        FlywayProject.copyTo(dir);
        Platform migrator = migrator(dir);
        failTheConcurrentIndex(migrator, "repair-uk");
        String db = fleet.builder.tenantDatabase("repair-uk");

        CliRun preview = CliRun.of(
                cliEnv,
                "repair",
                "--tier",
                "tenant",
                "--ids",
                "repair-uk",
                "--dry-run",
                "--migrations",
                dir.toString());
        assertThat(preview.exit()).as(preview.toString()).isZero();
        assertThat(preview.out())
                .contains("[TenantMigrator] Starting dry run for all tenant databases...")
                .contains(
                        "• Would repair tenant: Repair Ltd (repair-uk) at 3 (V4 failed): would remove the failed row of V4 (accounts created at index)");
        assertThat(fleet.history(db)).as("a dry run changes nothing").endsWith("4:false");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new MigrateDatabaseFunction(migrator)
                .handleRequest(
                        new ByteArrayInputStream("{\"tier\":\"tenant\",\"id\":\"repair-uk\",\"action\":\"repair\"}"
                                .getBytes(StandardCharsets.UTF_8)),
                        out,
                        null);
        JsonNode result = Json.MAPPER.readTree(out.toByteArray());
        assertThat(result.get("status").asText()).isEqualTo("repaired");
        assertThat(result.get("repairs"))
                .extracting(JsonNode::asText)
                .containsExactly("removed the failed row of V4 (accounts created at index)");
        assertThat(fleet.history(db)).containsExactly("1:true", "2:true", "3:true", "-:true", "-:true");

        CliRun again =
                CliRun.of(cliEnv, "repair", "--tier", "tenant", "--ids", "repair-uk", "--migrations", dir.toString());
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.out()).contains("✓ Nothing to repair in tenant: Repair Ltd (repair-uk) already at 3");
        CliRun one = CliRun.of(cliEnv, "one", "--tenant", "repair-uk", "--migrations", dir.toString());
        assertThat(one.exit()).as(one.toString()).isZero();
        assertThat(fleet.appliedVersions(db)).containsExactly("1", "2", "3", "4", "5");
    }
}
