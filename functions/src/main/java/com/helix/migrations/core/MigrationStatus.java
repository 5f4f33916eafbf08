package com.helix.migrations.core;

import com.fasterxml.jackson.annotation.JsonValue;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.target.Ids;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How one database ended. */
public enum MigrationStatus {
    /** Migrations were applied. */
    MIGRATED,
    /** Nothing to apply (or, for repair, nothing to repair). */
    UP_TO_DATE,
    /** {@code status} or {@code validate} found migrations waiting. */
    PENDING,
    /** {@code status} found that migrate would refuse this database; the reason and hint say why. */
    BLOCKED,
    /** {@code repair} changed the history; the result lists each change. */
    REPAIRED,
    /** {@code baseline} wrote Flyway's baseline row: the database is adopted at the version. */
    BASELINED,
    /** The database could not be brought up to date; see the error. */
    FAILED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status by its name in results ({@code up_to_date}). */
    public static MigrationStatus parse(String value) {
        for (MigrationStatus status : values()) {
            if (status.wire().equals(value)) {
                return status;
            }
        }
        throw new InvalidRequestException("status must be one of "
                + Arrays.stream(values()).map(MigrationStatus::wire).collect(Collectors.joining(", ")) + ", not "
                + Ids.quote(value));
    }

    /** Whether the action did what it was asked (a blocked database did not fail, but needs attention). */
    public boolean succeeded() {
        return this != FAILED && this != BLOCKED;
    }
}
