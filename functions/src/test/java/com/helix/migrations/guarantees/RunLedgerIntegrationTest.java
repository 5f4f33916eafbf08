package com.helix.migrations.guarantees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.core.Action;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.core.MigrationRequest;
import com.helix.migrations.core.Platform;
import com.helix.migrations.exceptions.RunRefusedException;
import com.helix.migrations.fleet.FleetOptions;
import com.helix.migrations.fleet.FleetRun;
import com.helix.migrations.fleet.Stop;
import com.helix.migrations.json.Json;
import com.helix.migrations.ledger.RunLedger;
import com.helix.migrations.ledger.RunRecord;
import com.helix.migrations.ledger.RunStart;
import com.helix.migrations.support.CliRun;
import com.helix.migrations.support.PackagedMigrations;
import com.helix.migrations.support.TestFleet;
import com.helix.migrations.target.Tier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Needs: the embedded PostgreSQL. Every CLI fleet run is recorded in the run ledger: its databases frozen
 * when it starts (registry changes during the run neither skip nor repeat one), each outcome, and how it
 * ended. {@code run} names what failed and what never started; {@code resume} runs exactly those; a
 * {@code stop} drains a run; a run of another build, or of an older one, is refused.
 */
class RunLedgerIntegrationTest {
    private static final List<String> TENANTS = List.of("t1-uk", "t2-eu", "t3-uk", "t4-eu", "t5-uk", "t6-eu");

    /** Six active tenants on two servers (the same embedded one, named two ways). */
    private static TestFleet fleet(String prefix) {
        TestFleet fleet = TestFleet.empty(prefix);
        for (int i = 0; i < TENANTS.size(); i++) {
            String id = TENANTS.get(i);
            fleet.builder.tenant(id, "Tenant " + (i + 1), id.endsWith("uk") ? "uk" : "eu", "active", true);
        }
        fleet.builder.execute(
                fleet.builder.centralDatabase(),
                "update tenant_databases set host = 'localhost' where tenant_id in ('t2-eu', 't4-eu', 't6-eu')");
        fleet.serveSecrets();
        return fleet;
    }

    private static Map<String, String> cliEnv(TestFleet fleet) {
        Map<String, String> env = new HashMap<>(fleet.environment());
        env.put("RUN_STALE_AFTER_SECONDS", "6");
        return env;
    }

