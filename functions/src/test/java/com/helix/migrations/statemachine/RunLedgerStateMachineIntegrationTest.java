package com.helix.migrations.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.core.Action;
import com.helix.migrations.core.MigrationRequest;
import com.helix.migrations.core.Platform;
import com.helix.migrations.fleet.RunSteps;
import com.helix.migrations.handler.MigrateDatabaseFunction;
import com.helix.migrations.handler.RunEndedFunction;
import com.helix.migrations.json.Json;
import com.helix.migrations.support.LambdaApiServer;
import com.helix.migrations.support.NodeTools;
import com.helix.migrations.support.PackagedMigrations;
import com.helix.migrations.support.StateMachineRun;
import com.helix.migrations.support.TestFleet;
import com.helix.migrations.target.Tier;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Needs: Node 22 and aws-local-stepfunctions, the embedded PostgreSQL and the Secrets Manager fake. The
 * real ASL keeps its run in the ledger: StartRun freezes the databases, lanes take databases from the ledger (registry
 * changes mid-run skip or repeat nothing), {@code resumeRunId} runs exactly what a run left, an
 * aborted execution's run is closed by the execution-status rule's function, and a newer build deployed
 * while a run is under way changes nothing in it.
 */
class RunLedgerStateMachineIntegrationTest {
    private static final List<String> TENANTS = List.of("t1-uk", "t2-eu", "t3-uk", "t4-eu", "t5-uk");

    private static TestFleet fleet(String prefix) {
        TestFleet fleet = TestFleet.empty(prefix);
        for (int i = 0; i < TENANTS.size(); i++) {
            String id = TENANTS.get(i);
            fleet.builder
                    .tenant(id, "Tenant " + (i + 1), id.endsWith("uk") ? "uk" : "eu", "active", true)
                    .product(id + "-kira", id, "kira", id.endsWith("uk") ? "uk" : "eu", "active", true);
        }
        fleet.serveSecrets();
        return fleet;
    }

    private static JsonNode run(LambdaApiServer lambda, int maxFailures, int pageSize, String input) {
        return run(lambda, maxFailures, pageSize, input, Map.of());
    }

