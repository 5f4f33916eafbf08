package com.helix.migrations.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.target.Ids;
import com.helix.migrations.target.Tier;

/**
 * One database and what to do to it: the MigrateDatabase event ({@code {"tier","id","action","targetVersion"}}),
 * the CLI's {@code one} command, and each database of a fleet run. Checks itself: a request that
 * exists is well formed.
 *
 * @param id            the tenant id or tenant product id; null for central
 * @param targetVersion migrate no further than this version; null for the latest
 */
public record MigrationRequest(Tier tier, String id, Action action, String targetVersion) {

    /** The MigrateDatabase event; unknown fields and values of another JSON type are refused by the mapper. */
    @JsonCreator
    public static MigrationRequest fromEvent(
            @JsonProperty("tier") String tier,
            @JsonProperty("id") String id,
            @JsonProperty("action") String action,
            @JsonProperty("targetVersion") String targetVersion) {
        if (tier == null) {
            throw new InvalidRequestException("tier is required (central, tenant or product)");
        }
        return new MigrationRequest(Tier.parse(tier), id, action == null ? null : Action.parse(action), targetVersion);
    }

    public MigrationRequest {
        if (tier == null) {
            throw new InvalidRequestException("tier is required (central, tenant or product)");
        }
        if (tier == Tier.CENTRAL) {
            if (id != null) {
                throw new InvalidRequestException("central takes no id");
            }
        } else {
            if (id == null) {
                throw new InvalidRequestException("id is required for tier " + tier);
            }
            Ids.requireId("id", id);
        }
        action = action == null ? Action.MIGRATE : action;
        if (targetVersion != null) {
            Ids.requireVersion(targetVersion);
            if (action != Action.MIGRATE) {
                throw new InvalidRequestException("targetVersion goes with action migrate only");
            }
        }
    }
}
