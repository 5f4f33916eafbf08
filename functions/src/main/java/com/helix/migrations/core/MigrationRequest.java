package com.helix.migrations.core;

import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.registry.Ids;
import com.helix.migrations.registry.Tier;

/**
 * One database and what to do to it: the MigrateDatabase event, and the CLI's {@code one} command.
 *
 * @param id            the tenant id or tenant product id; null for central
 * @param targetVersion migrate no further than this version; null for the latest
 */
public record MigrationRequest(Tier tier, String id, Action action, String targetVersion) {
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
