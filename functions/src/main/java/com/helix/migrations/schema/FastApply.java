package com.helix.migrations.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.flywaydb.core.api.CoreMigrationType;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.internal.util.AbbreviationUtils;

/**
 * Applies a run of pending versioned SQL migrations with fewer round trips than Flyway, writing exactly the
 * history rows Flyway writes; Flyway stays the authority for everything else. Flyway has scanned, ordered,
 * checksummed and validated the set; here, under Flyway's own session lock (taken once for the database) and
 * with the search path Flyway sets, each migration is one round trip: the previous migration's history row and
 * {@code COMMIT}, then its own {@code BEGIN} and statements (parsed once per container, {@link
 * MigrationSet.Script#statements}); the last row and {@code COMMIT} take one more. On a database with no history
 * yet, the first migration's transaction also creates Flyway's history table, with Flyway's own statements. A
 * migration that fails is rolled back and left, with everything after it, to Flyway, which runs it again and
 * reports its failure in its own words; so does a migration outside the envelope (not transactional, a callback,
 * a {@code .sql.conf}, …), and every migration of a tier whose settings this does not reproduce ({@link
 * #stepAside}).
 */
final class FastApply {
    /** The schema and table Flyway's history is in: the only ones written here (no name from a file in SQL). */
    static final String HISTORY_SCHEMA = "public";

    static final String HISTORY_TABLE = "flyway_schema_history";

    private static final String HISTORY = "\"" + HISTORY_SCHEMA + "\".\"" + HISTORY_TABLE + "\"";

    /** A repeatable prefix no file name starts with: Flyway applying versioned migrations alone. */
    static final String NO_REPEATABLES = "\u0000";

    /**
     * Flyway's advisory lock on PostgreSQL: a constant ("Flyway") plus the hash of the quoted history table's
     * name, as {@code PostgreSQLAdvisoryLockTemplate} takes it, so that a Flyway run elsewhere waits for this.
     */
    static final long FLYWAY_LOCK_KEY =
            (0x46L << 40) + (0x6CL << 32) + (0x79L << 24) + (0x77 << 16) + (0x61 << 8) + 0x79 + HISTORY.hashCode();

    /**
     * Flyway's history table on PostgreSQL, as its migrate creates it on a database that has none (exactly its
     * statements, with no tablespace), here in the first migration's transaction.
     */
    private static final String CREATE_HISTORY = "CREATE TABLE " + HISTORY + " (\n"
            + "    \"installed_rank\" INT NOT NULL,\n"
            + "    \"version\" VARCHAR(50),\n"
            + "    \"description\" VARCHAR(200) NOT NULL,\n"
            + "    \"type\" VARCHAR(20) NOT NULL,\n"
            + "    \"script\" VARCHAR(1000) NOT NULL,\n"
            + "    \"checksum\" INTEGER,\n"
            + "    \"installed_by\" VARCHAR(100) NOT NULL,\n"
            + "    \"installed_on\" TIMESTAMP NOT NULL DEFAULT now(),\n"
            + "    \"execution_time\" INTEGER NOT NULL,\n"
            + "    \"success\" BOOLEAN NOT NULL\n"
            + ")\n;"
            + "ALTER TABLE " + HISTORY + " ADD CONSTRAINT \"" + HISTORY_TABLE
            + "_pk\" PRIMARY KEY (\"installed_rank\")\n;"
            + "CREATE INDEX \"" + HISTORY_TABLE + "_s_idx\" ON " + HISTORY + " (\"success\")\n;";

    private static final String ROW = "insert into " + HISTORY
            + " (installed_rank, version, description, type, script, checksum, installed_by, execution_time,"
            + " success) values (?, ?, ?, ?, ?, ?, ?, ?, true)";

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
     * @param stopped whether what is left is Flyway's to finish: a migration failed (and was rolled back), or
     *                the history moved since Flyway read it
     */
    record Applied(List<MigrationInfo> applied, boolean stopped) {}

    /**
     * Applies the leading run of {@code pending} that the fast path can run, stopping at the first it cannot or
     * that fails. {@code connection} holds this tool's migration lock; Flyway's is taken here, and released.
     *
     * @param pending     Flyway's pending migrations, in the order it would apply them
     * @param latestRank  the history's highest {@code installed_rank} when Flyway read it: if it has moved since,
     *                    another tool wrote it, and nothing is applied here (stopped)
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
            Session session = session(connection, set.base());
            if (session == null) {
                // Flyway creates the history table with the first migration; the fast path goes on after it.
                return new Applied(applied, false);
            }
            if (session.rank() != latestRank) {
                return new Applied(applied, true);
            }
            String user = installedBy != null ? installedBy : session.user();
            int rank = session.rank();
            String create = session.historyExists() ? "" : CREATE_HISTORY;
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                // As Flyway sends a script's statements: no JDBC escape ({fn …}) rewritten.
                statement.setEscapeProcessing(false);
                // Before each migration, Flyway sets the search path again (unless it began with the history's
                // schema): a migration that changed it does not change where the next one works.
                String reset = session.searchPath() == null ? "" : "select set_config('search_path', ?, false);";
                Row row = null;
                for (MigrationInfo migration : run) {
                    // A newline before each semicolon ends a trailing line comment; none after it, so each
                    // statement reaches the server (and pg_stat_activity) as Flyway would send it.
                    String sql = create
                            + String.join(
                                    "\n;",
                                    set.scripts().get(migration.getScript()).statements());
                    create = "";
                    long started = System.nanoTime();
                    try {
                        if (row != null && pipelines(sql)) {
                            // The previous migration's row and COMMIT, then this one's BEGIN and statements.
                            try (PreparedStatement both =
                                    connection.prepareStatement(ROW + "; commit; begin;" + reset + sql)) {
                                row.bind(both);
                                if (!reset.isEmpty()) {
                                    both.setString(9, session.searchPath());
                                }
                                both.execute();
                            }
                            applied.add(row.migration());
                        } else {
                            if (row != null) {
                                write(connection, row);
                                applied.add(row.migration());
                                if (!reset.isEmpty()) {
                                    setSearchPath(connection, session.searchPath());
                                }
                                started = System.nanoTime();
                            }
                            statement.execute(sql);
                        }
                        row = new Row(++rank, migration, user, (int) ((System.nanoTime() - started) / 1_000_000));
                    } catch (SQLException e) {
                        return stopped(connection, applied, row);
                    }
                }
                try {
                    write(connection, row);
                } catch (SQLException e) {
                    return stopped(connection, applied, row);
                }
                applied.add(row.migration());
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
     * A migration applied in the open transaction, and the history row Flyway writes for it.
     *
     * @param rank   its {@code installed_rank}
     * @param user   its {@code installed_by}
     * @param millis its execution time (sent with the previous row, that row's write included: a millisecond or so)
     */
    private record Row(int rank, MigrationInfo migration, String user, int millis) {
        void bind(PreparedStatement insert) throws SQLException {
            insert.setInt(1, rank);
            insert.setString(2, migration.getVersion().toString());
            insert.setString(3, AbbreviationUtils.abbreviateDescription(migration.getDescription()));
            insert.setString(4, migration.getType().name());
            insert.setString(5, AbbreviationUtils.abbreviateScript(migration.getScript()));
            insert.setObject(6, migration.getChecksum(), Types.INTEGER);
            insert.setString(7, user);
            insert.setInt(8, millis);
        }
    }

