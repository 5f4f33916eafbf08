package com.helix.migrations.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.target.Ids;
import com.helix.migrations.target.Tier;

/**
 * One database and what to do to it: the MigrateDatabase event
 * ({@code {"tier","id","action","targetVersion","force","referenceId"}}), the CLI's {@code one} command,
 * and each database of a fleet run. Checks itself: a request that exists is well formed.
 *
 * @param id            the tenant id or tenant product id; null for central
 * @param targetVersion migrate no further than this version (null: the latest); for a baseline, the
 *                      version to baseline at (null: the tier's {@code baselineVersion})
 * @param baseline      how a baseline is checked ({@code force}, {@code referenceId}); baseline actions only
 */
public record MigrationRequest(Tier tier, String id, Action action, String targetVersion, BaselineOptions baseline) {

    /** The MigrateDatabase event; unknown fields and values of another JSON type are refused by the mapper. */
    @JsonCreator
    public static MigrationRequest fromEvent(
            @JsonProperty("tier") String tier,
            @JsonProperty("id") String id,
            @JsonProperty("action") String action,
            @JsonProperty("targetVersion") String targetVersion,
            @JsonProperty("force") Boolean force,
            @JsonProperty("referenceId") String referenceId) {
        if (tier == null) {
            throw new InvalidRequestException("tier is required (central, tenant or product)");
        }
        Action parsed = action == null ? Action.MIGRATE : Action.parse(action);
        if ((force != null || referenceId != null) && !parsed.baseline()) {
            throw new InvalidRequestException("force and referenceId go with action baseline or baseline-check only");
        }
        return new MigrationRequest(
                Tier.parse(tier),
                id,
                parsed,
                targetVersion,
                new BaselineOptions(Boolean.TRUE.equals(force), referenceId));
    }

    /** Any action but a baseline's. */
    public MigrationRequest(Tier tier, String id, Action action, String targetVersion) {
        this(tier, id, action, targetVersion, BaselineOptions.CHECKED);
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
        baseline = baseline == null ? BaselineOptions.CHECKED : baseline;
        if (targetVersion != null) {
            Ids.requireVersion(targetVersion);
            if (action != Action.MIGRATE && !action.baseline()) {
                throw new InvalidRequestException(
                        "targetVersion goes with action migrate, baseline or baseline-check only");
            }
        }
    }
}
