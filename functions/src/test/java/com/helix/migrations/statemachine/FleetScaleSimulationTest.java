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
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

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
        TestFleet fleet = TestFleet.empty("scale_");
        try {
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
                    """.formatted(TENANTS, SERVERS));
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
}
