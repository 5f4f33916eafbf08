package com.helix.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.json.Json;
import com.helix.migrations.support.PackagedMigrations;
import com.helix.migrations.support.TestFleet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs after {@code package} (failsafe). Needs: the embedded PostgreSQL. The packaged CLI as a process
 * of its own, sent real signals while a migration sleeps on the server: the first signal cancels it
 * (the transaction rolls back, the migration lock is released, nothing stays running on the server),
 * starts nothing new, prints the report (or the JSON document) and exits 130 (SIGINT) or 143
 * (SIGTERM); a second signal exits at once; a process killed outright leaves no statement running
 * for long either, and its run, its heartbeat stale, is abandoned in the ledger and can be resumed. A run
 * afterwards converges.
 */
class CliSignalsIT {
    @TempDir
    static Path dir;

    private static TestFleet fleet;
    private static Path migrations;

    @BeforeAll
    static void fleet() throws IOException {
        fleet = TestFleet.empty("signals_");
        for (String id : List.of("int-1-uk", "int-2-uk", "int-3-uk", "term-1-uk", "term-2-uk", "kill-1-uk")) {
            fleet.builder.tenant(id, "Tenant " + id, "uk", "active", true);
        }
        migrations = PackagedMigrations.copy(dir.resolve("migrations"), "central");
        Path tenant = Files.createDirectories(migrations.resolve("tenant"));
        Files.writeString(tenant.resolve("V1__accounts.sql"), "create table accounts (id int primary key);\n");
        // Sleeps on the server for as long as FLYWAY_PLACEHOLDERS_SLEEP says, inside the migration's transaction.
        Files.writeString(tenant.resolve("V2__slow.sql"), """
                create table half_done (id int);
                select pg_sleep(${sleep});
                """);
    }

    @AfterAll
    static void drop() {
        fleet.close();
    }

