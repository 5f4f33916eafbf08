package com.helix.migrations.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.core.Platform;
import com.helix.migrations.fleet.TargetLanes;
import com.helix.migrations.handler.FinishRunFunction;
import com.helix.migrations.json.Json;
import com.helix.migrations.ledger.RunLedger;
import com.helix.migrations.support.LambdaApiServer;
import com.helix.migrations.support.NodeTools;
import com.helix.migrations.support.StateMachineRun;
import com.helix.migrations.support.TestFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Needs: Node 22 and aws-local-stepfunctions, and the embedded PostgreSQL. The real state machine over
 * 10,000 tenant and 30,000 product databases on eight servers, frozen into the run ledger by the real
 * StartRun and taken from it in lanes by the real ListTargets, each batch recorded by the real Summarize and the
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
    void fortyThousandDatabases_frozenAndTakenInLanes_fitThePayloadAndHistoryLimits() {
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
                long listings = lambda.calls().stream()
                        .filter(c -> c.startsWith("helix-list-targets"))
                        .count();
                System.out.printf(
                        "scale simulation: %d tenants + %d products on %d servers; freeze (StartRun) %d ms; %d"
                                + " ListTargets calls; map iterations %s; largest state payload %d bytes (%s); parent"
                                + " states %s, implying %d history events; %d child executions, the largest %d history"
                                + " events; whole execution %d ms%n",
                        TENANTS,
                        PRODUCTS,
                        SERVERS,
                        freezeNanos.get() / 1_000_000,
                        listings,
                        stats.get("mapIterations"),
                        stats.get("maxPayloadBytes").asInt(),
                        stats.get("maxPayloadState").asText(),
                        stats.get("parentStates"),
                        stats.get("impliedHistoryEvents").asInt(),
                        stats.get("childExecutions").asInt(),
                        stats.get("maxChildHistoryEvents").asInt(),
                        totalMs);

                int failures = (TENANTS + PRODUCTS) / FAIL_EVERY;
                assertThat(out.get("status").asText()).as(out.toString()).isEqualTo("FAILED");
                assertThat(out.get("error").asText()).isEqualTo("MigrationsFailed");
                assertThat(out.get("cause").asText())
                        .startsWith(failures + " of " + (TENANTS + PRODUCTS) + " databases failed: ")
                        .endsWith("and " + (failures - FinishRunFunction.CAUSE_SHOWN) + " more");
                assertThat(stats.get("mapIterations").get("MigrateDatabases").asInt())
                        .isEqualTo(TENANTS + PRODUCTS);
                assertThat(stats.get("maxChildHistoryEvents").asInt()).isLessThan(25_000);
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
     * real execution's calls never exceed either cap; the schedule the lanes impose (the drawn times replayed
     * under their rules: at this time scale the local interpreter's own overhead, not the schedule, sets its
     * wall time) must be within 1.2× the ideal, max(total work ÷ min(200, servers × 2), busiest server's work ÷
     * 2).
     */
    @Test
    void fortyThousandDatabases_onAHundredServers_twoPerServer_againstTheIdeal(@TempDir Path dir) throws Exception {
        int servers = 100;
        int maxConcurrency = 200;
        int perServer = 2;
        int pageSize = TargetLanes.DEFAULT_PAGE_SIZE;
        TestFleet fleet = fleet("scaleservers_", servers);
        try (LambdaApiServer lambda = new LambdaApiServer(StateMachineRun.functions(fleet.platform()))) {
            Path durations = dir.resolve("durations.json");
            Map<String, String> substitutions =
                    new HashMap<>(StateMachineRun.substitutions(maxConcurrency, 1_000_000, pageSize));
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
            assertThat(stats.get("mapIterations").get("MigrateDatabases").asInt())
                    .isEqualTo(TENANTS + PRODUCTS);
            assertThat(stats.get("maxPayloadBytes").asInt()).isLessThan(256 * 1024);
            assertThat(stats.get("impliedHistoryEvents").asInt()).isLessThan(25_000);

            JsonNode drawn = Json.MAPPER.readTree(Files.readString(durations));
            JsonNode times = drawn.get("durations");
            JsonNode spans = drawn.get("spans");
            // Each segment's databases by server, in the frozen order, with the time drawn for each.
            Map<String, Map<Integer, List<Double>>> segments = new LinkedHashMap<>();
            Map<Integer, Double> work = new HashMap<>();
            Map<String, Integer> serverOf = new HashMap<>();
            for (String row : fleet.strings(fleet.builder.centralDatabase(), """
                    select wave || ' ' || case tier when 'tenant' then 1 else 2 end || ' ' || server || ' ' || target_id
                    from migration_run_targets where tier <> 'central'
                    order by wave, case tier when 'tenant' then 1 else 2 end, seq""")) {
                String[] parts = row.split(" ", 4);
                double seconds = times.get(parts[3]).asDouble() / 1000;
                int server = Integer.parseInt(parts[2]);
                segments.computeIfAbsent(parts[0] + " " + parts[1], k -> new TreeMap<>())
                        .computeIfAbsent(server, k -> new ArrayList<>())
                        .add(seconds);
                work.merge(server, seconds, Double::sum);
                serverOf.put(parts[3], server);
            }
            double total =
                    work.values().stream().mapToDouble(Double::doubleValue).sum();
            double busiest = work.values().stream()
                    .mapToDouble(Double::doubleValue)
                    .max()
                    .orElse(0);
            double ideal = Math.max(total / Math.min(maxConcurrency, work.size() * perServer), busiest / perServer);
            double lanesSchedule = 0;
            for (Map<Integer, List<Double>> segment : segments.values()) {
                lanesSchedule += lanesSchedule(segment, perServer, maxConcurrency, pageSize);
            }
            // Peak migrations at once, in all and per server, from when each call started and ended (an end before
            // a start at the same instant).
            List<double[]> events = new ArrayList<>();
            serverOf.forEach((id, server) -> {
                JsonNode span = spans.get(id);
                events.add(new double[] {span.get(0).asDouble(), 1, server});
                events.add(new double[] {span.get(1).asDouble(), -1, server});
            });
            events.sort((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(a[1], b[1]));
            Map<Integer, Integer> running = new HashMap<>();
            int inFlight = 0;
            int peak = 0;
            int peakPerServer = 0;
            for (double[] event : events) {
                inFlight += (int) event[1];
                peak = Math.max(peak, inFlight);
                peakPerServer = Math.max(peakPerServer, running.merge((int) event[2], (int) event[1], Integer::sum));
            }
            long listings = lambda.calls().stream()
                    .filter(c -> c.startsWith("helix-list-targets"))
                    .count();
            System.out.printf(
                    "scale simulation, %d servers, maxConcurrency %d, perServer %d: %d databases, %.1f s of work"
                            + " (busiest server %.2f s); ideal %.2f s; the lanes' schedule %.2f s (%.3fx the ideal);"
                            + " peak %d at once, %d on one server; whole execution %.1f s with the local interpreter"
                            + " (its own overhead dominates at this time scale); %d ListTargets calls; %d child"
                            + " executions, the largest %d history events; parent %d history events; largest payload"
                            + " %d bytes%n",
                    work.size(),
                    maxConcurrency,
                    perServer,
                    TENANTS + PRODUCTS,
                    total,
                    busiest,
                    ideal,
                    lanesSchedule,
                    lanesSchedule / ideal,
                    peak,
                    peakPerServer,
                    wallSeconds,
                    listings,
                    stats.get("childExecutions").asInt(),
                    stats.get("maxChildHistoryEvents").asInt(),
                    stats.get("impliedHistoryEvents").asInt(),
                    stats.get("maxPayloadBytes").asInt());
            assertThat(peakPerServer).isLessThanOrEqualTo(perServer);
            assertThat(peak).isLessThanOrEqualTo(maxConcurrency);
            assertThat(stats.get("maxChildHistoryEvents").asInt()).isLessThan(25_000);
            assertThat(lanesSchedule / ideal)
                    .as("the lanes' schedule against the ideal")
                    .isLessThan(1.2);
        } finally {
            fleet.close();
        }
    }

    /**
     * The time one segment takes under the lanes' rules with the drawn times and no overhead: up to {@code
     * perServer} lanes per server (listed lane 0 of every server first) on {@code maxConcurrency} slots; a lane
     * takes {@link RunLedger#share} of its server's pending databases, runs them one after another, and takes
     * again until none is left.
     */
    static double lanesSchedule(Map<Integer, List<Double>> servers, int perServer, int maxConcurrency, int pageSize) {
        Map<Integer, ArrayDeque<Double>> pending = new HashMap<>();
        List<Integer> lanes = new ArrayList<>();
        for (int lane = 0; lane < perServer; lane++) {
            for (Map.Entry<Integer, List<Double>> server : servers.entrySet()) {
                if (server.getValue().size() > lane) {
                    lanes.add(server.getKey());
                }
                pending.putIfAbsent(server.getKey(), new ArrayDeque<>(server.getValue()));
            }
        }
        // (when a lane is free again, which server it takes from)
        PriorityQueue<double[]> free = new PriorityQueue<>((a, b) -> Double.compare(a[0], b[0]));
        int next = 0;
        for (; next < Math.min(maxConcurrency, lanes.size()); next++) {
            free.add(new double[] {0, lanes.get(next)});
        }
        double end = 0;
        while (!free.isEmpty()) {
            double[] lane = free.poll();
            ArrayDeque<Double> queue = pending.get((int) lane[1]);
            if (queue.isEmpty()) {
                end = Math.max(end, lane[0]);
                if (next < lanes.size()) {
                    free.add(new double[] {lane[0], lanes.get(next++)});
                }
                continue;
            }
            double busy = 0;
            for (int taken = RunLedger.share(queue.size(), perServer, pageSize); taken > 0; taken--) {
                busy += queue.poll();
            }
            free.add(new double[] {lane[0] + busy, lane[1]});
        }
        return end;
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
