package com.helix.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * Runs after {@code package} (failsafe): the shaded jar SAM deploys, as a Lambda zip and as the CLI;
 * and the demo's own jar.
 */
class PackagedJarIT {
    static final Path JAR = Path.of("target", "helix-migrations.jar");
    static final Path DEMO_JAR = Path.of("target", "helix-migrations-demo.jar");

    @Test
    void jar_holdsEveryHandlerOfTheTemplate_theMigrations_andFlywaysPostgresPlugin() throws IOException {
        assertThat(Files.size(JAR)).as("jar size").isLessThan(15L * 1024 * 1024);
        Matcher handlers = Pattern.compile("(?m)^ +Handler: ([\\w.]+)::handleRequest$")
                .matcher(Files.readString(Path.of("..", "template.yaml")));
        try (ZipFile zip = new ZipFile(JAR.toFile())) {
            int count = 0;
            while (handlers.find()) {
                assertThat(zip.getEntry(handlers.group(1).replace('.', '/') + ".class"))
                        .as(handlers.group(1))
                        .isNotNull();
                count++;
            }
            assertThat(count).isEqualTo(7);
            for (String migration : List.of(
                    "migrations/central/V1__central_registry.sql",
                    "migrations/tenant/V5__audit_events_actor_index.sql",
                    "migrations/product/kira/V1__matters_and_documents.sql",
                    "migrations/product/ledger/V1__accounts_and_entries.sql",
                    "tls/rds-ca-bundle.pem")) {
                assertThat(zip.getEntry(migration)).as(migration).isNotNull();
            }
            String plugins = new String(
                    zip.getInputStream(zip.getEntry("META-INF/services/org.flywaydb.core.extensibility.Plugin"))
                            .readAllBytes(),
                    StandardCharsets.UTF_8);
            assertThat(plugins).contains("org.flywaydb.database.postgresql.PostgreSQLDatabaseType");
            assertThat(zip.stream().map(ZipEntry::getName))
                    .as("the demo and its PostgreSQL stay out")
                    .noneMatch(name -> name.startsWith("com/helix/migrations/demo/")
                            || name.startsWith("io/zonky/")
                            || name.startsWith("postgres-"));
        }
    }

    @Test
    void demoJar_runs() throws Exception {
        try (ZipFile zip = new ZipFile(DEMO_JAR.toFile())) {
            assertThat(zip.getEntry("io/zonky/test/db/postgres/embedded/EmbeddedPostgres.class"))
                    .isNotNull();
        }
        assertThat(run(DEMO_JAR, "--help"))
                .contains("Usage: helix-migrations-demo")
                .contains("--with-failure");
        assertThat(run(JAR, "demo")).as("no demo in the Lambda jar").contains("Unmatched argument at index 0: 'demo'");
    }

    @Test
    void jar_runsAsTheCli() throws Exception {
        assertThat(run(JAR, "--help"))
                .contains("Usage: helix-migrations")
                .contains("tenants")
                .contains("Exit codes:");
    }

    /** {@code java -jar JAR ARGS}: its output, both streams. */
    private static String run(Path jar, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return output;
    }
}
