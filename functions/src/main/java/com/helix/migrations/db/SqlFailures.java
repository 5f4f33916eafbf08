package com.helix.migrations.db;

import com.helix.migrations.exceptions.DatabaseAuthenticationException;
import com.helix.migrations.exceptions.DatabaseBusyException;
import com.helix.migrations.exceptions.DatabaseTlsException;
import com.helix.migrations.exceptions.DatabaseUnavailableException;
import com.helix.migrations.exceptions.MigrationsException;
import java.sql.SQLException;
import java.util.Set;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Turns a PostgreSQL error into the exception that says what happened and whether a retry can help,
 * by SQLSTATE rather than by message text; and says what the server said without any row value in it,
 * so that customer data stays in its database's jurisdiction.
 */
public final class SqlFailures {
    /** Lock timeout, deadlock, serialization failure, too many connections. */
    private static final Set<String> BUSY = Set.of("55P03", "40P01", "40001", "53300");
    /** Admin shutdown, crash shutdown, cannot connect now. */
    private static final Set<String> UNAVAILABLE = Set.of("57P01", "57P02", "57P03");

    private SqlFailures() {}

    /** The retryable or authentication failure this is, or null when it is an ordinary SQL error. */
    public static MigrationsException classify(String database, String detail, SQLException e) {
        String state = sqlState(e);
        if (state == null) {
            return null;
        }
        if (state.startsWith("08") && tlsRefused(e)) {
            return new DatabaseTlsException(database + " (" + firstLine(e) + ")", withoutValues(e));
        }
        if (state.startsWith("08") || UNAVAILABLE.contains(state)) {
            return new DatabaseUnavailableException(database + " (" + firstLine(e) + ")", withoutValues(e));
        }
        if (state.startsWith("28")) {
            return new DatabaseAuthenticationException(database + " (" + firstLine(e) + ")", withoutValues(e));
        }
        if (BUSY.contains(state)) {
            return new DatabaseBusyException(detail, withoutValues(e));
        }
        return null;
    }

    /**
     * The error as a cause that may be logged and kept: what {@link #firstLine} says and the SQLSTATE,
     * with the original's stack. The driver's own exception is dropped: what wraps it (Flyway's) repeats
     * its message, and a data exception's message holds the value that broke it.
     */
    public static SQLException withoutValues(SQLException e) {
        SQLException kept = new SQLException(firstLine(e), e.getSQLState());
        kept.setStackTrace(e.getStackTrace());
        return kept;
    }

    /** The driver gave up on TLS: a handshake failure, a host name the certificate does not name, or no TLS offered. */
    private static boolean tlsRefused(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                return true;
            }
        }
        String message = String.valueOf(e.getMessage());
        return message.contains("could not be verified by hostnameverifier")
                || message.contains("does not support SSL");
    }

    /** A failure while reading the central registry. */
    public static MigrationsException central(String doing, SQLException e) {
        MigrationsException classified = classify("central database", "central database: " + firstLine(e), e);
        if (classified != null) {
            return classified;
        }
        return new DatabaseUnavailableException("central database: could not " + doing + " (" + firstLine(e) + ")", e);
    }

    /** The first SQLSTATE along the cause chain. */
    public static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    /**
     * What the innermost SQL error says, in one line and without row values: for a server's error, its
     * severity and primary message only (never its DETAIL, WHERE or hint, which quote rows), with a data
     * exception's (SQLSTATE class 22) quoted value withheld; for anything else, its message's first line.
     */
    public static String firstLine(Throwable e) {
        Throwable deepest = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                deepest = t;
            }
        }
        if (deepest instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
            ServerErrorMessage server = psql.getServerErrorMessage();
            String message = String.valueOf(server.getMessage());
            int open = message.indexOf('"');
            int close = message.lastIndexOf('"');
            if (String.valueOf(server.getSQLState()).startsWith("22") && open < close) {
                // The value is quoted, and may hold quotes itself: withhold everything between the first and the last.
                message = message.substring(0, open) + "\"…\"" + message.substring(close + 1);
            }
            return server.getSeverity() + ": " + oneLine(message);
        }
        return oneLine(deepest.getMessage() == null ? deepest.getClass().getSimpleName() : deepest.getMessage());
    }

    private static String oneLine(String message) {
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).trim();
    }
}
