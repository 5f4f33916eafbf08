package com.helix.migrations.support;

import com.helix.migrations.demo.DatabaseServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One real PostgreSQL per test JVM, from Maven Central. The application role logs in with a
 * password (scram-sha-256), so a wrong or leaked password behaves as it would on RDS.
 */
public final class EmbeddedServer {
    /** Distinctive, so that a test can search every output for it. */
    public static final String APP_PASSWORD = "pw-Zq8!kV3#tenant-SECRET-7731";
    public static final String APP_USER = "helix_app";

    private static DatabaseServer server;
    private static EmbeddedPostgres postgres;

    private EmbeddedServer() {
    }

    public static synchronized DatabaseServer get() {
        if (server == null) {
            try {
                postgres = EmbeddedPostgres.builder()
                        .setServerConfig("max_connections", "300")
                        .setDataDirectoryCustomizer(dir -> {
                            try {
                                Files.writeString(dir.toPath().resolve("pg_hba.conf"), """
                                        local all all trust
                                        host all postgres 127.0.0.1/32 trust
                                        host all postgres ::1/128 trust
                                        host all all 127.0.0.1/32 scram-sha-256
                                        host all all ::1/128 scram-sha-256
                                        """);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        })
                        .start();
                try (Connection connection = postgres.getPostgresDatabase().getConnection();
                     Statement statement = connection.createStatement()) {
                    statement.execute("set password_encryption = 'scram-sha-256'");
                    statement.execute("create role " + APP_USER + " login createdb password '" + APP_PASSWORD + "'");
                }
            } catch (IOException | SQLException e) {
                throw new IllegalStateException("could not start embedded PostgreSQL", e);
            }
            server = new DatabaseServer("localhost", postgres.getPort(), "postgres", null, APP_USER, APP_PASSWORD);
        }
        return server;
    }
}
