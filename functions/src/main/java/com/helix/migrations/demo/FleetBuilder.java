package com.helix.migrations.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.helix.migrations.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lays out a platform on one PostgreSQL server, as the provisioning services would: a central
 * database, registry rows, an empty database per tenant and product, and a secret for each. For the
 * demo and the tests; never used against a real platform.
 */
public final class FleetBuilder {
    public static final String CENTRAL_SECRET_ID = "helix/central";

    private final DatabaseServer server;
    private final String prefix;
    private final Map<String, Map<String, Object>> secrets = new LinkedHashMap<>();
    private final List<String> databases = new ArrayList<>();
    private String centralDatabase;

    /** @param prefix put before every database name, so that fleets can share a server */
    public FleetBuilder(DatabaseServer server, String prefix) {
        this.server = server;
        this.prefix = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }

    /** Creates the (empty) central database and its secret. Migrate it before adding tenants. */
    public String createCentral() {
        centralDatabase = createDatabase("central");
        secrets.put(CENTRAL_SECRET_ID, secret(centralDatabase));
        return CENTRAL_SECRET_ID;
    }

    /** A tenant row; with {@code provisioned}, its empty database, registry row and secret too. */
    public FleetBuilder tenant(String id, String name, String jurisdiction, String status, boolean provisioned) {
        update(
                "insert into tenants (id, name, domain, jurisdiction, status) values (?, ?, ?, ?, ?)",
                id,
                name,
                id + ".example.com",
                jurisdiction,
                status);
        if (provisioned) {
            String database = createDatabase("tenant_" + id + "_shared");
            String secretId = "helix/" + jurisdiction + "/tenant/" + id;
            update(
                    "insert into tenant_databases (tenant_id, host, port, database_name, secret_id) values (?, ?, ?, ?, ?)",
                    id,
                    server.host(),
                    server.port(),
                    database,
                    secretId);
            secrets.put(secretId, secret(database));
        }
        return this;
    }

    /** A tenant product row; with {@code provisioned}, its empty database, registry row and secret too. */
    public FleetBuilder product(
            String id, String tenantId, String productType, String jurisdiction, String status, boolean provisioned) {
        update(
                "insert into tenant_products (id, tenant_id, product_type, s3_bucket_path, status) values (?, ?, ?, ?, ?)",
                id,
                tenantId,
                productType,
                "helix-" + jurisdiction + "/" + tenantId + "/" + productType,
                status);
        if (provisioned) {
            String database = createDatabase("tenant_" + tenantId + "_" + productType);
            String secretId = "helix/" + jurisdiction + "/product/" + id;
            update(
                    "insert into product_databases (tenant_product_id, host, port, database_name, secret_id) values (?, ?, ?, ?, ?)",
                    id,
                    server.host(),
                    server.port(),
                    database,
                    secretId);
            secrets.put(secretId, secret(database));
        }
        return this;
    }

    /** The database name a tenant's shared database gets. */
    public String tenantDatabase(String tenantId) {
        return name("tenant_" + tenantId + "_shared");
    }

    public String productDatabase(String tenantId, String productType) {
        return name("tenant_" + tenantId + "_" + productType);
    }

    public String centralDatabase() {
        return centralDatabase;
    }

    /** Secret id to RDS secret JSON, as Secrets Manager would hold them. */
    public Map<String, Map<String, Object>> secrets() {
        return secrets;
    }

    /** Writes the secrets as a {@code SECRETS_FILE}, readable by its owner only. */
    public Path writeSecretsFile(Path file) {
        try {
            ObjectNode root = Json.MAPPER.valueToTree(secrets);
            Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs SQL as the admin role in one database of this fleet (the tests break databases this way). */
    public void execute(String database, String sql) {
        try (Connection connection = server.admin(database);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("could not run SQL in " + database + ": " + e.getMessage(), e);
        }
    }

    /** Drops every database this builder created. */
    public void dropAll() {
        for (String database : databases.reversed()) {
            try (Connection connection = server.admin("postgres");
                    Statement statement = connection.createStatement()) {
                statement.execute("drop database if exists \"" + database + "\" with (force)");
            } catch (SQLException e) {
                throw new IllegalStateException("could not drop " + database + ": " + e.getMessage(), e);
            }
        }
        databases.clear();
    }

    private String name(String database) {
        return (prefix + database).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }

    private String createDatabase(String database) {
        String name = name(database);
        try (Connection connection = server.admin("postgres");
                Statement statement = connection.createStatement()) {
            statement.execute("create database \"" + name + "\" owner \"" + server.appUser() + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name + ": " + e.getMessage(), e);
        }
        databases.add(name);
        return name;
    }

    private Map<String, Object> secret(String database) {
        Map<String, Object> secret = new LinkedHashMap<>();
        secret.put("engine", "postgres");
        secret.put("host", server.host());
        secret.put("port", server.port());
        secret.put("dbname", database);
        secret.put("username", server.appUser());
        secret.put("password", server.appPassword());
        return secret;
    }

    private void update(String sql, Object... params) {
        if (centralDatabase == null) {
            throw new IllegalStateException("create and migrate the central database first");
        }
        try (Connection connection = server.admin(centralDatabase);
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not write the registry: " + e.getMessage(), e);
        }
    }
}
