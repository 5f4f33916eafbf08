package com.helix.migrations.schema;

import com.helix.migrations.db.DelegatingDataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Connections for the actions that change a database (migrate, repair). Two things Flyway does not do:
 * <ul>
 *   <li>Each connection first takes this tool's migration lock, a session-level advisory lock waited
 *   for at most {@code lock_timeout}: a second run on the same database waits there and, when the
 *   first takes longer, fails as {@link MigrationLockTaken} (SQLSTATE 55P03, retryable), instead of
 *   polling Flyway's own lock for up to a minute. It is asked for again and again
 *   ({@code pg_try_advisory_lock}), never waited for inside a statement: a session waiting inside a
 *   statement holds a snapshot, which a {@code CREATE INDEX CONCURRENTLY} of the run holding the lock
 *   waits for in turn, a deadlock the server breaks by failing one of them, perhaps the index.</li>
 *   <li>In a transaction Flyway opened for a migration, the migration's own top-level {@code BEGIN} and
 *   {@code COMMIT} are not sent: the migration stays one transaction. ({@link MigrationSet} refuses
 *   beforehand a {@code COMMIT} or {@code ROLLBACK} that has no {@code BEGIN} to pair with.)</li>
 * </ul>
 */
final class MigrationSession extends DelegatingDataSource {
    /** This tool's advisory lock key ("helixmig"); advisory locks are per database. */
    static final long LOCK_KEY = 0x68656c69786d6967L;

    /** How often a run waiting for the migration lock asks for it again. */
    private static final long ASK_EVERY_MILLIS = 200;

    private final Duration lockWait;

    /** @param lockWait how long to wait for another run's migration lock ({@code lock_timeout}; zero: for ever) */
    MigrationSession(DataSource delegate, Duration lockWait) {
        super(delegate);
        this.lockWait = lockWait;
    }

    /** Another run holds this tool's migration lock on the database, longer than {@code lock_timeout}. */
    static final class MigrationLockTaken extends SQLException {
        MigrationLockTaken() {
            super("another run is migrating it (its migration lock stayed taken)", "55P03");
        }
    }

    /**
     * The migration lock held for a whole action (several Flyway calls and the fast path's) on one connection, until
     * closed; meanwhile every connection this session hands out is that one (closing it there does nothing), so an
     * action holds one connection and opens no other.
     */
    final class Held implements AutoCloseable {
        private final Connection connection;

        private Held(Connection connection) {
            this.connection = connection;
        }

        /** The connection holding the lock. */
        Connection connection() {
            return guarded(connection, true);
        }

        @Override
        public void close() throws SQLException {
            held = null;
            connection.close();
        }
    }

    private volatile Held held;

    /** Takes the migration lock for a whole action: see {@link Held}. */
    Held hold() throws SQLException {
        held = new Held(locked());
        return held;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Held holding = held;
        return holding != null ? holding.connection() : guarded(locked(), false);
    }

    /** A new connection holding this tool's migration lock. */
    private Connection locked() throws SQLException {
        Connection connection = delegate.getConnection();
        try {
            takeLock(connection, LOCK_KEY, lockWait);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    /** @param borrowed whether closing it leaves it open (it is the held one) */
    private static Connection guarded(Connection connection, boolean borrowed) {
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                new Guarded(connection, connection, borrowed));
    }

    /**
     * Takes a session-level advisory lock, asking again every {@value #ASK_EVERY_MILLIS} ms for at most {@code
     * wait} (zero: for ever).
     *
     * @throws MigrationLockTaken when it stayed taken
     */
    static void takeLock(Connection connection, long key, Duration wait) throws SQLException {
        long deadline = System.nanoTime() + wait.toNanos();
        try (PreparedStatement lock = connection.prepareStatement("select pg_try_advisory_lock(?)")) {
            lock.setLong(1, key);
            while (true) {
                try (ResultSet taken = lock.executeQuery()) {
                    if (taken.next() && taken.getBoolean(1)) {
                        return;
                    }
                }
                if (!wait.isZero() && System.nanoTime() >= deadline) {
                    throw new MigrationLockTaken();
                }
                try {
                    Thread.sleep(ASK_EVERY_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new MigrationLockTaken();
                }
            }
        }
    }

    /** What a statement method returns when it ran nothing: no result set, no rows. */
    private static Object nothingDone(Class<?> returnType) {
        if (returnType == boolean.class) {
            return false;
        }
        if (returnType == int.class) {
            return 0;
        }
        return returnType == long.class ? (Object) 0L : null;
    }

    /** The connection, and the plain statements it makes, with transaction control held back inside a transaction. */
    private record Guarded(Object target, Connection connection, boolean borrowed) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (borrowed && target instanceof Connection && method.getName().equals("close")) {
                return null;
            }
            if (target instanceof Statement
                    && args != null
                    && args.length >= 1
                    && args[0] instanceof String sql
                    && method.getName().startsWith("execute")
                    && !connection.getAutoCommit()) {
                TransactionControl control = TransactionControl.of(sql);
                if (control == TransactionControl.ROLLBACK) {
                    throw new SQLException(TransactionControl.keyword(sql)
                            + " would end the migration's transaction early:" + " a migration runs in one transaction");
                }
                if (control != null) {
                    return nothingDone(method.getReturnType());
                }
            }
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (target instanceof Connection
                    && result instanceof Statement statement
                    && !(result instanceof PreparedStatement)) {
                return Proxy.newProxyInstance(
                        Statement.class.getClassLoader(),
                        new Class<?>[] {Statement.class},
                        new Guarded(statement, connection, false));
            }
            return result;
        }
    }
}
