package com.helix.migrations.fleet;

/**
 * The running total a fleet execution carries from page to page.
 *
 * @param summary the fold so far
 * @param stop    true once failures reached the limit: start no more databases
 * @param cause   the first failures in one line, for the final {@code Fail} state; null while none failed
 */
public record FleetProgress(FleetSummary summary, boolean stop, String cause) {

    /**
     * The progress after a page: whether to stop, and the cause line naming the first failures.
     *
     * @param maxFailures stop once this many failed; null: never
     * @param shown       how many failures the cause names
     */
    public static FleetProgress of(FleetSummary summary, Integer maxFailures, int shown) {
        boolean stop = maxFailures != null && summary.failedCount() >= maxFailures;
        String cause = null;
        if (summary.anyFailed()) {
            cause = summary.describeFailures(shown)
                    + (stop
                            ? " [failure limit of " + maxFailures + " reached: no further databases were started]"
                            : "");
        }
        return new FleetProgress(summary, stop, cause);
    }

    /** The same progress, stopped: a stop was requested through the ledger. */
    public FleetProgress stopped() {
        return new FleetProgress(summary, true, cause);
    }

    /** The same progress, stopped by the gate after a wave: the cause says which and why. */
    public FleetProgress gateClosed(String gate) {
        String because = "[gate closed after " + gate + ": no later wave was started]";
        return new FleetProgress(summary, true, cause == null ? because : cause + " " + because);
    }
}
