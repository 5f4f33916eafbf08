package com.helix.migrations.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.helix.migrations.config.MigrationsConfig;
import com.helix.migrations.core.Action;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.core.MigrationRequest;
import com.helix.migrations.core.MigrationStatus;
import com.helix.migrations.core.Platform;
import com.helix.migrations.exceptions.InvalidConfigurationException;
import com.helix.migrations.exceptions.ValidationFailedException;
import com.helix.migrations.support.FlywayProject;
import com.helix.migrations.support.TestFleet;
import com.helix.migrations.target.Tier;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Needs: the embedded PostgreSQL and the Secrets Manager fake. A migration set shaped like a real
 * project's ({@link FlywayProject}) behaves as it does under Flyway: its own configuration,
 * repeatable migrations, per-script configuration; and {@code status} says what {@code migrate} will do.
 */
class FlywayProjectIntegrationTest {
    private static TestFleet fleet;

    @BeforeAll
    static void fleet() {
        fleet = TestFleet.empty("proj_");
        for (String tenant :
                new String[] {"repeat-uk", "psql-uk", "conf-uk", "toml-uk", "pin-uk", "pin-eu", "hotfix-uk", "squash-uk"
                }) {
            fleet.builder.tenant(tenant, "Tenant " + tenant, tenant.endsWith("uk") ? "uk" : "eu", "active", true);
        }
        fleet.serveSecrets();
    }

    @AfterAll
    static void drop() {
        fleet.close();
    }

    private static Platform migrator(Path dir, String... flywayVariables) {
        Map<String, String> env = new HashMap<>(fleet.environment());
        env.put("MIGRATIONS_DIR", dir.toString());
        for (int i = 0; i < flywayVariables.length; i += 2) {
            env.put(flywayVariables[i], flywayVariables[i + 1]);
        }
        return Platform.fromConfig(MigrationsConfig.fromEnvironment(env));
    }

