package com.helix.migrations.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.core.Action;
import com.helix.migrations.core.BaselineOptions;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.core.MigrationRequest;
import com.helix.migrations.core.MigrationStatus;
import com.helix.migrations.core.Platform;
import com.helix.migrations.exceptions.BaselineRefusedException;
import com.helix.migrations.handler.MigrateDatabaseFunction;
import com.helix.migrations.json.Json;
import com.helix.migrations.support.CliRun;
import com.helix.migrations.support.NodeTools;
import com.helix.migrations.support.TestFleet;
import com.helix.migrations.target.Tier;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Needs: the embedded PostgreSQL and the Secrets Manager fake. Databases whose schema another tool
 * built from the tenant tier's files (statement by statement, as psql runs them), with no Flyway
 * history: a baseline is written only after the database's schema matches, object for object, the
 * schema the migrations produce at the version (built in a scratch database on the same server, then
 * dropped). A drifted database is refused with the difference named and nothing written.
 */
class BaselineIntegrationTest {
    private static final Path TENANT = NodeTools.REPO.resolve("migrations").resolve("tenant");

    /** Where a statement of the tier's files ends: a semicolon at the end of a line. */
    private static final java.util.regex.Pattern STATEMENT_END = java.util.regex.Pattern.compile(";\\s*\\n");

    private static TestFleet fleet;
    private static Map<String, String> cliEnv;

    @BeforeAll
    static void fleet(@TempDir Path secrets) {
        fleet = TestFleet.empty("base_");
        for (String id : List.of(
                "adopt-uk",
                "index-uk",
                "type-uk",
                "behind-uk",
                "managed-uk",
                "empty-uk",
                "mix-adopt-uk",
                "mix-drift-uk",
                "mix-managed-uk",
                "mix-empty-uk")) {
            fleet.builder.tenant(id, "Tenant " + id, "uk", "active", true);
        }
        fleet.serveSecrets();
        cliEnv = new HashMap<>(fleet.environment());
        cliEnv.remove("AWS_REGION");
        cliEnv.put(
                "SECRETS_FILE",
                fleet.builder.writeSecretsFile(secrets.resolve("secrets.json")).toString());

        builtWithoutFlyway("adopt-uk", 3);
        fleet.builder.execute(db("adopt-uk"), """
                insert into users (email, display_name) values ('ada@adopt.example', 'Ada');
                create table legacy_notes (id int primary key, note text);
                insert into legacy_notes values (1, 'kept'), (2, 'kept too');
                """);
        builtWithoutFlyway("index-uk", 5);
        fleet.builder.execute(db("index-uk"), "drop index audit_events_actor_idx");
        builtWithoutFlyway("type-uk", 5);
        fleet.builder.execute(db("type-uk"), "alter table users alter column display_name type varchar(200)");
        builtWithoutFlyway("behind-uk", 4);
        TestFleet.run(fleet.platform(), new MigrationRequest(Tier.TENANT, "managed-uk", Action.MIGRATE, null));

        builtWithoutFlyway("mix-adopt-uk", 5);
        builtWithoutFlyway("mix-drift-uk", 5);
        fleet.builder.execute(db("mix-drift-uk"), "alter table users drop constraint users_email_format");
        TestFleet.run(fleet.platform(), new MigrationRequest(Tier.TENANT, "mix-managed-uk", Action.MIGRATE, null));
    }

    @AfterAll
    static void drop() {
        fleet.close();
    }

