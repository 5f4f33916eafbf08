package com.helix.migrations.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.core.Platform;
import com.helix.migrations.exceptions.DatabaseAuthenticationException;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.exceptions.TenantNotFoundException;
import com.helix.migrations.json.Json;
import com.helix.migrations.support.EmbeddedServer;
import com.helix.migrations.support.OutputCapture;
import com.helix.migrations.support.SecretsManagerFake;
import com.helix.migrations.support.TestFleet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Needs: the embedded PostgreSQL and the Secrets Manager fake.
 * The MigrateDatabase handler with every sample event in {@code events/}, as {@code sam local invoke}
 * would send them; and a whole run searched for the database password.
 */
class MigrateDatabaseFunctionIntegrationTest {
    static final Path EVENTS = Path.of("..", "events");
    private static TestFleet fleet;

    @BeforeAll
    static void fleet() {
        fleet = TestFleet.standard("fn_");
    }

    @AfterAll
    static void drop() {
        fleet.close();
    }

    @Test
    void everySampleEvent_runsThroughTheHandler() throws IOException {
        fleet.serveSecrets();
        MigrateDatabaseFunction function = new MigrateDatabaseFunction(fleet.platform());
        Map<String, JsonNode> outputs = new LinkedHashMap<>();
        for (Path event : sampleEvents()) {
            outputs.put(event.getFileName().toString(), invoke(function, Files.readAllBytes(event)));
        }

        assertThat(outputs)
                .containsOnlyKeys(
                        "migrate-database-baseline-check.json",
                        "migrate-database-central.json",
                        "migrate-database-product.json",
                        "migrate-database-status.json",
                        "migrate-database-target-version.json",
                        "migrate-database-tenant.json",
                        "migrate-database-validate.json",
                        "migrate-database-repair.json");
        // Files run in name order: the baseline check finds acme-uk empty, with nothing to adopt.
        assertThat(outputs.get("migrate-database-baseline-check.json")
                        .get("baseline")
                        .get("verdict")
                        .asText())
                .isEqualTo("empty");
        assertThat(outputs.get("migrate-database-repair.json").get("status").asText())
                .as("nothing to repair")
                .isEqualTo("up_to_date");
        assertThat(outputs.get("migrate-database-central.json").get("status").asText())
                .isEqualTo("up_to_date");
        JsonNode tenant = outputs.get("migrate-database-tenant.json");
        assertThat(tenant.get("tier").asText()).isEqualTo("tenant");
        assertThat(tenant.get("id").asText()).isEqualTo("acme-uk");
        assertThat(tenant.get("name").asText()).isEqualTo("Acme Corp");
        assertThat(tenant.get("jurisdiction").asText()).isEqualTo("uk");
        assertThat(tenant.get("status").asText()).isIn("migrated", "up_to_date");
        assertThat(tenant.get("toVersion").asText()).isEqualTo("5");
        assertThat(tenant.get("durationMs").isNumber()).isTrue();
        assertThat(tenant.has("error")).isFalse();
        assertThat(outputs.get("migrate-database-product.json").get("toVersion").asText())
                .isEqualTo("4");
        // Files run in name order: status looks at acme-uk before the tenant event migrates it.
        assertThat(outputs.get("migrate-database-status.json").get("status").asText())
                .isEqualTo("pending");
        assertThat(outputs.get("migrate-database-status.json").get("pending")).hasSize(5);
        assertThat(outputs.get("migrate-database-target-version.json")
                        .get("toVersion")
                        .asText())
                .isEqualTo("3");
        assertThat(outputs.get("migrate-database-validate.json").get("status").asText())
                .isEqualTo("pending");
    }

    @Test
    void failures_areThrownAsTheirOwnException_forStepFunctionsToMatchByClassName() {
        fleet.serveSecrets();
        MigrateDatabaseFunction function = new MigrateDatabaseFunction(fleet.platform());

        assertThatThrownBy(() ->
                        invoke(function, "{\"tier\":\"tenant\",\"id\":\"nobody\"}".getBytes(StandardCharsets.UTF_8)))
                .isExactlyInstanceOf(TenantNotFoundException.class)
                .hasMessage("Tenant not found: nobody");
        assertThat(TenantNotFoundException.class.getName())
                .isEqualTo("com.helix.migrations.exceptions.TenantNotFoundException");
    }

