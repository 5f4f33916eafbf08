package com.helix.migrations.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.core.Platform;
import com.helix.migrations.handler.SummarizeFunction;
import com.helix.migrations.json.Json;
import com.helix.migrations.support.LambdaApiServer;
import com.helix.migrations.support.NodeTools;
import com.helix.migrations.support.StateMachineRun;
import com.helix.migrations.support.TestFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Needs: Node 22 and aws-local-stepfunctions, and the embedded PostgreSQL. The real state machine over
 * 10,000 tenant and 30,000 product databases on eight servers, frozen into the run ledger by the real
 * StartRun and paged through it by the real ListTargets, each page recorded by the real Summarize and the
 * run closed by the real FinishRun; only CheckMigrations, MigrateCentral and MigrateDatabase are instant
 * stand-ins. It must finish within Step Functions' limits of 256 KiB per state input or output and
 * 25,000 history events per execution, with every database recorded once.
 */
class FleetScaleSimulationTest {
    static final int TENANTS = 10_000;
    static final int PRODUCTS = 30_000;
    static final int FAIL_EVERY = 250;
    static final int SERVERS = 8;

    @Test
    void fortyThousandDatabases_frozenAndPagedThroughTheLedger_fitThePayloadAndHistoryLimits() {
        TestFleet fleet = fleet("scale_", SERVERS);
        try {
            Platform platform = fleet.platform();
            Map<String, RequestStreamHandler> functions = new HashMap<>(StateMachineRun.functions(platform));
            AtomicLong freezeNanos = new AtomicLong();
            RequestStreamHandler startRun = functions.get("helix-start-run");
            functions.put("helix-start-run", (in, out, context) -> {
                long started = System.nanoTime();
                startRun.handleRequest(in, out, context);
                freezeNanos.addAndGet(System.nanoTime() - started);
            });
            try (LambdaApiServer lambda = new LambdaApiServer(functions)) {
                long started = System.nanoTime();
                NodeTools.Result result = StateMachineRun.run(
                        lambda,
                        StateMachineRun.substitutions(40, 1_000_000, 100),
                        Json.MAPPER.createObjectNode(),
                        Map.of(
                                "localHandlers",
                                NodeTools.DIR.resolve("scale-handlers.mjs").toString(),
                                "scale",
                                Map.of("failEvery", FAIL_EVERY)),
                        Duration.ofMinutes(10));
                long totalMs = (System.nanoTime() - started) / 1_000_000;

                JsonNode out = result.json();
                JsonNode stats = out.get("stats");
                long pages = lambda.calls().stream()
                        .filter(c -> c.startsWith("helix-list-targets"))
                        .count();
                System.out.printf(
                        "scale simulation: %d tenants + %d products on %d servers; freeze (StartRun) %d ms; %d pages;"
                                + " %d map iterations; largest state payload %d bytes (%s); parent states %s, implying"
                                + " %d history events; whole execution %d ms%n",
                        TENANTS,
                        PRODUCTS,
                        SERVERS,
                        freezeNanos.get() / 1_000_000,
                        pages,
                        stats.get("mapIterations").asInt(),
                        stats.get("maxPayloadBytes").asInt(),
                        stats.get("maxPayloadState").asText(),
                        stats.get("parentStates"),
                        stats.get("impliedHistoryEvents").asInt(),
                        totalMs);

                int failures = (TENANTS + PRODUCTS) / FAIL_EVERY;
                assertThat(out.get("status").asText()).as(out.toString()).isEqualTo("FAILED");
                assertThat(out.get("error").asText()).isEqualTo("MigrationsFailed");
                assertThat(out.get("cause").asText())
                        .startsWith(failures + " of " + (TENANTS + PRODUCTS) + " databases failed: ")
                        .endsWith("and " + (failures - SummarizeFunction.CAUSE_SHOWN) + " more");
                assertThat(stats.get("mapIterations").asInt()).isEqualTo(TENANTS + PRODUCTS);
                assertThat(stats.get("maxPayloadBytes").asInt()).isLessThan(256 * 1024);
                assertThat(stats.get("impliedHistoryEvents").asInt()).isLessThan(25_000);
                assertThat(
                                fleet.strings(
                                        fleet.builder.centralDatabase(),
                                        "select status || ' ' || count(*) from migration_run_targets group by status order by 1"))
                        .containsExactly(
                                "failed " + failures, "migrated " + (TENANTS + PRODUCTS - failures), "up_to_date 1");
                assertThat(
                                fleet.strings(
                                        fleet.builder.centralDatabase(),
                                        "select status || ' ' || targets || ' ' || migrated || ' ' || failed from migration_runs"))
                        .containsExactly("failed " + (TENANTS + PRODUCTS + 1) + " " + (TENANTS + PRODUCTS - failures)
                                + " " + failures);
            }
        } finally {
            fleet.close();
        }
    }

