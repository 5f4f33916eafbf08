package com.helix.migrations.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.handler.SummarizeFunction;
import com.helix.migrations.json.Json;
import com.helix.migrations.support.LambdaApiServer;
import com.helix.migrations.support.NodeTools;
import com.helix.migrations.support.StateMachineRun;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Needs: Node 22 and aws-local-stepfunctions. The real state machine over 10,000 tenant and 30,000
 * product databases, with instant stand-ins for ListTargets and MigrateDatabase and the real
 * Summarize function: it must finish within Step Functions' limits of 256 KiB per state input or
 * output and 25,000 history events per execution.
 */
class FleetScaleSimulationTest {
    static final int TENANTS = 10_000;
    static final int PRODUCTS = 30_000;
    static final int FAIL_EVERY = 250;

    @Test
    void fortyThousandDatabases_fitThePayloadAndHistoryLimits() {
        try (LambdaApiServer lambda = new LambdaApiServer(Map.of("helix-summarize", new SummarizeFunction()))) {
            NodeTools.Result result = StateMachineRun.run(
                    lambda,
                    StateMachineRun.substitutions(40, 1_000_000, 100),
                    Json.MAPPER.createObjectNode(),
                    Map.of(
                            "localHandlers",
                            NodeTools.DIR.resolve("scale-handlers.mjs").toString(),
                            "scale",
                            Map.of("tenants", TENANTS, "products", PRODUCTS, "failEvery", FAIL_EVERY)),
                    Duration.ofMinutes(10));

            JsonNode out = result.json();
            JsonNode stats = out.get("stats");
            System.out.printf(
                    "scale simulation: %d tenants + %d products, %d map iterations; largest state payload %d bytes (%s); "
                            + "parent states %s, implying %d history events%n",
                    TENANTS,
                    PRODUCTS,
                    stats.get("mapIterations").asInt(),
                    stats.get("maxPayloadBytes").asInt(),
                    stats.get("maxPayloadState").asText(),
                    stats.get("parentStates"),
                    stats.get("impliedHistoryEvents").asInt());

            int failures = (TENANTS + PRODUCTS) / FAIL_EVERY;
            assertThat(out.get("status").asText()).as(out.toString()).isEqualTo("FAILED");
            assertThat(out.get("error").asText()).isEqualTo("MigrationsFailed");
            assertThat(out.get("cause").asText())
                    .startsWith(failures + " of " + (TENANTS + PRODUCTS) + " databases failed: ")
                    .endsWith("and " + (failures - SummarizeFunction.CAUSE_SHOWN) + " more");
            assertThat(stats.get("mapIterations").asInt()).isEqualTo(TENANTS + PRODUCTS);
            assertThat(stats.get("maxPayloadBytes").asInt()).isLessThan(256 * 1024);
            assertThat(stats.get("impliedHistoryEvents").asInt()).isLessThan(25_000);
        }
    }
}
