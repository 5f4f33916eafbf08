package com.helix.migrations.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.helix.migrations.config.MigrationsConfig;
import com.helix.migrations.core.Action;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.core.MigrationRequest;
import com.helix.migrations.core.MigrationStatus;
import com.helix.migrations.core.Platform;
import com.helix.migrations.demo.DatabaseServer;
import com.helix.migrations.exceptions.DatabaseBusyException;
import com.helix.migrations.support.FlywayProject;
import com.helix.migrations.support.OutputCapture;
import com.helix.migrations.support.PackagedMigrations;
import com.helix.migrations.support.TestFleet;
import com.helix.migrations.target.Tier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.ValidateResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Needs: the embedded PostgreSQL and the Secrets Manager fake. Twins: one database migrated by Flyway alone
 * ({@code DB_FAST_APPLY=false}), its twin with the fast path; their history rows are equal but for times,
 * their schemas have the same fingerprint, and Flyway's own {@code info} and {@code validate} say the same of
 * both. Over this project's migrations, a public project's set, and 200 generated migrations of the shapes real
 * projects use; and through a failure, a retry and a lock held by another Flyway.
 */
class FastApplyDifferentialTest {
    /** The history table itself: its columns, constraints and indexes, and who owns it. */
    private static final String HISTORY_TABLE = """
            select concat_ws('|', column_name, data_type, character_maximum_length, is_nullable, column_default)
              from information_schema.columns
             where table_schema = 'public' and table_name = 'flyway_schema_history'
            union all
            select conname || ' ' || pg_get_constraintdef(oid)
              from pg_constraint where conrelid = 'public.flyway_schema_history'::regclass
            union all
            select indexdef from pg_indexes where schemaname = 'public' and tablename = 'flyway_schema_history'
            union all
            select tableowner || ' ' || coalesce(tablespace, '-')
              from pg_tables where schemaname = 'public' and tablename = 'flyway_schema_history'
            order by 1""";

    private static TestFleet fleet;

    @BeforeAll
    static void fleet() {
        fleet = TestFleet.empty("fast_");
        for (String twin : List.of(
                "pk-flyway-uk",
                "pk-fast-uk",
                "gen-flyway-uk",
                "gen-fast-uk",
                "pub-flyway-uk",
                "pub-fast-uk",
                "fail-flyway-uk",
                "fail-fast-uk",
                "first-flyway-uk",
                "first-fast-uk",
                "group-flyway-uk",
                "group-fast-uk",
                "odd-flyway-uk",
                "odd-fast-uk",
                "empty-flyway-uk",
                "empty-fast-uk",
                "schemas-flyway-uk",
                "schemas-fast-uk",
                "lock-fast-uk")) {
            fleet.builder.tenant(twin, twin, "uk", "active", true);
        }
        fleet.serveSecrets();
    }

    @AfterAll
    static void drop() {
        fleet.close();
    }

    private static Platform platform(Path migrations, boolean fast) {
        Map<String, String> env = new HashMap<>(fleet.environment());
        if (migrations != null) {
            env.put("MIGRATIONS_DIR", migrations.toString());
        }
        env.put("DB_FAST_APPLY", String.valueOf(fast));
        env.put("DB_LOCK_TIMEOUT_SECONDS", "1");
        return Platform.fromConfig(MigrationsConfig.fromEnvironment(env));
    }

    private static MigrationOutcome migrate(Platform platform, String tenant) {
        return TestFleet.run(platform, new MigrationRequest(Tier.TENANT, tenant, Action.MIGRATE, null));
    }

    /** How many migrations the fast path applied, from its log line. */
    private static int fastApplied(OutputCapture capture, String tenant) {
        String database = fleet.builder.tenantDatabase(tenant);
        return capture.text()
                .lines()
                .filter(line -> line.contains(database + ": ") && line.contains(" applied directly"))
                .map(line -> line.substring(line.indexOf(database + ": ") + database.length() + 2))
                .mapToInt(rest -> Integer.parseInt(rest.substring(0, rest.indexOf(' '))))
                .sum();
    }

