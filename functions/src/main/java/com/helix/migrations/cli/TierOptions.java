package com.helix.migrations.cli;

import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.fleet.FleetRun;
import com.helix.migrations.target.Tier;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which tiers a fleet-wide check or repair covers (default: tenant and product), and the filters. */
final class TierOptions {
    @Option(
            names = "--tier",
            paramLabel = "TIER",
            description = "Only this tier: tenant or product (default: both); central where the command says so.")
    String tier;

    @Option(names = "--product", paramLabel = "TYPE", description = "Only this product type.")
    String productType;

    @Mixin
    FilterOptions filters;

    /**
     * The scopes, tenants before products.
     *
     * @param centralToo whether {@code --tier central} is allowed
     */
    List<FleetRun.Scope> scopes(boolean centralToo) {
        if (tier == null) {
            return productType != null
                    ? List.of(scope(Tier.PRODUCT))
                    : List.of(scope(Tier.TENANT), scope(Tier.PRODUCT));
        }
        Tier parsed = Tier.parse(tier);
        if (parsed == Tier.CENTRAL) {
            if (!centralToo) {
                throw new InvalidRequestException(
                        "--tier must be tenant or product; use 'one' or 'central --dry-run' for central");
            }
            if (productType != null || filters.any()) {
                throw new InvalidRequestException(
                        "--tier central takes no --product, --ids, --exclude-ids or --jurisdiction");
            }
            return List.of(FleetRun.Scope.central());
        }
        if (parsed == Tier.TENANT && productType != null) {
            throw new InvalidRequestException("--product goes with --tier product");
        }
        return List.of(scope(parsed));
    }

    private FleetRun.Scope scope(Tier tier) {
        return new FleetRun.Scope(
                tier,
                tier == Tier.PRODUCT ? productType : null,
                filters.ids(),
                filters.excludeIds(),
                filters.jurisdiction);
    }
}
