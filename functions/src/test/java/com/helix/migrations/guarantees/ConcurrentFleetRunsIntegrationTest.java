package com.helix.migrations.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.json.Json;
import com.helix.migrations.support.LambdaApiServer;
import com.helix.migrations.support.StateMachineRun;
import com.helix.migrations.support.TestFleet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Needs: the embedded PostgreSQL, the Secrets Manager fake, Node 22 and aws-local-stepfunctions. Two
 * executions of the state machine over the same fleet at the same time (a pipeline re-run while the
 * first is still going): both succeed, and every migration is applied exactly once. The CLI's twin of
 * this is {@code CliIntegrationTest.twoRunsAtOnce_bothSucceed_andApplyEachMigrationOnce}.
 */
class ConcurrentFleetRunsIntegrationTest {

    @Test
    void twoExecutionsAtOnce_bothSucceed_andEveryMigrationIsAppliedOnce() throws Exception {
        TestFleet fleet = TestFleet.empty("twice_");
        List<String> tenants = IntStream.rangeClosed(1, 12)
                .mapToObj(i -> String.format("twice-%d-%s", i, i % 2 == 0 ? "uk" : "eu"))
                .toList();
        for (String tenant : tenants) {
            fleet.builder
                    .tenant(tenant, "Twice " + tenant, tenant.endsWith("uk") ? "uk" : "eu", "active", true)
                    .product(tenant + "-kira", tenant, "kira", tenant.endsWith("uk") ? "uk" : "eu", "active", true);
        }
        fleet.serveSecrets();
        Map<String, RequestStreamHandler> functions = StateMachineRun.functions(fleet.platform());
        // Two threads of its own: the common pool may have only one on a small machine.
        try (LambdaApiServer lambda = new LambdaApiServer(functions);
                ExecutorService twoAtOnce = Executors.newFixedThreadPool(2)) {
            JsonNode input = Json.MAPPER.readTree("{\"maxConcurrency\": 2}");
            var first = CompletableFuture.supplyAsync(
                    () -> StateMachineRun.run(
                            lambda, StateMachineRun.substitutions(2, 10, 5), input, Map.of(), Duration.ofMinutes(3)),
                    twoAtOnce);
            var second = CompletableFuture.supplyAsync(
                    () -> StateMachineRun.run(
                            lambda, StateMachineRun.substitutions(2, 10, 5), input, Map.of(), Duration.ofMinutes(3)),
                    twoAtOnce);

            for (JsonNode out : List.of(first.get().json(), second.get().json())) {
                assertThat(out.get("status").asText()).as(out.toString()).isEqualTo("SUCCEEDED");
                assertThat(out.get("output").get("summary").get("message").asText())
                        .isEqualTo("Migration complete: 24 succeeded, 0 failed");
            }
            for (String tenant : tenants) {
                assertThat(fleet.history(fleet.builder.tenantDatabase(tenant)))
                        .as(tenant)
                        .containsExactly("1:true", "2:true", "3:true", "4:true", "5:true");
                assertThat(fleet.history(fleet.builder.productDatabase(tenant, "kira")))
                        .as(tenant + " kira")
                        .containsExactly("1:true", "2:true", "3:true", "4:true");
            }
            assertThat(fleet.history(fleet.builder.centralDatabase()))
                    .containsExactly("1:true", "2:true", "3:true", "4:true", "5:true", "6:true");
            assertThat(lambda.peakConcurrency("helix-migrate-database"))
                    .as("both executions overlapped")
                    .isGreaterThan(2);
        } finally {
            fleet.close();
        }
    }
}