    @Test
    void malformedEvents_areOneLineInvalidRequests() {
        MigrateDatabaseFunction function = new MigrateDatabaseFunction(fleet.platform());
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("not json", "Invalid request: event is not valid JSON");
        cases.put("[1,2]", "Invalid request: event must be a JSON object, not array");
        cases.put("{}", "Invalid request: tier is required (central, tenant or product)");
        cases.put(
                "{\"tier\":\"galaxy\",\"id\":\"a\"}",
                "Invalid request: tier must be one of central, tenant, product, not 'galaxy'");
        cases.put("{\"tier\":\"tenant\",\"id\":42}", "Invalid request: id must be a string, not number");
        cases.put(
                "{\"tier\":\"tenant\",\"id\":\"a\",\"action\":\"drop\"}",
                "Invalid request: action must be one of migrate, status, validate, repair, baseline, baseline-check, not 'drop'");
        cases.put(
                "{\"tier\":\"tenant\",\"tenantId\":\"a\"}",
                "Invalid request: unknown field 'tenantId' (expected action, force, id, referenceId, targetVersion, tier)");
        cases.put(
                "{\"tier\":\"tenant\",\"id\":\"\"}",
                "Invalid request: id must be an id of 1 to 256 characters, not ''");
        cases.forEach((event, message) -> assertThatThrownBy(
                        () -> invoke(function, event.getBytes(StandardCharsets.UTF_8)))
                .as(event)
                .isExactlyInstanceOf(InvalidRequestException.class)
                .message()
                .startsWith(message)
                .doesNotContain("\n"));
    }

    @Test
    void aWholeRun_neverShowsThePassword() throws IOException {
        String password = EmbeddedServer.APP_PASSWORD;
        List<String> seen = new ArrayList<>();
        try (OutputCapture capture = OutputCapture.start()) {
            fleet.serveSecrets();
            MigrateDatabaseFunction function = new MigrateDatabaseFunction(fleet.platform());
            for (Path event : sampleEvents()) {
                seen.add(invoke(function, Files.readAllBytes(event)).toString());
            }
            // A refused password: the error names the database and user, not the password tried.
            Map<String, Object> wrong =
                    new LinkedHashMap<>(fleet.builder.secrets().get("helix/eu/tenant/globex-eu"));
            wrong.put("password", password + "-rotated");
            SecretsManagerFake.put(
                    "helix/eu/tenant/globex-eu", Json.MAPPER.valueToTree(wrong).toString());
            Platform fresh = fleet.platform();
            Throwable refused = catchThrowable(() -> invoke(
                    new MigrateDatabaseFunction(fresh),
                    "{\"tier\":\"tenant\",\"id\":\"globex-eu\"}".getBytes(StandardCharsets.UTF_8)));
            assertThat(refused).isInstanceOf(DatabaseAuthenticationException.class);
            seen.add(stackTrace(refused));
            // A secret that is not JSON: the parser's message (which would quote it) is not passed on.
            SecretsManagerFake.put(
                    "helix/uk/product/acme-uk-ledger", "{\"username\":\"helix_app\",\"password\":\"" + password + "\"");
            seen.add(stackTrace(catchThrowable(() -> invoke(
                    new MigrateDatabaseFunction(fleet.platform()),
                    "{\"tier\":\"product\",\"id\":\"acme-uk-ledger\"}".getBytes(StandardCharsets.UTF_8)))));
            seen.add(capture.text());
        }
        assertThat(String.join("\n", seen)).contains("acme-uk").doesNotContain(password);
    }

    private static Throwable catchThrowable(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        return org.assertj.core.api.Assertions.catchThrowable(call);
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    static List<Path> sampleEvents() throws IOException {
        try (Stream<Path> files = Files.list(EVENTS)) {
            return files.filter(p -> p.getFileName().toString().startsWith("migrate-database-"))
                    .sorted()
                    .toList();
        }
    }

    static JsonNode invoke(MigrateDatabaseFunction function, byte[] event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        function.handleRequest(new ByteArrayInputStream(event), out, null);
        return Json.MAPPER.readTree(out.toByteArray());
    }
}
