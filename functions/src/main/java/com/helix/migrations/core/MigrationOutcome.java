package com.helix.migrations.core;

import com.helix.migrations.registry.Target;
import com.helix.migrations.registry.Tier;
import com.helix.migrations.schema.SchemaReport;

import java.util.List;

/**
 * What happened to one database: the MigrateDatabase function's output, one row of a fleet run.
 * Never holds a credential.
 *
 * @param database    the database name on its server
 * @param fromVersion the schema version before the run (null: empty)
 * @param toVersion   the schema version after the run
 * @param applied     migrations applied by this run
 * @param pending     versions still pending after this run
 * @param error       why it failed (null unless {@code status} is {@code failed})
 * @param warnings    what deserves a look although nothing failed (a database ahead of the known migrations)
 * @param errorType   the failure's exception, by simple class name ({@code MigrationFailedException})
 */
public record MigrationOutcome(Tier tier, String id, String name, String jurisdiction, String productType,
                               String database, Action action, MigrationStatus status, String fromVersion, String toVersion,
                               int applied, List<String> pending, List<String> warnings, long durationMs,
                               String error, String errorType) {

    public MigrationOutcome {
        pending = pending == null ? List.of() : List.copyOf(pending);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    static MigrationOutcome of(Target target, Action action, SchemaReport report, long durationMs) {
        MigrationStatus status = report.applied() > 0 ? MigrationStatus.MIGRATED
                : report.pending().isEmpty() ? MigrationStatus.UP_TO_DATE : MigrationStatus.PENDING;
        return new MigrationOutcome(target.tier(), target.id(), target.name(), target.jurisdiction(), target.productType(),
                databaseName(target), action, status, report.fromVersion(), report.toVersion(), report.applied(), report.pending(), report.warnings(), durationMs, null, null);
    }

    static MigrationOutcome failed(Target target, Action action, String error, String errorType, long durationMs) {
        return new MigrationOutcome(target.tier(), target.id(), target.name(), target.jurisdiction(), target.productType(),
                databaseName(target), action, MigrationStatus.FAILED, null, null, 0, List.of(), List.of(), durationMs, error, errorType);
    }

    public boolean succeeded() {
        return status.succeeded();
    }

    /** The line users know from the original library, with what changed and any warning. */
    public String line() {
        String who = tier.wire() + ": " + name + " (" + id + ")";
        String warning = warnings.isEmpty() ? "" : " ⚠ " + String.join("; ", warnings);
        return statusLine(who) + warning;
    }

    private String statusLine(String who) {
        return switch (status) {
            case MIGRATED -> "✓ Migrated " + who + " " + version(fromVersion) + " → " + version(toVersion)
                    + " (" + applied + " applied, " + durationMs + " ms)";
            case UP_TO_DATE -> "✓ " + (action == Action.MIGRATE ? "Migrated " : "Up to date ") + who
                    + " already at " + version(toVersion);
            case PENDING -> "• Pending " + who + " at " + version(toVersion) + ", " + pending.size()
                    + " pending (" + String.join(", ", pending) + ")";
            case FAILED -> "✗ Failed to " + action.wire() + " " + who + ": " + error;
        };
    }

    private static String databaseName(Target target) {
        return target.location() == null ? null : target.location().databaseName();
    }

    private static String version(String version) {
        return version == null ? "empty" : version;
    }
}
