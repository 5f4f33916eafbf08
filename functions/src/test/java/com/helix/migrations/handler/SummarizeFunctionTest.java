package com.helix.migrations.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.fleet.RunSteps;
import com.helix.migrations.json.Json;
import com.helix.migrations.support.TestFleet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Needs: the embedded PostgreSQL (the run ledger in the central database). Lanes' results recorded by
 * Summarize, and the original library's {@code {success, failed}} summary FinishRun reads back from the ledger.
 */
class SummarizeFunctionTest {
    private static TestFleet fleet;
    private static RunSteps steps;
    private static SummarizeFunction function;
    private static String runId;

    @BeforeAll
    static void fleet() {
        fleet = TestFleet.empty("sum_");
        fleet.builder.execute(fleet.builder.centralDatabase(), """
                insert into tenants (id, name, jurisdiction)
                select 't' || i, 'Tenant ' || i, 'uk' from generate_series(0, 999) i
                union all values ('acme-uk', 'Acme Corp', 'uk'), ('globex-eu', 'Globex GmbH', 'eu'),
                                 ('broken-uk', 'Broken Ltd', 'uk');
                insert into tenant_databases (tenant_id, host, port, database_name, secret_id)
                select id, 'db-1.internal', 5432, replace(id, '-', '_'), 'helix/' || id from tenants;
                """);
        steps = RunSteps.of(fleet.platform());
        function = new SummarizeFunction(steps);
        runId = steps.start(Json.MAPPER.convertValue(
                        Json.MAPPER
                                .createObjectNode()
                                .put("executionArn", "arn:aws:states:eu-west-2:123456789012:execution:m:sum")
                                .set("input", Json.MAPPER.createObjectNode()),
                        RunSteps.StartRequest.class))
                .runId();
    }

    @AfterAll
    static void drop() {
        fleet.close();
    }

    private JsonNode invoke(String event) throws IOException {
        if (event.startsWith("{") && !event.contains("\"runId\"")) {
            event = "{\"runId\":\"" + runId + "\"," + event.substring(1);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        function.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return Json.MAPPER.readTree(out.toByteArray());
    }

    @Test
    void lanesResults_areRecordedOnce_stopAtTheLimit_andFinishRunSumsThemUpFromTheLedger() throws IOException {
        ObjectNode sample =
                (ObjectNode) Json.MAPPER.readTree(Files.readString(Path.of("..", "events", "summarize.json")));
        sample.put("runId", runId).put("maxFailures", 101);
        assertThat(invoke(sample.toString()).get("recorded").asInt()).isEqualTo(3);
        assertThat(invoke(sample.toString()).get("recorded").asInt())
                .as("a retried Summarize changes nothing")
                .isZero();

        for (int batch = 0; batch < 10; batch++) {
            ObjectNode event = Json.MAPPER.createObjectNode();
            event.put("runId", runId);
            ArrayNode results = event.putArray("results");
            for (int i = 0; i < 100; i++) {
                int n = batch * 100 + i;
                ObjectNode r = results.addObject()
                        .put("tier", "tenant")
                        .put("id", "t" + n)
                        .put("name", "Tenant " + n);
                if (n % 10 == 0) {
                    // The local interpreter's cause format: "Type: message".
                    r.put("status", "failed")
                            .put("errorType", "com.helix.migrations.exceptions.DatabaseUnavailableException")
                            .put(
                                    "cause",
                                    "com.helix.migrations.exceptions.DatabaseUnavailableException: Database unavailable: tenant_t"
                                            + n + "_shared (Connection refused)");
                } else {
                    r.put("status", "migrated");
                }
            }
            event.put("maxFailures", 101);
            JsonNode progress = invoke(event.toString());
            assertThat(progress.get("recorded").asInt()).isEqualTo(100);
            assertThat(progress.get("failures").asInt()).isEqualTo(1 + 10 * (batch + 1));
            assertThat(progress.get("stop").asBoolean()).isEqualTo(batch == 9);
        }

        RunSteps.Outcome outcome = steps.finish(
                runId,
                101,
                new RunSteps.Shown(FinishRunFunction.SUCCESS_CAP, FinishRunFunction.FAILED_CAP, 5),
                new StringBuilder());
        JsonNode summary = Json.MAPPER.valueToTree(outcome.summary());
        assertThat(summary.get("succeeded").asInt()).isEqualTo(902);
        assertThat(summary.get("failedCount").asInt()).isEqualTo(101);
        assertThat(summary.get("migrated").asInt()).isEqualTo(901);
        assertThat(summary.get("upToDate").asInt()).isEqualTo(1);
        assertThat(summary.get("success")).hasSize(FinishRunFunction.SUCCESS_CAP);
        assertThat(summary.get("success").get(0).asText()).isEqualTo("acme-uk");
        assertThat(summary.get("failed")).hasSize(FinishRunFunction.FAILED_CAP);
        JsonNode broken = summary.get("failed").get(0);
        assertThat(broken.get("id").asText()).isEqualTo("broken-uk");
        assertThat(broken.get("name").asText()).isEqualTo("Broken Ltd");
        assertThat(broken.get("error").asText())
                .isEqualTo(
                        "Flyway migration failed: V2__audit_events.sql: ERROR: relation \"audit_events\" already exists");
        assertThat(broken.get("errorType").asText()).isEqualTo("MigrationFailedException");
        assertThat(broken.get("errorCode").asText()).isEqualTo("MIGRATION_FAILED");
        assertThat(summary.get("failed").get(1).get("error").asText())
                .isEqualTo("Database unavailable: tenant_t0_shared (Connection refused)");
        assertThat(summary.get("message").asText()).isEqualTo("Migration complete: 902 succeeded, 101 failed");
        assertThat(summary.toString().length()).isLessThan(16 * 1024);
        assertThat(outcome.cause())
                .startsWith("101 of 1003 databases failed: tenant broken-uk (Broken Ltd): Flyway migration failed")
                .endsWith("and 96 more [failure limit of 101 reached: no further databases were started]");
        assertThat(outcome.run().status()).isEqualTo("failed");
    }

    @Test
    void malformedResults_areRefused() {
        assertThatThrownBy(() -> invoke("{\"results\": {}}"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Invalid request: results must be an array of objects, not object");
        assertThatThrownBy(
                        () -> invoke("{\"results\": [{\"tier\": \"tenant\", \"id\": \"a\", \"status\": \"great\"}]}"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage(
                        "Invalid request: status must be one of migrated, up_to_date, pending, blocked, repaired, baselined, failed, not 'great'");
    }
}
