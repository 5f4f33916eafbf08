package com.helix.migrations.handler;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.helix.migrations.core.MigrationStatus;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.fleet.CaughtError;
import com.helix.migrations.fleet.RunResults;
import com.helix.migrations.ledger.TargetResult;
import com.helix.migrations.target.Tier;
import java.util.List;

/**
 * The Summarize event: one lane's results, or (with {@code wave}) the end of a segment.
 *
 * @param runId             the run the results belong to
 * @param results           the lane's results, as the state machine's Map returns them; null: none
 * @param maxFailures       stop once this many failed; null: never
 * @param wave              the wave of the segment that has run: the gate after it is checked if it has ended;
 *                          null for a lane's results
 * @param maxFailurePercent a wave whose failed share is above this closes the gate; null: only the failure limit
 */
record SummarizeRequest(
        String runId, List<Result> results, Integer maxFailures, Integer wave, Integer maxFailurePercent) {
    SummarizeRequest {
        results = results == null ? List.of() : results;
        if (runId == null) {
            throw new InvalidRequestException("runId is required (StartRun's output)");
        }
        if (maxFailures != null && maxFailures < 1) {
            throw new InvalidRequestException("maxFailures must be at least 1, not " + maxFailures);
        }
        if (wave != null && wave < 0) {
            throw new InvalidRequestException("wave must be at least 0, not " + wave);
        }
    }

    /** The results as the run ledger records them. */
    List<TargetResult> ledgerResults() {
        return results.stream().map(Result::ledgerResult).toList();
    }

    /** One database's result as the state machine's Map returns it: the function's output, or the failure caught. */
    record Result(
            Tier tier,
            String id,
            String name,
            MigrationStatus status,
            String fromVersion,
            String toVersion,
            Integer applied,
            Long durationMs,
            String errorType,
            String cause) {
        @JsonCreator
        static Result of(
                @JsonProperty("tier") String tier,
                @JsonProperty("id") String id,
                @JsonProperty("name") String name,
                @JsonProperty("status") String status,
                @JsonProperty("fromVersion") String fromVersion,
                @JsonProperty("toVersion") String toVersion,
                @JsonProperty("applied") Integer applied,
                @JsonProperty("durationMs") Long durationMs,
                @JsonProperty("errorType") String errorType,
                @JsonProperty("cause") String cause) {
            if (tier == null || id == null) {
                throw new InvalidRequestException("each result needs its tier and id");
            }
            return new Result(
                    Tier.parse(tier),
                    id,
                    name,
                    status == null ? MigrationStatus.FAILED : MigrationStatus.parse(status),
                    fromVersion,
                    toVersion,
                    applied,
                    durationMs,
                    errorType,
                    cause);
        }

        TargetResult ledgerResult() {
            if (status == MigrationStatus.FAILED) {
                return RunResults.failed(tier, id, new CaughtError(errorType, cause));
            }
            return new TargetResult(
                    tier, id, RunResults.status(status), fromVersion, toVersion, applied, durationMs, null, null);
        }
    }
}
