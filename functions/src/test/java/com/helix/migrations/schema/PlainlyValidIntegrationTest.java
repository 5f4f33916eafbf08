package com.helix.migrations.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.helix.migrations.demo.DatabaseServer;
import com.helix.migrations.support.EmbeddedServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Needs: the embedded PostgreSQL. The fast path judges Flyway's validation from one read of the history
 * ({@link SchemaMigrator#plainlyValid}) and asks Flyway's own validate only when that is not plain. Over the states
 * a database's history can be in against its files, it never passes what Flyway's validate, as migrate runs it,
 * refuses; and it does pass the everyday ones.
 */
class PlainlyValidIntegrationTest {
    private static final DatabaseServer SERVER = EmbeddedServer.get();
    private static int databases;

    @TempDir
    Path migrations;

    @AfterAll
    static void drop() throws SQLException {
        try (Connection admin = SERVER.admin("postgres");
                Statement statement = admin.createStatement()) {
            for (int i = 1; i <= databases; i++) {
                statement.execute("drop database if exists plain_" + i);
            }
        }
    }

    @Test
    void anEmptyDatabase_aPartlyMigratedOne_andTargets_arePlainlyValid() throws Exception {
        write("V1__one.sql", "create table one (id int);");
        write("V2__two.sql", "create table two (id int);");
        write("R__view.sql", "create or replace view v as select 1 as x;");
        PGSimpleDataSource db = database();
        assertVerdict(db, MigrationVersion.LATEST, true, true);

        migrate(db, MigrationVersion.fromVersion("1"));
        assertVerdict(db, MigrationVersion.LATEST, true, true);
        assertVerdict(db, MigrationVersion.fromVersion("1"), true, true);

        migrate(db, MigrationVersion.LATEST);
        write("V3__three.sql", "create table three (id int);");
        assertVerdict(db, MigrationVersion.LATEST, true, true);
        assertVerdict(db, MigrationVersion.fromVersion("2"), true, true);
    }

    @Test
    void aChangedRepeatable_onceOrTwice_isPlainlyValid() throws Exception {
        write("V1__one.sql", "create table one (id int);");
        write("R__view.sql", "create or replace view v as select 1 as x;");
        PGSimpleDataSource db = database();
        migrate(db, MigrationVersion.LATEST);
        write("R__view.sql", "create or replace view v as select 2 as x;");
        assertVerdict(db, MigrationVersion.LATEST, true, true);

        migrate(db, MigrationVersion.LATEST);
        write("R__view.sql", "create or replace view v as select 3 as x;");
        assertVerdict(db, MigrationVersion.LATEST, true, true);
    }

    @Test
    void aBaselinedDatabase_isPlainlyValid() throws Exception {
        write("V1__one.sql", "create table one (id int);");
        write("V2__two.sql", "create table two (id int);");
        PGSimpleDataSource db = database();
        set().configure(db, MigrationVersion.LATEST, Duration.ZERO)
                .baselineVersion("1")
                .load()
                .baseline();
        assertVerdict(db, MigrationVersion.LATEST, true, true);
    }

    @Test
    void anEditedMigration_isLeftToFlyway_whichRefusesIt() throws Exception {
        PGSimpleDataSource db = twoApplied();
        write("V2__two.sql", "create table two (id bigint);");
        assertVerdict(db, MigrationVersion.LATEST, false, false);
    }

    @Test
    void aRenamedMigration_isLeftToFlyway_whichRefusesIt() throws Exception {
        PGSimpleDataSource db = twoApplied();
        Files.move(migrations.resolve("V2__two.sql"), migrations.resolve("V2__second.sql"));
        assertVerdict(db, MigrationVersion.LATEST, false, false);
    }

    @Test
    void aMissingMigration_isLeftToFlyway_whichRefusesIt() throws Exception {
        PGSimpleDataSource db = twoApplied();
        Files.delete(migrations.resolve("V1__one.sql"));
        assertVerdict(db, MigrationVersion.LATEST, false, false);
    }

    @Test
    void aDatabaseAheadOfTheFiles_isLeftToFlyway_whichIgnoresFutureMigrations() throws Exception {
        PGSimpleDataSource db = twoApplied();
        Files.delete(migrations.resolve("V2__two.sql"));
        assertVerdict(db, MigrationVersion.LATEST, false, true);
    }

    @Test
    void aMigrationOlderThanTheLatestApplied_isLeftToFlyway_whichRefusesIt() throws Exception {
        write("V1__one.sql", "create table one (id int);");
        write("V3__three.sql", "create table three (id int);");
        PGSimpleDataSource db = database();
        migrate(db, MigrationVersion.LATEST);
        write("V2__two.sql", "create table two (id int);");
        assertVerdict(db, MigrationVersion.LATEST, false, false);
    }

    @Test
    void aFailedRow_orAnotherDescription_isLeftToFlyway_whichRefusesIt() throws Exception {
        PGSimpleDataSource failed = twoApplied();
        update(failed, "update flyway_schema_history set success = false where version = '2'");
        assertVerdict(failed, MigrationVersion.LATEST, false, false);

        PGSimpleDataSource described = twoApplied();
        update(described, "update flyway_schema_history set description = 'other' where version = '2'");
        assertVerdict(described, MigrationVersion.LATEST, false, false);
    }

    /**
     * What the one read says, and what Flyway's validate says: the first may only pass what the second passes.
     */
    private void assertVerdict(PGSimpleDataSource db, MigrationVersion target, boolean plain, boolean flywayPasses) {
        MigrationSet set = set();
        Flyway flyway = set.configure(db, target, Duration.ZERO).load();
        boolean passes = SchemaMigrator.validateAsMigrate(flyway).validationSuccessful;
        boolean plainly = SchemaMigrator.plainlyValid(set, flyway.info());
        assertThat(passes).as("Flyway's validate").isEqualTo(flywayPasses);
        assertThat(plainly).as("plainly valid").isEqualTo(plain);
        assertThat(!plainly || passes)
                .as("never plainly valid where Flyway refuses")
                .isTrue();
    }

    /** A database with V1 and V2 applied from this test's files. */
    private PGSimpleDataSource twoApplied() throws IOException, SQLException {
        write("V1__one.sql", "create table one (id int);");
        write("V2__two.sql", "create table two (id int);");
        PGSimpleDataSource db = database();
        migrate(db, MigrationVersion.LATEST);
        return db;
    }

    private MigrationSet set() {
        return MigrationSet.load(
                "tenant",
                "filesystem:" + migrations,
                FlywaySettings.none(),
                getClass().getClassLoader());
    }

    private void migrate(PGSimpleDataSource db, MigrationVersion target) {
        set().configure(db, target, Duration.ZERO).load().migrate();
    }

    private void write(String name, String sql) throws IOException {
        Files.writeString(migrations.resolve(name), sql + "\n");
    }

    private static void update(PGSimpleDataSource db, String sql) throws SQLException {
        try (Connection connection = db.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static PGSimpleDataSource database() throws SQLException {
        String name = "plain_" + ++databases;
        try (Connection admin = SERVER.admin("postgres");
                Statement statement = admin.createStatement()) {
            statement.execute("drop database if exists " + name);
            statement.execute("create database " + name);
        }
        PGSimpleDataSource db = new PGSimpleDataSource();
        db.setServerNames(new String[] {SERVER.host()});
        db.setPortNumbers(new int[] {SERVER.port()});
        db.setDatabaseName(name);
        db.setUser(SERVER.adminUser());
        db.setPassword(SERVER.adminPassword());
        return db;
    }
}
