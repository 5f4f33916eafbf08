package com.helix.migrations.guarantees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.helix.migrations.config.DatabaseSettings;
import com.helix.migrations.config.MigrationsConfig;
import com.helix.migrations.core.Action;
import com.helix.migrations.core.MigrationRequest;
import com.helix.migrations.core.Platform;
import com.helix.migrations.credentials.DatabaseCredentials;
import com.helix.migrations.db.DataSources;
import com.helix.migrations.exceptions.DatabaseTlsException;
import com.helix.migrations.support.EmbeddedServer;
import com.helix.migrations.support.TestFleet;
import com.helix.migrations.target.DatabaseLocation;
import com.helix.migrations.target.Tier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Needs: the embedded PostgreSQL (switched to TLS for this class with a certificate for
 * {@code localhost} from a throwaway authority made by keytool) and the Secrets Manager fake.
 * {@code require} encrypts; {@code verify-full} also checks the authority and the host name, trusting
 * the RDS bundle in the jar unless {@code DB_SSL_ROOT_CERT} names another; a failed check is a
 * non-retryable {@link DatabaseTlsException} and nothing is changed.
 */
class TlsIntegrationTest {
    private static Path dir;
    private static Path authority;
    private static TestFleet fleet;

    @BeforeAll
    static void serveTls() throws Exception {
        dir = Files.createTempDirectory("helix-tls-");
        authority = dir.resolve("ca.crt");
        Path certificate = dir.resolve("server.crt");
        Path key = dir.resolve("server.key");
        keytool(
                "-genkeypair",
                "-alias",
                "ca",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=helix test authority",
                "-ext",
                "bc:c",
                "-validity",
                "2",
                "-keystore",
                "ca.p12",
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit");
        keytool(
                "-exportcert",
                "-alias",
                "ca",
                "-rfc",
                "-keystore",
                "ca.p12",
                "-storepass",
                "changeit",
                "-file",
                authority.toString());
        keytool(
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-validity",
                "2",
                "-keystore",
                "server.p12",
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit");
        keytool(
                "-certreq",
                "-alias",
                "server",
                "-keystore",
                "server.p12",
                "-storepass",
                "changeit",
                "-file",
                "server.csr");
        keytool(
                "-gencert",
                "-alias",
                "ca",
                "-keystore",
                "ca.p12",
                "-storepass",
                "changeit",
                "-infile",
                "server.csr",
                "-outfile",
                certificate.toString(),
                "-rfc",
                "-validity",
                "2",
                "-ext",
                "SAN=dns:localhost");
        KeyStore server = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
            server.load(in, "changeit".toCharArray());
        }
        byte[] pkcs8 = server.getKey("server", "changeit".toCharArray()).getEncoded();
        Files.writeString(
                key,
                "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(pkcs8) + "\n-----END PRIVATE KEY-----\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));

        adminOnPostgres(
                "alter system set ssl_cert_file = '" + certificate + "'",
                "alter system set ssl_key_file = '" + key + "'",
                "alter system set ssl = on",
                "select pg_reload_conf()");
        awaitSsl("on");

        fleet = TestFleet.empty("tls_");
        fleet.builder
                .tenant("named-uk", "Named Ltd", "uk", "active", true)
                .tenant("numeric-eu", "Numeric GmbH", "eu", "active", true);
        // The certificate names localhost: central and named-uk are reached by that name, numeric-eu by its address.
        fleet.serveSecretsWithCentralAt("localhost", fleet.server.port());
        fleet.builder.execute(
                fleet.builder.centralDatabase(),
                "update tenant_databases set host = 'localhost' where tenant_id = 'named-uk'");
    }