    /**
     * 40,000 databases on 100 servers, each taking a time drawn from a log-normal distribution (median 10 ms,
     * σ 0.8, at most 200 ms: minutes scaled down to milliseconds), at most 200 at once and 2 per server. The
     * wall time is printed against the ideal, max(total work ÷ min(200, servers × 2), busiest server's work ÷ 2).
     */
    @Test
    void fortyThousandDatabases_onAHundredServers_twoPerServer_againstTheIdeal(@TempDir Path dir) throws Exception {
        int servers = 100;
        int maxConcurrency = 200;
        int perServer = 2;
        TestFleet fleet = fleet("scaleservers_", servers);
        try (LambdaApiServer lambda = new LambdaApiServer(StateMachineRun.functions(fleet.platform()))) {
            Path durations = dir.resolve("durations.json");
            Map<String, String> substitutions =
                    new HashMap<>(StateMachineRun.substitutions(maxConcurrency, 1_000_000, 200));
            substitutions.put("PerServer", String.valueOf(perServer));
            long started = System.nanoTime();
            NodeTools.Result result = StateMachineRun.run(
                    lambda,
                    substitutions,
                    Json.MAPPER.createObjectNode(),
                    Map.of(
                            "localHandlers",
                            NodeTools.DIR.resolve("scale-handlers.mjs").toString(),
                            "scale",
                            Map.of(
                                    "failEvery", 0,
                                    "medianMs", 10,
                                    "sigma", 0.8,
                                    "maxMs", 200,
                                    "durationsFile", durations.toString())),
                    Duration.ofMinutes(15));
            double wallSeconds = (System.nanoTime() - started) / 1e9;

            JsonNode out = result.json();
            assertThat(out.get("status").asText()).as(out.toString()).isEqualTo("SUCCEEDED");
            JsonNode stats = out.get("stats");
            assertThat(stats.get("mapIterations").asInt()).isEqualTo(TENANTS + PRODUCTS);
            assertThat(stats.get("maxPayloadBytes").asInt()).isLessThan(256 * 1024);
            assertThat(stats.get("impliedHistoryEvents").asInt()).isLessThan(25_000);

            JsonNode times = Json.MAPPER.readTree(Files.readString(durations));
            Map<String, Double> work = new HashMap<>();
            for (String row : fleet.strings(
                    fleet.builder.centralDatabase(),
                    "select target_id || ' ' || server from migration_run_targets where tier <> 'central'")) {
                String[] parts = row.split(" ", 2);
                work.merge(parts[1], times.get(parts[0]).asDouble() / 1000, Double::sum);
            }
            double total =
                    work.values().stream().mapToDouble(Double::doubleValue).sum();
            double busiest = work.values().stream()
                    .mapToDouble(Double::doubleValue)
                    .max()
                    .orElse(0);
            double ideal = Math.max(total / Math.min(maxConcurrency, work.size() * perServer), busiest / perServer);
            long pages = lambda.calls().stream()
                    .filter(c -> c.startsWith("helix-list-targets"))
                    .count();
            // The schedule the pages impose, without the interpreter's own time: pages run one after another, each
            // as long as its slowest database (a page never holds more than maxConcurrency).
            Map<String, Double> pageTimes = new HashMap<>();
            for (String row : fleet.strings(fleet.builder.centralDatabase(), """
                    with r as (select target_id, wave, tier, seq,
                                      (row_number() over (partition by wave, tier, server order by seq) - 1) / %d as round
                               from migration_run_targets where tier <> 'central')
                    select wave || '/' || tier || '/' || round || '/'
                           || (row_number() over (partition by wave, tier, round order by seq) - 1) / 200
                           || ' ' || target_id
                    from r""".formatted(perServer))) {
                String[] parts = row.split(" ", 2);
                pageTimes.merge(parts[0], times.get(parts[1]).asDouble() / 1000, Math::max);
            }
            double paged =
                    pageTimes.values().stream().mapToDouble(Double::doubleValue).sum();
            System.out.printf(
                    "scale simulation, %d servers, maxConcurrency %d, perServer %d: %d databases, %.1f s of work"
                            + " (busiest server %.2f s); ideal %.2f s; the pages' schedule %.2f s (%.1fx the ideal);"
                            + " wall %.2f s with the local interpreter; %d pages; largest payload %d bytes;"
                            + " %d history events%n",
                    work.size(),
                    maxConcurrency,
                    perServer,
                    TENANTS + PRODUCTS,
                    total,
                    busiest,
                    ideal,
                    paged,
                    paged / ideal,
                    wallSeconds,
                    pages,
                    stats.get("maxPayloadBytes").asInt(),
                    stats.get("impliedHistoryEvents").asInt());
        } finally {
            fleet.close();
        }
    }

    /** A central database registering 10,000 tenants and 30,000 products spread over this many servers. */
    static TestFleet fleet(String prefix, int servers) {
        TestFleet fleet = TestFleet.empty(prefix);
        fleet.builder.execute(fleet.builder.centralDatabase(), """
                insert into tenants (id, name, jurisdiction)
                select 'tenant-' || lpad(i::text, 6, '0') || '-0b6f2c1e', 'Tenant Company Number ' || i || ' Limited',
                       case when i %% 2 = 0 then 'uk' else 'eu' end
                from generate_series(0, %1$d - 1) i;
                insert into tenant_databases (tenant_id, host, port, database_name, secret_id)
                select id, 'db-' || (abs(hashtext(id)) %% %2$d) || '.internal', 5432, replace(id, '-', '_'), 'helix/' || id
                from tenants;
                insert into tenant_products (id, tenant_id, product_type)
                select t.id || '-' || p.type, t.id, p.type
                from tenants t cross join (values ('kira'), ('ledger'), ('atlas')) p(type);
                insert into product_databases (tenant_product_id, host, port, database_name, secret_id)
                select id, 'db-' || (abs(hashtext(id)) %% %2$d) || '.internal', 5432, replace(id, '-', '_'),
                       'helix/' || id
                from tenant_products;
                analyze;
                """.formatted(TENANTS, servers));
        return fleet;
    }
}
