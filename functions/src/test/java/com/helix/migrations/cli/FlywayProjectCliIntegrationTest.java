package com.helix.migrations.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.json.Json;
import com.helix.migrations.support.CliRun;
import com.helix.migrations.support.FlywayProject;
import com.helix.migrations.support.TestFleet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Needs: the embedded PostgreSQL (secrets from a file). A real project's Flyway set through the CLI:
 * repeatables in the dry run, the status table and its histogram, the effective configuration.
 */
class FlywayProjectCliIntegrationTest {
    @TempDir
    static Path dir;

    private static TestFleet fleet;
    private static Map<String, String> env;

    @BeforeAll
    static void fleet() {
        fleet = TestFleet.empty("projcli_");
        fleet.builder
                .tenant("first-uk", "First Ltd", "uk", "active", true)
                .tenant("second-eu", "Second GmbH", "eu", "active", true);
        env = new HashMap<>(fleet.environment());
        env.remove("AWS_REGION");
        env.put(
                "SECRETS_FILE",
                fleet.builder.writeSecretsFile(dir.resolve("secrets.json")).toString());
        env.put(
                "MIGRATIONS_DIR",
                FlywayProject.copyTo(dir.resolve("migrations")).toString());
    }

    @AfterAll
    static void drop() {
        fleet.close();
    }

    @Test
    void repeatables_showInTheDryRun_theStatusTable_andTheJson_thenMigrate() throws IOException {
        CliRun dryRun = CliRun.of(env, "tenants", "--dry-run");
        assertThat(dryRun.exit()).as(dryRun.toString()).isZero();
        assertThat(dryRun.out())
                .contains(
                        "• Pending tenant: First Ltd (first-uk) at empty, 7 pending (1, 2, 3, 4, 5, R account summary view, R touch function)");

        CliRun json = CliRun.of(env, "tenants", "--dry-run", "--output", "json");
        JsonNode document = Json.MAPPER.readTree(json.out());
        assertThat(document.get("pending").asInt()).isEqualTo(2);
        assertThat(document.get("results").get(0).get("pending"))
                .extracting(JsonNode::asText)
                .contains("R touch function");
        // Only the versions may be null (an empty schema), and they are always present, as the state machine selects
        // them.
        assertThat(json.out().replace("\"fromVersion\" : null", "").replace("\"toVersion\" : null", ""))
                .doesNotContain("null");

        CliRun table = CliRun.of(env, "status", "--tier", "tenant");
        assertThat(table.exit()).as(table.toString()).isZero();
        assertThat(table.out())
                .contains("tenant @ empty +2 R pending     2")
                .contains("2 databases: 0 up to date, 0 with warnings, 2 with pending migrations");

        CliRun migrate = CliRun.of(env, "tenants");
        assertThat(migrate.exit()).as(migrate.toString()).isZero();
        assertThat(migrate.out())
                .contains("✓ Migrated tenant: First Ltd (first-uk) empty → 5 (7 applied")
                .contains(
                        "⚠ V5__activate_invited.sql: BEGIN at line 2 and COMMIT at line 5 ran as part of the migration's own transaction");
        CliRun current = CliRun.of(env, "status", "--tier", "tenant", "--check");
        assertThat(current.exit()).as(current.toString()).isZero();
        assertThat(current.out()).contains("tenant @ 5").contains("2 databases: 2 up to date");
    }

    @Test
    void config_showsEachSettingAndWhereItCameFrom_neverASecret() {
        Map<String, String> withVariables = new HashMap<>(env);
        withVariables.put("FLYWAY_OUT_OF_ORDER", "true");
        withVariables.put("FLYWAY_PLACEHOLDERS_API_KEY", "s3cr3t-value");

        CliRun run = CliRun.of(withVariables, "config");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("tenant (7 migrations, latest 5)")
                .containsPattern("flyway\\.placeholders\\.retention_days = 30 +flyway\\.conf")
                .containsPattern("flyway\\.outOfOrder = true +FLYWAY_OUT_OF_ORDER")
                .containsPattern("flyway\\.placeholders\\.api_key = \\*\\*\\*\\* +FLYWAY_PLACEHOLDERS_API_KEY")
                .containsPattern("flyway\\.cleanDisabled = true +helix-migrations")
                .containsPattern("flyway\\.defaultSchema = public +helix-migrations \\(default\\)")
                .contains("central (")
                .doesNotContain("s3cr3t-value");
    }
}
