package com.helix.migrations.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * The demo's platform: tenants across uk and eu, one suspended, one without a database yet, each
 * with a kira database and every other one a ledger database too.
 */
public final class DemoPlatform {
    private static final String[] NAMES = {
        "Acme Corp",
        "Globex",
        "Initech",
        "Umbrella Health",
        "Stark Logistics",
        "Wayne Foods",
        "Hooli",
        "Vandelay Imports",
        "Soylent Labs",
        "Tyrell Systems",
        "Cyberdyne Legal",
        "Wonka Retail",
        "Gringotts Finance",
        "Oceanic Air",
        "Pied Piper",
        "Dunder Paper",
        "Monarch Energy",
        "Aperture Science",
        "Black Mesa Research",
        "Massive Dynamic",
        "Nakatomi Trading",
        "Virtucon",
        "Blue Sun",
        "Weyland Yutani"
    };

    /** One tenant of the demo. */
    public record DemoTenant(
            String id, String name, String jurisdiction, String status, boolean provisioned, boolean ledger) {}

    private DemoPlatform() {}

    /** {@code count} tenants: the third is suspended and the fifth has no database yet. */
    public static List<DemoTenant> tenants(int count) {
        List<DemoTenant> tenants = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String base = NAMES[i % NAMES.length];
            String name = i < NAMES.length ? base : base + " " + (i / NAMES.length + 1);
            String jurisdiction = i % 2 == 0 ? "uk" : "eu";
            String id = String.format("t%03d-%s", i + 1, jurisdiction);
            tenants.add(new DemoTenant(id, name, jurisdiction, i == 2 ? "suspended" : "active", i != 4, i % 2 == 1));
        }
        return tenants;
    }

    /** Lays the tenants out on a fleet whose central database has been migrated. */
    public static void build(FleetBuilder fleet, List<DemoTenant> tenants) {
        for (DemoTenant t : tenants) {
            fleet.tenant(t.id(), t.name(), t.jurisdiction(), t.status(), t.provisioned());
            if (t.provisioned()) {
                fleet.product(t.id() + "-kira", t.id(), "kira", t.jurisdiction(), "active", true);
                if (t.ledger()) {
                    fleet.product(t.id() + "-ledger", t.id(), "ledger", t.jurisdiction(), "active", true);
                }
            }
        }
    }
}
