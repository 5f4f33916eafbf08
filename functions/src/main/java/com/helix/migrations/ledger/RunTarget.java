package com.helix.migrations.ledger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.helix.migrations.target.Tier;

/**
 * One database of a run, as frozen when the run started and as far as it got. The server is a number
 * within the run, never a host.
 *
 * @param seq    its place in the run's order (servers interleaved)
 * @param server which of the run's database servers it is on (1, 2, …; 0 for central)
 * @param wave   the rollout wave it belongs to (0: the only one)
 * @param status {@code pending}, {@code running}, {@code not_started}, or one of {@link RunLedger#FINISHED}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunTarget(
        long seq,
        Tier tier,
        String id,
        String name,
        String productType,
        int server,
        int wave,
        String status,
        String fromVersion,
        String toVersion,
        Integer applied,
        Long durationMs,
        String errorCode,
        String errorMessage,
        int attempts) {}