    @Test
    void anAdoptableDatabase_isBaselinedAtTheVersion_withTheExtraTableAWarning_andMigrateAppliesOnlyWhatFollows() {
        Platform platform = fleet.platform();
        MigrationOutcome check =
                TestFleet.run(platform, new MigrationRequest(Tier.TENANT, "adopt-uk", Action.BASELINE_CHECK, "3"));
        assertThat(check.status())
                .as("status still says why migrate would refuse it")
                .isEqualTo(MigrationStatus.BLOCKED);
        assertThat(check.blockedReason()).startsWith("no history (needs baseline)");
        assertThat(check.baseline().verdict()).isEqualTo(BaselineVerdict.Verdict.ADOPTABLE);
        assertThat(check.baseline().extras()).containsExactly("table legacy_notes");
        assertThat(fleet.exists(db("adopt-uk"), "flyway_schema_history"))
                .as("a check writes nothing")
                .isFalse();

        MigrationOutcome baselined =
                TestFleet.run(platform, new MigrationRequest(Tier.TENANT, "adopt-uk", Action.BASELINE, "3"));

        assertThat(baselined.status()).isEqualTo(MigrationStatus.BASELINED);
        assertThat(baselined.toVersion()).isEqualTo("3");
        assertThat(baselined.pending()).containsExactly("4", "5");
        assertThat(baselined.warnings()).containsExactly("table legacy_notes is not in the migrations");
        assertThat(baselined.line())
                .startsWith("✓ Baselined tenant: Tenant adopt-uk (adopt-uk) at 3, 2 pending (4, 5)");
        // Flyway's own baseline row, exactly as flyway baseline writes it.
        assertThat(fleet.strings(
                        db("adopt-uk"),
                        "select version || ' ' || type || ' ' || description || ' ' || success"
                                + " from flyway_schema_history order by installed_rank"))
                .containsExactly("3 BASELINE << Flyway Baseline >> true");

        MigrationOutcome migrated =
                TestFleet.run(platform, new MigrationRequest(Tier.TENANT, "adopt-uk", Action.MIGRATE, null));
        assertThat(migrated.applied()).isEqualTo(2);
        assertThat(fleet.appliedVersions(db("adopt-uk"))).containsExactly("3", "4", "5");
        assertThat(fleet.strings(db("adopt-uk"), "select note from legacy_notes order by id"))
                .containsExactly("kept", "kept too");
        assertThat(fleet.strings(db("adopt-uk"), "select email || ' ' || status from users"))
                .containsExactly("ada@adopt.example active");
        assertThat(scratchDatabases())
                .as("the scratch reference database is dropped")
                .isEmpty();
    }

    @Test
    void aMissingIndex_orAColumnOfAnotherType_isRefused_namingExactlyThatObject_andNothingIsWritten() {
        Platform platform = fleet.platform();
        assertThatThrownBy(() ->
                        TestFleet.run(platform, new MigrationRequest(Tier.TENANT, "index-uk", Action.BASELINE, "5")))
                .isExactlyInstanceOf(BaselineRefusedException.class)
                .hasMessage("Baseline refused: " + db("index-uk") + ": at 5: missing index audit_events_actor_idx on"
                        + " audit_events (actor_id, occurred_at DESC)");
        assertThatThrownBy(() ->
                        TestFleet.run(platform, new MigrationRequest(Tier.TENANT, "type-uk", Action.BASELINE, "5")))
                .isExactlyInstanceOf(BaselineRefusedException.class)
                .hasMessage("Baseline refused: " + db("type-uk")
                        + ": at 5: column users.display_name: character varying(200), expected text");
        assertThat(fleet.exists(db("index-uk"), "flyway_schema_history")).isFalse();
        assertThat(fleet.exists(db("type-uk"), "flyway_schema_history")).isFalse();
    }

    @Test
    void aBaselineAtTheWrongVersion_isRefused_listingWhatTheDatabaseLacks() {
        assertThatThrownBy(() -> TestFleet.run(
                        fleet.platform(), new MigrationRequest(Tier.TENANT, "behind-uk", Action.BASELINE, "5")))
                .isExactlyInstanceOf(BaselineRefusedException.class)
                .hasMessage("Baseline refused: " + db("behind-uk") + ": at 5: missing index audit_events_actor_idx on"
                        + " audit_events (actor_id, occurred_at DESC)");
        // At the version it is at, it is adoptable.
        MigrationOutcome atFour = TestFleet.run(
                fleet.platform(), new MigrationRequest(Tier.TENANT, "behind-uk", Action.BASELINE_CHECK, "4"));
        assertThat(atFour.baseline().verdict()).isEqualTo(BaselineVerdict.Verdict.ADOPTABLE);
        assertThat(fleet.exists(db("behind-uk"), "flyway_schema_history")).isFalse();
    }

