package com.helix.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.json.Json;
import com.helix.migrations.support.ColdInvocation;
import com.helix.migrations.support.EmbeddedServer;
import com.helix.migrations.support.TestFleet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs after {@code package} (failsafe). Needs: the embedded PostgreSQL. The packaged MigrateDatabase
 * function in a JVM of its own, with Lambda's JSON log format: every log line is one JSON object with
 * the timestamp, level, request id, message and the database in hand; an expected error is one line
 * with its error code and no stack trace; an unexpected one carries its stack inside its one line.
 */
class LambdaLogsIT {
    @TempDir
    static Path dir;

    private static TestFleet fleet;

    @BeforeAll
    static void fleet() {
        fleet = TestFleet.empty("logs_");
        fleet.builder.tenant("acme-uk", "Acme Corp", "uk", "active", true);
    }

    @AfterAll
    static void drop() {
        fleet.close();
    }

    @Test
    void lambdaLogs_areOneJsonObjectPerLine_withTheRequestAndTheDatabaseInHand() throws Exception {
        List<String> output = invoke(
                Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON"),
                "req-migrate",
                "{\"tier\":\"tenant\",\"id\":\"acme-uk\"}",
                "req-missing",
                "{\"tier\":\"tenant\",\"id\":\"nobody\"}",
                "req-malformed",
                "{\"tier\":\"galaxy\"}");

        List<JsonNode> lines = new ArrayList<>();
        for (String line : output) {
            if (!line.startsWith("RESULT ")) {
                lines.add(Json.MAPPER.readTree(line));
            }
        }
        assertThat(lines).as(String.join("\n", output)).isNotEmpty();
        JsonNode migrated = lines.stream()
                .filter(l -> l.path("message").asText().startsWith("[TenantMigrator] ✓ Migrated tenant: Acme Corp"))
                .findFirst()
                .orElseThrow();
        assertThat(migrated.get("level").asText()).isEqualTo("INFO");
        assertThat(migrated.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(migrated.get("requestId").asText()).isEqualTo("req-migrate");
        assertThat(migrated.get("tier").asText()).isEqualTo("tenant");
        assertThat(migrated.get("id").asText()).isEqualTo("acme-uk");
        assertThat(migrated.get("status").asText()).isEqualTo("migrated");
        assertThat(migrated.get("durationMs").asLong()).isPositive();

        JsonNode missing = lines.stream()
                .filter(l -> "req-missing".equals(l.path("requestId").asText()))
                .findFirst()
                .orElseThrow();
        assertThat(missing.get("level").asText()).isEqualTo("WARN");
        assertThat(missing.get("errorCode").asText()).isEqualTo("TENANT_NOT_FOUND");
        assertThat(missing.get("message").asText()).isEqualTo("Tenant not found: nobody");
        assertThat(missing.has("stackTrace"))
                .as("an expected error is one line, no stack")
                .isFalse();

        JsonNode malformed = lines.stream()
                .filter(l -> "req-malformed".equals(l.path("requestId").asText()))
                .findFirst()
                .orElseThrow();
        assertThat(malformed.get("errorCode").asText()).isEqualTo("INVALID_REQUEST");
        assertThat(output)
                .contains("RESULT com.helix.migrations.exceptions.TenantNotFoundException: Tenant not found: nobody");
        assertThat(String.join("\n", output)).doesNotContain(EmbeddedServer.APP_PASSWORD);
    }

    @Test
    void withoutTheJsonFormat_linesAreText() throws Exception {
        List<String> output = invoke(Map.of(), "req-text", "{\"tier\":\"tenant\",\"id\":\"nobody\"}");

        assertThat(output).anySatisfy(line -> assertThat(line).startsWith("req-text WARN  Tenant not found: nobody"));
    }

    /** The packaged function, cold, in its own JVM with the Lambda log configuration. */
    private static List<String> invoke(Map<String, String> logEnv, String... requestsAndEvents) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlog4j2.configurationFile=log4j2.xml",
                "-cp",
                PackagedJarIT.JAR + ":" + Path.of("target", "test-classes"),
                ColdInvocation.class.getName(),
                "com.helix.migrations.handler.MigrateDatabaseFunction"));
        command.addAll(List.of(requestsAndEvents));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(fleet.environment());
        builder.environment().remove("AWS_REGION");
        builder.environment()
                .put(
                        "SECRETS_FILE",
                        fleet.builder
                                .writeSecretsFile(dir.resolve("secrets.json"))
                                .toString());
        builder.environment().putAll(logEnv);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return output.lines().filter(line -> !line.isBlank()).toList();
    }
}
