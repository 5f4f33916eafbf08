package com.helix.migrations.registry;

import com.helix.migrations.target.Ids;
import com.helix.migrations.target.Tier;
import java.util.List;

/**
 * Which targets of a tier to list. Every filter is optional; only active, provisioned targets are
 * ever listed.
 *
 * @param productType only this product type (product tier)
 * @param ids         only these ids (null: all)
 * @param excludeIds  never these ids
 * @param tenantIds   only these tenants' databases (for products: the products of these tenants)
 * @param jurisdiction only this jurisdiction
 */
public record TargetQuery(
        Tier tier,
        String productType,
        List<String> ids,
        List<String> excludeIds,
        List<String> tenantIds,
        String jurisdiction) {

    /** Every filter is checked here, so no caller can list with a malformed one. */
    public TargetQuery {
        ids = checked("ids", ids);
        excludeIds = excludeIds == null ? List.of() : checked("excludeIds", excludeIds);
        tenantIds = checked("tenantIds", tenantIds);
        if (productType != null) {
            Ids.requireProductType(productType);
        }
        if (jurisdiction != null) {
            Ids.requireJurisdiction(jurisdiction);
        }
    }

    private static List<String> checked(String field, List<String> ids) {
        if (ids == null) {
            return null;
        }
        ids.forEach(id -> Ids.requireId(field, id));
        return List.copyOf(ids);
    }

    public static TargetQuery all(Tier tier) {
        return new TargetQuery(tier, null, null, null, null, null);
    }
}
