package com.helix.migrations.schema;

import com.helix.migrations.db.SqlFailures;
import com.helix.migrations.exceptions.BaselineRefusedException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.Function;
import javax.sql.DataSource;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema a tier's migrations produce at a version, built where it is compared: in a database of
 * its own on the target's server (so the same PostgreSQL version and extensions), created, migrated,
 * read and dropped again. Needs the {@code CREATEDB} privilege.
 */
final class ScratchReference {
    private static final Logger LOG = LoggerFactory.getLogger(ScratchReference.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private ScratchReference() {}

    /**
     * @param server  writable connections to a database on the server (the target's), to create and drop the scratch one
     * @param connect connections to a database of that name on the same server, with the same credentials
     * @param name    the target database's name, for messages
     */
    static SchemaFingerprint build(
            DataSource server,
            Function<String, DataSource> connect,
            MigrationSet set,
            MigrationVersion version,
            String name) {
        // Named here, never from input: it is the only name that becomes SQL text.
        String scratch = "helix_reference_" + HexFormat.of().formatHex(RANDOM.generateSeed(6));
        execute(server, "create database " + scratch, name);
        try {
            DataSource reference = connect.apply(scratch);
            // As a target is migrated: the same session (a psql-style BEGIN … COMMIT stays one transaction).
            set.configure(new MigrationSession(reference, Duration.ZERO), version, Duration.ZERO)
                    .load()
                    .migrate();
            try (Connection connection = reference.getConnection()) {
                return SchemaMigrator.fingerprint(connection, set);
            }
        } catch (FlywayException | SQLException e) {
            throw new BaselineRefusedException(name + ": the migrations could not build the reference schema at "
                    + version.getVersion() + " (" + SqlFailures.firstLine(e) + ")");
        } finally {
            drop(server, scratch);
        }
    }

    private static void execute(DataSource server, String sql, String name) {
        try (Connection connection = server.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            if (INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                throw new BaselineRefusedException(name + ": cannot create a scratch database to build the reference"
                        + " schema (the user lacks CREATEDB): grant it, or name a reference database (referenceId)");
            }
            throw new BaselineRefusedException(name + ": cannot create a scratch database to build the reference"
                    + " schema (" + SqlFailures.firstLine(e) + ")");
        }
    }

    private static void drop(DataSource server, String scratch) {
        try (Connection connection = server.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("drop database if exists " + scratch);
        } catch (SQLException e) {
            LOG.warn("Could not drop the scratch database {}: {}", scratch, SqlFailures.firstLine(e));
        }
    }
}
