package com.helix.migrations.fleet;

import com.helix.migrations.db.OpenConnections;
import java.time.Duration;

/**
 * Stopping a fan-out from another thread (the CLI's first Ctrl-C or SIGTERM). From the moment it is
 * requested no database is started; the statements running are cancelled, again and again while a
 * database's work goes on (a cancel reaches only the statement running at that moment), so that a
 * transactional migration in progress rolls back and its locks are released; after the grace period
 * whatever is still open is closed. The databases stopped this way are reported as interrupted.
 *
 * <p>A drain ({@code helix-migrations stop RUN}) is gentler: no database is started, and those running finish.
 */
public final class Stop {
    /** How long the databases in progress are given to roll back and close before their connections are. */
    public static final Duration GRACE = Duration.ofSeconds(15);

    private static final long CANCEL_EVERY_MILLIS = 100;

    private final OpenConnections connections;
    private volatile String reason;
    private volatile boolean cancelling;

    public Stop(OpenConnections connections) {
        this.connections = connections;
    }

    /**
     * Stops the run, returning once no connection is open (or the grace period is over and they are closed).
     *
     * @param why what stopped it, for the outcomes: {@code SIGINT}
     */
    public void request(String why) {
        if (reason == null) {
            reason = why;
        }
        cancelling = true;
        connections.refuseNew();
        long deadline = System.nanoTime() + GRACE.toNanos();
        while (connections.anyOpen() && System.nanoTime() < deadline) {
            connections.cancelRunning();
            try {
                Thread.sleep(CANCEL_EVERY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        connections.closeAll();
    }

    /**
     * Starts no further database; those running finish.
     *
     * @param why what stopped it, for the report
     */
    public void drain(String why) {
        if (reason == null) {
            reason = why;
        }
    }

    /** Whether the databases in progress are being cancelled (not left to finish). */
    public boolean cancelling() {
        return cancelling;
    }

    public boolean requested() {
        return reason != null;
    }

    /** What stopped the run ({@code SIGINT}); null while it runs on. */
    public String reason() {
        return reason;
    }
}