    private static JsonNode run(
            LambdaApiServer lambda, int maxFailures, int pageSize, String input, Map<String, Object> extra) {
        try {
            return StateMachineRun.run(
                            lambda,
                            StateMachineRun.substitutions(1, maxFailures, pageSize),
                            Json.MAPPER.readTree(input),
                            extra,
                            Duration.ofMinutes(3))
                    .json();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> migrateCalls(LambdaApiServer lambda) {
        return lambda.calls().stream()
                .filter(c -> c.startsWith("helix-migrate-database") && !c.contains("\"central\""))
                .map(c -> Json.MAPPER.convertValue(
                        read(c.substring(c.indexOf(' ') + 1)).get("id"), String.class))
                .toList();
    }

    private static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String runOf(TestFleet fleet, String executionArn) {
        return fleet.strings(
                        fleet.builder.centralDatabase(),
                        "select id from migration_runs where started_by = '" + executionArn + "'")
                .get(0);
    }

    @Test
    void registryChangesMidRun_neitherSkipNorRepeatADatabase() {
        TestFleet fleet = fleet("sfnfreeze_");
        try (LambdaApiServer lambda = new LambdaApiServer(StateMachineRun.functions(fleet.platform()))) {
            AtomicInteger listings = new AtomicInteger();
            lambda.intercept(call -> {
                // One lane, two databases at a time: the tenants' lanes (1), three batches and an empty one (2-5);
                // the products' lanes (6), and three batches (7-9).
                if (call.startsWith("helix-list-targets") && listings.incrementAndGet() == 9) {
                    // Before the last batch: a tenant whose databases are done is suspended, another provisioned.
                    fleet.builder.execute(
                            fleet.builder.centralDatabase(),
                            "update tenants set status = 'suspended' where id = 't1-uk'");
                    fleet.builder.tenant("t0-uk", "Tenant Zero", "uk", "active", true);
                }
                return null;
            });

            JsonNode out = run(lambda, 10, 2, "{}");

            assertThat(out.get("status").asText()).as(out.toString()).isEqualTo("SUCCEEDED");
            List<String> migrated = migrateCalls(lambda);
            assertThat(migrated)
                    .as("each frozen database exactly once")
                    .containsExactlyInAnyOrder(
                            "t1-uk",
                            "t2-eu",
                            "t3-uk",
                            "t4-eu",
                            "t5-uk",
                            "t1-uk-kira",
                            "t2-eu-kira",
                            "t3-uk-kira",
                            "t4-eu-kira",
                            "t5-uk-kira");
            for (String tenant : TENANTS) {
                assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase(tenant)))
                        .as(tenant)
                        .endsWith("5");
            }
            assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase("t0-uk")))
                    .isEmpty();
            JsonNode finished = out.get("output").get("run");
            assertThat(finished.get("status").asText()).isEqualTo("succeeded");
            assertThat(finished.get("migrated").asInt()).isEqualTo(10);
            assertThat(finished.get("message").asText())
                    .isEqualTo("Run " + finished.get("runId").asText()
                            + " succeeded: 10 migrated, 1 up to date, 0 failed, 0 not started");
        } finally {
            fleet.close();
        }
    }

    @Test
    void resumeRunId_runsExactlyWhatTheRunLeft_andAStatusRunChangesNothing() {
        TestFleet fleet = fleet("sfnresume_");
        try (LambdaApiServer lambda = new LambdaApiServer(StateMachineRun.functions(fleet.platform()))) {
            Platform setup = fleet.platform();
            for (String broken : List.of("t2-eu", "t3-uk")) {
                TestFleet.run(setup, new MigrationRequest(Tier.TENANT, broken, Action.MIGRATE, "1"));
                fleet.builder.execute(fleet.builder.tenantDatabase(broken), "create table audit_events (id int)");
            }
            // One lane, three at a time, stop after two failures: t1 migrates, t2 and t3 fail, the rest never start.
            JsonNode first = run(lambda, 2, 3, "{}");

            assertThat(first.get("error").asText()).as(first.toString()).isEqualTo("MigrationsFailed");
            String runId = runOf(fleet, first.get("executionArn").asText());
            assertThat(fleet.strings(
                            fleet.builder.centralDatabase(),
                            "select target_id || ' ' || status from migration_run_targets where run_id = '" + runId
                                    + "' and tier <> 'central' order by seq"))
                    .containsExactly(
                            "t1-uk migrated",
                            "t2-eu failed",
                            "t3-uk failed",
                            "t4-eu not_started",
                            "t5-uk not_started",
                            "t1-uk-kira not_started",
                            "t2-eu-kira not_started",
                            "t3-uk-kira not_started",
                            "t4-eu-kira not_started",
                            "t5-uk-kira not_started");

            lambda.reset();
            JsonNode check = run(lambda, 10, 100, "{\"action\": \"status\"}");
            assertThat(check.get("status").asText()).as(check.toString()).isEqualTo("SUCCEEDED");
            assertThat(migrateCalls(lambda))
                    .hasSize(10)
                    .allSatisfy(id -> assertThat(id).isNotNull());
            assertThat(lambda.calls())
                    .filteredOn(c -> c.startsWith("helix-migrate-database"))
                    .allSatisfy(c -> assertThat(c).contains("\"action\":\"status\""));
            assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase("t4-eu")))
                    .as("a status run changes nothing")
                    .isEmpty();
            String checkRun = runOf(fleet, check.get("executionArn").asText());
            assertThat(fleet.strings(
                            fleet.builder.centralDatabase(),
                            "select status || ' ' || count(*) from migration_run_targets where run_id = '" + checkRun
                                    + "' group by status order by 1"))
                    .containsExactly("needs_migration 9", "up_to_date 2");

            for (String broken : List.of("t2-eu", "t3-uk")) {
                fleet.builder.execute(fleet.builder.tenantDatabase(broken), "drop table audit_events");
            }
            lambda.reset();
            JsonNode resumed = run(lambda, 2, 3, "{\"resumeRunId\": \"" + runId + "\"}");

            assertThat(resumed.get("status").asText()).as(resumed.toString()).isEqualTo("SUCCEEDED");
            assertThat(migrateCalls(lambda))
                    .containsExactlyInAnyOrder(
                            "t2-eu",
                            "t3-uk",
                            "t4-eu",
                            "t5-uk",
                            "t1-uk-kira",
                            "t2-eu-kira",
                            "t3-uk-kira",
                            "t4-eu-kira",
                            "t5-uk-kira");
            String resumeId = runOf(fleet, resumed.get("executionArn").asText());
            assertThat(fleet.strings(
                            fleet.builder.centralDatabase(),
                            "select resumes || ' ' || status || ' ' || targets from migration_runs where id = '"
                                    + resumeId + "'"))
                    .containsExactly(runId + " succeeded 10");
            for (String tenant : TENANTS) {
                assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase(tenant)))
                        .as(tenant)
                        .endsWith("5");
            }
        } finally {
            fleet.close();
        }
    }

    @Test
    void aCanaryFailure_closesTheGate_andWavesRollOutOneAfterTheOther() {
        TestFleet fleet = fleet("sfnwaves_");
        try (LambdaApiServer lambda = new LambdaApiServer(StateMachineRun.functions(fleet.platform()))) {
            TestFleet.run(fleet.platform(), new MigrationRequest(Tier.TENANT, "t3-uk", Action.MIGRATE, "1"));
            fleet.builder.execute(fleet.builder.tenantDatabase("t3-uk"), "create table audit_events (id int)");

            JsonNode stopped = run(lambda, 10, 100, "{\"canaryIds\": [\"t3-uk\"], \"waves\": [50, 100]}");

            assertThat(stopped.get("error").asText()).as(stopped.toString()).isEqualTo("MigrationsFailed");
            assertThat(stopped.get("cause").asText())
                    .contains("[gate closed after canary: 1 of 2 failed: no later wave was started]");
            assertThat(migrateCalls(lambda))
                    .as("the canary tenant and its product, nothing else")
                    .containsExactly("t3-uk", "t3-uk-kira");
            String runId = runOf(fleet, stopped.get("executionArn").asText());
            assertThat(fleet.strings(
                            fleet.builder.centralDatabase(),
                            "select wave || ' ' || status || ' ' || count(*) from migration_run_targets where run_id = '"
                                    + runId + "' and tier <> 'central' group by wave, status order by 1"))
                    .containsExactly("0 failed 1", "0 migrated 1", "1 not_started 6", "2 not_started 2");

            fleet.builder.execute(fleet.builder.tenantDatabase("t3-uk"), "drop table audit_events");
            lambda.reset();
            JsonNode rolled = run(
                    lambda,
                    10,
                    100,
                    "{\"canary\": 1, \"waves\": [50, 100], \"maxFailurePercent\": 0, \"bakeSeconds\": 1}");

            assertThat(rolled.get("status").asText()).as(rolled.toString()).isEqualTo("SUCCEEDED");
            assertThat(rolled.get("stats").get("parentStates").get("Wait").asInt())
                    .as("a bake between each wave and the next")
                    .isEqualTo(2);
            assertThat(migrateCalls(lambda)).hasSize(10);
        } finally {
            fleet.close();
        }
    }

    @Test
    void perServer_pagesHoldAtMostThatManyDatabasesOfAServer_soNoServerRunsMore() throws IOException {
        TestFleet fleet = fleet("sfnserver_");
        fleet.builder.execute(
                fleet.builder.centralDatabase(),
                "update tenant_databases set host = 'localhost' where tenant_id in ('t2-eu', 't4-eu');"
                        + "update product_databases set host = 'localhost' where tenant_product_id like 't1%'");
        Map<String, RequestStreamHandler> functions = new HashMap<>(StateMachineRun.functions(fleet.platform()));
        RequestStreamHandler migrate = functions.get("helix-migrate-database");
        Map<String, AtomicInteger> inFlight = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, AtomicInteger> peak = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicInteger both = new AtomicInteger();
        AtomicInteger bothPeak = new AtomicInteger();
        functions.put("helix-migrate-database", (in, out, context) -> {
            byte[] event = in.readAllBytes();
            String id = String.valueOf(
                    read(new String(event, StandardCharsets.UTF_8)).path("id").asText(null));
            String server = id.equals("t2-eu") || id.equals("t4-eu") || id.startsWith("t1-uk-") ? "localhost" : "ip";
            int now = inFlight.computeIfAbsent(server, k -> new AtomicInteger()).incrementAndGet();
            peak.computeIfAbsent(server, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
            bothPeak.accumulateAndGet(both.incrementAndGet(), Math::max);
            try {
                Thread.sleep(100);
                migrate.handleRequest(new ByteArrayInputStream(event), out, context);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.get(server).decrementAndGet();
                both.decrementAndGet();
            }
        });
        try (LambdaApiServer lambda = new LambdaApiServer(functions)) {
            JsonNode out = run(lambda, 10, 100, "{\"perServer\": 1, \"maxConcurrency\": 4}");

            assertThat(out.get("status").asText()).as(out.toString()).isEqualTo("SUCCEEDED");
            assertThat(peak.get("localhost").get())
                    .as("at most one at once on localhost")
                    .isEqualTo(1);
            assertThat(peak.get("ip").get())
                    .as("at most one at once on 127.0.0.1")
                    .isEqualTo(1);
            assertThat(out.get("output").get("run").get("migrated").asInt()).isEqualTo(10);
            String all = lambda.calls().toString();
            assertThat(all)
                    .as("no host in any payload")
                    .doesNotContain("localhost")
                    .doesNotContain("127.0.0.1");
        } finally {
            fleet.close();
        }
    }

    @Test
    void anAbortedExecution_hasItsRunClosedByTheExecutionStatusRule() throws IOException {
        TestFleet fleet = fleet("sfnabort_");
        try (LambdaApiServer lambda = new LambdaApiServer(StateMachineRun.functions(fleet.platform()))) {
            JsonNode out = run(lambda, 10, 2, "{}", Map.of("abortAt", Map.of("state", "ListTargets", "entered", 2)));

            assertThat(out.get("status").asText()).as(out.toString()).isEqualTo("ABORTED");
            String arn = out.get("executionArn").asText();
            String runId = runOf(fleet, arn);
            assertThat(fleet.strings(
                            fleet.builder.centralDatabase(),
                            "select status from migration_runs where id = '" + runId + "'"))
                    .containsExactly("running");

            // What EventBridge delivers on the execution's status change.
            String event = Files.readString(Path.of("..", "events", "run-ended.json"))
                    .replace(
                            "arn:aws:states:eu-west-2:123456789012:execution:helix-migrations-migrate-fleet:sample",
                            arn);
            ByteArrayOutputStream closed = new ByteArrayOutputStream();
            new RunEndedFunction(RunSteps.of(fleet.platform()))
                    .handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), closed, null);

            assertThat(Json.MAPPER.readTree(closed.toByteArray()).get("status").asText())
                    .isEqualTo("stopped");
            assertThat(fleet.strings(
                            fleet.builder.centralDatabase(),
                            "select status || ' ' || migrated || ' ' || not_started from migration_runs where id = '"
                                    + runId + "'"))
                    .as("aborted as the products' lanes were to be listed: the tenants ran and were recorded")
                    .containsExactly("stopped 5 5");
        } finally {
            fleet.close();
        }
    }

    @Test
    void aNewerBuildDeployedAlongside_changesNothingInTheRunUnderWay(@TempDir Path newBuild) throws IOException {
        TestFleet fleet = fleet("sfnbuild_");
        PackagedMigrations.copy(newBuild, "central", "tenant", "product/kira", "product/ledger");
        Files.writeString(
                newBuild.resolve("tenant/V6__users_nickname.sql"), "alter table users add column nickname text;");
        Map<String, RequestStreamHandler> functions = new HashMap<>(StateMachineRun.functions(fleet.platform()));
        // Version 7 is what the execution's definition names (the template substitutes published versions, not the
        // live alias); version 8, deployed since, has a new migration.
        functions.put("helix-migrate-database:7", new MigrateDatabaseFunction(fleet.platform()));
        functions.put("helix-migrate-database:8", new MigrateDatabaseFunction(fleet.platform(newBuild)));
        Map<String, String> substitutions = new HashMap<>(StateMachineRun.substitutions(1, 10, 2));
        substitutions.put("MigrateDatabaseFunctionArn", StateMachineRun.ACCOUNT_ARN + "helix-migrate-database:7");
        try (LambdaApiServer lambda = new LambdaApiServer(functions)) {
            NodeTools.Result result = StateMachineRun.run(
                    lambda, substitutions, Json.MAPPER.createObjectNode(), Map.of(), Duration.ofMinutes(3));

            assertThat(result.json().get("status").asText())
                    .as(result.toString())
                    .isEqualTo("SUCCEEDED");
            assertThat(lambda.calls())
                    .filteredOn(c -> c.startsWith("helix-migrate-database"))
                    .hasSize(11)
                    .allSatisfy(c -> assertThat(c).startsWith("helix-migrate-database:7 "));
            for (String tenant : TENANTS) {
                assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase(tenant)))
                        .as(tenant)
                        .containsExactly("1", "2", "3", "4", "5");
            }
            assertThat(fleet.strings(fleet.builder.centralDatabase(), "select build->>'tenant' from migration_runs"))
                    .containsExactly("5");
        } finally {
            fleet.close();
        }
    }
}