    @Test
    void aManagedDatabase_isRefused_anEmptyOneHasNothingToAdopt_andForceSaysSoInTheResult() throws Exception {
        Platform platform = fleet.platform();
        assertThatThrownBy(() ->
                        TestFleet.run(platform, new MigrationRequest(Tier.TENANT, "managed-uk", Action.BASELINE, "5")))
                .isExactlyInstanceOf(BaselineRefusedException.class)
                .hasMessageContaining("it already has a history table");

        MigrationOutcome empty =
                TestFleet.run(platform, new MigrationRequest(Tier.TENANT, "empty-uk", Action.BASELINE, "5"));
        assertThat(empty.status()).isEqualTo(MigrationStatus.PENDING);
        assertThat(empty.baseline().verdict()).isEqualTo(BaselineVerdict.Verdict.EMPTY);
        assertThat(fleet.exists(db("empty-uk"), "flyway_schema_history")).isFalse();

        // Through the handler, as provisioning would: force skips the comparison and says so.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new MigrateDatabaseFunction(platform)
                .handleRequest(
                        new ByteArrayInputStream(
                                "{\"tier\":\"tenant\",\"id\":\"type-uk\",\"action\":\"baseline\",\"targetVersion\":\"5\",\"force\":true}"
                                        .getBytes(StandardCharsets.UTF_8)),
                        out,
                        null);
        JsonNode forced = Json.MAPPER.readTree(out.toByteArray());
        assertThat(forced.get("status").asText()).isEqualTo("baselined");
        assertThat(forced.get("baseline").get("verdict").asText()).isEqualTo("forced");
        assertThat(forced.get("warnings").toString()).contains("without comparing the schema (force)");
    }

    @Test
    void aFleetBaseline_givesEachDatabaseItsVerdictInOneRun_andTheDryRunWritesNothing() throws IOException {
        String[] mix = {"--tier", "tenant", "--ids", "mix-adopt-uk,mix-drift-uk,mix-managed-uk,mix-empty-uk"};

        CliRun dryRun = CliRun.of(cliEnv, concat(new String[] {"baseline", "--target", "5", "--dry-run"}, mix));

        assertThat(dryRun.exit()).as(dryRun.toString()).isEqualTo(1);
        assertThat(dryRun.out())
                .contains("✓ Would baseline tenant: Tenant mix-adopt-uk (mix-adopt-uk) at 5")
                .contains("✗ Baseline refused for tenant: Tenant mix-drift-uk (mix-drift-uk): at 5: missing constraint"
                        + " users_email_format on users")
                .contains("✗ Baseline refused for tenant: Tenant mix-managed-uk (mix-managed-uk): already managed, at"
                        + " version 5")
                .contains("• Nothing to baseline in tenant: Tenant mix-empty-uk (mix-empty-uk): empty")
                .contains("Baseline check complete: 1 adoptable, 1 drifted, 1 empty, 1 managed")
                .contains("Refused databases (nothing was written to any database):");
        assertThat(fleet.exists(db("mix-adopt-uk"), "flyway_schema_history")).isFalse();
        assertThat(fleet.exists(db("mix-drift-uk"), "flyway_schema_history")).isFalse();
        assertThat(fleet.exists(db("mix-empty-uk"), "flyway_schema_history")).isFalse();

        CliRun json = CliRun.of(
                cliEnv, concat(new String[] {"baseline", "--target", "5", "--dry-run", "--output", "json"}, mix));
        JsonNode document = Json.MAPPER.readTree(json.out());
        assertThat(document.get("verdicts").toString())
                .isEqualTo("{\"adoptable\":1,\"drifted\":1,\"empty\":1,\"managed\":1}");

        CliRun baseline = CliRun.of(cliEnv, concat(new String[] {"baseline", "--target", "5"}, mix));

        assertThat(baseline.exit()).as(baseline.toString()).isEqualTo(1);
        assertThat(baseline.out())
                .contains("✓ Baselined tenant: Tenant mix-adopt-uk (mix-adopt-uk) at 5")
                .contains("Baseline refused: " + db("mix-drift-uk") + ": at 5: missing constraint users_email_format")
                .contains("Migration complete: 2 succeeded, 2 failed");
        assertThat(fleet.appliedVersions(db("mix-adopt-uk"))).containsExactly("5");
        assertThat(fleet.exists(db("mix-drift-uk"), "flyway_schema_history")).isFalse();
        assertThat(scratchDatabases()).isEmpty();
    }