    @Test
    void theProjectsOwnMigrations_sameHistorySchemaAndFlywayVerdict() {
        try (OutputCapture capture = OutputCapture.start()) {
            MigrationOutcome flyway = migrate(platform(null, false), "pk-flyway-uk");
            MigrationOutcome fast = migrate(platform(null, true), "pk-fast-uk");

            assertThat(fast.status()).isEqualTo(MigrationStatus.MIGRATED);
            assertThat(fast.applied()).isEqualTo(flyway.applied());
            assertThat(fast.toVersion()).isEqualTo(flyway.toVersion());
            assertThat(fastApplied(capture, "pk-fast-uk"))
                    .as("V1 to V4: V5 builds an index concurrently")
                    .isEqualTo(4);
            assertThat(fastApplied(capture, "pk-flyway-uk")).isZero();
        }
        assertTwins(platform(null, true), "pk-flyway-uk", "pk-fast-uk");
    }

    @Test
    void aPublicProjectsSet_sameHistorySchemaAndFlywayVerdict(@TempDir Path migrations) throws IOException {
        FlywayProject.copyTo(migrations);
        try (OutputCapture capture = OutputCapture.start()) {
            MigrationOutcome flyway = migrate(platform(migrations, false), "pub-flyway-uk");
            MigrationOutcome fast = migrate(platform(migrations, true), "pub-fast-uk");

            assertThat(fast.status()).as(fast.toString()).isEqualTo(flyway.status());
            assertThat(fast.applied()).isEqualTo(flyway.applied());
            assertThat(fast.warnings()).isEqualTo(flyway.warnings());
            assertThat(fastApplied(capture, "pub-fast-uk"))
                    .as("V1, V3 and V5: V2 has a .sql.conf, V4 builds an index concurrently")
                    .isEqualTo(3);
        }
        assertTwins(platform(migrations, true), "pub-flyway-uk", "pub-fast-uk");
    }

    @Test
    void twoHundredGeneratedMigrations_sameHistorySchemaAndFlywayVerdict(@TempDir Path migrations) throws IOException {
        generate(migrations, 200, null);
        try (OutputCapture capture = OutputCapture.start()) {
            MigrationOutcome flyway = migrate(platform(migrations, false), "gen-flyway-uk");
            MigrationOutcome fast = migrate(platform(migrations, true), "gen-fast-uk");

            assertThat(flyway.status()).as(flyway.toString()).isEqualTo(MigrationStatus.MIGRATED);
            assertThat(fast.status()).as(fast.toString()).isEqualTo(MigrationStatus.MIGRATED);
            assertThat(fast.applied()).isEqualTo(201);
            assertThat(fast.warnings()).isEqualTo(flyway.warnings());
            assertThat(fastApplied(capture, "gen-fast-uk"))
                    .as("every versioned migration but V190 (an index built concurrently)")
                    .isEqualTo(199);
        }
        assertTwins(platform(migrations, true), "gen-flyway-uk", "gen-fast-uk");
    }

