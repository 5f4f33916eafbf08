package com.helix.migrations.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.exceptions.UnknownProductTypeException;
import com.helix.migrations.fleet.RunSteps;
import com.helix.migrations.fleet.TargetLanes;
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
 * freezes a run's active, provisioned databases in the ledger, servers interleaved; ListTargets hands them
 * out in lanes (per server, or across servers), tenants before products, with no host in any payload; StartRun,
 * ListTargets and Summarize change nothing when called again with the same input.
 */
class ListTargetsFunctionIntegrationTest {
    private static final AtomicInteger EXECUTIONS = new AtomicInteger();

    private static TestFleet fleet;
    private static ListTargetsFunction list;
    private static StartRunFunction start;
    private static SummarizeFunction summarize;
    private static final RunSteps.Shown SHOWN = new RunSteps.Shown(100, 25, 5);

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
        list = new ListTargetsFunction(TargetLanes.of(fleet.platform()));
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

    /**
     * Runs a run's lanes as the state machine does, segment by segment, the lanes of a segment taking a batch each
     * in turn (as if they ran side by side), recording every database migrated; returns each segment's lanes' ids.
     */
    static List<List<List<String>>> lanes(String runId, String sizing, int pageSize) throws IOException {
        List<List<List<String>>> segments = new ArrayList<>();
        while (true) {
            JsonNode segment = invoke(list, "{\"runId\":\"" + runId + "\"" + sizing + "}");
            assertThat(segment.toString()).doesNotContain("db-").doesNotContain("helix/x");
            if (segment.get("count").asInt() == 0) {
                return segments;
            }
            int count = segment.get("count").asInt();
            List<List<String>> lanes = new ArrayList<>();
            int[] taken = new int[count];
            boolean[] done = new boolean[count];
            for (int i = 0; i < count; i++) {
                lanes.add(new ArrayList<>());
            }
            for (int running = count; running > 0; ) {
                for (int i = 0; i < count; i++) {
                    if (done[i]) {
                        continue;
                    }
                    ObjectNode event = Json.MAPPER
                            .createObjectNode()
                            .put("runId", runId)
                            .put("pageSize", pageSize)
                            .put("taken", taken[i]);
                    event.set("lane", segment.get("lanes").get(i));
                    JsonNode batch = invoke(list, event.toString());
                    assertThat(batch.get("count").asInt())
                            .isEqualTo(batch.get("items").size())
                            .isLessThanOrEqualTo(pageSize);
                    assertThat(batch.toString()).doesNotContain("db-").doesNotContain("helix/x");
                    if (batch.get("count").asInt() == 0) {
                        done[i] = true;
                        running--;
                        continue;
                    }
                    taken[i] = batch.get("taken").asInt();
                    ObjectNode results = Json.MAPPER.createObjectNode().put("runId", runId);
                    for (JsonNode item : batch.get("items")) {
                        lanes.get(i).add(item.get("id").asText());
                        results.withArray("results")
                                .addObject()
                                .put("tier", item.get("tier").asText())
                                .put("id", item.get("id").asText())
                                .put("status", "migrated");
                    }
                    invoke(summarize, results.toString());
                }
            }
            segments.add(lanes);
        }
    }

    static List<String> ids(List<List<List<String>>> segments) {
        return segments.stream().flatMap(List::stream).flatMap(List::stream).toList();
    }

