package com.helix.migrations.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.helix.migrations.config.MigrationsConfig;
import com.helix.migrations.core.Platform;
import com.helix.migrations.exceptions.InvalidConfigurationException;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.handler.CheckMigrationsFunction;
import com.helix.migrations.handler.MigrateDatabaseFunction;
import com.helix.migrations.support.CliRun;
import com.helix.migrations.support.FlywayProject;
import com.helix.migrations.support.TestFleet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Needs: the embedded PostgreSQL. A mistake in a migration set is found before any database is touched
 * and reported once, naming the file: the handler throws {@code InvalidConfigurationException}, the
 * CLI prints one {@code error:} line and exits 2, and no database changes.
 */
class MigrationSetMistakesIntegrationTest {
    private static TestFleet fleet;
    private static Map<String, String> cliEnv;

    @BeforeAll
    static void fleet(@TempDir Path secrets) {
        fleet = TestFleet.empty("mist_");
        fleet.builder.tenant("mistake-uk", "Mistake Ltd", "uk", "active", true);
        fleet.serveSecrets();
        cliEnv = new HashMap<>(fleet.environment());
        cliEnv.remove("AWS_REGION");
        cliEnv.put(
                "SECRETS_FILE",
                fleet.builder.writeSecretsFile(secrets.resolve("secrets.json")).toString());
    }

    @AfterAll
    static void drop() {
        fleet.close();
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                mistake(
                        "V6_single_underscore.sql",
                        dir -> FlywayProject.write(dir, "V6_single_underscore.sql", "select 1;"),
                        "tenant/V6_single_underscore.sql: Invalid versioned migration name format: V6_single_underscore.sql"
                                + " (could not recognise version number 6_single_underscore)"),
                mistake(
                        "v7__lower_case_prefix.sql",
                        dir -> FlywayProject.write(dir, "v7__lower_case_prefix.sql", "select 1;"),
                        "tenant/v7__lower_case_prefix.sql: Unrecognised migration name format: v7__lower_case_prefix.sql"),
                mistake(
                        "V8__upper_case_suffix.SQL",
                        dir -> FlywayProject.write(dir, "V8__upper_case_suffix.SQL", "select 1;"),
                        "tenant/V8__upper_case_suffix.SQL: Flyway reads only files ending in .sql exactly, and would skip this one"),
                mistake(
                        "a duplicate version",
                        dir -> FlywayProject.write(dir, "V3__also_three.sql", "select 1;"),
                        "tenant/V3__also_three.sql and tenant/V3__retention.sql are both version 3: Flyway needs each once"),
                mistake(
                        "a per-script configuration of no script",
                        dir -> FlywayProject.write(dir, "V9__gone.sql.conf", "executeInTransaction=false"),
                        "tenant/V9__gone.sql.conf configures V9__gone.sql, which does not exist"),
                mistake(
                        "a file not valid in its encoding",
                        dir -> write(
                                dir.resolve("tenant/V6__latin1.sql"),
                                "insert into accounts (email, display_name) values ('j@example.com', 'Jos\u00e9');"
                                        .getBytes(StandardCharsets.ISO_8859_1)),
                        "tenant/V6__latin1.sql could not be read in its encoding (MalformedInputException); set encoding in flyway.conf or in V6__latin1.sql.conf"),
                mistake(
                        "a missing tier folder",
                        dir -> deleteTree(dir.resolve("tenant")),
                        "tenant: no migrations folder (Failed to find filesystem location: "));
    }

    private static Arguments mistake(String name, Consumer<Path> make, String message) {
        return Arguments.of(name, make, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void aMistakeInTheSet_isReportedOnceNamingTheFile_andNothingIsTouched(
            String name, Consumer<Path> make, String message, @TempDir Path dir) throws IOException {
        FlywayProject.copyTo(dir);
        make.accept(dir);
        String db = fleet.builder.tenantDatabase("mistake-uk");

        Map<String, String> env = new HashMap<>(fleet.environment());
        env.put("MIGRATIONS_DIR", dir.toString());
        Platform platform = Platform.fromConfig(MigrationsConfig.fromEnvironment(env));
        MigrateDatabaseFunction function = new MigrateDatabaseFunction(platform);
        for (String action : new String[] {"migrate", "status", "validate", "repair"}) {
            assertThatThrownBy(() -> invoke(
                            function, "{\"tier\":\"tenant\",\"id\":\"mistake-uk\",\"action\":\"" + action + "\"}"))
                    .as(action)
                    .isExactlyInstanceOf(InvalidConfigurationException.class)
                    .hasMessageStartingWith("Invalid configuration: " + message);
        }
        assertThatThrownBy(() -> invoke(new CheckMigrationsFunction(platform.sources()), "{}"))
                .isExactlyInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("Invalid configuration: " + message);

        for (String[] args : new String[][] {
            {"tenants"},
            {"tenants", "--dry-run"},
            {"status", "--tier", "tenant"},
            {"repair", "--tier", "tenant"},
            {"config"}
        }) {
            String[] withDir = Stream.concat(Stream.of(args), Stream.of("--migrations", dir.toString()))
                    .toArray(String[]::new);
            CliRun run = CliRun.of(cliEnv, withDir);
            assertThat(run.exit()).as(String.join(" ", args) + "\n" + run).isEqualTo(2);
            assertThat(run.err().lines().toList())
                    .as(String.join(" ", args))
                    .singleElement()
                    .satisfies(line -> assertThat(line).startsWith("error: Invalid configuration: " + message));
            assertThat(run.out()).as(String.join(" ", args)).doesNotContain("Mistake Ltd");
        }
        assertThat(fleet.exists(db, "flyway_schema_history"))
                .as("no database touched")
                .isFalse();
        assertThat(fleet.schemaSnapshot(db)).isEmpty();
    }

    @Test
    void aTargetVersionNoMigrationHas_isRefusedBeforeAnyDatabase(@TempDir Path dir) {
        FlywayProject.copyTo(dir);
        Map<String, String> env = new HashMap<>(fleet.environment());
        env.put("MIGRATIONS_DIR", dir.toString());
        MigrateDatabaseFunction function =
                new MigrateDatabaseFunction(Platform.fromConfig(MigrationsConfig.fromEnvironment(env)));

        assertThatThrownBy(
                        () -> invoke(function, "{\"tier\":\"tenant\",\"id\":\"mistake-uk\",\"targetVersion\":\"7\"}"))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessage("Invalid request: targetVersion 7: no migration in tenant has that version");
        CliRun run = CliRun.of(cliEnv, "tenants", "--migrations", dir.toString(), "--target", "7");
        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("error: Invalid request: targetVersion 7: no migration in tenant has that version");
        assertThat(fleet.exists(fleet.builder.tenantDatabase("mistake-uk"), "flyway_schema_history"))
                .isFalse();
    }

    private static String invoke(com.amazonaws.services.lambda.runtime.RequestStreamHandler function, String event)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        function.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