    @Test
    void aFailingMigration_failsTheSameWay_leavesTheSameDatabase_andARetryConverges(@TempDir Path migrations)
            throws IOException {
        generate(migrations, 40, 23);
        Throwable flyway = catchThrowable(() -> migrate(platform(migrations, false), "fail-flyway-uk"));
        Throwable fast = catchThrowable(() -> migrate(platform(migrations, true), "fail-fast-uk"));

        assertThat(fast).isNotNull().hasMessage(flyway.getMessage()).isExactlyInstanceOf(flyway.getClass());
        assertThat(fast.getMessage()).contains("V23__").contains("line ");
        assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase("fail-fast-uk")))
                .endsWith("22")
                .hasSize(22);
        assertTwins(platform(migrations, true), "fail-flyway-uk", "fail-fast-uk");

        generate(migrations, 40, null);
        assertThat(migrate(platform(migrations, false), "fail-flyway-uk").applied())
                .isEqualTo(19);
        assertThat(migrate(platform(migrations, true), "fail-fast-uk").applied())
                .isEqualTo(19);
        assertTwins(platform(migrations, true), "fail-flyway-uk", "fail-fast-uk");
    }

    @Test
    void aFailingFirstMigration_leavesFlywaysEmptyHistory_asFlywayDoes(@TempDir Path migrations) throws IOException {
        generate(migrations, 5, 1);
        Throwable flyway = catchThrowable(() -> migrate(platform(migrations, false), "first-flyway-uk"));
        Throwable fast = catchThrowable(() -> migrate(platform(migrations, true), "first-fast-uk"));

        assertThat(fast).isNotNull().hasMessage(flyway.getMessage()).isExactlyInstanceOf(flyway.getClass());
        assertThat(fleet.strings(fleet.builder.tenantDatabase("first-fast-uk"), HISTORY_TABLE))
                .as("Flyway's history table, created before V1 and left empty when it failed")
                .isNotEmpty();
        assertTwins(platform(migrations, true), "first-flyway-uk", "first-fast-uk");
    }

    @Test
    void aSettingTheFastPathDoesNotReproduce_leavesEveryMigrationToFlyway(@TempDir Path migrations) throws IOException {
        generate(migrations, 5, null);
        Files.writeString(migrations.resolve("tenant/flyway.conf"), "flyway.group=true\n", StandardOpenOption.APPEND);
        try (OutputCapture capture = OutputCapture.start()) {
            migrate(platform(migrations, false), "group-flyway-uk");
            migrate(platform(migrations, true), "group-fast-uk");

            assertThat(capture.text()).contains("Flyway applies every migration (group");
            assertThat(fastApplied(capture, "group-fast-uk")).isZero();
        }
        assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase("group-fast-uk")))
                .hasSize(5);
        assertTwins(platform(migrations, true), "group-flyway-uk", "group-fast-uk");
    }

    @Test
    void aSearchPathChangedInADoBlock_andAJdbcEscape_behaveAsUnderFlyway(@TempDir Path migrations) throws IOException {
        generate(migrations, 4, null);
        Path tenant = migrations.resolve("tenant");
        Files.writeString(tenant.resolve("V2__shape_2.sql"), "create schema elsewhere;\n");
        Files.writeString(tenant.resolve("V3__shape_3.sql"), "do $$ begin set search_path to elsewhere; end $$;\n");
        Files.writeString(tenant.resolve("V4__shape_4.sql"), "create table where_am_i (id int);\n");
        Files.writeString(tenant.resolve("V5__shape_5.sql"), "create table braces as select {fn ucase('a')} as x;\n");
        Throwable flyway = catchThrowable(() -> migrate(platform(migrations, false), "odd-flyway-uk"));
        Throwable fast = catchThrowable(() -> migrate(platform(migrations, true), "odd-fast-uk"));

        assertThat(fast)
                .as("a JDBC escape reaches the server as written, as Flyway sends it")
                .isNotNull()
                .hasMessage(flyway.getMessage())
                .isExactlyInstanceOf(flyway.getClass());
        String schema = "select table_schema from information_schema.tables where table_name = 'where_am_i'";
        assertThat(fleet.strings(fleet.builder.tenantDatabase("odd-fast-uk"), schema))
                .isEqualTo(fleet.strings(fleet.builder.tenantDatabase("odd-flyway-uk"), schema));
        assertTwins(platform(migrations, true), "odd-flyway-uk", "odd-fast-uk");
    }

    @Test
    void aTierWithNoMigrations_leavesFlywaysEmptyHistory(@TempDir Path migrations) throws IOException {
        PackagedMigrations.copy(migrations, "central");
        Files.createDirectories(migrations.resolve("tenant"));
        migrate(platform(migrations, false), "empty-flyway-uk");
        migrate(platform(migrations, true), "empty-fast-uk");

        assertThat(fleet.strings(fleet.builder.tenantDatabase("empty-fast-uk"), HISTORY_TABLE))
                .isNotEmpty();
        assertTwins(platform(migrations, true), "empty-flyway-uk", "empty-fast-uk");
    }

    @Test
    void aConfiguredSchemaDroppedSince_isCreatedAndRecordedFirst_asFlywayDoes(@TempDir Path migrations)
            throws IOException {
        generate(migrations, 3, null);
        Files.writeString(
                migrations.resolve("tenant/flyway.conf"), "flyway.schemas=public,audit\n", StandardOpenOption.APPEND);
        migrate(platform(migrations, false), "schemas-flyway-uk");
        migrate(platform(migrations, true), "schemas-fast-uk");
        for (String twin : List.of("schemas-flyway-uk", "schemas-fast-uk")) {
            fleet.builder.execute(fleet.builder.tenantDatabase(twin), "drop schema audit");
        }
        generate(migrations, 5, null);
        Files.writeString(
                migrations.resolve("tenant/flyway.conf"), "flyway.schemas=public,audit\n", StandardOpenOption.APPEND);
        migrate(platform(migrations, false), "schemas-flyway-uk");
        migrate(platform(migrations, true), "schemas-fast-uk");

        assertThat(fleet.exists(fleet.builder.tenantDatabase("schemas-fast-uk"), "t1"))
                .isTrue();
        assertTwins(platform(migrations, true), "schemas-flyway-uk", "schemas-fast-uk");
    }

    @Test
    void flywaysLockHeldElsewhere_isWaitedFor_thenTheRunIsBusy_andLaterConverges(@TempDir Path migrations)
            throws Exception {
        generate(migrations, 10, null);
        String db = fleet.builder.tenantDatabase("lock-fast-uk");
        Platform fast = platform(migrations, true);
        TestFleet.run(fast, new MigrationRequest(Tier.TENANT, "lock-fast-uk", Action.MIGRATE, "1"));
        try (Connection other = fleet.server.admin(db);
                PreparedStatement lock = other.prepareStatement("select pg_advisory_lock(?)")) {
            lock.setLong(1, FastApply.FLYWAY_LOCK_KEY);
            lock.execute();

            Throwable busy = catchThrowable(() -> migrate(fast, "lock-fast-uk"));

            assertThat(busy).isExactlyInstanceOf(DatabaseBusyException.class);
            assertThat(fleet.appliedVersions(db)).containsExactly("1");
        }
        assertThat(migrate(fast, "lock-fast-uk").applied())
                .as("V2 to V10 (the repeatable came with V1, as Flyway applies it whatever the target)")
                .isEqualTo(9);
        assertThat(fleet.appliedVersions(db)).hasSize(10);
    }

    /**
     * Equal history tables (the fast path creates it as Flyway does) and rows (but for when and how long), equal
     * schema fingerprints, and the same from Flyway's own info and validate.
     */
    private static void assertTwins(Platform platform, String flywayTenant, String fastTenant) {
        String flywayDb = fleet.builder.tenantDatabase(flywayTenant);
        String fastDb = fleet.builder.tenantDatabase(fastTenant);
        String history = "select concat_ws('|', installed_rank, version, description, type, script, checksum,"
                + " installed_by, success) from flyway_schema_history order by installed_rank";
        assertThat(fleet.strings(fastDb, history)).isEqualTo(fleet.strings(flywayDb, history));
        assertThat(fleet.strings(fastDb, HISTORY_TABLE)).isEqualTo(fleet.strings(flywayDb, HISTORY_TABLE));
        MigrationSet set = platform.sources().set(Tier.TENANT, null);
        assertThat(fingerprint(fastDb, set)).isEqualTo(fingerprint(flywayDb, set));
        assertThat(flywaySays(fastDb, set)).isEqualTo(flywaySays(flywayDb, set));
    }

    private static List<String> fingerprint(String database, MigrationSet set) {
        try (Connection connection = fleet.server.admin(database)) {
            SchemaFingerprint fingerprint = SchemaMigrator.fingerprint(connection, set);
            return List.of(fingerprint.hash(), String.valueOf(fingerprint.empty()));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Flyway's info (each migration's version, description, type, script, checksum and state) and validate. */
    private static List<String> flywaySays(String database, MigrationSet set) {
        DatabaseServer server = fleet.server;
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {server.host()});
        dataSource.setPortNumbers(new int[] {server.port()});
        dataSource.setDatabaseName(database);
        dataSource.setUser(server.adminUser());
        dataSource.setPassword(server.adminPassword());
        Flyway flyway = set.configure(dataSource, MigrationVersion.LATEST, Duration.ZERO)
                .load();
        List<String> said = new ArrayList<>();
        for (MigrationInfo m : flyway.info().all()) {
            said.add(String.join(
                    "|",
                    String.valueOf(m.getVersion()),
                    m.getDescription(),
                    String.valueOf(m.getType()),
                    m.getScript(),
                    String.valueOf(m.getChecksum()),
                    String.valueOf(m.getState()),
                    String.valueOf(m.getInstalledRank())));
        }
        ValidateResult validate = flyway.validateWithResult();
        said.add("valid " + validate.validationSuccessful);
        validate.invalidMigrations.forEach(o -> said.add(o.version + " " + o.errorDetails.errorMessage));
        return said;
    }

    /**
     * Writes {@code count} tenant migrations of the shapes real projects use (tables, columns, indexes, backfills,
     * functions and triggers in dollar quotes, DO blocks, enums, views, comments and strings holding {@code ;} and
     * {@code $$}, a psql-style {@code BEGIN … COMMIT}, placeholders, {@code SET LOCAL}), a {@code CREATE INDEX
     * CONCURRENTLY} at V190 and a repeatable view; with {@code failing}, that version divides by zero.
     */
    static void generate(Path migrations, int count, Integer failing) throws IOException {
        if (!Files.exists(migrations.resolve("central"))) {
            PackagedMigrations.copy(migrations, "central");
        }
        Path tenant = migrations.resolve("tenant");
        if (Files.exists(tenant)) {
            try (var files = Files.list(tenant)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
        }
        Files.createDirectories(tenant);
        Files.writeString(tenant.resolve("flyway.conf"), "flyway.placeholders.owner=public\n");
        for (int i = 1; i <= count; i++) {
            int table = i - (i - 1) % 12; // the last table created
            String sql = switch (i % 12) {
                case 1 ->
                    "-- a new table; the comment has a semicolon\ncreate table t" + i
                            + " (id bigserial primary key, name text not null default 'x;y',"
                            + " created_at timestamptz not null default now());\n";
                case 2 ->
                    "alter table t" + table + " add column c" + i + " integer;\n" + "alter table t" + table
                            + " add column d" + i + " text default 'it''s';\n";
                case 3 -> "create index t" + table + "_name_" + i + " on t" + table + " (name);\n";
                case 4 ->
                    "insert into t" + table + " (name) select 'row ' || g || ';' from generate_series(1, 40) g;\n"
                            + "update t" + table + " set name = upper(name) where id % 2 = 0;\n";
                case 5 ->
                    "create or replace function f" + i + "(a integer) returns integer language plpgsql as $$\n"
                            + "begin\n  return a + 1; -- ; inside\nend;\n$$;\n";
                case 6 ->
                    "do $do$\nbegin\n  if not exists (select 1 from pg_type where typname = 'status" + i
                            + "') then\n    create type status" + i
                            + " as enum ('new', 'done');\n  end if;\nend\n$do$;\n";
                case 7 -> "alter type status" + (i - 1) + " add value if not exists 'archived';\n";
                case 8 ->
                    "create view v" + i + " as select id, name from t" + table
                            + " where name like '%;%' or name = '$$';\n";
                case 9 ->
                    "create function trg" + i + "() returns trigger language plpgsql as $body$\nbegin\n"
                            + "  new.name := coalesce(new.name, '$$;');\n  return new;\nend\n$body$;\n"
                            + "create trigger trg" + i + " before insert on t" + table
                            + " for each row execute function trg" + i + "();\n";
                case 10 ->
                    "comment on table t" + table
                            + " is 'It''s a table; with ''quotes'' and $$ dollars';\n/* a block comment; */\n"
                            + "set local statement_timeout = '60s';\n";
                case 11 ->
                    "BEGIN;\ncreate table wrapped" + i + " (id int);\ngrant select on wrapped" + i
                            + " to ${owner};\nCOMMIT;\n";
                default ->
                    "create table audit" + i + " (id int, at timestamptz default now(), by_role text"
                            + " default '${owner}');\n";
            };
            if (i == 144) {
                // A ? that is an operator, not a parameter, and a JSON literal's braces.
                sql = "create view has_key" + i + " as select '{\"a\": 1}'::jsonb ? 'a' as has_a;\n";
            }
            if (i == 190) {
                sql = "create index concurrently audit_by_role_" + i + " on t" + table + " (created_at);\n";
            }
            if (failing != null && i == failing) {
                sql = "create table doomed" + i + " (id int);\nselect 1 / 0;\n";
            }
            Files.writeString(tenant.resolve("V" + i + "__shape_" + i + ".sql"), sql);
        }
        Files.writeString(
                tenant.resolve("R__counts.sql"),
                "create or replace view table_counts as select count(*) as n from pg_tables where schemaname = 'public';\n");
    }
}