    @Test
    void lanes_coverEveryActiveProvisionedDatabaseOnce_tenantsFirst_perServerOrAcrossServers() throws IOException {
        assertThat(lanes(startRun("{}"), ",\"perServer\":1,\"maxConcurrency\":200", 2))
                .as("one lane per server: servers a, b, c hold the tenants, k the products")
                .containsExactly(
                        List.of(List.of("t03", "t06", "t09"), List.of("t01", "t04", "t07"), List.of("t02", "t08")),
                        List.of(List.of(
                                "t01-kira",
                                "t02-kira",
                                "t03-kira",
                                "t04-kira",
                                "t06-kira",
                                "t07-kira",
                                "t08-kira",
                                "t09-kira")));
        assertThat(lanes(startRun("{}"), ",\"perServer\":2", 10).get(0))
                .as("two lanes per server, lane 0 of every server first, each taking a database in turn")
                .containsExactly(
                        List.of("t03", "t09"),
                        List.of("t01", "t07"),
                        List.of("t02"),
                        List.of("t06"),
                        List.of("t04"),
                        List.of("t08"));
        String runId = startRun("{}");
        List<List<List<String>>> across = lanes(runId, ",\"maxConcurrency\":3", 1);
        assertThat(across.get(0)).as("three lanes across servers").hasSize(3);
        assertThat(ids(across))
                .containsExactlyInAnyOrder(
                        "t01",
                        "t02",
                        "t03",
                        "t04",
                        "t06",
                        "t07",
                        "t08",
                        "t09",
                        "t01-kira",
                        "t02-kira",
                        "t03-kira",
                        "t04-kira",
                        "t06-kira",
                        "t07-kira",
                        "t08-kira",
                        "t09-kira");
        assertThat(ids(across).subList(0, 8)).as("tenants first").allMatch(id -> !id.endsWith("-kira"));
        assertThat(fleet.strings(
                        fleet.builder.centralDatabase(),
                        "select string_agg(distinct server::text, ',' order by server::text) from migration_run_targets"
                                + " where run_id = '" + runId + "'"))
                .containsExactly("1,2,3,4");
    }

    @Test
    void aLane_takesItsShareOfWhatIsPending_theSameAgainOnARetry_andAtMostItsBudget() throws IOException {
        String runId = startRun("{}");
        JsonNode lanes = invoke(list, "{\"runId\":\"" + runId + "\",\"perServer\":2}");
        assertThat(lanes.get("lanes"))
                .as("two lanes per server, lane 0 of every server first; no host")
                .extracting(JsonNode::toString)
                .containsExactly(
                        "{\"wave\":1,\"tier\":\"tenant\",\"server\":1,\"lane\":0,\"of\":2}",
                        "{\"wave\":1,\"tier\":\"tenant\",\"server\":2,\"lane\":0,\"of\":2}",
                        "{\"wave\":1,\"tier\":\"tenant\",\"server\":3,\"lane\":0,\"of\":2}",
                        "{\"wave\":1,\"tier\":\"tenant\",\"server\":1,\"lane\":1,\"of\":2}",
                        "{\"wave\":1,\"tier\":\"tenant\",\"server\":2,\"lane\":1,\"of\":2}",
                        "{\"wave\":1,\"tier\":\"tenant\",\"server\":3,\"lane\":1,\"of\":2}");

        JsonNode across = invoke(list, "{\"runId\":\"" + runId + "\",\"maxConcurrency\":1}");
        ObjectNode event = Json.MAPPER.createObjectNode().put("runId", runId).put("pageSize", 10);
        event.set("lane", across.get("lanes").get(0));
        JsonNode first = invoke(list, event.put("taken", 0).toString());
        assertThat(first.get("items"))
                .as("half of the 8 pending: the lanes of a scope end together")
                .extracting(item -> item.get("id").asText())
                .containsExactly("t03", "t01", "t02", "t06");
        assertThat(invoke(list, event.toString()))
                .as("a retry: the same databases")
                .isEqualTo(first);
        assertThat(invoke(list, event.put("taken", 4).toString()).get("items"))
                .extracting(item -> item.get("id").asText())
                .containsExactly("t04", "t08");
        JsonNode last =
                invoke(list, event.put("taken", TargetLanes.LANE_BUDGET - 1).toString());
        assertThat(last.get("count").asInt()).isOne();
        assertThat(last.get("taken").asInt()).isEqualTo(TargetLanes.LANE_BUDGET);
        assertThat(invoke(list, event.put("taken", TargetLanes.LANE_BUDGET).toString())
                        .get("count")
                        .asInt())
                .as("this child execution has taken its share; the lane is listed again")
                .isZero();
        assertThat(fleet.strings(
                        fleet.builder.centralDatabase(),
                        "select status || ' ' || count(*) from migration_run_targets where run_id = '" + runId
                                + "' and tier = 'tenant' group by status order by 1"))
                .as("taken databases are running until recorded")
                .containsExactly("pending 1", "running 7");
    }