    @Test
    void aTenantSuspendedAndAnotherProvisionedMidRun_everyFrozenDatabaseIsMigratedExactlyOnce() {
        TestFleet fleet = fleet("ledgerfreeze_");
        try {
            Platform platform = fleet.platform();
            List<String> seen = new ArrayList<>();
            AtomicBoolean changed = new AtomicBoolean();
            FleetRun.Listener listener = new FleetRun.Listener() {
                @Override
                public synchronized void outcome(MigrationOutcome outcome) {
                    seen.add(outcome.id());
                    if (changed.compareAndSet(false, true)) {
                        // What other services do while the run goes on: suspend a tenant, provision one.
                        fleet.builder.execute(
                                fleet.builder.centralDatabase(),
                                "update tenants set status = 'suspended' where id = '" + outcome.id() + "'");
                        fleet.builder.tenant("t0-uk", "Tenant Zero", "uk", "active", true);
                    }
                }
            };

            FleetRun.Result result = new FleetRun(platform, new Stop(platform.connections()))
                    .run(
                            List.of(FleetRun.Scope.all(Tier.TENANT)),
                            new FleetOptions(1, null, Action.MIGRATE, null),
                            listener,
                            new FleetRun.Origin("test@host", false, null));

            assertThat(seen).containsExactlyInAnyOrderElementsOf(TENANTS);
            assertThat(seen).as("servers interleaved").startsWith("t1-uk", "t2-eu", "t3-uk", "t4-eu");
            assertThat(result.run().status()).isEqualTo("succeeded");
            assertThat(result.run().targets()).isEqualTo(6);
            for (String tenant : TENANTS) {
                assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase(tenant)))
                        .as(tenant)
                        .containsExactly("1", "2", "3", "4", "5");
            }
            assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase("t0-uk")))
                    .as("provisioned after the run froze its list")
                    .isEmpty();
            assertThat(fleet.strings(
                            fleet.builder.centralDatabase(),
                            "select target_id || ' ' || status || ' ' || attempts || ' ' || server"
                                    + " from migration_run_targets where run_id = '"
                                    + result.run().id()
                                    + "' order by seq"))
                    .containsExactly(
                            "t1-uk migrated 1 1",
                            "t2-eu migrated 1 2",
                            "t3-uk migrated 1 1",
                            "t4-eu migrated 1 2",
                            "t5-uk migrated 1 1",
                            "t6-eu migrated 1 2");
        } finally {
            fleet.close();
        }
    }

    @Test
    void resume_runsExactlyTheFailedAndNotStarted_linkedToTheRunItResumes() throws IOException {
        TestFleet fleet = fleet("ledgerresume_");
        try {
            Map<String, String> env = cliEnv(fleet);
            Platform setup = fleet.platform();
            for (String broken : List.of("t2-eu", "t3-uk")) {
                TestFleet.run(setup, new MigrationRequest(Tier.TENANT, broken, Action.MIGRATE, "1"));
                fleet.builder.execute(fleet.builder.tenantDatabase(broken), "create table audit_events (id int)");
            }

            CliRun first = CliRun.of(env, "tenants", "--concurrency", "1", "--max-failures", "2");

            assertThat(first.exit()).as(first.toString()).isEqualTo(1);
            assertThat(first.out())
                    .contains("Migration complete: 1 succeeded, 2 failed, 3 not started")
                    .containsPattern("Run \\S+ failed; run the rest again: helix-migrations resume \\S+");
            String runId = runIdIn(first.out());
            CliRun shown = CliRun.of(env, "run", runId);
            assertThat(shown.out())
                    .as(shown.toString())
                    .contains("Run " + runId + ": failed (migrate)")
                    .contains("Failed:\n  tenant Tenant 2 (t2-eu): [MIGRATION_FAILED] Flyway migration failed:"
                            + " V2__audit_events.sql")
                    .contains(
                            "Not started:\n  tenant Tenant 4 (t4-eu)\n  tenant Tenant 5 (t5-uk)\n  tenant Tenant 6 (t6-eu)\n")
                    .contains("Run them again: helix-migrations resume " + runId);

            for (String broken : List.of("t2-eu", "t3-uk")) {
                fleet.builder.execute(fleet.builder.tenantDatabase(broken), "drop table audit_events");
            }
            CliRun resumed = CliRun.of(env, "resume", runId, "--output", "json");

            assertThat(resumed.exit()).as(resumed.toString()).isZero();
            JsonNode document = Json.MAPPER.readTree(resumed.out());
            List<String> ran = new ArrayList<>();
            document.get("results").forEach(r -> ran.add(r.get("id").asText()));
            assertThat(ran)
                    .as("the 2 failed and the 3 not started")
                    .containsExactlyInAnyOrder("t2-eu", "t3-uk", "t4-eu", "t5-uk", "t6-eu");
            String resumeId = document.get("runId").asText();
            assertThat(document.get("runStatus").asText()).isEqualTo("succeeded");
            JsonNode linked = Json.MAPPER.readTree(
                    CliRun.of(env, "run", runId, "--output", "json").out());
            assertThat(linked.get("resumedBy"))
                    .as(linked.toString())
                    .extracting(JsonNode::asText)
                    .containsExactly(resumeId);
            JsonNode resumeRun = Json.MAPPER.readTree(
                    CliRun.of(env, "run", resumeId, "--output", "json").out());
            assertThat(resumeRun.get("resumes").asText()).isEqualTo(runId);
            assertThat(resumeRun.get("targets").asInt()).isEqualTo(5);
            for (String tenant : TENANTS) {
                assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase(tenant)))
                        .as(tenant)
                        .containsExactly("1", "2", "3", "4", "5");
            }

            CliRun status = CliRun.of(env, "status", "--tier", "tenant");
            assertThat(status.out())
                    .as("status shows each database's last migrate run")
                    .contains("migrated (" + resumeId + ")");
            CliRun runs = CliRun.of(env, "runs");
            assertThat(runs.out())
                    .contains(resumeId)
                    .contains(runId)
                    .containsPattern(runId + " +cli +\\S+@\\S+ .* migrate +failed +6 +1 +0 +2 +3");
            assertThat(CliRun.of(env, "resume", resumeId).err())
                    .contains("Run refused: run " + resumeId + " left nothing to resume: every database ended well");
        } finally {
            fleet.close();
        }
    }

    @Test
    void stop_drainsTheRun_nothingNewStarts_itEndsStopped_andAResumeConverges(@TempDir Path dir) throws IOException {
        TestFleet fleet = fleet("ledgerstop_");
        try {
            Path migrations = PackagedMigrations.copy(dir.resolve("migrations"), "central");
            Path tenant = Files.createDirectories(migrations.resolve("tenant"));
            Files.writeString(tenant.resolve("V1__slow.sql"), "select pg_sleep(1.5); create table accounts (id int);");
            Map<String, String> env = cliEnv(fleet);
            env.put("MIGRATIONS_DIR", migrations.toString());
            Platform platform = Platform.fromConfig(com.helix.migrations.config.MigrationsConfig.fromEnvironment(env));
            AtomicReference<String> runId = new AtomicReference<>();
            FleetRun.Listener stopAfterTheFirst = new FleetRun.Listener() {
                @Override
                public void runStarted(RunRecord run) {
                    runId.set(run.id());
                }

                @Override
                public synchronized void outcome(MigrationOutcome outcome) {
                    if (!platform.ledger().run(runId.get()).stopRequested()) {
                        // As `helix-migrations stop RUN` from another terminal does.
                        assertThat(CliRun.of(env, "stop", runId.get()).out()).contains("Stop requested for run");
                    }
                }
            };

            FleetRun.Result result = new FleetRun(platform, new Stop(platform.connections()))
                    .run(
                            List.of(FleetRun.Scope.all(Tier.TENANT)),
                            new FleetOptions(1, null, Action.MIGRATE, null),
                            stopAfterTheFirst,
                            new FleetRun.Origin("test@host", false, null));

            assertThat(result.run().status()).isEqualTo("stopped");
            int migrated = result.run().migrated();
            assertThat(migrated)
                    .as("the first, and the one running when the stop was seen")
                    .isBetween(1, 2);
            assertThat(result.run().notStarted()).isEqualTo(6 - migrated);
            long untouched = TENANTS.stream()
                    .filter(t -> fleet.appliedVersions(fleet.builder.tenantDatabase(t))
                            .isEmpty())
                    .count();
            assertThat(untouched).as("nothing new started").isEqualTo(6 - migrated);
            assertThat(CliRun.of(env, "stop", runId.get()).err())
                    .contains("Run refused: run " + runId.get() + " is not running (it is stopped)");

            CliRun resumed = CliRun.of(env, "resume", runId.get());
            assertThat(resumed.exit()).as(resumed.toString()).isZero();
            assertThat(resumed.out()).contains("Migration complete: " + (6 - migrated) + " succeeded, 0 failed");
            for (String id : TENANTS) {
                assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase(id)))
                        .as(id)
                        .containsExactly("1");
            }
        } finally {
            fleet.close();
        }
    }

    @Test
    void oneBuildAtATime_andNoOlderBuildUnlessForced() {
        TestFleet fleet = fleet("ledgerbuild_");
        try {
            RunLedger ledger = fleet.platform().ledger();
            RunRecord running = ledger.start(start(Map.of("tenant", "5"), false));
            RunRecord sameBuild = ledger.start(start(Map.of("tenant", "5"), false));
            assertThat(sameBuild.running()).as("two runs of one build at once").isTrue();
            assertThatThrownBy(() -> ledger.start(start(Map.of("tenant", "6"), false)))
                    .isInstanceOf(RunRefusedException.class)
                    .hasMessageContaining("Run refused: run " + running.id() + " of another build (tenant 5) is"
                            + " running; wait for it to end, or stop it (helix-migrations stop " + running.id() + ")");
            assertThat(ledger.start(new RunStart(
                                    RunLedger.CLI,
                                    "test@host",
                                    "status",
                                    false,
                                    Json.MAPPER.createObjectNode(),
                                    Map.of("tenant", "6"),
                                    false,
                                    null,
                                    List.of(),
                                    null,
                                    null))
                            .running())
                    .as("a check changes nothing: any build may run one")
                    .isTrue();
            ledger.finish(running.id(), null);
            ledger.finish(sameBuild.id(), null);

            assertThatThrownBy(() -> ledger.start(start(Map.of("tenant", "4"), false)))
                    .isInstanceOf(RunRefusedException.class)
                    .hasMessageContaining("this build is older than that of run ")
                    .hasMessageContaining("(tenant 4 < 5); force it to run anyway");
            assertThat(ledger.start(start(Map.of("tenant", "4"), true)).running())
                    .isTrue();
        } finally {
            fleet.close();
        }
    }

    @Test
    void purge_deletesRunsThatEndedLongAgo_andKeepsTheRest() {
        TestFleet fleet = fleet("ledgerpurge_");
        try {
            Map<String, String> env = cliEnv(fleet);
            assertThat(CliRun.of(env, "tenants").exit()).isZero();
            assertThat(CliRun.of(env, "tenants").exit()).isZero();
            fleet.builder.execute(
                    fleet.builder.centralDatabase(),
                    "update migration_runs set finished_at = now() - interval '40 days' where id = (select min(id)"
                            + " from migration_runs)");

            CliRun purged = CliRun.of(env, "purge", "--older-than", "30");

            assertThat(purged.out()).isEqualTo("Deleted 1 runs that ended more than 30 days ago\n");
            assertThat(
                            fleet.strings(
                                    fleet.builder.centralDatabase(),
                                    "select count(*) || ' ' || (select count(*) from migration_run_targets) from migration_runs"))
                    .containsExactly("1 6");
            assertThat(CliRun.of(env, "purge", "--older-than", "0").err())
                    .contains("--older-than must be at least 1 day, not 0");
        } finally {
            fleet.close();
        }
    }

    private static RunStart start(Map<String, String> build, boolean force) {
        return new RunStart(
                RunLedger.CLI,
                "test@host",
                "migrate",
                true,
                Json.MAPPER.createObjectNode(),
                build,
                force,
                null,
                List.of(),
                null,
                null);
    }

    private static String runIdIn(String output) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("Run (\\d{8}-\\d{6}-\\w{6}) started")
                .matcher(output);
        assertThat(matcher.find()).as(output).isTrue();
        return matcher.group(1);
    }
}
