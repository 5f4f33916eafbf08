package com.helix.migrations.core;

import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.target.Ids;

/**
 * How a baseline is checked before it is written.
 *
 * @param force       write it without comparing the schema (the result says so)
 * @param referenceId a tenant (or product, of the same type) whose database is at the baseline version:
 *                    the schema to compare with is read from it; null: the migrations build it in a
 *                    scratch database on the target's server
 */
public record BaselineOptions(boolean force, String referenceId) {
    /** Compared with the schema the migrations build in a scratch database. */
    public static final BaselineOptions CHECKED = new BaselineOptions(false, null);

    public BaselineOptions {
        if (referenceId != null) {
            Ids.requireId("referenceId", referenceId);
            if (force) {
                throw new InvalidRequestException("force and referenceId exclude each other: force compares nothing");
            }
        }
    }
}
