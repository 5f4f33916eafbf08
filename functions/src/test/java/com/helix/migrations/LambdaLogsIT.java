package com.helix.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.json.Json;
import com.helix.migrations.support.ColdInvocation;
import com.helix.migrations.support.EmbeddedServer;
import com.helix.migrations.support.PackagedMigrations;
import com.helix.migrations.support.TestFleet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

    /**
     * A unique index over duplicated rows, and a cast of a value that is not a number: PostgreSQL's
     * DETAIL and the data exception's message quote the row ("Jane Doe"). The function's log, its
     * error and the causes it logs keep the script, the line, the message and the SQLSTATE, and no value.
     */
    @Test
    void rowValues_neverLeaveTheFunction_butTheScriptLineMessageAndSqlStateDo() throws Exception {
        Path migrations = PackagedMigrations.copy(dir.resolve("row-values"), "central");
        Path tenant = Files.createDirectories(migrations.resolve("tenant"));
        Files.writeString(tenant.resolve("V1__customers.sql"), """
                create table customers (id int primary key, display_name text not null, age text);
                insert into customers values (1, 'Jane Doe', 'forty'), (2, 'Jane Doe', '41');
                """);
        Files.writeString(tenant.resolve("V2__unique_names.sql"), """
                -- Display names are unique from now on.
                create unique index customers_display_name_key on customers (display_name);
                """);
        Path kira = Files.createDirectories(migrations.resolve("product").resolve("kira"));
        Files.writeString(kira.resolve("V1__customers.sql"), Files.readString(tenant.resolve("V1__customers.sql")));
        Files.writeString(kira.resolve("V2__numeric_age.sql"), """
                alter table customers
                    alter column age type int using age::int;
                """);
        fleet.builder
                .tenant("jane-uk", "Jane's Tenant", "uk", "active", true)
                .product("jane-uk-kira", "jane-uk", "kira", "uk", "active", true);

        List<String> output = invoke(
                Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON", "MIGRATIONS_DIR", migrations.toString()),
                "req-unique",
                "{\"tier\":\"tenant\",\"id\":\"jane-uk\"}",
                "req-cast",
                "{\"tier\":\"product\",\"id\":\"jane-uk-kira\"}");

        String all = String.join("\n", output);
        assertThat(all).doesNotContain("Jane Doe").doesNotContain("forty");
        assertThat(output)
                .contains("RESULT com.helix.migrations.exceptions.MigrationFailedException: Flyway migration failed:"
                        + " V2__unique_names.sql: line 2: ERROR: could not create unique index"
                        + " \"customers_display_name_key\" (SQLSTATE 23505)");
        assertThat(output)
                .contains("RESULT com.helix.migrations.exceptions.MigrationFailedException: Flyway migration failed:"
                        + " V2__numeric_age.sql: line 1: ERROR: invalid input syntax for type integer: \"…\""
                        + " (SQLSTATE 22P02)");
        JsonNode logged = output.stream()
                .filter(line -> line.startsWith("{"))
                .map(LambdaLogsIT::json)
                .filter(line -> "req-unique".equals(line.path("requestId").asText())
                        && "MIGRATION_FAILED".equals(line.path("errorCode").asText()))
                .findFirst()
                .orElseThrow();
        assertThat(logged.get("stackTrace").toString())
                .as("the cause is logged, without the row")
                .contains("23505");
    }

    private static JsonNode json(String line) {
        try {
            return Json.MAPPER.readTree(line);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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