    @AfterAll
    static void stopTls() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
        adminOnPostgres(
                "alter system reset ssl",
                "alter system reset ssl_cert_file",
                "alter system reset ssl_key_file",
                "select pg_reload_conf()");
        awaitSsl("off");
    }

    @Test
    void require_encryptsTheSession_withoutCheckingTheCertificate() throws Exception {
        assertThat(sessionUsesTls("127.0.0.1", settings("require", null))).isTrue();
        assertThat(sessionUsesTls("127.0.0.1", settings("disable", null)))
                .as("the server still takes plain sessions")
                .isFalse();
    }

    @Test
    void verifyFull_withTheAuthorityAndTheNamedHost_migratesOverTls() throws Exception {
        assertThat(sessionUsesTls("localhost", settings("verify-full", authority)))
                .isTrue();
        Platform migrator = migrator(Map.of("DB_SSL_MODE", "verify-full", "DB_SSL_ROOT_CERT", authority.toString()));

        assertThat(TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, "named-uk", Action.MIGRATE, null))
                        .toVersion())
                .isEqualTo("5");
    }

    @Test
    void verifyFull_toAHostTheCertificateDoesNotName_isRefused_notRetried_andChangesNothing() {
        Platform migrator = migrator(Map.of("DB_SSL_MODE", "verify-full", "DB_SSL_ROOT_CERT", authority.toString()));

        assertThatThrownBy(() ->
                        TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, "numeric-eu", Action.MIGRATE, null)))
                .isExactlyInstanceOf(DatabaseTlsException.class)
                .hasMessageStartingWith("Database TLS check failed: " + fleet.builder.tenantDatabase("numeric-eu"))
                .hasMessageContaining("127.0.0.1")
                .satisfies(
                        e -> assertThat(((DatabaseTlsException) e).retryable()).isFalse());
        assertThat(fleet.appliedVersions(fleet.builder.tenantDatabase("numeric-eu")))
                .isEmpty();

        Platform verifyCa = migrator(Map.of("DB_SSL_MODE", "verify-ca", "DB_SSL_ROOT_CERT", authority.toString()));
        assertThat(TestFleet.run(verifyCa, new MigrationRequest(Tier.TENANT, "numeric-eu", Action.STATUS, null))
                        .pending())
                .as("verify-ca skips the name")
                .hasSize(5);
    }

    @Test
    void verifyFull_trustsOnlyTheRdsAuthoritiesByDefault() {
        Platform migrator = migrator(Map.of("DB_SSL_MODE", "verify-full"));

        // The first database it meets is central's: refused, since no RDS authority signed this server.
        assertThatThrownBy(() ->
                        TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, "named-uk", Action.STATUS, null)))
                .isExactlyInstanceOf(DatabaseTlsException.class)
                .hasMessageStartingWith("Database TLS check failed: central database")
                .hasMessageContaining("PKIX path building failed");
    }

    private static Platform migrator(Map<String, String> tls) {
        Map<String, String> env = fleet.environment();
        env.putAll(tls);
        return Platform.fromConfig(MigrationsConfig.fromEnvironment(env));
    }

    private static DatabaseSettings settings(String sslMode, Path rootCert) {
        DatabaseSettings defaults = DatabaseSettings.DEFAULTS;
        return new DatabaseSettings(
                defaults.connectTimeout(),
                defaults.lockTimeout(),
                defaults.statementTimeout(),
                sslMode,
                rootCert,
                defaults.fastApply());
    }

    /** Whether a session made by {@link DataSources} to the central database is encrypted, as the server sees it. */
    private static boolean sessionUsesTls(String host, DatabaseSettings settings) throws Exception {
        var location = new DatabaseLocation(host, fleet.server.port(), fleet.builder.centralDatabase(), "unused");
        var credentials =
                new DatabaseCredentials(EmbeddedServer.APP_USER, EmbeddedServer.APP_PASSWORD, null, null, null);
        try (Connection connection =
                        DataSources.postgres(location, credentials, settings).getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("select ssl from pg_stat_ssl where pid = pg_backend_pid()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }

    private static void adminOnPostgres(String... statements) throws Exception {
        try (Connection connection = EmbeddedServer.get().admin("postgres");
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static void awaitSsl(String expected) throws Exception {
        for (int i = 0; i < 100; i++) {
            try (Connection connection = EmbeddedServer.get().admin("postgres");
                    Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery("show ssl")) {
                rs.next();
                if (rs.getString(1).equals(expected)) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the server's ssl setting did not become " + expected);
    }
}
