package com.helix.migrations.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How every migration session behaves, set on the connection itself.
 *
 * @param connectTimeout   how long to wait for a TCP connection and login. Default 10 s.
 * @param lockTimeout      how long one statement may wait for a lock before giving up
 *                         ({@code lock_timeout}). Default 10 s: an {@code ALTER TABLE} queued behind a
 *                         long transaction would otherwise block every query on that table while it
 *                         waits. A lock timeout is reported as retryable.
 * @param statementTimeout how long one statement may run ({@code statement_timeout}). Default 10 min,
 *                         under the Lambda limit of 15; zero disables it, which lets a runaway
 *                         backfill hold its locks until the function is killed.
 * @param sslMode          the PostgreSQL driver's TLS mode. Default {@code verify-full}: the
 *                         certificate must be signed by a trusted authority (the RDS roots unless
 *                         {@code sslRootCert} says otherwise) and name the host. Anything weaker
 *                         ({@code require}, {@code prefer}) sends the password to whichever server answers.
 * @param sslRootCert      the certificate authorities {@code verify-ca} and {@code verify-full} trust
 *                         (a PEM file). Null: the Amazon RDS bundle shipped in the jar.
 * @param fastApply        whether pending migrations within its envelope are applied by the fast path (fewer round
 *                         trips, the same history rows) rather than by Flyway; Flyway applies everything else.
 *                         Default true.
 */
public record DatabaseSettings(
        Duration connectTimeout,
        Duration lockTimeout,
        Duration statementTimeout,
        String sslMode,
        Path sslRootCert,
        boolean fastApply) {
    public static final DatabaseSettings DEFAULTS = new DatabaseSettings(
            Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofMinutes(10), "verify-full", null, true);

    /** The same settings with other lock and statement timeouts. */
    public DatabaseSettings withTimeouts(Duration lockTimeout, Duration statementTimeout) {
        return new DatabaseSettings(connectTimeout, lockTimeout, statementTimeout, sslMode, sslRootCert, fastApply);
    }
}