    @Test
    void filters_narrowWhatIsFrozen() throws IOException {
        assertThat(ids(lanes(startRun("{\"tenantIds\":[\"t01\",\"t05\",\"t10\"]}"), "", 100)))
                .as("suspended and unprovisioned stay out even when named")
                .containsExactly("t01", "t01-kira");
        assertThat(ids(lanes(startRun("{\"productType\":\"kira\",\"tenantIds\":[\"t02\"]}"), "", 100)))
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

        String results = "{\"runId\":\"" + runId + "\",\"maxFailures\":5,\"results\":["
                + "{\"tier\":\"tenant\",\"id\":\"t03\",\"name\":\"Tenant 3\",\"status\":\"migrated\",\"fromVersion\":null,"
                + "\"toVersion\":\"5\",\"applied\":5,\"durationMs\":40},"
                + "{\"tier\":\"tenant\",\"id\":\"t01\",\"name\":\"Tenant 1\",\"status\":\"failed\","
                + "\"errorType\":\"com.helix.migrations.exceptions.MigrationFailedException\","
                + "\"cause\":\"{\\\"errorMessage\\\":\\\"Flyway migration failed: V2__audit_events.sql: boom\\\"}\"}]}";
        JsonNode once = invoke(summarize, results);
        List<String> recorded = ledgerRows(runId);
        JsonNode twice = invoke(summarize, results);

        assertThat(once.get("recorded").asInt()).isEqualTo(2);
        assertThat(twice.get("recorded").asInt()).as("recorded already").isZero();
        assertThat(twice.get("failures")).isEqualTo(once.get("failures"));
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
        int taken = 0;
        for (String sample : List.of("list-targets.json", "list-targets-lane.json")) {
            ObjectNode listing = (ObjectNode) Json.MAPPER.readTree(Files.readString(events.resolve(sample)));
            listing.put("runId", runId);
            taken = invoke(list, listing.toString()).get("count").asInt();
            assertThat(taken).as(sample).isPositive();
        }
        for (String sample : List.of("summarize.json", "summarize-segment.json")) {
            ObjectNode results = (ObjectNode) Json.MAPPER.readTree(Files.readString(events.resolve(sample)));
            results.put("runId", runId);
            JsonNode progress = invoke(summarize, results.toString());
            assertThat(progress.get("stop").asBoolean()).as(sample).isFalse();
            assertThat(progress.get("recorded").asInt())
                    .as("the sample's databases are not this run's")
                    .isZero();
        }
        ObjectNode finish = (ObjectNode) Json.MAPPER.readTree(Files.readString(events.resolve("finish-run.json")));
        finish.put("runId", runId);
        JsonNode finished = invoke(new FinishRunFunction(RunSteps.of(fleet.platform())), finish.toString());
        assertThat(finished.get("run").get("status").asText()).isEqualTo("failed");
        assertThat(finished.get("run").get("failed").asInt())
                .as("taken by the sample lane, never recorded: interrupted")
                .isEqualTo(taken);
        assertThat(finished.get("run").get("notStarted").asInt()).isEqualTo(16 - taken);
        assertThat(finished.get("summary").get("skipped").asInt()).isEqualTo(16 - taken);
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
                "{\"runId\":\"" + runId + "\",\"results\":["
                        + "{\"tier\":\"tenant\",\"id\":\"t01\",\"name\":\"Tenant 1\",\"status\":\"migrated\"},"
                        + "{\"tier\":\"tenant\",\"id\":\"t02\",\"name\":\"Tenant 2\",\"status\":\"up_to_date\"}]}");
        StringBuilder metrics = new StringBuilder();

        RunSteps.Finished finished = steps.finish(runId, null, SHOWN, metrics).run();

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
        assertThat(steps.finish(runId, null, SHOWN, again).run().status())
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
        assertThatThrownBy(() -> invoke(
                        list,
                        "{\"runId\":\"" + runId
                                + "\",\"lane\":{\"wave\":0,\"tier\":\"tenant\",\"server\":1,\"lane\":2,\"of\":2}}"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("Invalid request: lane is not one ListTargets returned");
        assertThat(invoke(
                                list,
                                "{\"runId\":\"" + runId + "\",\"lane\":{\"wave\":0,\"tier\":\"tenant\",\"server\":9,"
                                        + "\"lane\":0,\"of\":2}}")
                        .get("count")
                        .asInt())
                .as("a server this run does not have: nothing")
                .isZero();
        assertThatThrownBy(() -> invoke(list, "{\"runId\":\"" + runId + "\",\"pageSize\":0}"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Invalid request: pageSize must be from 1 to 1000, not 0");
    }
}
