package com.helix.migrations.schema;

import java.util.List;

/**
 * What Flyway found or did on one database.
 *
 * @param fromVersion   the schema version before (null: empty database)
 * @param toVersion     the schema version after: the newest migration applied successfully
 * @param failedVersion the newest versioned migration whose history row says it failed, or null
 * @param applied       how many migrations this run applied
 * @param pending       what a migrate would still apply, oldest first: versions ({@code 6}) and
 *                      repeatables by description ({@code R Datasets view}, {@code R Datasets view (outdated)})
 * @param blocked       why {@code migrate} would refuse this database; empty when it would not
 * @param repairs       what the repair action changed (or, from {@code status}, would change)
 * @param warnings      what deserves a look although nothing failed
 * @param baseline      whether the database can be adopted at a version (the baseline actions); null otherwise
 */
public record SchemaReport(
        String fromVersion,
        String toVersion,
        String failedVersion,
        int applied,
        List<String> pending,
        List<Problem> blocked,
        List<String> repairs,
        List<String> warnings,
        BaselineVerdict baseline) {
    public SchemaReport {
        pending = List.copyOf(pending);
        blocked = List.copyOf(blocked);
        repairs = List.copyOf(repairs);
        warnings = List.copyOf(warnings);
    }

    /** The same report with a baseline verdict. */
    SchemaReport with(BaselineVerdict verdict) {
        return new SchemaReport(
                fromVersion, toVersion, failedVersion, applied, pending, blocked, repairs, warnings, verdict);
    }

    /** The same report with one more warning. */
    SchemaReport withWarning(String warning) {
        List<String> more = new java.util.ArrayList<>(warnings);
        more.add(warning);
        return new SchemaReport(
                fromVersion, toVersion, failedVersion, applied, pending, blocked, repairs, more, baseline);
    }

    /**
     * Why migrate would refuse a database, in Flyway's words.
     *
     * @param reason what is wrong ({@code Detected failed migration to version 9 (add index)})
     * @param hint   what to do about it, or null
     */
    public record Problem(String reason, String hint) {
        /** Flyway's message: its first line says what is wrong, the rest what to do. */
        static Problem of(String message) {
            String text = message == null ? "" : message.strip();
            int newline = text.indexOf('\n');
            if (newline < 0) {
                return new Problem(text, null);
            }
            String hint =
                    text.substring(newline + 1).replaceAll("\\s*\\n\\s*", " ").strip();
            return new Problem(text.substring(0, newline).strip(), hint.isEmpty() ? null : hint);
        }

        @Override
        public String toString() {
            return hint == null ? reason : reason + " (" + hint + ")";
        }
    }
}
