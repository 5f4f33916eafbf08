package com.helix.migrations.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.json.Json;
import com.helix.migrations.support.CliRun;
import com.helix.migrations.support.TestFleet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Needs: the embedded PostgreSQL (secrets from a file, as in local work).
 * Each command end to end, in the order a deploy runs them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliIntegrationTest {
    @TempDir
    static Path dir;

    private static TestFleet fleet;
    private static Map<String, String> env;

    @BeforeAll
    static void fleet() {
        fleet = TestFleet.empty("cli_");
        fleet.core()
                .tenant("umbrella-eu", "Umbrella", "eu", "active", true)
                .tenant("initech-uk", "Initech", "uk", "suspended", true)
                .tenant("hooli-uk", "Hooli", "uk", "active", false);
        env = fleet.environment();
        env.remove("AWS_REGION");
        env.put(
                "SECRETS_FILE",
                fleet.builder.writeSecretsFile(dir.resolve("secrets.json")).toString());
    }

    @AfterAll
    static void drop() {
        fleet.close();
    }

    @Test
    @Order(1)
    void tenantsDryRun_listsPendingAndChangesNothing() {
        CliRun run = CliRun.of(env, "tenants", "--dry-run");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("[TenantMigrator] Starting dry run for all tenant databases...")
                .contains("[TenantMigrator] Found 3 active tenants to check")
                .contains("• Pending tenant: Acme Corp (acme-uk) at empty, 5 pending (1, 2, 3, 4, 5)")
                .doesNotContain("Initech")
                .doesNotContain("Hooli");
        assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase("acme-uk")))
                .isEmpty();
    }

    @Test
    @Order(2)
    void statusCheck_exitsOneWhilePending() {
        CliRun run = CliRun.of(env, "status", "--check");

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.out())
                .contains("DATABASE")
                .contains("cli_tenant_acme_uk_shared")
                .contains("Databases per version:")
                .contains(
                        "6 databases: 0 up to date, 0 with warnings, 6 with pending migrations, 0 blocked, 0 could not be checked");
    }

    @Test
    @Order(3)
    void tenants_migratesEveryActiveProvisionedTenant() {
        CliRun run = CliRun.of(env, "tenants", "--concurrency", "2");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("[TenantMigrator] Starting migration for all tenant databases...")
                .contains("[TenantMigrator] Found 3 active tenants to migrate")
                .contains("[TenantMigrator] ✓ Migrated tenant: Acme Corp (acme-uk) empty → 5")
                .contains("[TenantMigrator] Migration complete: 3 succeeded, 0 failed")
                .doesNotContain("\r");
        assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase("umbrella-eu")))
                .containsExactly("1", "2", "3", "4", "5");
        assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase("initech-uk")))
                .as("suspended")
                .isEmpty();
    }

    @Test
    @Order(4)
    void productsOfOneType_migrateOnlyThatType() {
        CliRun run = CliRun.of(env, "products", "--product", "kira");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Found 2 active products to migrate");
        assertThat(fleet.appliedVersions(fleet.builder.productDatabase("globex-eu", "kira")))
                .containsExactly("1", "2", "3", "4");
        assertThat(fleet.appliedVersions(fleet.builder.productDatabase("acme-uk", "ledger")))
                .isEmpty();

        CliRun all = CliRun.of(env, "products");
        assertThat(all.exit()).as(all.toString()).isZero();
        assertThat(all.out())
                .contains("✓ Migrated product: Acme Corp ledger (acme-uk-ledger) empty → 3")
                .contains("✓ Migrated product: Globex GmbH kira (globex-eu-kira) already at 4");
    }

    @Test
    @Order(5)
    void statusCheck_exitsZeroWhenEverythingIsCurrent_andJsonParses() throws IOException {
        CliRun run = CliRun.of(env, "status", "--check");
        assertThat(run.exit()).as(run.toString()).isZero();

        CliRun json = CliRun.of(env, "status", "--tier", "product", "--output", "json");
        JsonNode document = Json.MAPPER.readTree(json.out());
        assertThat(document.get("results")).hasSize(3);
        assertThat(document.get("pending").asInt()).isZero();
    }

    @Test
    @Order(6)
    void jsonOutput_isOneDocumentWithSuccessFailedAndResults() throws IOException {
        CliRun run = CliRun.of(
                env,
                "tenants",
                "--output",
                "json",
                "--ids",
                "acme-uk,globex-eu,umbrella-eu",
                "--exclude-ids",
                "globex-eu");

        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode document = Json.MAPPER.readTree(run.out());
        assertThat(document.get("success"))
                .extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("acme-uk", "umbrella-eu");
        assertThat(document.get("failed")).isEmpty();
        assertThat(document.get("results")).hasSize(2);
        assertThat(document.get("results").get(0).get("status").asText()).isEqualTo("up_to_date");
        assertThat(document.get("message").asText()).isEqualTo("Migration complete: 2 succeeded, 0 failed");
    }

    @Test
    @Order(7)
    void jurisdictionFilter_selectsOnlyThatJurisdiction() throws IOException {
        CliRun run = CliRun.of(env, "tenants", "--dry-run", "--jurisdiction", "eu", "--output", "json");

        JsonNode document = Json.MAPPER.readTree(run.out());
        assertThat(document.get("results"))
                .extracting(r -> r.get("jurisdiction").asText())
                .containsOnly("eu")
                .hasSize(2);
    }

    @Test
    @Order(8)
    void one_migratesASingleDatabase_andRefusesUnknownIds() {
        CliRun ok = CliRun.of(env, "one", "--tenant", "acme-uk", "--action", "status");
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("[TenantMigrator] ✓ Up to date tenant: Acme Corp (acme-uk) already at 5");

        CliRun missing = CliRun.of(env, "one", "--tenant", "nobody");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err().strip()).isEqualTo("error: Tenant not found: nobody");

        CliRun suspended = CliRun.of(env, "one", "--tenant", "initech-uk");
        assertThat(suspended.exit()).isEqualTo(1);
        assertThat(suspended.out())
                .contains(
                        "✗ Failed to migrate tenant: Initech (initech-uk): Tenant not active: initech-uk (suspended)");
    }

    @Test
    @Order(9)
    void maxFailures_stopsStartingNewDatabases(@TempDir Path migrations) throws IOException {
        Files.createDirectories(migrations.resolve("tenant"));
        Files.writeString(migrations.resolve("tenant/V1__broken.sql"), "select 1/0;");

        // A one-migration set is an older build than the packaged one earlier tests ran.
        CliRun run = CliRun.of(
                env,
                "tenants",
                "--migrations",
                migrations.toString(),
                "--concurrency",
                "1",
                "--max-failures",
                "2",
                "--allow-older-build");

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.out())
                .contains("Failure limit reached: 1 databases not started")
                .contains("Migration complete: 0 succeeded, 2 failed, 1 not started")
                .contains("Failed databases:");
    }

    @Test
    @Order(10)
    void twoRunsAtOnce_bothSucceed_andApplyEachMigrationOnce() throws Exception {
        TestFleet fresh = TestFleet.empty("cli2_");
        try {
            for (int i = 0; i < 6; i++) {
                fresh.builder.tenant("t" + i, "Tenant " + i, i % 2 == 0 ? "uk" : "eu", "active", true);
            }
            Map<String, String> freshEnv = new java.util.HashMap<>(fresh.environment());
            freshEnv.remove("AWS_REGION");
            freshEnv.put(
                    "SECRETS_FILE",
                    fresh.builder.writeSecretsFile(dir.resolve("fresh.json")).toString());

            CompletableFuture<CliRun> first =
                    CompletableFuture.supplyAsync(() -> CliRun.of(freshEnv, "tenants", "--concurrency", "3"));
            CompletableFuture<CliRun> second =
                    CompletableFuture.supplyAsync(() -> CliRun.of(freshEnv, "tenants", "--concurrency", "3"));

            assertThat(first.get().exit()).as(first.get().toString()).isZero();
            assertThat(second.get().exit()).as(second.get().toString()).isZero();
            for (int i = 0; i < 6; i++) {
                assertThat(fresh.history(fresh.builder.tenantDatabase("t" + i)))
                        .containsExactly("1:true", "2:true", "3:true", "4:true", "5:true");
            }
        } finally {
            fresh.close();
        }
    }

    /** A database newer than this build's migrations needs a look: counted as warned, and --check says so. */
    @Test
    @Order(12)
    void statusCheck_countsADatabaseNewerThanTheKnownMigrations_asAWarning() throws IOException {
        fleet.builder.tenant("newer-eu", "Newer", "eu", "active", true);
        fleet.serveSecrets();
        Map<String, String> withNewer = new java.util.HashMap<>(env);
        withNewer.put(
                "SECRETS_FILE",
                fleet.builder.writeSecretsFile(dir.resolve("newer.json")).toString());
        assertThat(CliRun.of(withNewer, "one", "--tenant", "newer-eu").exit()).isZero();
        String database = fleet.builder.tenantDatabase("newer-eu");
        fleet.builder.execute(database, """
                insert into flyway_schema_history
                    (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)
                select installed_rank + 1, '6', 'from a newer build', type, 'V6__from_a_newer_build.sql', 1,
                    installed_by, 1, true
                from flyway_schema_history order by installed_rank desc limit 1
                """);

        CliRun check = CliRun.of(withNewer, "status", "--ids", "newer-eu", "--check");
        assertThat(check.exit()).as(check.toString()).isEqualTo(1);
        assertThat(check.out())
                .contains("0, warning: database is at version 6, newer than the newest known migration (5)")
                .contains("1 databases: 0 up to date, 1 with warnings, 0 with pending migrations, 0 blocked");
        JsonNode json = Json.MAPPER.readTree(CliRun.of(withNewer, "status", "--ids", "newer-eu", "--output", "json")
                .out());
        assertThat(json.get("warned").asInt()).isEqualTo(1);
        fleet.builder.execute(database, "delete from flyway_schema_history where version = '6'");
    }

    @Test
    @Order(11)
    void noCommand_printsThePassword() {
        StringBuilder all = new StringBuilder();
        for (String[] args : List.of(
                new String[] {"central"},
                new String[] {"tenants"},
                new String[] {"products", "--output", "json"},
                new String[] {"status"},
                new String[] {"one", "--tenant", "initech-uk"},
                new String[] {"tenants", "--dry-run", "--output", "json"})) {
            CliRun run = CliRun.of(env, args);
            all.append(run.out()).append(run.err());
        }
        assertThat(all.toString())
                .contains("acme-uk")
                .doesNotContain(com.helix.migrations.support.EmbeddedServer.APP_PASSWORD);
    }

    @Test
    void badUsage_exitsTwoWithOneLine() throws IOException {
        Path malformed = Files.writeString(dir.resolve("malformed.json"), "{\"helix/central\": ");
        Path unreachable = dir.resolve("unreachable.json");
        Files.writeString(
                unreachable,
                "{\"helix/central\": {\"host\": \"127.0.0.1\", \"port\": 1, \"dbname\": \"x\", \"username\": \"u\", \"password\": \"p\"}}");
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {"launch"});
        cases.add(new String[] {"tenants", "--frobnicate"});
        cases.add(new String[] {"tenants", "--concurrency", "0"});
        cases.add(new String[] {"tenants", "--concurrency", "-1"});
        cases.add(new String[] {"tenants", "--concurrency", "1000000"});
        cases.add(new String[] {"tenants", "--concurrency", "abc"});
        cases.add(new String[] {"tenants", "--migrations", "/no/such/dir"});
        cases.add(new String[] {"tenants", "--secrets", "file:" + malformed});
        cases.add(new String[] {"tenants", "--secrets", "vault"});
        cases.add(new String[] {"products", "--product", "nova"});
        cases.add(new String[] {"tenants", "--target", "latest-ish"});
        cases.add(new String[] {"tenants", "--ids", "a';drop"});
        cases.add(new String[] {});
        for (String[] args : cases) {
            CliRun run = CliRun.of(env, args);
            assertThat(run.exit()).as(String.join(" ", args) + "\n" + run).isEqualTo(2);
            String firstLine = run.err().lines().findFirst().orElse("");
            assertThat(firstLine).as(String.join(" ", args)).startsWith("error: ");
            assertThat(run.err())
                    .as(String.join(" ", args))
                    .doesNotContain("\tat ")
                    .doesNotContain("Exception");
        }
        assertThat(CliRun.of(env, "tenants", "--concurrency", "0").err())
                .startsWith("error: Invalid request: concurrency must be from 1 to 200, not 0");
        CliRun unreachableCentral = CliRun.of(env, "tenants", "--secrets", "file:" + unreachable);
        assertThat(unreachableCentral.exit())
                .as("worth trying again, not bad usage")
                .isEqualTo(1);
        assertThat(unreachableCentral.err()).startsWith("error: Database unavailable: central database");
        assertThat(CliRun.of(env, "products", "--product", "nova").err())
                .startsWith("error: Unknown product type: nova");
    }

    /** An --ids id that names nothing the run would touch is a mistake, said before anything starts. */
    @Test
    void idsNamingNoActiveProvisionedDatabase_exitTwo_namingThem() {
        List<String> before = fleet.history(fleet.builder.tenantDatabase("acme-uk"));
        CliRun unknown = CliRun.of(env, "tenants", "--ids", "acme-uk,ghost-uk,initech-uk,hooli-uk");
        assertThat(unknown.exit()).as(unknown.toString()).isEqualTo(2);
        assertThat(unknown.err())
                .isEqualTo("error: Invalid request: ids name no active, provisioned tenant database (unknown, inactive,"
                        + " not provisioned, or outside the other filters): 'ghost-uk', 'initech-uk', 'hooli-uk'\n");
        assertThat(unknown.out()).isEmpty();
        assertThat(fleet.history(fleet.builder.tenantDatabase("acme-uk"))).isEqualTo(before);

        CliRun status = CliRun.of(env, "status", "--ids", "acme-uk-kira,ghost-uk");
        assertThat(status.exit()).isEqualTo(2);
        assertThat(status.err())
                .contains("no active, provisioned tenant or product database")
                .contains("'ghost-uk'");
        CliRun outsideFilters = CliRun.of(env, "tenants", "--ids", "acme-uk", "--jurisdiction", "eu");
        assertThat(outsideFilters.exit()).isEqualTo(2);

        for (String empty : List.of(",,", "", "acme-uk,,globex-eu")) {
            CliRun run = CliRun.of(env, "tenants", "--ids", empty);
            assertThat(run.exit()).as(empty).isEqualTo(2);
            assertThat(run.err())
                    .as(empty)
                    .startsWith("error: Invalid request: --ids must be ids separated by commas, none of them empty");
        }
    }

    /** The secrets file is read once, so it may be a pipe (--secrets file:<(vault read …)). */
    @Test
    void secretsFromAPipe_areReadOnce() throws Exception {
        Path fifo = dir.resolve("secrets.fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mkfifo.waitFor()).isZero();
        String secrets = Files.readString(Path.of(env.get("SECRETS_FILE")));
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                Files.writeString(fifo, secrets);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        CliRun run = CliRun.of(env, "one", "--tenant", "acme-uk", "--action", "status", "--secrets", "file:" + fifo);

        writer.join(10_000);
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Acme Corp (acme-uk)");
    }

    @Test
    void help_isAvailableEverywhere() {
        for (String command : List.of("central", "tenants", "products", "one", "status", "repair", "config", "start")) {
            CliRun run = CliRun.of(env, command, "--help");
            assertThat(run.exit()).as(command).isZero();
            assertThat(run.out()).as(command).contains("Usage: helix-migrations " + command);
        }
        assertThat(CliRun.of(env, "--help").out()).contains("Exit codes:");
    }
}
