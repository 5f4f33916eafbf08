package com.helix.migrations.guarantees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.helix.migrations.exceptions.InvalidRegistryRowException;
import com.helix.migrations.fleet.RunSteps;
import com.helix.migrations.fleet.TargetLanes;
import com.helix.migrations.handler.ListTargetsFunction;
import com.helix.migrations.handler.MigrateDatabaseFunction;
import com.helix.migrations.json.Json;
import com.helix.migrations.support.CliRun;
import com.helix.migrations.support.TestFleet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Needs: the embedded PostgreSQL. The central registry is written by other services: its rows are
 * input. A row whose host smuggles a port, a database or connection parameters, whose port is out of
 * range, which names a system database, the central database or a database another row names too,
 * or whose id breaks the id rule, is a failed target saying why, the same in the CLI, ListTargets
 * and MigrateDatabase, and nothing is connected to. Names are data: a newline or an ANSI escape in a
 * tenant's name is printed escaped.
 */
class HostileRegistryIntegrationTest {
    @TempDir
    static Path dir;

    private static TestFleet fleet;
    private static Map<String, String> env;
    private static int port;

    @BeforeAll
    static void fleet() {
        fleet = TestFleet.empty("hostile_");
        port = fleet.server.port();
        fleet.builder
                .tenant("ok-uk", "Okay Ltd", "uk", "active", true)
                // A database no row should reach: a suspended tenant's.
                .tenant("bystander-uk", "Bystander", "uk", "suspended", true)
                .tenant("inject-uk", "Injected Path", "uk", "active", true)
                .tenant("user-uk", "Injected User", "uk", "active", true)
                .tenant("tls-uk", "Injected TLS", "uk", "active", true)
                .tenant("port0-uk", "Port Zero", "uk", "active", true)
                .tenant("nohost-uk", "No Host", "uk", "active", true)
                .tenant("twin-a-uk", "Twin A", "uk", "active", true)
                .tenant("twin-b-uk", "Twin B", "uk", "active", true)
                .tenant("template-uk", "Template", "uk", "active", true)
                .tenant("central-uk", "Central Twin", "uk", "active", true)
                .tenant("acme uk", "Spaced Id", "uk", "active", true)
                .tenant("café-uk", "Accented Id", "uk", "active", true)
                .tenant(
                        "ansi-uk",
                        "Evil\nMigration complete: 99 succeeded, 0 failed\u001b[31m\u202e",
                        "uk",
                        "active",
                        true);
        row(
                "inject-uk",
                "host = '127.0.0.1:" + port + "/" + fleet.builder.tenantDatabase("bystander-uk")
                        + "?currentSchema=x&'");
        row("user-uk", "host = 'localhost?user=postgres&'");
        row("tls-uk", "host = 'localhost?sslfactory=org.postgresql.ssl.NonValidatingFactory&'");
        row("port0-uk", "port = 0");
        row("nohost-uk", "host = ''");
        row("twin-b-uk", "database_name = '" + fleet.builder.tenantDatabase("twin-a-uk") + "'");
        row("template-uk", "database_name = 'template1'");
        row("central-uk", "database_name = '" + fleet.builder.centralDatabase() + "'");
        fleet.serveSecrets();
        env = fleet.environment();
        env.remove("AWS_REGION");
        env.put(
                "SECRETS_FILE",
                fleet.builder.writeSecretsFile(dir.resolve("secrets.json")).toString());
    }

    private static void row(String tenantId, String set) {
        fleet.builder.execute(
                fleet.builder.centralDatabase(),
                "update tenant_databases set " + set + " where tenant_id = '" + tenantId + "'");
    }

    @AfterAll
    static void drop() {
        fleet.close();
    }

    private static final Map<String, String> REFUSED = Map.of(
            "inject-uk", "host '127.0.0.1:" + "PORT" + "/",
            "user-uk", "host 'localhost?user=postgres&' is not a host name or IP address",
            "tls-uk", "host 'localhost?sslfactory=org.postgresql.ssl.NonValidatingFactory",
            "port0-uk", "port 0 is not from 1 to 65535",
            "nohost-uk", "host is empty",
            "twin-a-uk", "database shared with tenant twin-b-uk",
            "twin-b-uk", "database shared with tenant twin-a-uk",
            "template-uk", "database 'template1' is a system database",
            "central-uk", "database is the central database",
            "acme uk", "id 'acme uk' does not match [A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");

