package com.helix.migrations.fleet;

import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.core.MigrationStatus;
import com.helix.migrations.exceptions.ErrorCode;
import com.helix.migrations.ledger.RunTarget;
import com.helix.migrations.ledger.TargetResult;
import com.helix.migrations.target.Tier;
import java.util.Arrays;

/** A database's result as the run ledger records it. */
public final class RunResults {
    private RunResults() {}

    /** The ledger's name for how a database ended ({@code needs_migration} for a check's pending migrations). */
    public static String status(MigrationStatus status) {
        return status == MigrationStatus.PENDING ? "needs_migration" : status.wire();
    }

    /**
     * How a database that ended this way counts in a {@code {success, failed}} summary; null for one never
     * started.
     */
    public static MigrationStatus migrationStatus(String ledgerStatus) {
        return switch (ledgerStatus) {
            case "needs_migration" -> MigrationStatus.PENDING;
            case "not_started", "pending", "running" -> null;
            default -> MigrationStatus.parse(ledgerStatus);
        };
    }

    public static TargetResult of(MigrationOutcome outcome) {
        String error = outcome.error();
        if (error == null && !outcome.blocked().isEmpty()) {
            error = outcome.blocked().get(0).reason();
        }
        return new TargetResult(
                outcome.tier(),
                outcome.id(),
                status(outcome.status()),
                outcome.fromVersion(),
                outcome.toVersion(),
                outcome.applied(),
                outcome.durationMs(),
                outcome.errorCode() == null ? null : outcome.errorCode().name(),
                error);
    }

    /** A failed or blocked database of a run, as a summary lists it. */
    public static FleetSummary.Failure failure(RunTarget target) {
        if (target.status().equals("blocked")) {
            return new FleetSummary.Failure(
                    target.tier().wire(), target.id(), target.name(), "blocked: " + target.errorMessage(), null, null);
        }
        ErrorCode code = Arrays.stream(ErrorCode.values())
                .filter(c -> c.name().equals(target.errorCode()))
                .findFirst()
                .orElse(ErrorCode.UNEXPECTED);
        return new FleetSummary.Failure(
                target.tier().wire(),
                target.id(),
                target.name(),
                target.errorMessage(),
                code.exception() == null ? null : code.exception().getSimpleName(),
                code);
    }

    /** A failure a state machine caught for one database. */
    public static TargetResult failed(Tier tier, String id, CaughtError error) {
        FleetSummary.Failure failure = error.failure(tier.wire(), id, null);
        return new TargetResult(
                tier, id, "failed", null, null, null, null, failure.errorCode().name(), failure.error());
    }
}
