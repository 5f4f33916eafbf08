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
 */
public record FleetOptions(
        int concurrency, Integer maxFailures, Action action, String targetVersion, BaselineOptions baseline) {
    public static final int DEFAULT_CONCURRENCY = 5;
    public static final int MAX_CONCURRENCY = 100;

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
    }

    /** Any action but a baseline's. */
    public FleetOptions(int concurrency, Integer maxFailures, Action action, String targetVersion) {
        this(concurrency, maxFailures, action, targetVersion, BaselineOptions.CHECKED);
    }
}
