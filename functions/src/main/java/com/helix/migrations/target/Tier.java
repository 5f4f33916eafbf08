package com.helix.migrations.target;

import com.fasterxml.jackson.annotation.JsonValue;
import com.helix.migrations.exceptions.InvalidRequestException;
import java.util.Locale;

/** The three kinds of database, each with its own migrations. */
public enum Tier {
    CENTRAL("central", "Central", "CentralMigrator"),
    TENANT("tenant", "Tenant", "TenantMigrator"),
    PRODUCT("product", "Product", "ProductMigrator");

    private final String wire;
    private final String noun;
    private final String migrator;

    Tier(String wire, String noun, String migrator) {
        this.wire = wire;
        this.noun = noun;
        this.migrator = migrator;
    }

    /** The name used in events, results and flags: {@code central}, {@code tenant}, {@code product}. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** Capitalised, as in the messages: {@code Tenant not found: X}. */
    public String noun() {
        return noun;
    }

    /** The log prefix users know from the original library: {@code [TenantMigrator]}. */
    public String migrator() {
        return migrator;
    }

    public static Tier parse(String value) {
        if (value != null) {
            for (Tier tier : values()) {
                if (tier.wire.equals(value.toLowerCase(Locale.ROOT))) {
                    return tier;
                }
            }
        }
        throw new InvalidRequestException("tier must be one of central, tenant, product, not " + Ids.quote(value));
    }

    @Override
    public String toString() {
        return wire;
    }
}
