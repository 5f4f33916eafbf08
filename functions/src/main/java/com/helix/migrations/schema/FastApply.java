package com.helix.migrations.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.CoreMigrationType;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.internal.util.AbbreviationUtils;

/**
 * Applies a run of pending versioned SQL migrations with fewer round trips than Flyway, writing exactly the
 * history rows Flyway writes; Flyway stays the authority for everything else. Flyway has scanned, ordered,
 * checksummed and validated the set, and created the history table; here, under Flyway's own session lock
 * (taken once for the database) and with the search path Flyway sets, each migration is two round trips:
 * {@code BEGIN} and its statements (parsed once per container, {@link MigrationSet.Script#statements}), then
 * its history row and {@code COMMIT}. A migration that fails is rolled back and left, with everything after
 * it, to Flyway, which runs it again and reports its failure in its own words; so does a migration outside
 * the envelope (not transactional, a callback, a {@code .sql.conf}, …), and every migration of a tier whose
 * settings this does not reproduce ({@link #stepAside}).
 */
final class FastApply {
    /** The schema and table Flyway's history is in: the only ones written here (no name from a file in SQL). */
    static final String HISTORY_SCHEMA = "public";

    static final String HISTORY_TABLE = "flyway_schema_history";

    /** A repeatable prefix no file name starts with: Flyway applying versioned migrations alone. */
    static final String NO_REPEATABLES = "\u0000";

    /**
     * Flyway's advisory lock on PostgreSQL: a constant ("Flyway") plus the hash of the quoted history table's
     * name, as {@code PostgreSQLAdvisoryLockTemplate} takes it, so that a Flyway run elsewhere waits for this.
     */
    static final long FLYWAY_LOCK_KEY = (0x46L << 40)
            + (0x6CL << 32)
            + (0x79L << 24)
            + (0x77 << 16)
            + (0x61 << 8)
            + 0x79
            + ("\"" + HISTORY_SCHEMA + "\".\"" + HISTORY_TABLE + "\"").hashCode();

    private static final String INSERT = "insert into \"" + HISTORY_SCHEMA + "\".\"" + HISTORY_TABLE
            + "\" (installed_rank, version, description, type, script, checksum, installed_by, execution_time,"
            + " success) values (?, ?, ?, ?, ?, ?, ?, ?, true); commit";

    private FastApply() {}

    /**
     * Why Flyway must apply this tier's migrations itself: a setting whose effect this does not reproduce.
     *
     * @return null when the fast path may apply them
     */
    static String stepAside(MigrationSet set) {
        Configuration configuration = set.base();
        String history = configuration.getDefaultSchema() != null
                ? configuration.getDefaultSchema()
                : configuration.getSchemas()[0];
        if (!HISTORY_SCHEMA.equals(history) || !HISTORY_TABLE.equals(configuration.getTable())) {
            return "the history table is not public.flyway_schema_history";
        }
        if (configuration.isGroup()) {
            return "group applies pending migrations in one transaction";
        }
        if (configuration.isOutOfOrder()) {
            return "outOfOrder";
        }
        if (!configuration.isExecuteInTransaction()) {
            return "executeInTransaction is false";
        }
        if (configuration.isValidateMigrationNaming()) {
            return "validateMigrationNaming";
        }
        if (configuration.getInitSql() != null) {
            return "initSql runs on Flyway's connections";
        }
        if (set.callbacks() || configuration.getCallbacks().length > 0) {
            return "callbacks run around each migration";
        }
        return null;
    }

    /**
     * What the fast path did on one database.
     *
     * @param applied the migrations it applied, in order
     * @param failed  whether it stopped at a migration that failed (rolled back, left to Flyway)
     */
    record Applied(List<MigrationInfo> applied, boolean failed) {}

