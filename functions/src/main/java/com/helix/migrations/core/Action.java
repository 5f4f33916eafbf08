package com.helix.migrations.core;

import com.fasterxml.jackson.annotation.JsonValue;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.target.Ids;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What to do to one database. */
public enum Action {
    /** Apply pending migrations (up to a target version when one is given). */
    MIGRATE(false),
    /** Report the current version, what is pending and whether migrate would refuse the database; change nothing. */
    STATUS(true),
    /** Like status, but a database migrate would refuse is a failure; change nothing. */
    VALIDATE(true),
    /** What {@code flyway repair} does: remove failed history rows, mark removed migrations deleted, realign checksums. */
    REPAIR(false),
    /**
     * Adopt a database built by another tool: check its schema against the migrations' at the version,
     * then write Flyway's baseline row, as {@code flyway baseline} does.
     */
    BASELINE(false),
    /** Status, and whether {@link #BASELINE} would adopt the database; change nothing. */
    BASELINE_CHECK(true);

    private final boolean readOnly;

    Action(boolean readOnly) {
        this.readOnly = readOnly;
    }

    /** Whether it runs in read-only sessions: the server refuses any write, a callback's included. */
    public boolean readOnly() {
        return readOnly;
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether it is one of the baseline actions, which take a version and the baseline options. */
    public boolean baseline() {
        return this == BASELINE || this == BASELINE_CHECK;
    }

    public static Action parse(String value) {
        for (Action action : values()) {
            if (action.wire().equals(value)) {
                return action;
            }
        }
        throw new InvalidRequestException("action must be one of "
                + Arrays.stream(values()).map(Action::wire).collect(Collectors.joining(", ")) + ", not "
                + Ids.quote(value));
    }
}
