package com.helix.migrations.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.core.Action;
import com.helix.migrations.core.MigrationRequest;
import com.helix.migrations.core.Platform;
import com.helix.migrations.exceptions.DatabaseUnavailableException;
import com.helix.migrations.exceptions.MigrationFailedException;
import com.helix.migrations.json.Json;
import com.helix.migrations.support.LambdaApiServer;
import com.helix.migrations.support.NodeTools;
import com.helix.migrations.support.PackagedMigrations;
import com.helix.migrations.support.StateMachineRun;
import com.helix.migrations.support.TestFleet;
import com.helix.migrations.target.Tier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Needs: Node 22 and aws-local-stepfunctions (src/test/node, installed by the build), the embedded
 * PostgreSQL and the Secrets Manager fake. The real ASL, run by a real interpreter, its Lambda calls
 * served by the real handler classes over the Lambda Invoke API.
 */
class MigrateFleetStateMachineIntegrationTest {

    /** uk and eu tenants with kira and ledger products; one broken, one suspended, one not provisioned. */
    private static TestFleet fleet(String prefix) {
        TestFleet fleet = TestFleet.empty(prefix);
        fleet.core()
                .tenant("umbrella-eu", "Umbrella", "eu", "active", true)
                .product("umbrella-eu-ledger", "umbrella-eu", "ledger", "eu", "active", true)
                .tenant("wayne-uk", "Wayne Foods", "uk", "active", true)
                .product("wayne-uk-kira", "wayne-uk", "kira", "uk", "active", true)
                .tenant("broken-uk", "Broken Ltd", "uk", "active", true)
                .tenant("initech-uk", "Initech", "uk", "suspended", true)
                .product("initech-uk-kira", "initech-uk", "kira", "uk", "active", true)
                .tenant("hooli-uk", "Hooli", "uk", "active", false);
        fleet.serveSecrets();
        return fleet;
    }

    private static LambdaApiServer lambda(Platform platform) {
        return new LambdaApiServer(StateMachineRun.functions(platform));
    }

    private static NodeTools.Result run(LambdaApiServer lambda, Map<String, String> substitutions, String input)
            throws IOException {
        return StateMachineRun.run(lambda, substitutions, Json.MAPPER.readTree(input), Map.of(), Duration.ofMinutes(3));
    }

