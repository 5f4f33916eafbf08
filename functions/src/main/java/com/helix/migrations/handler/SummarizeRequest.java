package com.helix.migrations.handler;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.helix.migrations.core.MigrationStatus;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.fleet.CaughtError;
import com.helix.migrations.fleet.FleetSummary;
import com.helix.migrations.fleet.RunResults;
import com.helix.migrations.ledger.TargetResult;
import com.helix.migrations.target.Tier;
import java.util.List;

/**
 * The Summarize event: one page of the state machine's results, and the running summary.
 *
 * @param runId       the run the results belong to
 * @param summary     the running summary, or null on the first page
 * @param results     this page's results, as the state machine's Map returns them
 * @param maxFailures stop once this many failed; null: never
 * @param wave        the rollout wave of this page (ListTargets' {@code wave}); null: 0
 * @param waveEnds    whether this page ends its wave, and a later wave follows: the gate is checked; null: no
 * @param maxFailurePercent a wave whose failed share is above this closes the gate; null: only the failure limit
 */
record SummarizeRequest(
        String runId,
        FleetSummary summary,
        List<Result> results,
        Integer maxFailures,
        Integer wave,
        Boolean waveEnds,
        Integer maxFailurePercent) {
    SummarizeRequest {
        wave = wave == null ? 0 : wave;
        waveEnds = Boolean.TRUE.equals(waveEnds);
        if (runId == null) {
            throw new InvalidRequestException("runId is required (StartRun's output)");
        }
        if (results == null) {
            throw new InvalidRequestException("results must be an array of per-database results");
        }
        if (maxFailures != null && maxFailures < 1) {
            throw new InvalidRequestException("maxFailures must be at least 1, not " + maxFailures);
        }
    }

    /** The running summary with this page folded in, its lists capped. */
    FleetSummary folded(int successCap, int failedCap) {
        FleetSummary.Builder builder = new FleetSummary.Builder(successCap, failedCap);
        if (summary != null) {
            builder.merge(summary);
        }
        results.forEach(result -> result.addTo(builder));
        return builder.build();
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

        void addTo(FleetSummary.Builder builder) {
            if (status == MigrationStatus.FAILED) {
                builder.failed(new CaughtError(errorType, cause).failure(tier.wire(), id, name));
            } else {
                builder.succeeded(id, status);
            }
        }
    }
}