    @Test
    void sigint_stopsTheRunningMigration_startsNothingNew_reportsIt_andExits130() throws Exception {
        Process cli = start(Map.of(), "tenants", "--ids", "int-1-uk,int-2-uk,int-3-uk", "--concurrency", "1");
        CompletableFuture<String> out = read(cli.getInputStream());
        CompletableFuture<String> err = read(cli.getErrorStream());
        String sleeping = awaitSleeping();

        long signalled = System.nanoTime();
        signal(cli, "INT");
        assertThat(cli.waitFor(30, TimeUnit.SECONDS)).as("exits").isTrue();
        Duration took = Duration.ofNanos(System.nanoTime() - signalled);

        String report = out.get();
        assertThat(cli.exitValue()).as(report + err.get()).isEqualTo(130);
        assertThat(took).as("stopped promptly, not at statement_timeout").isLessThan(Duration.ofSeconds(10));
        assertThat(err.get()).contains("SIGINT: starting nothing new and stopping the databases in progress");
        assertThat(report)
                .contains(
                        "✗ Failed to migrate tenant: Tenant " + sleeping + " (" + sleeping + "): Interrupted by SIGINT:"
                                + " Flyway migration failed: V2__slow.sql: line 2: ERROR: canceling statement due to user"
                                + " request (SQLSTATE 57014)")
                .contains("Interrupted by SIGINT: 2 databases not started")
                .contains(
                        "Interrupted by SIGINT: 0 finished, 1 stopped (a transactional migration in progress is rolled"
                                + " back), 2 not started. Run again to carry on.");
        // The transaction was rolled back, the lock released, and nothing of the run is left on the server.
        String database = fleet.builder.tenantDatabase(sleeping);
        assertThat(fleet.exists(database, "half_done")).isFalse();
        assertThat(fleet.appliedVersions(database)).containsExactly("1");
        assertThat(serverSessions()).isZero();
        assertThat(advisoryLocks()).isZero();

        // Straight away, a run with no sleep converges: nothing was left busy or half-applied.
        Process again =
                start(Map.of("FLYWAY_PLACEHOLDERS_SLEEP", "0"), "tenants", "--ids", "int-1-uk,int-2-uk,int-3-uk");
        String rerun = read(again.getInputStream()).get(60, TimeUnit.SECONDS);
        assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(again.exitValue()).as(rerun).isZero();
        for (String id : List.of("int-1-uk", "int-2-uk", "int-3-uk")) {
            assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase(id))).containsExactly("1", "2");
        }
    }

    @Test
    void sigterm_withJsonOutput_printsTheDocument_andExits143() throws Exception {
        Process cli =
                start(Map.of(), "tenants", "--ids", "term-1-uk,term-2-uk", "--concurrency", "1", "--output", "json");
        CompletableFuture<String> out = read(cli.getInputStream());
        drain(cli.getErrorStream());
        awaitSleeping();

        signal(cli, "TERM");
        assertThat(cli.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(cli.exitValue()).isEqualTo(143);
        JsonNode document = Json.MAPPER.readTree(out.get());
        assertThat(document.get("interruptedBy").asText()).isEqualTo("SIGTERM");
        assertThat(document.get("failedCount").asInt()).isEqualTo(1);
        assertThat(document.get("skipped").asInt()).isEqualTo(1);
        assertThat(document.get("results").get(0).get("errorCode").asText()).isEqualTo("INTERRUPTED");
        assertThat(document.get("failed").get(0).get("errorType").asText()).isEqualTo("RunInterruptedException");
        assertThat(serverSessions()).isZero();
    }

    @Test
    void aSecondSignal_exitsAtOnce() throws Exception {
        // A central database that accepts connections and never answers: the run cannot get going.
        try (ServerSocket silent = new ServerSocket(0)) {
            List<Socket> held = new CopyOnWriteArrayList<>();
            CountDownLatch connected = new CountDownLatch(1);
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                        connected.countDown();
                    }
                } catch (IOException closed) {
                    // The test is over.
                }
            });
            Path secrets = centralAt(silent.getLocalPort());
            Process cli =
                    start(Map.of("SECRETS_FILE", secrets.toString(), "DB_CONNECT_TIMEOUT_SECONDS", "60"), "tenants");
            drain(cli.getInputStream());
            CompletableFuture<String> err = read(cli.getErrorStream());
            assertThat(connected.await(60, TimeUnit.SECONDS))
                    .as("the CLI is connecting")
                    .isTrue();

            signal(cli, "INT");
            assertThat(cli.waitFor(2, TimeUnit.SECONDS))
                    .as("the first signal waits for the run")
                    .isFalse();
            long second = System.nanoTime();
            signal(cli, "INT");
            assertThat(cli.waitFor(5, TimeUnit.SECONDS))
                    .as("the second does not")
                    .isTrue();

            assertThat(Duration.ofNanos(System.nanoTime() - second)).isLessThan(Duration.ofSeconds(3));
            assertThat(cli.exitValue()).isEqualTo(130);
            assertThat(err.get()).contains("error: SIGINT again: exiting at once");
            acceptor.interrupt();
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void aProcessKilledOutright_leavesNoStatementRunningForLong_itsRunIsAbandoned_andAResumeConverges()
            throws Exception {
        Map<String, String> stale = Map.of("RUN_STALE_AFTER_SECONDS", "6");
        Process cli = start(stale, "tenants", "--ids", "kill-1-uk");
        drain(cli.getInputStream());
        drain(cli.getErrorStream());
        awaitSleeping();

        cli.destroyForcibly();
        assertThat(cli.waitFor(10, TimeUnit.SECONDS)).isTrue();

        // client_connection_check_interval: the server notices the client is gone within a second or so,
        // rather than letting pg_sleep(600) run on.
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (serverSessions() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(serverSessions()).isZero();
        assertThat(fleet.exists(fleet.builder.tenantDatabase("kill-1-uk"), "half_done"))
                .isFalse();

        // No heartbeat for RUN_STALE_AFTER_SECONDS: the ledger calls the run abandoned, the database interrupted.
        Thread.sleep(Duration.ofSeconds(7));
        JsonNode runs = Json.MAPPER.readTree(finish(start(stale, "runs", "--output", "json")));
        JsonNode killed = runs.get(0);
        assertThat(killed.get("status").asText()).as(runs.toString()).isEqualTo("abandoned");
        String runId = killed.get("id").asText();
        JsonNode shown = Json.MAPPER.readTree(finish(start(stale, "run", runId, "--output", "json")));
        assertThat(shown.get("unfinished").get(0).get("id").asText()).isEqualTo("kill-1-uk");
        assertThat(shown.get("unfinished").get(0).get("errorCode").asText()).isEqualTo("INTERRUPTED");

        String resumed = finish(start(Map.of("FLYWAY_PLACEHOLDERS_SLEEP", "0"), "resume", runId));
        assertThat(resumed)
                .contains("resuming run " + runId)
                .contains("✓ Migrated tenant: Tenant kill-1-uk (kill-1-uk)");
        assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase("kill-1-uk")))
                .containsExactly("1", "2");
    }

    /** Waits for a CLI process to exit 0; returns its standard output. */
    private static String finish(Process cli) throws Exception {
        CompletableFuture<String> out = read(cli.getInputStream());
        CompletableFuture<String> err = read(cli.getErrorStream());
        assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(cli.exitValue()).as(out.get() + err.get()).isZero();
        return out.get();
    }

    /**
     * The packaged CLI with the fleet's environment and this test's migrations, the migration sleeping
     * 600 s unless {@code extraEnv} says otherwise. Started through perl, which resets SIGINT and SIGTERM
     * to their defaults: a process started in the background by a non-interactive shell inherits SIGINT
     * ignored, and so would the CLI.
     */
    private static Process start(Map<String, String> extraEnv, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                "perl",
                "-e",
                "$SIG{INT} = $SIG{TERM} = 'DEFAULT'; exec @ARGV or die",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                PackagedJarIT.JAR.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--migrations", migrations.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = new HashMap<>(fleet.environment());
        env.remove("AWS_REGION");
        env.put(
                "SECRETS_FILE",
                fleet.builder.writeSecretsFile(dir.resolve("secrets.json")).toString());
        env.put("FLYWAY_PLACEHOLDERS_SLEEP", "600");
        env.put("DB_STATEMENT_TIMEOUT_SECONDS", "0");
        env.putAll(extraEnv);
        builder.environment().putAll(env);
        return builder.start();
    }

    /** The secrets, with the central database's at another port. */
    private static Path centralAt(int port) throws IOException {
        Map<String, Map<String, Object>> secrets = new HashMap<>(fleet.builder.secrets());
        Map<String, Object> central = new HashMap<>(secrets.get("helix/central"));
        central.put("host", "127.0.0.1");
        central.put("port", port);
        secrets.put("helix/central", central);
        Path file = dir.resolve("silent-central.json");
        Files.writeString(file, Json.MAPPER.writeValueAsString(secrets));
        return file;
    }

    private static void signal(Process process, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    /** Waits until a migration sleeps on the server; returns the tenant whose database it is. */
    private static String awaitSleeping() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            List<String> sleeping = fleet.strings(
                    "postgres",
                    "select datname from pg_stat_activity where application_name = 'helix-migrations'"
                            + " and query like 'select pg_sleep%' and state = 'active'");
            if (!sleeping.isEmpty()) {
                return tenantOf(sleeping.get(0));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no migration started sleeping");
    }

    private static String tenantOf(String database) {
        for (String id : List.of("int-1-uk", "int-2-uk", "int-3-uk", "term-1-uk", "term-2-uk", "kill-1-uk")) {
            if (fleet.builder.tenantDatabase(id).equals(database)) {
                return id;
            }
        }
        throw new AssertionError("not a tenant database: " + database);
    }

    /** Sessions of this tool still on the server. */
    private static long serverSessions() throws SQLException {
        return count("select count(*) from pg_stat_activity where application_name = 'helix-migrations'");
    }

    /** Advisory locks held on the server (this tool's migration lock is one). */
    private static long advisoryLocks() throws SQLException {
        return count("select count(*) from pg_locks where locktype = 'advisory'");
    }

    private static long count(String sql) throws SQLException {
        try (Connection connection = fleet.server.admin("postgres");
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Reads a stream to its end on a thread of its own, so that the process never blocks writing it. */
    private static void drain(java.io.InputStream stream) {
        Thread.ofVirtual().start(() -> {
            try {
                stream.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException e) {
                // The process is gone.
            }
        });
    }

    /** All a stream says, read on a thread of its own. */
    private static CompletableFuture<String> read(java.io.InputStream stream) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                text.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.completeExceptionally(new UncheckedIOException(e));
            }
        });
        return text;
    }
}