    /** Writes the row and commits. */
    private static void write(Connection connection, Row row) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(ROW + "; commit")) {
            row.bind(insert);
            insert.execute();
        }
    }

    /**
     * Whether a migration's statements may follow the previous migration's row in one message: the row's values are
     * bound as parameters, so no {@code ?} may be taken for one (nor a JDBC escape, {@code {fn …}}, rewritten).
     */
    private static boolean pipelines(String sql) {
        return sql.indexOf('?') < 0 && sql.indexOf('{') < 0;
    }

    /**
     * After a failure: rolls back, and reads whether the previous migration's row was committed before it (when it
     * was sent with the failed statements).
     */
    private static Applied stopped(Connection connection, List<MigrationInfo> applied, Row row) throws SQLException {
        connection.rollback();
        if (row != null && !applied.contains(row.migration()) && committed(connection, row.rank())) {
            applied.add(row.migration());
        }
        return new Applied(applied, true);
    }

    /** Whether the history has a row of this rank (the table itself may have been rolled back with it). */
    private static boolean committed(Connection connection, int rank) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet exists = statement.executeQuery("select to_regclass('" + HISTORY + "') is not null")) {
            exists.next();
            if (!exists.getBoolean(1)) {
                return false;
            }
        }
        try (PreparedStatement committed =
                connection.prepareStatement("select count(*) from " + HISTORY + " where installed_rank = ?")) {
            committed.setInt(1, rank);
            try (ResultSet rs = committed.executeQuery()) {
                return rs.next() && rs.getInt(1) == 1;
            }
        }
    }

    /**
     * The session as Flyway's migrate would leave it before its first migration, under its lock.
     *
     * @param user          who Flyway records as having installed a migration when no one is configured
     * @param historyExists whether the history table exists; when it does not, it is created with the first
     *                      migration, as Flyway creates it
     * @param rank          the history's highest {@code installed_rank} (0: none)
     * @param searchPath    the search path Flyway sets before each migration, or null when the session's began
     *                      with the history's schema (Flyway then leaves it as it is)
     */
    private record Session(String user, boolean historyExists, int rank, String searchPath) {}

    private static void setSearchPath(Connection connection, String searchPath) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("select set_config('search_path', ?, false)")) {
            statement.setString(1, searchPath);
            statement.execute();
        }
    }

    /**
     * Reads who is connected, whether the history exists and its highest rank, and sets the search path Flyway
     * sets before it migrates: the history's schema first, then what the session had, unless it is first
     * already.
     *
     * @return null when there is no history table and Flyway would not create it as {@link #CREATE_HISTORY}
     *     does (other schemas, which it may create and record, or a tablespace)
     */
    private static Session session(Connection connection, Configuration configuration) throws SQLException {
        String searchPath;
        String user;
        boolean exists;
        try (Statement statement = connection.createStatement();
                ResultSet rs =
                        statement.executeQuery("select current_setting('search_path'), current_user, to_regclass('"
                                + HISTORY + "') is not null")) {
            rs.next();
            searchPath = rs.getString(1);
            user = rs.getString(2);
            exists = rs.getBoolean(3);
        }
        if (!exists
                && (configuration.getTablespace() != null
                        || !Arrays.equals(configuration.getSchemas(), new String[] {HISTORY_SCHEMA}))) {
            return null;
        }
        String quoted = "\"" + HISTORY_SCHEMA + "\"";
        boolean first = searchPath.equals(HISTORY_SCHEMA) || searchPath.startsWith(HISTORY_SCHEMA + ",");
        String flywaysPath = first ? null : searchPath.isBlank() ? quoted : quoted + "," + searchPath;
        String rank = exists ? "(select coalesce(max(installed_rank), 0) from " + HISTORY + ")" : "0";
        try (PreparedStatement statement = connection.prepareStatement(
                first ? "select " + rank : "select " + rank + ", set_config('search_path', ?, false)")) {
            if (!first) {
                statement.setString(1, flywaysPath);
            }
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return new Session(user, exists, rs.getInt(1), flywaysPath);
            }
        }
    }
}
