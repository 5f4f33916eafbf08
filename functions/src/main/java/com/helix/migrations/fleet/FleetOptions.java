package com.helix.migrations.fleet;

import com.helix.migrations.core.Action;
import com.helix.migrations.core.BaselineOptions;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.target.Ids;

/**
 * How to run a fan-out.
 *
 * @param concurrency   databases migrated at once, 1 to {@value #MAX_CONCURRENCY}. The original
 *                      library's default of 5 protects database servers and connection limits.
 * @param maxFailures   after this many failures no new database is started; null: carry on to the end
 * @param action        what to do to each database
 * @param targetVersion migrate no further than this version (null: the latest); for a baseline, the
 *                      version to baseline at (null: the tier's {@code baselineVersion})
 * @param baseline      how each baseline is checked (the baseline actions)
 * @param perServer     at most this many databases at once on any one database server (host and port); null:
 *                      only {@code concurrency} applies
 * @param rollout       the canary, waves and gates
 */
public record FleetOptions(
        int concurrency,
        Integer maxFailures,
        Action action,
        String targetVersion,
        BaselineOptions baseline,
        Integer perServer,
        Rollout rollout) {
    public static final int DEFAULT_CONCURRENCY = 5;
    public static final int MAX_CONCURRENCY = 200;

    public FleetOptions {
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new InvalidRequestException(
                    "concurrency must be from 1 to " + MAX_CONCURRENCY + ", not " + concurrency);
        }
        if (maxFailures != null && maxFailures < 1) {
            throw new InvalidRequestException("maxFailures must be at least 1, not " + maxFailures);
        }
        action = action == null ? Action.MIGRATE : action;
        baseline = baseline == null ? BaselineOptions.CHECKED : baseline;
        if (targetVersion != null) {
            Ids.requireVersion(targetVersion);
        }
        rollout = rollout == null ? Rollout.NONE : rollout;
        if (perServer != null && perServer < 1) {
            throw new InvalidRequestException("perServer must be at least 1, not " + perServer);
        }
    }

    /** Any action, with no limit per server. */
    public FleetOptions(
            int concurrency, Integer maxFailures, Action action, String targetVersion, BaselineOptions baseline) {
        this(concurrency, maxFailures, action, targetVersion, baseline, null, Rollout.NONE);
    }

    /** Any action but a baseline's. */
    public FleetOptions(int concurrency, Integer maxFailures, Action action, String targetVersion) {
        this(concurrency, maxFailures, action, targetVersion, BaselineOptions.CHECKED, null, Rollout.NONE);
    }
}
