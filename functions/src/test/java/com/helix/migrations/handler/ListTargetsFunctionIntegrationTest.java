package com.helix.migrations.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.exceptions.UnknownProductTypeException;
import com.helix.migrations.fleet.RunSteps;
import com.helix.migrations.fleet.TargetPages;
import com.helix.migrations.json.Json;
import com.helix.migrations.support.TestFleet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Needs: the embedded PostgreSQL (the central database only: no tenant database is opened). StartRun
 * freezes a run's active, provisioned databases in the ledger, servers interleaved; ListTargets pages
 * through them by (run id, seq), tenants before products, with tokens that carry no host; both, and
 * Summarize, change nothing when called again with the same input.
 */
class ListTargetsFunctionIntegrationTest {
    private static final AtomicInteger EXECUTIONS = new AtomicInteger();

    private static TestFleet fleet;
    private static ListTargetsFunction list;
    private static StartRunFunction start;
    private static SummarizeFunction summarize;

    @BeforeAll
    static void fleet() {
        fleet = TestFleet.empty("lt_");
        String central = fleet.builder.centralDatabase();
        StringBuilder sql = new StringBuilder();
        for (int i = 1; i <= 9; i++) {
            String id = String.format("t%02d", i);
            String status = i == 5 ? "suspended" : "active";
            sql.append(String.format(
                    "insert into tenants (id, name, jurisdiction, status) values ('%s', 'Tenant %d', '%s', '%s');",
                    id, i, i % 2 == 0 ? "eu" : "uk", status));
            sql.append(String.format(
                    "insert into tenant_databases (tenant_id, host, database_name, secret_id) values ('%s', 'db-%s', 'tenant_%s_shared', 'helix/x/%s');",
                    id, "abc".charAt(i % 3), id, id));
            sql.append(String.format(
                    "insert into tenant_products (id, tenant_id, product_type) values ('%s-kira', '%s', 'kira');",
                    id, id));
            sql.append(String.format(
                    "insert into product_databases (tenant_product_id, host, database_name, secret_id) values ('%s-kira', 'db-k', 'tenant_%s_kira', 'helix/x/%s-kira');",
                    id, id, id));
        }
        sql.append("insert into tenants (id, name, jurisdiction) values ('t10', 'Tenant 10', 'uk');");
        fleet.builder.execute(central, sql.toString());
        fleet.serveSecrets();
        RunSteps steps = RunSteps.of(fleet.platform());
        list = new ListTargetsFunction(TargetPages.of(fleet.platform()));
        start = new StartRunFunction(steps);
        summarize = new SummarizeFunction(steps);
    }

    @AfterAll
    static void drop() {
        fleet.close();
    }

    static JsonNode invoke(RequestStreamHandler function, String event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        function.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return Json.MAPPER.readTree(out.toByteArray());
    }

    /** StartRun for a new execution with this input; returns the run id. */
    static String startRun(String input) throws IOException {
        return invoke(start, startEvent(input)).get("runId").asText();
    }

    static String startEvent(String input) {
        return "{\"executionArn\":\"arn:aws:states:eu-west-2:123456789012:execution:m:e" + EXECUTIONS.incrementAndGet()
                + "\",\"input\":" + input + ",\"central\":null}";
    }

    static List<JsonNode> pages(String runId, int pageSize) throws IOException {
        List<JsonNode> pages = new ArrayList<>();
        String token = null;
        do {
            JsonNode page = invoke(
                    list,
                    "{\"runId\":\"" + runId + "\",\"pageSize\":" + pageSize
                            + (token == null ? "" : ",\"nextToken\":\"" + token + "\"") + "}");
            assertThat(page.get("count").asInt())
                    .isEqualTo(page.get("items").size())
                    .isLessThanOrEqualTo(pageSize);
            pages.add(page);
            token = page.has("nextToken") ? page.get("nextToken").asText() : null;
        } while (token != null);
        return pages;
    }

    static List<String> ids(List<JsonNode> pages) {
        List<String> ids = new ArrayList<>();
        pages.forEach(
                page -> page.get("items").forEach(item -> ids.add(item.get("id").asText())));
        return ids;
    }

    @Test
    void pages_coverEveryActiveProvisionedDatabaseOnce_tenantsFirst_withServersInterleaved() throws IOException {
        String runId = startRun("{}");

        List<JsonNode> pages = pages(runId, 3);

        assertThat(ids(pages))
                .containsExactly(
                        "t03",
                        "t01",
                        "t02",
                        "t06",
                        "t04",
                        "t08",
                        "t09",
                        "t07", // tenants: servers a, b, c in turn
                        "t01-kira",
                        "t02-kira",
                        "t03-kira",
                        "t04-kira",
                        "t06-kira",
                        "t07-kira",
                        "t08-kira",
                        "t09-kira");
        assertThat(pages).hasSize(6);
        assertThat(pages.get(2).get("items"))
                .as("a page never mixes tiers")
                .extracting(i -> i.get("tier").asText())
                .containsOnly("tenant");
        JsonNode first = pages.get(0).get("items").get(0);
        assertThat(first.get("name").asText()).isEqualTo("Tenant 3");
        assertThat(first.get("tier").asText()).isEqualTo("tenant");
        String all = pages.toString();
        assertThat(all).doesNotContain("db-a").doesNotContain("db-k").doesNotContain("helix/x");
        for (JsonNode page : pages) {
            if (page.has("nextToken")) {
                String decoded = new String(
                        java.util.Base64.getUrlDecoder()
                                .decode(page.get("nextToken").asText()),
                        StandardCharsets.UTF_8);
                assertThat(decoded)
                        .as("the token carries the run and a position, no host")
                        .doesNotContain("db-");
            }
        }
        assertThat(fleet.strings(
                        fleet.builder.centralDatabase(),
                        "select string_agg(distinct server::text, ',' order by server::text) from migration_run_targets"
                                + " where run_id = '" + runId + "'"))
                .containsExactly("1,2,3,4");
    }