    @Test
    void aUserThatCannotCreateTheScratchDatabase_getsAClearError_orNamesAReference() {
        fleet.builder.execute(
                "postgres",
                "do $$ begin create role base_nocreate login password 'nocreate-pw'; exception when duplicate_object then null; end $$");
        fleet.builder.execute(db("behind-uk"), "grant select on all tables in schema public to base_nocreate");
        Map<String, Map<String, Object>> secrets = new HashMap<>(fleet.builder.secrets());
        Map<String, Object> limited = new HashMap<>(secrets.get("helix/uk/tenant/behind-uk"));
        limited.put("username", "base_nocreate");
        limited.put("password", "nocreate-pw");
        com.helix.migrations.support.SecretsManagerFake.put(
                "helix/uk/tenant/behind-uk", Json.MAPPER.valueToTree(limited).toString());
        try {
            assertThatThrownBy(() -> TestFleet.run(
                            fleet.platform(),
                            new MigrationRequest(Tier.TENANT, "behind-uk", Action.BASELINE_CHECK, "4")))
                    .isExactlyInstanceOf(BaselineRefusedException.class)
                    .hasMessage("Baseline refused: " + db("behind-uk") + ": cannot create a scratch database to build"
                            + " the reference schema (the user lacks CREATEDB): grant it, or name a reference database"
                            + " (referenceId)");

            // A reference database at the version instead: managed-uk, migrated to 5 by this tool.
            MigrationOutcome withReference = TestFleet.run(
                    fleet.platform(),
                    new MigrationRequest(
                            Tier.TENANT,
                            "behind-uk",
                            Action.BASELINE_CHECK,
                            "5",
                            new BaselineOptions(false, "managed-uk")));
            assertThat(withReference.baseline().verdict()).isEqualTo(BaselineVerdict.Verdict.DRIFTED);
            assertThat(withReference.baseline().differences())
                    .containsExactly(
                            "missing index audit_events_actor_idx on audit_events (actor_id, occurred_at DESC)");
            assertThatThrownBy(() -> TestFleet.run(
                            fleet.platform(),
                            new MigrationRequest(
                                    Tier.TENANT,
                                    "behind-uk",
                                    Action.BASELINE_CHECK,
                                    "4",
                                    new BaselineOptions(false, "managed-uk"))))
                    .isExactlyInstanceOf(BaselineRefusedException.class)
                    .hasMessage(
                            "Baseline refused: the reference database " + db("managed-uk") + " is at version 5, not 4");
        } finally {
            fleet.serveSecrets();
        }
    }

    /** The tier's files up to a version, run statement by statement as psql would, with no Flyway history. */
    private static void builtWithoutFlyway(String tenant, int upTo) {
        String url = "jdbc:postgresql://" + fleet.server.host() + ":" + fleet.server.port() + "/" + db(tenant);
        // As the application's role, which owns what it migrates.
        try (Connection connection = java.sql.DriverManager.getConnection(
                        url,
                        com.helix.migrations.support.EmbeddedServer.APP_USER,
                        com.helix.migrations.support.EmbeddedServer.APP_PASSWORD);
                Statement statement = connection.createStatement()) {
            for (int version = 1; version <= upTo; version++) {
                int v = version;
                Path file;
                try (var files = Files.list(TENANT)) {
                    file = files.filter(f -> f.getFileName().toString().startsWith("V" + v + "__"))
                            .findFirst()
                            .orElseThrow();
                }
                for (String sql :
                        STATEMENT_END.splitAsStream(Files.readString(file)).toList()) {
                    String code =
                            sql.lines().filter(l -> !l.strip().startsWith("--")).reduce("", (a, b) -> a + b + "\n");
                    if (!code.isBlank()) {
                        statement.execute(code);
                    }
                }
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("could not build " + tenant + ": " + e.getMessage(), e);
        }
    }

    private static List<String> scratchDatabases() {
        return fleet.strings("postgres", "select datname from pg_database where datname like 'helix\\_reference\\_%'");
    }

    private static String db(String tenant) {
        return fleet.builder.tenantDatabase(tenant);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
