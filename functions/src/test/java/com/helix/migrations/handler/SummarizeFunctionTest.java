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
 * Needs: the embedded PostgreSQL (the run ledger in the central database). The fold of a run's pages into
 * the original library's {@code {success, failed}} summary.
 */
class SummarizeFunctionTest {
    private static TestFleet fleet;
    private static SummarizeFunction function;
    private static String runId;

    @BeforeAll
    static void fleet() {
        fleet = TestFleet.empty("sum_");
        RunSteps steps = RunSteps.of(fleet.platform());
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
    void sampleEvent_foldsIntoSuccessAndFailed_withTheLambdaErrorMessage() throws IOException {
        JsonNode progress = invoke(Files.readString(Path.of("..", "events", "summarize.json")));

        JsonNode summary = progress.get("summary");
        assertThat(summary.get("success")).extracting(JsonNode::asText).containsExactly("acme-uk", "globex-eu");
        assertThat(summary.get("failed")).hasSize(1);
        assertThat(summary.get("failed").get(0).get("error").asText())
                .isEqualTo(
                        "Flyway migration failed: V2__audit_events.sql: ERROR: relation \"audit_events\" already exists");
        assertThat(summary.get("failed").get(0).get("errorType").asText()).isEqualTo("MigrationFailedException");
        assertThat(summary.get("migrated").asInt()).isEqualTo(1);
        assertThat(summary.get("upToDate").asInt()).isEqualTo(1);
        assertThat(summary.get("message").asText()).isEqualTo("Migration complete: 2 succeeded, 1 failed");
        assertThat(progress.get("stop").asBoolean()).isFalse();
        assertThat(progress.get("cause").asText())
                .startsWith("1 of 3 databases failed: tenant broken-uk (Broken Ltd): Flyway migration failed");
    }

    @Test
    void summary_staysSmall_countingWhatItNoLongerLists_andStopsAtTheLimit() throws IOException {
        JsonNode summary = null;
        for (int page = 0; page < 10; page++) {
            ObjectNode event = Json.MAPPER.createObjectNode();
            event.put("runId", runId);
            event.set("summary", summary);
            ArrayNode results = event.putArray("results");
            for (int i = 0; i < 100; i++) {
                int n = page * 100 + i;
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
            event.put("maxFailures", 100);
            JsonNode progress = invoke(event.toString());
            summary = progress.get("summary");
            assertThat(progress.get("stop").asBoolean()).isEqualTo(page == 9);
        }

        assertThat(summary.get("succeeded").asInt()).isEqualTo(900);
        assertThat(summary.get("failedCount").asInt()).isEqualTo(100);
        assertThat(summary.get("success")).hasSize(SummarizeFunction.SUCCESS_CAP);
        assertThat(summary.get("failed")).hasSize(SummarizeFunction.FAILED_CAP);
        assertThat(summary.get("failed").get(0).get("error").asText())
                .isEqualTo("Database unavailable: tenant_t0_shared (Connection refused)");
        assertThat(summary.toString().length()).isLessThan(16 * 1024);
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