    /**
     * Applies the leading run of {@code pending} that the fast path can run, stopping at the first it cannot or
     * that fails. {@code connection} holds this tool's migration lock; Flyway's is taken here, and released.
     *
     * @param pending     Flyway's pending migrations, in the order it would apply them
     * @param latestRank  the history's highest {@code installed_rank} when Flyway read it: if it has moved since,
     *                    another tool wrote it, and nothing is applied here
     * @param installedBy Flyway's {@code installedBy} setting; null: the connection's user, as Flyway records it
     */
    static Applied apply(
            Connection connection,
            MigrationSet set,
            List<MigrationInfo> pending,
            int latestRank,
            String installedBy,
            Duration lockWait)
            throws SQLException {
        List<MigrationInfo> run = new ArrayList<>();
        for (MigrationInfo migration : pending) {
            MigrationSet.Script script = set.scripts().get(migration.getScript());
            if (migration.getType() != CoreMigrationType.SQL
                    || migration.getVersion() == null
                    || script == null
                    || script.statements() == null) {
                break;
            }
            run.add(migration);
        }
        List<MigrationInfo> applied = new ArrayList<>();
        if (run.isEmpty()) {
            return new Applied(applied, false);
        }
        MigrationSession.takeLock(connection, FLYWAY_LOCK_KEY, lockWait);
        try {
            useDefaultSchema(connection);
            String user;
            int rank;
            try (Statement statement = connection.createStatement();
                    ResultSet rs =
                            statement.executeQuery("select current_user, coalesce(max(installed_rank), 0) from \""
                                    + HISTORY_SCHEMA + "\".\"" + HISTORY_TABLE + "\"")) {
                rs.next();
                user = installedBy != null ? installedBy : rs.getString(1);
                rank = rs.getInt(2);
            }
            if (rank != latestRank) {
                return new Applied(applied, false);
            }
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement();
                    PreparedStatement history = connection.prepareStatement(INSERT)) {
                for (MigrationInfo migration : run) {
                    long started = System.nanoTime();
                    try {
                        // A newline before each semicolon ends a trailing line comment; none after it, so each
                        // statement reaches the server (and pg_stat_activity) as Flyway would send it.
                        statement.execute(String.join(
                                "\n;", set.scripts().get(migration.getScript()).statements()));
                        int millis = (int) ((System.nanoTime() - started) / 1_000_000);
                        history.setInt(1, ++rank);
                        history.setString(2, migration.getVersion().toString());
                        history.setString(3, AbbreviationUtils.abbreviateDescription(migration.getDescription()));
                        history.setString(4, migration.getType().name());
                        history.setString(5, AbbreviationUtils.abbreviateScript(migration.getScript()));
                        history.setObject(6, migration.getChecksum(), Types.INTEGER);
                        history.setString(7, user);
                        history.setInt(8, millis);
                        history.execute();
                    } catch (SQLException e) {
                        connection.rollback();
                        return new Applied(applied, true);
                    }
                    applied.add(migration);
                }
            } finally {
                connection.setAutoCommit(true);
            }
        } finally {
            try (PreparedStatement unlock = connection.prepareStatement("select pg_advisory_unlock(?)")) {
                unlock.setLong(1, FLYWAY_LOCK_KEY);
                unlock.execute();
            }
        }
        return new Applied(applied, false);
    }

    /**
     * The search path Flyway sets before it migrates: the history's schema first, then what the session had,
     * unless it is first already.
     */
    private static void useDefaultSchema(Connection connection) throws SQLException {
        String searchPath;
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("show search_path")) {
            rs.next();
            searchPath = rs.getString(1);
        }
        if (searchPath.equals(HISTORY_SCHEMA) || searchPath.startsWith(HISTORY_SCHEMA + ",")) {
            return;
        }
        String quoted = "\"" + HISTORY_SCHEMA + "\"";
        try (PreparedStatement statement = connection.prepareStatement("select set_config('search_path', ?, false)")) {
            statement.setString(1, searchPath.isBlank() ? quoted : quoted + "," + searchPath);
            statement.execute();
        }
    }
}
