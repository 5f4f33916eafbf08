package com.helix.migrations.target;

/**
 * One database to migrate, as the central registry describes it.
 *
 * @param id           the tenant id, the tenant product id, or {@code central}
 * @param name         for people: the tenant's name, with the product type for a product
 * @param jurisdiction where its data must stay ({@code uk}, {@code eu}); null for central
 * @param productType  the product's type ({@code kira}); null for other tiers
 * @param active       whether the tenant (and product) is active
 * @param status       the registry's status text, for messages
 * @param refusal      why its registry row cannot be migrated (a host that is not a host name, a
 *                     database shared with another target, an id that breaks the id rule), or null
 */
public record Target(
        Tier tier,
        String id,
        String name,
        String jurisdiction,
        String productType,
        boolean active,
        String status,
        DatabaseLocation location,
        String refusal) {

    public static final String CENTRAL_ID = "central";

    public static Target central(DatabaseLocation location) {
        return new Target(Tier.CENTRAL, CENTRAL_ID, "central", null, null, true, "active", location, null);
    }

    /** A database known by its tier and id only (a run's frozen list), to be looked up when its turn comes. */
    public static Target named(Tier tier, String id, String name, String productType) {
        return new Target(tier, id, name, null, productType, false, null, null, null);
    }
}
