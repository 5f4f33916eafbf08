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
    REPAIR(false);

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
        return name().toLowerCase(Locale.ROOT);
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
