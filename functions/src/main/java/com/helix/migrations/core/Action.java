package com.helix.migrations.core;

import com.fasterxml.jackson.annotation.JsonValue;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.registry.Ids;

/** What to do to one database. */
public enum Action {
    /** Apply pending migrations (up to a target version when one is given). */
    MIGRATE,
    /** Report the current version and pending migrations; change nothing. */
    STATUS,
    /** Check applied migrations against the packaged ones; change nothing. */
    VALIDATE;

    @JsonValue
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Action parse(String value) {
        for (Action action : values()) {
            if (action.wire().equals(value)) {
                return action;
            }
        }
        throw new InvalidRequestException("action must be one of migrate, status, validate, not " + Ids.quote(value));
    }
}