    private static MigrationOutcome run(Platform migrator, String tenant, Action action) {
        return TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, tenant, action, null));
    }

    @Test
    void repeatables_arePendingOnAnEmptyDatabase_outdatedAfterAnEdit_andNeverBreakAReading(@TempDir Path dir) {
        FlywayProject.copyTo(dir);
        Platform migrator = migrator(dir);
        String db = fleet.builder.tenantDatabase("repeat-uk");

        MigrationOutcome fresh = run(migrator, "repeat-uk", Action.STATUS);
        assertThat(fresh.status()).isEqualTo(MigrationStatus.PENDING);
        assertThat(fresh.pending())
                .containsExactly("1", "2", "3", "4", "5", "R account summary view", "R touch function");
        assertThat(run(migrator, "repeat-uk", Action.VALIDATE).status())
                .as("not applied yet is pending, not invalid")
                .isEqualTo(MigrationStatus.PENDING);

        MigrationOutcome migrated = run(migrator, "repeat-uk", Action.MIGRATE);
        assertThat(migrated.status()).isEqualTo(MigrationStatus.MIGRATED);
        assertThat(migrated.applied()).isEqualTo(7);
        assertThat(migrated.toVersion()).isEqualTo("5");
        assertThat(fleet.strings(db, "select days::text from retention_policy"))
                .as("placeholder from flyway.conf")
                .containsExactly("30");
        assertThat(fleet.strings(db, "select greeting('Hi ${name}', 'Bo')"))
                .as("${…} left alone")
                .containsExactly("Hi Bo");

        FlywayProject.write(dir, "R__account_summary_view.sql", """
                create or replace view account_summary as
                select status, count(*) as accounts, max(created_at) as newest
                from accounts
                group by status;
                """);
        Platform nextRelease = migrator(dir);
        MigrationOutcome outdated = run(nextRelease, "repeat-uk", Action.STATUS);
        assertThat(outdated.status()).isEqualTo(MigrationStatus.PENDING);
        assertThat(outdated.pending()).containsExactly("R account summary view (outdated)");
        assertThat(outdated.line()).contains("at 5, 1 pending (R account summary view (outdated))");

        MigrationOutcome reapplied = run(nextRelease, "repeat-uk", Action.MIGRATE);
        assertThat(reapplied.applied()).isEqualTo(1);
        assertThat(
                        fleet.strings(
                                db,
                                "select column_name from information_schema.columns where table_name = 'account_summary' order by 1"))
                .containsExactly("accounts", "newest", "status");
        assertThat(run(nextRelease, "repeat-uk", Action.STATUS).status()).isEqualTo(MigrationStatus.UP_TO_DATE);
    }

    @Test
    void aPsqlStyleTransaction_isAbsorbedIntoTheMigrations_andSaidOnTheResult(@TempDir Path dir) {
        FlywayProject.copyTo(dir);

        MigrationOutcome migrated = run(migrator(dir), "psql-uk", Action.MIGRATE);

        assertThat(migrated.warnings())
                .contains(
                        "V5__activate_invited.sql: BEGIN at line 2 and COMMIT at line 5 ran as part of the migration's own transaction");
    }

    @Test
    void flywayVariables_overrideTheTiersFile_andOwnedSettingsAreRefusedNamingThem(@TempDir Path dir) {
        FlywayProject.copyTo(dir);
        String db = fleet.builder.tenantDatabase("conf-uk");

        run(migrator(dir, "FLYWAY_PLACEHOLDERS_RETENTION_DAYS", "90"), "conf-uk", Action.MIGRATE);
        assertThat(fleet.strings(db, "select days::text from retention_policy")).containsExactly("90");

        assertThatThrownBy(() ->
                        run(migrator(dir, "FLYWAY_URL", "jdbc:postgresql://elsewhere/db"), "conf-uk", Action.STATUS))
                .isExactlyInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Invalid configuration: FLYWAY_URL sets flyway.url, which helix-migrations owns:"
                        + " connections come from the central registry and the target's secret");
        assertThatThrownBy(() -> run(migrator(dir, "FLYWAY_OUT_OF_ORDERR", "true"), "conf-uk", Action.STATUS))
                .hasMessage(
                        "Invalid configuration: FLYWAY_OUT_OF_ORDERR is not a Flyway setting (see the README's Flyway configuration table)");
        FlywayProject.write(dir, "flyway.conf", "flyway.cleanDisabled=false\n");
        assertThatThrownBy(() -> run(migrator(dir), "conf-uk", Action.STATUS))
                .hasMessage(
                        "Invalid configuration: tenant/flyway.conf sets flyway.cleanDisabled, which helix-migrations owns: clean is always disabled");
        FlywayProject.write(dir, "flyway.conf", "flyway.outOfOrdr=true\n");
        assertThatThrownBy(() -> run(migrator(dir), "conf-uk", Action.STATUS))
                .isExactlyInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith(
                        "Invalid configuration: tenant: Flyway refused its configuration: Unknown configuration property: flyway.outOfOrdr");
    }

    @Test
    void aFlywayToml_isReadAsTheTiersConfiguration(@TempDir Path dir) throws Exception {
        FlywayProject.copyTo(dir);
        java.nio.file.Files.delete(dir.resolve("tenant/flyway.conf"));
        FlywayProject.write(dir, "flyway.toml", """
                id = "8b7b5b9e-project"
                name = "accounts"

                [flyway]
                validateMigrationNaming = true

                [flyway.placeholders]
                app_role = "helix_app"
                retention_days = "7"
                """);

        run(migrator(dir), "toml-uk", Action.MIGRATE);

        assertThat(fleet.strings(fleet.builder.tenantDatabase("toml-uk"), "select days::text from retention_policy"))
                .containsExactly("7");
    }

    @Test
    void theHistoryIsFoundInPublic_whateverTheSearchPathSays(@TempDir Path dir) {
        FlywayProject.copyTo(dir);
        Platform migrator = migrator(dir);
        String roleSchema = fleet.builder.tenantDatabase("pin-uk");
        run(migrator, "pin-uk", Action.MIGRATE);
        // An empty schema named after the login role comes first in the default search_path ("$user", public).
        fleet.builder.execute(
                roleSchema, "create schema " + fleet.server.appUser() + " authorization " + fleet.server.appUser());
        String pathSet = fleet.builder.tenantDatabase("pin-eu");
        run(migrator, "pin-eu", Action.MIGRATE);
        fleet.builder.execute(pathSet, "create schema elsewhere authorization " + fleet.server.appUser());
        fleet.builder.execute(pathSet, "alter database " + pathSet + " set search_path = elsewhere");

        for (String tenant : new String[] {"pin-uk", "pin-eu"}) {
            assertThat(run(migrator, tenant, Action.STATUS).toVersion())
                    .as(tenant)
                    .isEqualTo("5");
            assertThat(run(migrator, tenant, Action.MIGRATE).status())
                    .as(tenant)
                    .isEqualTo(MigrationStatus.UP_TO_DATE);
        }
        assertThat(fleet.strings(
                        roleSchema,
                        "select count(*)::text from pg_tables where schemaname = '" + fleet.server.appUser() + "'"))
                .containsExactly("0");
        assertThat(fleet.strings(pathSet, "select count(*)::text from pg_tables where schemaname = 'elsewhere'"))
                .containsExactly("0");
    }

    @Test
    void aLateHotfix_isBlockedAsFlywayWouldBlockIt_untilOutOfOrderIsSet(@TempDir Path dir) {
        FlywayProject.copyTo(dir);
        run(migrator(dir), "hotfix-uk", Action.MIGRATE);
        FlywayProject.write(dir, "V3_1__accounts_email_lower.sql", "alter table accounts add column email_lower text;");
        Platform strict = migrator(dir);

        MigrationOutcome status = run(strict, "hotfix-uk", Action.STATUS);
        assertThat(status.status()).isEqualTo(MigrationStatus.BLOCKED);
        assertThat(status.blocked()).singleElement().satisfies(problem -> {
            assertThat(problem.reason()).isEqualTo("Detected resolved migration not applied to database: 3.1.");
            assertThat(problem.hint()).contains("set -outOfOrder=true");
        });
        assertThatThrownBy(() -> run(strict, "hotfix-uk", Action.MIGRATE))
                .isExactlyInstanceOf(ValidationFailedException.class)
                .hasMessageContaining("Detected resolved migration not applied to database: 3.1");

        Platform outOfOrder = migrator(dir, "FLYWAY_OUT_OF_ORDER", "true");
        assertThat(run(outOfOrder, "hotfix-uk", Action.STATUS).pending()).containsExactly("3.1");
        assertThat(run(outOfOrder, "hotfix-uk", Action.MIGRATE).applied()).isEqualTo(1);
        assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase("hotfix-uk")))
                .containsExactly("1", "2", "3", "4", "5", "3.1");
    }

    @Test
    void aSquashIntoABaselineMigration_reachesExistingDatabases_whenMissingVersionsAreIgnored(@TempDir Path dir)
            throws Exception {
        FlywayProject.copyTo(dir);
        run(migrator(dir), "squash-uk", Action.MIGRATE);
        Path tenant = dir.resolve("tenant");
        String squashed = String.join(
                "\n",
                java.nio.file.Files.readString(tenant.resolve("V1__accounts.sql")),
                java.nio.file.Files.readString(tenant.resolve("V3__retention.sql")),
                "create index accounts_created_at_idx on accounts (created_at);",
                "alter table accounts add column activated_at timestamptz;");
        for (String old : new String[] {
            "V1__accounts.sql",
            "V2__greeting_function.sql",
            "V2__greeting_function.sql.conf",
            "V3__retention.sql",
            "V4__accounts_created_at_index.sql",
            "V5__activate_invited.sql"
        }) {
            java.nio.file.Files.delete(tenant.resolve(old));
        }
        FlywayProject.write(dir, "B5__squashed.sql", squashed);
        FlywayProject.write(
                dir, "V6__accounts_locale.sql", "alter table accounts add column locale text not null default 'en';");

        MigrationOutcome missing = run(migrator(dir), "squash-uk", Action.STATUS);
        assertThat(missing.status()).isEqualTo(MigrationStatus.BLOCKED);
        assertThat(missing.blockedReason()).contains("Detected applied migration not resolved locally: 1.");

        Platform squashedRelease = migrator(dir, "FLYWAY_IGNORE_MIGRATION_PATTERNS", "*:missing");
        assertThat(run(squashedRelease, "squash-uk", Action.STATUS).pending()).containsExactly("6");
        assertThat(run(squashedRelease, "squash-uk", Action.MIGRATE).applied()).isEqualTo(1);
        assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase("squash-uk")))
                .containsExactly("1", "2", "3", "4", "5", "6");
    }
}
