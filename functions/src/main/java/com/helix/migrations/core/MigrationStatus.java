package com.helix.migrations.core;

import com.fasterxml.jackson.annotation.JsonValue;

/** How one database ended. */
public enum MigrationStatus {
    /** Migrations were applied. */
    MIGRATED,
    /** Nothing to apply. */
    UP_TO_DATE,
    /** {@code status} or {@code validate} found migrations waiting. */
    PENDING,
    /** The database could not be brought up to date; see the error. */
    FAILED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean succeeded() {
        return this != FAILED;
    }
}
