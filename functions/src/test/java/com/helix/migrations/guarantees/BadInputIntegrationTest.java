package com.helix.migrations.guarantees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.exceptions.TenantNotFoundException;
import com.helix.migrations.fleet.RunSteps;
import com.helix.migrations.handler.ListTargetsFunction;
import com.helix.migrations.handler.MigrateDatabaseFunction;
import com.helix.migrations.handler.StartRunFunction;
import com.helix.migrations.handler.SummarizeFunction;
import com.helix.migrations.json.Json;
import com.helix.migrations.support.TestFleet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Needs: the embedded PostgreSQL. Malformed events, each refused by the handler with one
 * {@code Invalid request: …} line naming the field, before any database is touched: the central
 * registry and the tenant database are unchanged. An id is only ever bound as a parameter.
 */
class BadInputIntegrationTest {
    private static TestFleet fleet;
    private static RequestStreamHandler migrate;
    private static RequestStreamHandler list;
    private static RequestStreamHandler summarize;
    private static RequestStreamHandler start;

    @BeforeAll
    static void fleet() {
        fleet = TestFleet.empty("bad_");
        fleet.builder.tenant("acme-uk", "Acme Corp", "uk", "active", true);
        fleet.serveSecrets();
        migrate = new MigrateDatabaseFunction(fleet.platform());
        list = new ListTargetsFunction(com.helix.migrations.fleet.TargetLanes.of(fleet.platform()));
        RunSteps steps = RunSteps.of(fleet.platform());
        summarize = new SummarizeFunction(steps);
        start = new StartRunFunction(steps);
    }

    @AfterAll
    static void drop() {
        fleet.close();
    }

