package com.helix.migrations.handler;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.helix.migrations.core.MigrationStatus;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.fleet.CaughtError;
import com.helix.migrations.fleet.FleetSummary;
import java.util.List;

/**
 * The Summarize event: one page of the state machine's results, and the running summary.
 *
 * @param summary     the running summary, or null on the first page
 * @param results     this page's results, as the state machine's Map returns them
 * @param maxFailures stop once this many failed; null: never
 */
record SummarizeRequest(FleetSummary summary, List<Result> results, Integer maxFailures) {
    SummarizeRequest {
        if (results == null) {
            throw new InvalidRequestException("results must be an array of per-database results");
        }
        if (maxFailures != null && maxFailures < 1) {
            throw new InvalidRequestException("maxFailures must be at least 1, not " + maxFailures);
        }
    }

    /** One database's result as the state machine's Map returns it: the function's output, or the failure caught. */
    record Result(String tier, String id, String name, MigrationStatus status, String errorType, String cause) {
        @JsonCreator
        static Result of(
                @JsonProperty("tier") String tier,
                @JsonProperty("id") String id,
                @JsonProperty("name") String name,
                @JsonProperty("status") String status,
                @JsonProperty("errorType") String errorType,
                @JsonProperty("cause") String cause) {
            return new Result(
                    tier,
                    id,
                    name,
                    status == null ? MigrationStatus.FAILED : MigrationStatus.parse(status),
                    errorType,
                    cause);
        }

        void addTo(FleetSummary.Builder builder) {
            if (status == MigrationStatus.FAILED) {
                builder.failed(new CaughtError(errorType, cause).failure(tier, id, name));
            } else {
                builder.succeeded(id, status);
            }
        }
    }
}
