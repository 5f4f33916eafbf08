package com.helix.migrations.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.cli.Main;
import com.helix.migrations.core.Action;
import com.helix.migrations.core.MigrationRequest;
import com.helix.migrations.core.Platform;
import com.helix.migrations.json.Json;
import com.helix.migrations.support.EmbeddedServer;
import com.helix.migrations.support.LambdaApiServer;
import com.helix.migrations.support.StateMachineRun;
import com.helix.migrations.support.TcpProxy;
import com.helix.migrations.support.TestFleet;
import com.helix.migrations.target.Tier;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Needs: the embedded PostgreSQL, the Secrets Manager fake, Node 22 and aws-local-stepfunctions.
 * The central database is reached through a TCP hop that the test cuts in the middle of a fleet run:
 * what was migrated stays migrated, nothing is half-done, the run says why it stopped, and a re-run
 * once central is back converges with every migration applied once.
 */
class CentralLostIntegrationTest {
    private static final List<String> TENANTS =
            List.of("acme-uk", "globex-eu", "lost-1-uk", "lost-2-eu", "lost-3-uk", "lost-4-eu");

    private final TcpProxy proxy =
            new TcpProxy(EmbeddedServer.get().host(), EmbeddedServer.get().port());
    private TestFleet fleet;

    @AfterEach
    void close() {
        proxy.close();
        if (fleet != null) {
            fleet.close();
        }
    }

    /** The tenants at V3, each with a customer's row, and central reached through the proxy. */
    private static TestFleet fleet(String prefix, TcpProxy proxy) {
        TestFleet fleet = TestFleet.empty(prefix);
        fleet.core()
                .tenant("lost-1-uk", "Lost One", "uk", "active", true)
                .tenant("lost-2-eu", "Lost Two", "eu", "active", true)
                .tenant("lost-3-uk", "Lost Three", "uk", "active", true)
                .tenant("lost-4-eu", "Lost Four", "eu", "active", true);
        fleet.serveSecretsWithCentralAt(fleet.server.host(), proxy.port());
        // Every tenant at V3 with a customer's row, which must survive whatever happens next.
        Platform setup = fleet.platform();
        for (String tenant : TENANTS) {
            TestFleet.run(setup, new MigrationRequest(Tier.TENANT, tenant, Action.MIGRATE, "3"));
            fleet.builder.execute(
                    fleet.builder.tenantDatabase(tenant),
                    "insert into users (email) values ('kept@" + tenant + ".example')");
        }
        return fleet;
    }

    @Test
    void stateMachine_centralLostAfterTheFirstBatch_failsSayingSo_andARerunConverges() throws Exception {
        fleet = fleet("lostsfn_", proxy);
        try (LambdaApiServer lambda = lambda(fleet)) {
            // One lane, two databases at a time: central goes away while the first batch is being recorded.
            lambda.intercept(call -> {
                if (call.startsWith("helix-summarize")) {
                    proxy.cut();
                }
                return null;
            });

            JsonNode out = run(lambda, 1);

            assertThat(out.get("status").asText()).as(out.toString()).isEqualTo("FAILED");
            assertThat(out.get("error").asText())
                    .as("the lane cannot record its first batch")
                    .isEqualTo("LaneFailed");
            assertThat(out.get("cause").asText()).contains("Database unavailable: central database");
            List<String> migrated = TENANTS.stream()
                    .filter(t -> fleet.appliedVersions(fleet.builder.tenantDatabase(t))
                                    .size()
                            == 5)
                    .toList();
            assertThat(migrated).as("the first batch").hasSize(2);
            for (String tenant : TENANTS) {
                String db = fleet.builder.tenantDatabase(tenant);
                assertThat(fleet.history(db))
                        .as(tenant)
                        .isIn(
                                List.of("1:true", "2:true", "3:true"),
                                List.of("1:true", "2:true", "3:true", "4:true", "5:true"));
                assertThat(fleet.strings(db, "select email from users"))
                        .as(tenant)
                        .containsExactly("kept@" + tenant + ".example");
            }
            assertThat(fleet.appliedVersions(fleet.builder.productDatabase("acme-uk", "kira")))
                    .as("products never started")
                    .isEmpty();

            proxy.restore();
            lambda.reset();
            JsonNode again = run(lambda, 1);

            assertThat(again.get("status").asText()).as(again.toString()).isEqualTo("SUCCEEDED");
            assertThat(again.get("output").get("summary").get("message").asText())
                    .isEqualTo("Migration complete: 9 succeeded, 0 failed");
            for (String tenant : TENANTS) {
                String db = fleet.builder.tenantDatabase(tenant);
                assertThat(fleet.history(db))
                        .as(tenant)
                        .containsExactly("1:true", "2:true", "3:true", "4:true", "5:true");
                assertThat(fleet.strings(db, "select email from users"))
                        .as(tenant)
                        .containsExactly("kept@" + tenant + ".example");
            }
            assertThat(fleet.appliedVersions(fleet.builder.productDatabase("acme-uk", "kira")))
                    .endsWith("4");
        }
    }

