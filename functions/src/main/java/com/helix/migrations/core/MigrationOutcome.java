package com.helix.migrations.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.helix.migrations.exceptions.ErrorCode;
import com.helix.migrations.exceptions.MigrationsException;
import com.helix.migrations.schema.BaselineVerdict;
import com.helix.migrations.schema.SchemaReport;
import com.helix.migrations.target.Target;
import com.helix.migrations.target.Tier;
import com.helix.migrations.text.Printable;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What happened to one database: the MigrateDatabase function's output, one row of a fleet run.
 * Never holds a credential.
 *
 * @param database        the database name on its server
 * @param fromVersion     the schema version before the run (null: empty); always in the JSON, as the state
 *                        machine selects it
 * @param toVersion       the schema version after the run: the newest migration applied successfully
 * @param failedMigration the newest migration whose history row says it failed (shown as {@code 8 (V9 failed)}), or null
 * @param applied         migrations applied by this run
 * @param pending         what a migrate would still apply: versions, and repeatables by description
 * @param blocked         why migrate would refuse this database, with Flyway's hints ({@code status} {@code blocked})
 * @param repairs         what the repair action changed, or (from {@code status}) would change
 * @param warnings        what deserves a look although nothing failed
 * @param baseline        the baseline preflight's verdict (the baseline actions), or null
 * @param error           why it failed (null unless {@code status} is {@code failed})
 * @param errorType       the failure's exception, by simple class name ({@code MigrationFailedException})
 * @param errorCode       the failure's code ({@code MIGRATION_FAILED}; {@code UNEXPECTED} for anything not raised on purpose)
 */
public record MigrationOutcome(
        Tier tier,
        String id,
        String name,
        String jurisdiction,
        String productType,
        String database,
        Action action,
        MigrationStatus status,
        @JsonInclude(JsonInclude.Include.ALWAYS) String fromVersion,
        @JsonInclude(JsonInclude.Include.ALWAYS) String toVersion,
        String failedMigration,
        int applied,
        List<String> pending,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<SchemaReport.Problem> blocked,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> repairs,
        List<String> warnings,
        @JsonInclude(JsonInclude.Include.NON_NULL) BaselineVerdict baseline,
        long durationMs,
        String error,
        String errorType,
        ErrorCode errorCode) {

    /** Pending migrations named in a line; the result's list has them all. */
    private static final int PENDING_SHOWN = 10;

    public MigrationOutcome {
        pending = pending == null ? List.of() : List.copyOf(pending);
        blocked = blocked == null ? List.of() : List.copyOf(blocked);
        repairs = repairs == null ? List.of() : List.copyOf(repairs);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    static MigrationOutcome of(Target target, Action action, SchemaReport report, long durationMs) {
        MigrationStatus status = switch (action) {
            case MIGRATE ->
                report.applied() > 0
                        ? MigrationStatus.MIGRATED
                        : report.pending().isEmpty() ? MigrationStatus.UP_TO_DATE : MigrationStatus.PENDING;
            case STATUS, VALIDATE, BASELINE_CHECK ->
                !report.blocked().isEmpty()
                        ? MigrationStatus.BLOCKED
                        : report.pending().isEmpty() ? MigrationStatus.UP_TO_DATE : MigrationStatus.PENDING;
            case REPAIR -> report.repairs().isEmpty() ? MigrationStatus.UP_TO_DATE : MigrationStatus.REPAIRED;
            case BASELINE ->
                report.baseline().verdict().adoptable() ? MigrationStatus.BASELINED : MigrationStatus.PENDING;
        };
        return new MigrationOutcome(
                target.tier(),
                target.id(),
                target.name(),
                target.jurisdiction(),
                target.productType(),
                databaseName(target),
                action,
                status,
                report.fromVersion(),
                report.toVersion(),
                report.failedVersion(),
                report.applied(),
                report.pending(),
                report.blocked(),
                report.repairs(),
                report.warnings(),
                report.baseline(),
                durationMs,
                null,
                null,
                null);
    }

    /**
     * A database that could not be dealt with: what was thrown, by its message, class and code. Anything
     * this project did not raise on purpose is named by its class too, as {@link ErrorCode#UNEXPECTED}.
     */
    public static MigrationOutcome failed(Target target, Action action, RuntimeException failure, long durationMs) {
        ErrorCode code = failure instanceof MigrationsException known ? known.code() : ErrorCode.UNEXPECTED;
        return new MigrationOutcome(
                target.tier(),
                target.id(),
                target.name(),
                target.jurisdiction(),
                target.productType(),
                databaseName(target),
                action,
                MigrationStatus.FAILED,
                null,
                null,
                null,
                0,
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                null,
                durationMs,
                error(failure),
                failure.getClass().getSimpleName(),
                code);
    }

    /** A failure as a result's {@code error}: its message; anything not raised on purpose named by its class too. */
    public static String error(RuntimeException failure) {
        return failure instanceof MigrationsException
                ? failure.getMessage()
                : failure.getClass().getName() + ": " + Printable.of(failure.getMessage());
    }

    public boolean succeeded() {
        return status.succeeded();
    }

    /** The version as people read it: {@code empty}, {@code 5}, {@code 8 (V9 failed)}. */
    public String version() {
        String version = toVersion == null ? "empty" : toVersion;
        return failedMigration == null ? version : version + " (V" + failedMigration + " failed)";
    }

    /** Why migrate would refuse this database, in one line; null when it would not. */
    public String blockedReason() {
        return blocked.isEmpty()
                ? null
                : blocked.stream().map(SchemaReport.Problem::toString).collect(Collectors.joining("; "));
    }

    /** The line users know from the original library, with what changed and any warning. */
    public String line() {
        String who = tier.wire() + ": " + Printable.of(name) + " (" + Printable.of(id) + ")";
        String warning = warnings.isEmpty() ? "" : " ⚠ " + String.join("; ", warnings);
        String verdict = action == Action.BASELINE_CHECK && baseline != null ? " · " + baseline.summary() : "";
        return statusLine(who) + verdict + warning;
    }

    private String statusLine(String who) {
        return switch (status) {
            case MIGRATED ->
                "✓ Migrated " + who + " " + (fromVersion == null ? "empty" : fromVersion) + " → " + version() + " ("
                        + applied + " applied, " + durationMs + " ms)";
            case UP_TO_DATE ->
                "✓ "
                        + switch (action) {
                            case MIGRATE -> "Migrated ";
                            case REPAIR -> "Nothing to repair in ";
                            default -> "Up to date ";
                        }
                        + who + " already at " + version();
            case PENDING ->
                "• Pending " + who + " at " + version() + ", " + pending.size() + " pending (" + pendingShown() + ")";
            case BLOCKED -> "✗ Blocked " + who + " at " + version() + ": " + blockedReason();
            case REPAIRED -> "✓ Repaired " + who + ": " + String.join("; ", repairs);
            case BASELINED ->
                "✓ Baselined " + who + " at " + version()
                        + (pending.isEmpty() ? "" : ", " + pending.size() + " pending (" + pendingShown() + ")");
            case FAILED -> "✗ Failed to " + action.wire() + " " + who + ": " + error;
        };
    }

    /** The pending migrations for a line: the first {@value #PENDING_SHOWN}, then how many more. */
    private String pendingShown() {
        if (pending.size() <= PENDING_SHOWN) {
            return String.join(", ", pending);
        }
        return String.join(", ", pending.subList(0, PENDING_SHOWN)) + " and " + (pending.size() - PENDING_SHOWN)
                + " more";
    }

    private static String databaseName(Target target) {
        return target.location() == null ? null : target.location().databaseName();
    }
}
