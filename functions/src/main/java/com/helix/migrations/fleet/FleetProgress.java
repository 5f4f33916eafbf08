package com.helix.migrations.fleet;

/**
 * The running total a fleet execution carries from page to page.
 *
 * @param summary the fold so far
 * @param stop    true once failures reached the limit: start no more databases
 * @param cause   the first failures in one line, for the final {@code Fail} state; null while none failed
 */
public record FleetProgress(FleetSummary summary, boolean stop, String cause) {
}
