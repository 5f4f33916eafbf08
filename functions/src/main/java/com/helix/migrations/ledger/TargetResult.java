package com.helix.migrations.ledger;

import com.helix.migrations.target.Tier;

/**
 * How one database of a run ended, as the ledger records it.
 *
 * @param id     the tenant or product id; {@code central} for the central database
 * @param status one of {@link RunLedger#FINISHED}
 */
public record TargetResult(
        Tier tier,
        String id,
        String status,
        String fromVersion,
        String toVersion,
        Integer applied,
        Long durationMs,
        String errorCode,
        String errorMessage) {}
