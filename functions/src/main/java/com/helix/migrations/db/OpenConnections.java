package com.helix.migrations.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * The connections open to the databases being worked on, built once per process. A run that is
 * stopped cancels what they are running, so that the server rolls back a transactional migration
 * and the run's locks are released at once rather than at {@code statement_timeout}; then closes them.
 * Each connection also asks its server to check, while a statement runs, that the client is still
 * there ({@code client_connection_check_interval}, PostgreSQL 14 and later): a process killed outright
 * (a Lambda timeout, {@code kill -9}) leaves no statement running for long either.
 */
public final class OpenConnections {
    /** How often the server checks that the client is still there while a statement runs. */
    static final String CLIENT_CHECK_INTERVAL = "1s";

    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean refusing;

    /** The data source, each connection it opens tracked here until it is closed. */
    public DataSource track(DataSource dataSource) {
        return new Tracked(dataSource);
    }

    /** From now on no connection is opened: one asked for fails, so nothing new starts while a run stops. */
    public void refuseNew() {
        refusing = true;
    }

    /**
     * Sends PostgreSQL's cancel request for the statement each open connection is running. A
     * connection between statements is not affected: call again until {@link #anyOpen()} is false.
     */
    public void cancelRunning() {
        open.removeIf(OpenConnections::closed);
        for (Connection connection : List.copyOf(open)) {
            try {
                connection.unwrap(PGConnection.class).cancelQuery();
            } catch (SQLException e) {
                // The connection is going away by itself: nothing to cancel.
            }
        }
    }

    /** Whether any tracked connection is still open. */
    public boolean anyOpen() {
        open.removeIf(OpenConnections::closed);
        return !open.isEmpty();
    }

    /** Closes every open connection at once; the server rolls back what each had not committed. */
    public void closeAll() {
        for (Connection connection : List.copyOf(open)) {
            try {
                connection.abort(Runnable::run);
            } catch (SQLException e) {
                // Already closed.
            }
            open.remove(connection);
        }
    }

    private static boolean closed(Connection connection) {
        try {
            return connection.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    private final class Tracked extends DelegatingDataSource {
        Tracked(DataSource delegate) {
            super(delegate);
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (refusing) {
                throw new SQLException("the run is stopping: no new connection is opened", "57014");
            }
            Connection connection = delegate.getConnection();
            try (PreparedStatement check = connection.prepareStatement(
                    "select set_config(name, ?, false) from pg_settings where name = 'client_connection_check_interval'")) {
                check.setString(1, CLIENT_CHECK_INTERVAL);
                check.execute();
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
            open.removeIf(OpenConnections::closed);
            open.add(connection);
            if (refusing) {
                // Stopping began while this one was being opened.
                open.remove(connection);
                connection.close();
                throw new SQLException("the run is stopping: no new connection is opened", "57014");
            }
            return connection;
        }
    }
}