    @Test
    void stateMachine_centralDownAtTheStart_startsNothing_andSaysWhy() throws Exception {
        fleet = fleet("downsfn_", proxy);
        try (LambdaApiServer lambda = lambda(fleet)) {
            proxy.cut();

            JsonNode out = run(lambda, 2);

            assertThat(out.get("status").asText()).as(out.toString()).isEqualTo("FAILED");
            assertThat(out.get("error").asText()).isEqualTo("CentralMigrationFailed");
            assertThat(out.get("cause").asText())
                    .contains("Database unavailable: " + fleet.builder.centralDatabase() + " (Connection to");
            assertThat(lambda.calls())
                    .as("the migrations checked, central retried, then nothing else")
                    .hasSize(5)
                    .first()
                    .isEqualTo("helix-check-migrations {}");
            assertThat(lambda.calls().subList(1, 5))
                    .allSatisfy(call -> assertThat(call).startsWith("helix-migrate-database {\"tier\":\"central\","));
            for (String tenant : TENANTS) {
                assertThat(fleet.history(fleet.builder.tenantDatabase(tenant)))
                        .as(tenant)
                        .containsExactly("1:true", "2:true", "3:true");
            }
        }
    }

    @Test
    void cli_resolvesEachTierUpFront_soCentralLostMidRunStopsNothing_saysTheRunIsNotRecorded_andTheNextTierSaysWhy()
            throws Exception {
        fleet = fleet("lostcli_", proxy);
        Map<String, String> env = fleet.environment();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // Central goes away as soon as the first database is reported.
        OutputStream cutOnFirstOutcome = new OutputStream() {
            private final StringBuilder seen = new StringBuilder();

            @Override
            public void write(int b) {
                out.write(b);
                seen.append((char) b);
                if (seen.indexOf("[TenantMigrator]") >= 0 && seen.indexOf("acme-uk") >= 0) {
                    proxy.cut();
                }
            }
        };
        int exit = Main.run(
                new String[] {"tenants", "--concurrency", "1"},
                env,
                new PrintStream(cutOnFirstOutcome, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        String output = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(output + err).isEqualTo(Main.FAILED);
        assertThat(output)
                .contains("Migration complete: 6 succeeded, 0 failed")
                .containsPattern("Run \\S+ not recorded to the end \\(Database unavailable: central database");
        for (String tenant : TENANTS) {
            assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase(tenant)))
                    .as(tenant)
                    .endsWith("5");
        }

        ByteArrayOutputStream productsErr = new ByteArrayOutputStream();
        int products = products(env, productsErr);
        String productsError = productsErr.toString(StandardCharsets.UTF_8);
        assertThat(products).as(productsError).isEqualTo(Main.FAILED);
        assertThat(productsError.lines().toList())
                .hasSize(1)
                .first()
                .asString()
                .startsWith("error: Database unavailable: central database");
        assertThat(fleet.appliedVersions(fleet.builder.productDatabase("acme-uk", "kira")))
                .isEmpty();

        proxy.restore();
        assertThat(products(env, new ByteArrayOutputStream())).isZero();
        assertThat(fleet.appliedVersions(fleet.builder.productDatabase("acme-uk", "kira")))
                .endsWith("4");
    }

    /** {@code products}, its output dropped; returns the exit code. */
    private static int products(Map<String, String> env, ByteArrayOutputStream err) {
        return Main.run(
                new String[] {"products"},
                env,
                new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** One execution over the whole fleet, one lane taking two databases at a time. */
    private static JsonNode run(LambdaApiServer lambda, int maxConcurrency) {
        return StateMachineRun.run(
                        lambda,
                        StateMachineRun.substitutions(maxConcurrency, 100, 2),
                        Json.MAPPER.createObjectNode(),
                        Map.of(),
                        Duration.ofMinutes(3))
                .json();
    }

    private static LambdaApiServer lambda(TestFleet fleet) {
        Map<String, RequestStreamHandler> functions = StateMachineRun.functions(fleet.platform());
        return new LambdaApiServer(functions);
    }
}