    @Test
    void filters_narrowWhatIsFrozen() throws IOException {
        assertThat(ids(pages(startRun("{\"tenantIds\":[\"t01\",\"t05\",\"t10\"]}"), 100)))
                .as("suspended and unprovisioned stay out even when named")
                .containsExactly("t01", "t01-kira");
        assertThat(ids(pages(startRun("{\"productType\":\"kira\",\"tenantIds\":[\"t02\"]}"), 100)))
                .containsExactly("t02", "t02-kira");
    }

    @Test
    void startRunAndSummarize_calledTwiceWithTheSameInput_changeTheLedgerOnce() throws IOException {
        String event = startEvent("{}");
        String runId = invoke(start, event).get("runId").asText();
        List<String> frozen = ledgerRows(runId);

        assertThat(invoke(start, event).get("runId").asText()).isEqualTo(runId);
        assertThat(ledgerRows(runId)).isEqualTo(frozen);
        String arn = Json.MAPPER.readTree(event).get("executionArn").asText();
        assertThat(fleet.strings(
                        fleet.builder.centralDatabase(),
                        "select count(*) from migration_runs where started_by = '" + arn + "'"))
                .containsExactly("1");

        String results = "{\"runId\":\"" + runId + "\",\"summary\":null,\"maxFailures\":5,\"results\":["
                + "{\"tier\":\"tenant\",\"id\":\"t03\",\"name\":\"Tenant 3\",\"status\":\"migrated\",\"fromVersion\":null,"
                + "\"toVersion\":\"5\",\"applied\":5,\"durationMs\":40},"
                + "{\"tier\":\"tenant\",\"id\":\"t01\",\"name\":\"Tenant 1\",\"status\":\"failed\","
                + "\"errorType\":\"com.helix.migrations.exceptions.MigrationFailedException\","
                + "\"cause\":\"{\\\"errorMessage\\\":\\\"Flyway migration failed: V2__audit_events.sql: boom\\\"}\"}]}";
        JsonNode once = invoke(summarize, results);
        List<String> recorded = ledgerRows(runId);
        JsonNode twice = invoke(summarize, results);

        assertThat(twice).isEqualTo(once);
        assertThat(ledgerRows(runId)).isEqualTo(recorded).isNotEqualTo(frozen);
        assertThat(fleet.strings(
                        fleet.builder.centralDatabase(),
                        "select concat_ws('|', target_id, status, coalesce(from_version, '-'), coalesce(to_version, '-'),"
                                + " coalesce(applied::text, '-'), attempts, coalesce(error_code, '-'),"
                                + " coalesce(error_message, '-')) from migration_run_targets where run_id = '" + runId
                                + "' and status <> 'pending' order by seq"))
                .containsExactly(
                        "t03|migrated|-|5|5|1|-|-",
                        "t01|failed|-|-|-|1|MIGRATION_FAILED|Flyway migration failed: V2__audit_events.sql: boom");
    }

    /** Every row of a run, with the columns a result writes (and when it was written). */
    static List<String> ledgerRows(String runId) {
        return fleet.strings(
                fleet.builder.centralDatabase(),
                "select concat_ws('|', seq, target_id, server, status, from_version, to_version, applied, attempts, "
                        + "error_code, error_message, started_at, finished_at) from migration_run_targets where run_id = '"
                        + runId + "' order by seq");
    }