    @Test
    void theCli_failsEachBadRowInOneLine_migratesTheRest_andConnectsToNothingARowSmuggledIn() {
        CliRun run = CliRun.of(env, "tenants", "--concurrency", "3");

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        REFUSED.forEach((id, problem) -> assertThat(run.out())
                .as(id)
                .contains("Invalid registry row: tenant " + id + ": " + problem.replace("PORT", "" + port)));
        assertThat(run.out()).contains("Invalid registry row: tenant café-uk: id 'café-uk' does not match");
        assertThat(run.out()).contains("✓ Migrated tenant: Okay Ltd (ok-uk)");
        // Neither twin, nor the database a host tried to reach, was touched.
        assertThat(fleet.exists(fleet.builder.tenantDatabase("bystander-uk"), "flyway_schema_history"))
                .isFalse();
        assertThat(fleet.exists(fleet.builder.tenantDatabase("twin-a-uk"), "flyway_schema_history"))
                .isFalse();
        assertThat(fleet.exists(fleet.builder.tenantDatabase("inject-uk"), "flyway_schema_history"))
                .isFalse();
        // The name is printed, escaped: no forged line, no escape sequence, no bidi override.
        assertThat(run.out())
                .contains("tenant: Evil\\u000aMigration complete: 99 succeeded, 0 failed\\u001b[31m\\u202e (ansi-uk)");
        assertThat(run.out().lines()).noneMatch(line -> line.startsWith("Migration complete: 99"));
        assertThat(run.out()).doesNotContain("\u001b").doesNotContain("\u202e");
        assertThat(run.out()).contains("Migration complete: 2 succeeded, 11 failed");
    }

    @Test
    void theStateMachinesFunctions_listTheBadRows_andMigrateDatabaseRefusesEachForTheSameReason() throws Exception {
        String runId = RunSteps.of(fleet.platform())
                .start(Json.MAPPER.convertValue(
                        Json.MAPPER
                                .createObjectNode()
                                .put("executionArn", "arn:aws:states:eu-west-2:123456789012:execution:m:hostile")
                                .set("input", Json.MAPPER.createObjectNode()),
                        RunSteps.StartRequest.class))
                .runId();
        ListTargetsFunction listTargets = new ListTargetsFunction(TargetLanes.of(fleet.platform()));
        ByteArrayOutputStream lanes = new ByteArrayOutputStream();
        listTargets.handleRequest(
                new ByteArrayInputStream(("{\"runId\":\"" + runId + "\"}").getBytes(StandardCharsets.UTF_8)),
                lanes,
                null);
        ObjectNode lane = Json.MAPPER.createObjectNode().put("runId", runId).put("pageSize", 1000);
        lane.set("lane", Json.MAPPER.readTree(lanes.toByteArray()).get("lanes").get(0));
        List<String> ids = new ArrayList<>();
        for (int taken = 0, count = -1; count != 0; ) {
            ByteArrayOutputStream listed = new ByteArrayOutputStream();
            listTargets.handleRequest(
                    new ByteArrayInputStream(lane.put("taken", taken).toString().getBytes(StandardCharsets.UTF_8)),
                    listed,
                    null);
            JsonNode batch = Json.MAPPER.readTree(listed.toByteArray());
            batch.get("items").forEach(item -> ids.add(item.get("id").asText()));
            count = batch.get("count").asInt();
            taken = batch.get("taken").asInt();
        }
        assertThat(ids).contains("acme uk", "café-uk", "inject-uk", "twin-a-uk", "twin-b-uk");

        MigrateDatabaseFunction migrate = new MigrateDatabaseFunction(fleet.platform());
        for (Map.Entry<String, String> refused : REFUSED.entrySet()) {
            String event = Json.MAPPER
                    .createObjectNode()
                    .put("tier", "tenant")
                    .put("id", refused.getKey())
                    .toString();
            Throwable thrown = catchThrowable(() -> migrate.handleRequest(
                    new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)),
                    new ByteArrayOutputStream(),
                    null));
            assertThat(thrown)
                    .as(refused.getKey())
                    .isInstanceOf(InvalidRegistryRowException.class)
                    .hasMessageContaining("Invalid registry row: tenant " + refused.getKey() + ": "
                            + refused.getValue().replace("PORT", "" + port));
        }
        assertThat(fleet.exists(fleet.builder.tenantDatabase("bystander-uk"), "flyway_schema_history"))
                .isFalse();
    }

    @Test
    void statusAndTheOneCommand_refuseTheRowToo() {
        CliRun one = CliRun.of(env, "one", "--tenant", "user-uk", "--action", "status", "--output", "json");
        assertThat(one.exit()).as(one.toString()).isEqualTo(1);
        JsonNode result = read(one.out());
        assertThat(result.get("errorCode").asText()).isEqualTo("INVALID_REGISTRY_ROW");
        assertThat(result.get("error").asText())
                .isEqualTo("Invalid registry row: tenant user-uk: host 'localhost?user=postgres&' is not a host name or"
                        + " IP address");

        CliRun status = CliRun.of(env, "status", "--tier", "tenant", "--ids", "twin-a-uk,ok-uk");
        assertThat(status.out()).as(status.toString()).contains("error: Invalid registry row: tenant twin-a-uk");
    }

    private static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
