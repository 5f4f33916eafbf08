package com.helix.migrations.support;

import com.helix.migrations.config.MigrationsConfig;
import com.helix.migrations.core.Action;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.core.MigrationRequest;
import com.helix.migrations.core.Platform;
import com.helix.migrations.demo.DatabaseServer;
import com.helix.migrations.demo.FleetBuilder;
import com.helix.migrations.target.Tier;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small platform on the embedded server: a migrated central database and a fleet of tenants and
 * products, with secrets served by the Secrets Manager fake. Each test class makes its own, under
 * its own database name prefix.
 */
public final class TestFleet implements AutoCloseable {
    public static final String REGIONS = "uk=eu-west-2,eu=eu-central-1";

    public final FleetBuilder builder;
    public final DatabaseServer server;

    private TestFleet(String prefix) {
        this.server = EmbeddedServer.get();
        this.builder = new FleetBuilder(server, prefix);
    }

    /** A central database, migrated, with no tenants yet. */
    public static TestFleet empty(String prefix) {
        TestFleet fleet = new TestFleet(prefix);
        fleet.builder.createCentral();
        fleet.serveSecrets();
        TestFleet.run(fleet.platform(), new MigrationRequest(Tier.CENTRAL, null, Action.MIGRATE, null));
        return fleet;
    }

    /**
     * The fleet most tests use: active tenants in uk and eu with products of both types, a suspended
     * tenant, tenants and products without a database, a product of a type with no migrations and a
     * tenant in a jurisdiction with no region.
     */
    public static TestFleet standard(String prefix) {
        TestFleet fleet = empty(prefix);
        fleet.core()
                .tenant("initech-uk", "Initech", "uk", "suspended", true)
                .tenant("hooli-uk", "Hooli", "uk", "active", false)
                .product("hooli-uk-kira", "hooli-uk", "kira", "uk", "active", false)
                .product("acme-uk-nova", "acme-uk", "nova", "uk", "active", true)
                .tenant("stark-us", "Stark Industries", "us", "active", true);
        fleet.serveSecrets();
        return fleet;
    }

    /**
     * The tenants most tests start from: Acme Corp (uk) with kira and ledger databases, Globex GmbH
     * (eu) with a kira database. Returns the builder to add more.
     */
    public FleetBuilder core() {
        return builder.tenant("acme-uk", "Acme Corp", "uk", "active", true)
                .product("acme-uk-kira", "acme-uk", "kira", "uk", "active", true)
                .product("acme-uk-ledger", "acme-uk", "ledger", "uk", "active", true)
                .tenant("globex-eu", "Globex GmbH", "eu", "active", true)
                .product("globex-eu-kira", "globex-eu", "kira", "eu", "active", true);
    }

    /** Re-serves the builder's secrets from the Secrets Manager fake (call after adding targets). */
    public void serveSecrets() {
        SecretsManagerFake.serve(builder.secrets());
    }

    /** Re-serves the secrets with the central database's at another address (a proxy a test can cut, a name a certificate holds). */
    public void serveSecretsWithCentralAt(String host, int port) {
        Map<String, Map<String, Object>> secrets = new HashMap<>(builder.secrets());
        Map<String, Object> central = new HashMap<>(secrets.get(FleetBuilder.CENTRAL_SECRET_ID));
        central.put("host", host);
        central.put("port", port);
        secrets.put(FleetBuilder.CENTRAL_SECRET_ID, central);
        SecretsManagerFake.serve(secrets);
    }

    /** The environment the functions would be given, with secrets from Secrets Manager. */
    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("CENTRAL_DB_SECRET_ID", FleetBuilder.CENTRAL_SECRET_ID);
        env.put("AWS_REGION", "eu-west-1");
        env.put("JURISDICTION_REGIONS", REGIONS);
        env.put("DB_SSL_MODE", "disable");
        return env;
    }

    public MigrationsConfig config() {
        return MigrationsConfig.fromEnvironment(environment());
    }

    public Platform platform() {
        return Platform.fromConfig(config());
    }

    /** A platform that reads migrations from a directory instead of the packaged ones. */
    public Platform platform(Path migrationsDir) {
        Map<String, String> env = environment();
        env.put("MIGRATIONS_DIR", migrationsDir.toString());
        return Platform.fromConfig(MigrationsConfig.fromEnvironment(env));
    }

    /** One request as the MigrateDatabase function runs it (with no deadline): the target found in the registry, then migrated. */
    public static MigrationOutcome run(Platform platform, MigrationRequest request) {
        return platform.migrator()
                .run(
                        platform.registry().find(request.tier(), request.id()),
                        request.action(),
                        request.targetVersion(),
                        request.baseline(),
                        null);
    }

    /** Successfully applied versions, oldest first. */
    public List<String> appliedVersions(String database) {
        if (!exists(database, "flyway_schema_history")) {
            return List.of();
        }
        return strings(
                database,
                "select version from flyway_schema_history where success and version is not null order by installed_rank");
    }

    /** Every row of the Flyway history, failed ones included: {@code version:success}. */
    public List<String> history(String database) {
        if (!exists(database, "flyway_schema_history")) {
            return List.of();
        }
        return strings(
                database,
                "select coalesce(version, '-') || ':' || success from flyway_schema_history order by installed_rank");
    }

    public boolean exists(String database, String relation) {
        return !strings(
                        database,
                        "select to_regclass('public." + relation + "')::text where to_regclass('public." + relation
                                + "') is not null")
                .isEmpty();
    }

    /** A snapshot of every table, index and column in the public schema, to prove nothing changed. */
    public List<String> schemaSnapshot(String database) {
        return strings(database, """
                select c.relkind::text || ':' || c.relname || coalesce(':' || a.attname || ':' || format_type(a.atttypid, a.atttypmod), '')
                from pg_class c join pg_namespace n on n.oid = c.relnamespace
                left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                where n.nspname = 'public' order by 1""");
    }

    public List<String> strings(String database, String sql) {
        try (Connection connection = server.admin(database);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("query failed in " + database + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        builder.dropAll();
    }
}