    @Test
    void fleet_failsNamingExactlyTheBrokenDatabase_andMigratesEveryOtherActiveOne(@TempDir Path scratch)
            throws IOException {
        TestFleet fleet = fleet("sfn_");
        try (LambdaApiServer lambda = lambda(fleet.platform())) {
            Platform setup = fleet.platform();
            TestFleet.run(setup, new MigrationRequest(Tier.TENANT, "broken-uk", Action.MIGRATE, "1"));
            fleet.builder.execute(fleet.builder.tenantDatabase("broken-uk"), "create table audit_events (id int)");
            // The first call for globex-eu finds its database restarting: retried, then fine.
            Map<String, Integer> seen = new ConcurrentHashMap<>();
            lambda.intercept(call -> call.startsWith("helix-migrate-database")
                            && call.contains("\"globex-eu\"")
                            && seen.merge("globex-eu", 1, Integer::sum) == 1
                    ? new DatabaseUnavailableException("tenant_globex_eu_shared (the database system is starting up)")
                    : null);

            Path payloads = scratch.resolve("payloads.jsonl");
            NodeTools.Result result = StateMachineRun.run(
                    lambda,
                    StateMachineRun.substitutions(5, 10, 3),
                    Json.MAPPER.readTree("{\"maxConcurrency\": 2}"),
                    Map.of("payloadsFile", payloads.toString()),
                    Duration.ofMinutes(3));

            JsonNode out = result.json();
            assertThat(out.get("status").asText()).as(out.toString()).isEqualTo("FAILED");
            assertThat(out.get("error").asText()).isEqualTo("MigrationsFailed");
            assertThat(out.get("cause").asText())
                    .startsWith(
                            "1 of 10 databases failed: tenant broken-uk (Broken Ltd): Flyway migration failed: V2__audit_events.sql: line 1: ERROR: relation \"audit_events\" already exists (SQLSTATE 42P07)")
                    .doesNotContain("; ");
            for (String tenant : List.of("acme-uk", "globex-eu", "umbrella-eu", "wayne-uk")) {
                assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase(tenant)))
                        .as(tenant)
                        .endsWith("5");
            }
            assertThat(fleet.appliedVersions(fleet.builder.productDatabase("acme-uk", "kira")))
                    .endsWith("4");
            assertThat(fleet.appliedVersions(fleet.builder.productDatabase("umbrella-eu", "ledger")))
                    .endsWith("3");
            assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase("broken-uk")))
                    .containsExactly("1");
            assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase("initech-uk")))
                    .as("suspended")
                    .isEmpty();
            assertThat(fleet.appliedVersions(fleet.builder.productDatabase("initech-uk", "kira")))
                    .as("tenant suspended")
                    .isEmpty();
            assertThat(lambda.peakConcurrency("helix-migrate-database")).isEqualTo(2);
            assertThat(lambda.calls().stream()
                            .filter(c -> c.startsWith("helix-migrate-database") && c.contains("\"globex-eu\""))
                            .count())
                    .as("retried once")
                    .isEqualTo(2);
            assertThat(fleet.appliedVersions(fleet.builder.centralDatabase()))
                    .containsExactly("1", "2", "3", "4", "5", "6");
            // Every state's input and output, every Lambda payload and the execution's result: no password.
            String everything = Files.readString(payloads) + String.join("\n", lambda.calls()) + out + result.stderr();
            assertThat(everything)
                    .contains("broken-uk")
                    .doesNotContain(com.helix.migrations.support.EmbeddedServer.APP_PASSWORD);
        } finally {
            fleet.close();
        }
    }

    @Test
    void productTypeFilter_migratesOnlyThatTypesProducts_andSucceeds() throws IOException {
        TestFleet fleet = fleet("sfnp_");
        try (LambdaApiServer lambda = lambda(fleet.platform())) {
            NodeTools.Result result = run(
                    lambda,
                    StateMachineRun.substitutions(5, 10, 100),
                    "{\"productType\": \"ledger\", \"tenantIds\": [\"acme-uk\", \"umbrella-eu\", \"wayne-uk\"]}");

            JsonNode out = result.json();
            assertThat(out.get("status").asText()).as(out.toString()).isEqualTo("SUCCEEDED");
            assertThat(out.get("output").get("summary").get("message").asText())
                    .isEqualTo("Migration complete: 5 succeeded, 0 failed");
            assertThat(out.get("output").get("summary").get("success"))
                    .extracting(JsonNode::asText)
                    .containsExactlyInAnyOrder(
                            "acme-uk", "umbrella-eu", "wayne-uk", "acme-uk-ledger", "umbrella-eu-ledger");
            assertThat(fleet.appliedVersions(fleet.builder.productDatabase("acme-uk", "ledger")))
                    .endsWith("3");
            assertThat(fleet.appliedVersions(fleet.builder.productDatabase("acme-uk", "kira")))
                    .isEmpty();
            assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase("globex-eu")))
                    .as("not in tenantIds")
                    .isEmpty();
        } finally {
            fleet.close();
        }
    }

    @Test
    void centralFailure_stopsTheRunBeforeAnyTenant() throws IOException {
        TestFleet fleet = fleet("sfnc_");
        try (LambdaApiServer lambda = lambda(fleet.platform())) {
            lambda.intercept(call -> call.contains("\"tier\":\"central\"")
                    ? new MigrationFailedException("V3__add_regions.sql: ERROR: permission denied for table tenants")
                    : null);

            JsonNode out =
                    run(lambda, StateMachineRun.substitutions(5, 10, 100), "{}").json();

            assertThat(out.get("status").asText()).isEqualTo("FAILED");
            assertThat(out.get("error").asText()).isEqualTo("CentralMigrationFailed");
            assertThat(out.get("cause").asText())
                    .contains(
                            "Flyway migration failed: V3__add_regions.sql: ERROR: permission denied for table tenants");
            assertThat(lambda.calls())
                    .containsExactly(
                            "helix-check-migrations {}",
                            "helix-migrate-database {\"tier\":\"central\",\"action\":\"migrate\"}");
            assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase("acme-uk")))
                    .isEmpty();
        } finally {
            fleet.close();
        }
    }

    @Test
    void maxFailures_stopsStartingNewDatabases(@TempDir Path migrations) throws IOException {
        TestFleet fleet = fleet("sfnm_");
        PackagedMigrations.copy(migrations, "central");
        Files.createDirectories(migrations.resolve("tenant"));
        Files.writeString(migrations.resolve("tenant/V1__broken.sql"), "select 1/0;");
        try (LambdaApiServer lambda = lambda(fleet.platform(migrations))) {
            JsonNode out =
                    run(lambda, StateMachineRun.substitutions(1, 2, 2), "{}").json();

            assertThat(out.get("status").asText()).isEqualTo("FAILED");
            assertThat(out.get("error").asText()).isEqualTo("MigrationsFailed");
            assertThat(out.get("cause").asText())
                    .startsWith("2 of 10 databases failed (8 not started: failure limit reached): tenant ")
                    .endsWith("[failure limit of 2 reached: no further databases were started]");
            long migrations1 = lambda.calls().stream()
                    .filter(c -> c.startsWith("helix-migrate-database") && !c.contains("central"))
                    .count();
            assertThat(migrations1)
                    .as("five active tenants and five products, but the run stopped after the lane's first batch")
                    .isEqualTo(2);
        } finally {
            fleet.close();
        }
    }

    @Test
    void aMistakeInTheMigrationSet_stopsTheRunBeforeCentral_namingTheFile(@TempDir Path migrations) throws IOException {
        TestFleet fleet = fleet("sfni_");
        PackagedMigrations.copy(migrations, "central", "tenant");
        Files.writeString(
                migrations.resolve("tenant/V6_accounts_email.sql"), "alter table users add column email2 text;");
        try (LambdaApiServer lambda = lambda(fleet.platform(migrations))) {
            JsonNode out =
                    run(lambda, StateMachineRun.substitutions(5, 10, 100), "{}").json();

            assertThat(out.get("status").asText()).as(out.toString()).isEqualTo("FAILED");
            assertThat(out.get("error").asText()).isEqualTo("InvalidMigrationSet");
            assertThat(out.get("cause").asText())
                    .contains(
                            "Invalid configuration: tenant/V6_accounts_email.sql: Invalid versioned migration name format");
            assertThat(lambda.calls()).containsExactly("helix-check-migrations {}");
            assertThat(fleet.appliedVersions(fleet.builder.centralDatabase()))
                    .containsExactly("1", "2", "3", "4", "5", "6");
        } finally {
            fleet.close();
        }
    }
}
