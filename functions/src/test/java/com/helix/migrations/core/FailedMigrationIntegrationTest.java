package com.helix.migrations.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.helix.migrations.exceptions.MigrationFailedException;
import com.helix.migrations.fleet.FleetOptions;
import com.helix.migrations.fleet.FleetRunner;
import com.helix.migrations.fleet.Stop;
import com.helix.migrations.support.TestFleet;
import com.helix.migrations.target.Tier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Needs: the embedded PostgreSQL and the Secrets Manager fake.
 * A migration that fails halfway leaves the database at the previous version: its earlier statements
 * are rolled back and no history row records it.
 */
class FailedMigrationIntegrationTest {
    private static TestFleet fleet;

    @BeforeAll
    static void fleet() {
        fleet = TestFleet.standard("fail_");
    }

    @AfterAll
    static void drop() {
        fleet.close();
    }

    @Test
    void failingMigration_isRolledBack_andNamedInTheError(@TempDir Path dir) throws IOException {
        Path tenant = Files.createDirectories(dir.resolve("tenant"));
        Files.writeString(
                tenant.resolve("V1__accounts.sql"), "create table accounts (id int primary key, owner text);");
        Files.writeString(tenant.resolve("V2__owners.sql"), "insert into accounts values (1, 'ann'), (2, 'bob');");
        Files.writeString(tenant.resolve("V3__split_owner.sql"), """
                create table owners (id int primary key, name text not null);
                insert into owners select id, owner from accounts;
                alter table accounts add column owner_id int references owners (id);
                update accounts set owner_id = id;
                alter table accounts drop column no_such_column;
                """);
        Platform migrator = fleet.platform(dir);
        String db = fleet.builder.tenantDatabase("acme-uk");

        assertThatThrownBy(() ->
                        TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, "acme-uk", Action.MIGRATE, null)))
                .isExactlyInstanceOf(MigrationFailedException.class)
                .hasMessage(
                        "Flyway migration failed: V3__split_owner.sql: line 5: ERROR: column \"no_such_column\" of relation \"accounts\" does not exist (SQLSTATE 42703)");

        assertThat(fleet.history(db)).containsExactly("1:true", "2:true");
        assertThat(fleet.exists(db, "owners")).as("no partial objects").isFalse();
        assertThat(fleet.strings(
                        db,
                        "select column_name from information_schema.columns where table_name = 'accounts' order by 1"))
                .containsExactly("id", "owner");
        assertThat(fleet.strings(db, "select owner from accounts order by id")).containsExactly("ann", "bob");

        MigrationOutcome status =
                TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, "acme-uk", Action.STATUS, null));
        assertThat(status.toVersion()).isEqualTo("2");
        assertThat(status.pending()).containsExactly("3");
    }

    @Test
    void failingMigration_becomesAFailedOutcome_inAFleetRun(@TempDir Path dir) throws IOException {
        Path tenant = Files.createDirectories(dir.resolve("tenant"));
        Files.writeString(tenant.resolve("V1__broken.sql"), "create table t (id int); select 1/0;");
        Platform platform = fleet.platform(dir);
        var target = platform.registry().find(Tier.TENANT, "globex-eu");

        MigrationOutcome outcome = new FleetRunner(platform.migrator(), new Stop(platform.connections()))
                .run(List.of(target), new FleetOptions(1, null, Action.MIGRATE, null), o -> {})
                .outcomes()
                .get(0);

        assertThat(outcome.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(outcome.error())
                .isEqualTo("Flyway migration failed: V1__broken.sql: line 1: ERROR: division by zero (SQLSTATE 22012)");
        assertThat(outcome.line())
                .isEqualTo(
                        "✗ Failed to migrate tenant: Globex GmbH (globex-eu): Flyway migration failed: V1__broken.sql: line 1: ERROR: division by zero (SQLSTATE 22012)");
        assertThat(fleet.exists(fleet.builder.tenantDatabase("globex-eu"), "t")).isFalse();
    }
}
