package com.helix.migrations.core;

import com.helix.migrations.config.DatabaseSettings;
import com.helix.migrations.exceptions.OutOfTimeException;
import java.time.Duration;

/**
 * What a caller with a deadline (a Lambda invocation) may still start. With less than
 * {@link #MINIMUM} left nothing is started; otherwise no statement may run past the deadline less
 * {@link #MARGIN}, kept for reporting the result. A migration cut short by the deadline is rolled
 * back with its transaction, so the database stays at its previous version.
 */
final class TimeBudget {
    /** Below this, starting on a database is refused. */
    static final Duration MINIMUM = Duration.ofSeconds(30);
    /** Kept back from the deadline to report the outcome. */
    static final Duration MARGIN = Duration.ofSeconds(10);

    private TimeBudget() {}

    /** The session settings for a caller with {@code timeLeft}; null means no deadline. */
    static DatabaseSettings settings(DatabaseSettings configured, Duration timeLeft) {
        if (timeLeft == null) {
            return configured;
        }
        if (timeLeft.compareTo(MINIMUM) < 0) {
            throw new OutOfTimeException(timeLeft, MINIMUM);
        }
        Duration cap = timeLeft.minus(MARGIN);
        return configured.withTimeouts(
                capped(configured.lockTimeout(), cap), capped(configured.statementTimeout(), cap));
    }

    /** Zero means "no timeout" to PostgreSQL; under a deadline it becomes the cap. */
    private static Duration capped(Duration timeout, Duration cap) {
        return timeout.isZero() || timeout.compareTo(cap) > 0 ? cap : timeout;
    }
}