    @Test
    void everySampleEvent_runs() throws IOException {
        Path events = Path.of("..", "events");
        String runId = invoke(start, Files.readString(events.resolve("start-run.json")))
                .get("runId")
                .asText();
        ObjectNode page = (ObjectNode) Json.MAPPER.readTree(Files.readString(events.resolve("list-targets.json")));
        page.put("runId", runId);
        assertThat(invoke(list, page.toString()).get("count").asInt()).isPositive();
        ObjectNode results = (ObjectNode) Json.MAPPER.readTree(Files.readString(events.resolve("summarize.json")));
        results.put("runId", runId);
        assertThat(invoke(summarize, results.toString())
                        .get("summary")
                        .get("failedCount")
                        .asInt())
                .isEqualTo(1);
        ObjectNode finish = (ObjectNode) Json.MAPPER.readTree(Files.readString(events.resolve("finish-run.json")));
        finish.put("runId", runId);
        JsonNode finished = invoke(new FinishRunFunction(RunSteps.of(fleet.platform())), finish.toString());
        assertThat(finished.get("status").asText()).isEqualTo("failed");
        assertThat(finished.get("notStarted").asInt()).isEqualTo(16);
        JsonNode ended = invoke(
                new RunEndedFunction(RunSteps.of(fleet.platform())),
                Files.readString(events.resolve("run-ended.json")));
        assertThat(ended.has("runId")).as("that run is closed already").isFalse();
        // Every sample execution input is one StartRun accepts (merged with the stack's defaults, as in the machine).
        try (var inputs = Files.list(events)) {
            for (Path input : inputs.filter(p -> p.getFileName().toString().startsWith("migrate-fleet-input"))
                    .toList()) {
                ObjectNode config = (ObjectNode) Json.MAPPER.readTree("{\"maxConcurrency\":5,\"maxFailures\":10}");
                config.setAll((ObjectNode) Json.MAPPER.readTree(Files.readString(input)));
                assertThat(startRun(config.toString())).as(input.toString()).isNotBlank();
            }
        }
    }

    @Test
    void finishRun_closesTheRun_andWritesEmbeddedMetricFormatLines() throws IOException {
        RunSteps steps = RunSteps.of(fleet.platform());
        String runId = startRun("{\"tenantIds\":[\"t01\",\"t02\"]}");
        invoke(
                summarize,
                "{\"runId\":\"" + runId + "\",\"summary\":null,\"results\":["
                        + "{\"tier\":\"tenant\",\"id\":\"t01\",\"name\":\"Tenant 1\",\"status\":\"migrated\"},"
                        + "{\"tier\":\"tenant\",\"id\":\"t02\",\"name\":\"Tenant 2\",\"status\":\"up_to_date\"}]}");
        StringBuilder metrics = new StringBuilder();

        RunSteps.Finished finished = steps.finish(runId, metrics);

        assertThat(finished.status()).as("the two products were never started").isEqualTo("failed");
        assertThat(finished.notStarted()).isEqualTo(2);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : metrics.toString().lines().toList()) {
            lines.add(Json.MAPPER.readTree(line));
        }
        assertThat(lines).hasSize(3);
        JsonNode tenants = lines.get(0);
        JsonNode directive = tenants.get("_aws").get("CloudWatchMetrics").get(0);
        assertThat(directive.get("Namespace").asText()).isEqualTo("HelixMigrations");
        assertThat(directive.get("Dimensions").get(0))
                .extracting(JsonNode::asText)
                .containsExactly("Tier", "ProductType");
        assertThat(directive.get("Metrics"))
                .extracting(m -> m.get("Name").asText())
                .containsExactly("DatabasesMigrated", "DatabasesUpToDate", "DatabasesFailed", "DatabasesNotStarted");
        assertThat(tenants.get("Tier").asText()).isEqualTo("tenant");
        assertThat(tenants.get("DatabasesMigrated").asInt()).isEqualTo(1);
        assertThat(tenants.get("DatabasesUpToDate").asInt()).isEqualTo(1);
        assertThat(lines.get(1).get("ProductType").asText()).isEqualTo("kira");
        assertThat(lines.get(1).get("DatabasesNotStarted").asInt()).isEqualTo(2);
        JsonNode run = lines.get(2);
        assertThat(run.get("Action").asText()).isEqualTo("migrate");
        assertThat(run.get("DatabasesFailed").asInt()).isZero();
        assertThat(run.get("DatabasesNotStarted").asInt()).isEqualTo(2);
        assertThat(run.get("RunDuration").isNumber()).isTrue();
        assertThat(metrics.toString()).doesNotContain("db-").doesNotContain("helix/x");
        StringBuilder again = new StringBuilder();
        assertThat(steps.finish(runId, again).status())
                .as("closing a closed run changes nothing")
                .isEqualTo("failed");
        assertThat(again).as("and counts nothing twice").isEmpty();
    }

    @Test
    void badRequests_areRefusedWithTheirReason() throws IOException {
        assertThatThrownBy(() -> startRun("{\"productType\":\"nova\"}"))
                .isInstanceOf(UnknownProductTypeException.class)
                .hasMessage("Unknown product type: nova");
        assertThatThrownBy(() -> startRun("{\"action\":\"repair\"}"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Invalid request: action must be migrate, status or validate in a state-machine run, not"
                        + " repair");
        String runId = startRun("{}");
        String other = startRun("{}");
        String token = pages(runId, 1).get(0).get("nextToken").asText();
        assertThatThrownBy(() -> invoke(list, "{\"runId\":\"" + other + "\",\"nextToken\":\"" + token + "\"}"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Invalid request: nextToken is not a token this function returned for this run");
        assertThatThrownBy(() -> invoke(list, "{\"runId\":\"" + runId + "\",\"pageSize\":0}"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Invalid request: pageSize must be from 1 to 1000, not 0");
    }
}
