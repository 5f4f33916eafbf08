package com.helix.migrations.ledger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * One run as the ledger holds it (times in JSON as ISO-8601 instants).
 *
 * @param status     {@code running}, {@code succeeded}, {@code failed}, {@code stopped} or {@code abandoned}
 * @param build      the latest migration version of each migrations folder the run used
 * @param resumes    the run this one resumes, or null
 * @param notStarted databases never started (the failure limit, a gate, a stop, an abandoned run)
 * @param gate       which gate stopped the run (a canary failure, a wave over its failure rate), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunRecord(
        String id,
        String source,
        String startedBy,
        String action,
        String status,
        JsonNode options,
        Map<String, String> build,
        String resumes,
        boolean stopRequested,
        @JsonSerialize(using = ToStringSerializer.class) Instant startedAt,
        @JsonSerialize(using = ToStringSerializer.class) Instant heartbeatAt,
        @JsonSerialize(using = ToStringSerializer.class) Instant finishedAt,
        int targets,
        int migrated,
        int upToDate,
        int failed,
        int notStarted,
        String gate) {

    public boolean running() {
        return "running".equals(status);
    }

    /** From start to finish, or to the last heartbeat while it runs. */
    public Duration duration() {
        return Duration.between(startedAt, finishedAt != null ? finishedAt : heartbeatAt);
    }
}