    static Stream<Arguments> events() {
        String tenKb = "a".repeat(10_240);
        List<Arguments> cases = new ArrayList<>();
        // MigrateDatabase
        for (String event : List.of(
                "",
                "null",
                "42",
                "\"tenant\"",
                "[{\"tier\":\"tenant\",\"id\":\"acme-uk\"}]",
                "{not json",
                "{\"tier\":1,\"id\":\"acme-uk\"}",
                "{\"tier\":null,\"id\":\"acme-uk\"}",
                "{\"tier\":\"galaxy\",\"id\":\"acme-uk\"}",
                "{\"tier\":[\"tenant\"],\"id\":\"acme-uk\"}",
                "{\"tier\":\"tenant\"}",
                "{\"tier\":\"tenant\",\"id\":\"\"}",
                "{\"tier\":\"tenant\",\"id\":\"acme\\u0000uk\"}",
                "{\"tier\":\"tenant\",\"id\":\"" + tenKb + "\"}",
                "{\"tier\":\"tenant\",\"id\":[\"acme-uk\"]}",
                "{\"tier\":\"tenant\",\"id\":{\"value\":\"acme-uk\"}}",
                "{\"tier\":\"tenant\",\"id\":null}",
                "{\"tier\":\"tenant\",\"id\":\"acme-uk\",\"action\":\"drop\"}",
                "{\"tier\":\"tenant\",\"id\":\"acme-uk\",\"action\":7}",
                "{\"tier\":\"tenant\",\"id\":\"acme-uk\",\"targetVersion\":\"-1\"}",
                "{\"tier\":\"tenant\",\"id\":\"acme-uk\",\"targetVersion\":\"99999999999999999999\"}",
                "{\"tier\":\"tenant\",\"id\":\"acme-uk\",\"targetVersion\":3}",
                "{\"tier\":\"tenant\",\"id\":\"acme-uk\",\"targetVersion\":\"latest\"}",
                "{\"tier\":\"tenant\",\"id\":\"acme-uk\",\"action\":\"status\",\"targetVersion\":\"2\"}",
                "{\"tier\":\"central\",\"id\":\"acme-uk\"}",
                "{\"tier\":\"tenant\",\"id\":\"acme-uk\",\"force\":true}",
                "{\"tier\":\"tenant\",\"id\":\"acme-uk\",\"action\":\"baseline\",\"force\":\"yes\"}",
                "{\"tier\":\"tenant\",\"id\":\"acme-uk\",\"action\":\"baseline\",\"force\":true,\"referenceId\":\"x\"}",
                "{\"tier\":\"tenant\",\"id\":\"acme-uk\",\"action\":\"baseline\",\"targetVersion\":\"99\"}",
                "{\"tier\":\"tenant\",\"id\":\"acme-uk\",\"baseline\":{}}",
                "{\"tier\":\"tenant\",\"id\":\"acme-uk\",\"pad\":\"" + "x".repeat(300_000) + "\"}")) {
            cases.add(Arguments.of("MigrateDatabase", event));
        }
        // ListTargets
        for (String event : List.of(
                "{\"tier\":\"tenant\"}",
                "{\"pageSize\":10}",
                "{\"runId\":\"r\",\"pageSize\":-5}",
                "{\"runId\":\"r\",\"pageSize\":100000}",
                "{\"runId\":\"r\",\"pageSize\":\"10\"}",
                "{\"runId\":\"r\",\"pageSize\":1.5}",
                "{\"runId\":\"r\",\"perServer\":-1}",
                "{\"runId\":\"r\",\"maxConcurrency\":0}",
                "{\"runId\":\"r\",\"taken\":-1}",
                "{\"runId\":\"r\",\"lane\":{\"wave\":0}}",
                "{\"runId\":\"r\",\"lane\":\"0/tenant/1\"}",
                "{\"runId\":\"r\",\"lane\":{\"wave\":0,\"tier\":\"central\",\"lane\":0,\"of\":2}}",
                "{\"runId\":\"r\",\"lane\":{\"wave\":0,\"tier\":\"tenant\",\"lane\":2,\"of\":2}}",
                "{\"runId\":\"r\",\"lane\":{\"wave\":-1,\"tier\":\"tenant\",\"lane\":0,\"of\":2}}",
                "{\"runId\":\"r\",\"lane\":{\"wave\":0,\"tier\":\"tenant\",\"server\":\"db-1.internal\","
                        + "\"lane\":0,\"of\":2}}",
                "{\"runId\":[\"r\"]}")) {
            cases.add(Arguments.of("ListTargets", event));
        }
        // StartRun
        String arn = "\"executionArn\":\"arn:aws:states:eu-west-2:123456789012:execution:m:x\"";
        for (String event : List.of(
                "{}",
                "{" + arn + "}",
                "{" + arn + ",\"input\":{\"productType\":\"../kira\"}}",
                "{" + arn + ",\"input\":{\"action\":\"repair\"}}",
                "{" + arn + ",\"input\":{\"action\":\"drop\"}}",
                "{" + arn + ",\"input\":{\"maxFailures\":0}}",
                "{" + arn + ",\"input\":{\"maxConcurrency\":0}}",
                "{" + arn + ",\"input\":{\"tenantIds\":[null]}}",
                "{" + arn + ",\"input\":{\"tenantid\":[\"acme-uk\"]}}",
                "{" + arn + ",\"input\":{\"resumeRunId\":\"x\",\"productType\":\"kira\"}}",
                "{" + arn + ",\"input\":{},\"central\":{\"status\":\"great\"}}")) {
            cases.add(Arguments.of("StartRun", event));
        }
        // Summarize
        for (String event : List.of(
                "{\"runId\":\"r\",\"wave\":-1}",
                "{\"results\":[]}",
                "{\"runId\":\"r\",\"results\":[1]}",
                "{\"runId\":\"r\",\"results\":[{\"tier\":\"tenant\",\"id\":\"a\",\"status\":\"great\"}]}",
                "{\"runId\":\"r\",\"results\":[{\"status\":\"migrated\"}]}",
                "{\"runId\":\"r\",\"results\":[],\"maxFailures\":0}",
                "{\"runId\":\"r\",\"results\":[],\"summary\":\"x\"}",
                "{\"runId\":\"r\",\"results\":[],\"maxFailures\":-1}")) {
            cases.add(Arguments.of("Summarize", event));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {index}")
    @MethodSource("events")
    void malformedEvent_isOneClearLine_andChangesNothing(String function, String event) {
        List<String> before = snapshot();
        RequestStreamHandler handler = switch (function) {
            case "MigrateDatabase" -> migrate;
            case "ListTargets" -> list;
            case "StartRun" -> start;
            default -> summarize;
        };

        Throwable refused = catchThrowable(() -> handler.handleRequest(
                new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), null));

        assertThat(refused)
                .as(event.length() > 200 ? event.substring(0, 200) : event)
                .isInstanceOf(InvalidRequestException.class);
        assertThat(refused.getMessage())
                .startsWith("Invalid request: ")
                .doesNotContain("\n")
                .hasSizeLessThan(300);
        assertThat(refused.getStackTrace())
                .as("type and message only reach the caller")
                .isEmpty();
        assertThat(snapshot()).isEqualTo(before);
    }

    /**
     * Ids that no registry row could keep the id rule with are still only looked up, as parameters: not
     * found, and nothing changed. (A row holding such an id is refused as a target: HostileRegistryIntegrationTest.)
     */
    @ParameterizedTest
    @ValueSource(
            strings = {"acme'uk", "acme-uk; drop table tenants", "../../etc/passwd", "acmé-uk", "acme-uk' or '1'='1"})
    void anIdNoRowCouldHave_isLookedUpAsAParameter_notFound_andChangesNothing(String id) throws Exception {
        List<String> before = snapshot();
        String event = "{\"tier\":\"tenant\",\"id\":" + Json.MAPPER.writeValueAsString(id) + "}";

        Throwable refused = catchThrowable(() -> migrate.handleRequest(
                new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), null));

        assertThat(refused).isInstanceOf(TenantNotFoundException.class).hasMessage("Tenant not found: " + id);
        assertThat(snapshot()).isEqualTo(before);
    }

    static List<String> snapshot() {
        List<String> state = new ArrayList<>(fleet.schemaSnapshot(fleet.builder.centralDatabase()));
        state.addAll(fleet.strings(fleet.builder.centralDatabase(), "select id || status from tenants order by id"));
        state.addAll(fleet.strings(
                fleet.builder.centralDatabase(),
                "select (select count(*) from migration_runs) || ':' || (select count(*) from migration_run_targets)"));
        state.addAll(fleet.history(fleet.builder.tenantDatabase("acme-uk")));
        return state;
    }
}
