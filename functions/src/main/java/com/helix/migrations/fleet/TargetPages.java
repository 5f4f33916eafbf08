package com.helix.migrations.fleet;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.core.Platform;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.json.Json;
import com.helix.migrations.registry.CentralRegistry;
import com.helix.migrations.registry.TargetPage;
import com.helix.migrations.registry.TargetQuery;
import com.helix.migrations.schema.MigrationSources;
import com.helix.migrations.target.Ids;
import com.helix.migrations.target.Target;
import com.helix.migrations.target.Tier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The ListTargets contract: pages of active, provisioned targets, small enough for a Step Functions
 * payload, with an opaque token for the next page. No location, no secret id: only what a
 * MigrateDatabase call and a report need.
 */
public final class TargetPages {
    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final int MAX_PAGE_SIZE = 1000;
    /** Ids an event may name in one filter. */
    static final int MAX_IDS = 10_000;

    private final CentralRegistry registry;
    private final MigrationSources sources;

    public TargetPages(CentralRegistry registry, MigrationSources sources) {
        this.registry = registry;
        this.sources = sources;
    }

    public static TargetPages of(Platform platform) {
        return new TargetPages(platform.registry(), platform.sources());
    }

    /** Loads what a listing needs (SnapStart priming); reads no secret, connects nowhere. */
    public void prime() {
        registry.prime();
        Json.MAPPER.valueToTree(new Page(List.of(), 0, null));
    }

    /**
     * A ListTargets event, checked for shape (each filter is checked again, for content, by {@link TargetQuery}).
     *
     * @param pageSize 1 to {@value #MAX_PAGE_SIZE}; null for {@value #DEFAULT_PAGE_SIZE}
     */
    public record Request(
            Tier tier,
            String productType,
            List<String> ids,
            List<String> excludeIds,
            List<String> tenantIds,
            String jurisdiction,
            Integer pageSize,
            String nextToken) {
        @JsonCreator
        static Request fromEvent(
                @JsonProperty("tier") String tier,
                @JsonProperty("productType") String productType,
                @JsonProperty("ids") List<String> ids,
                @JsonProperty("excludeIds") List<String> excludeIds,
                @JsonProperty("tenantIds") List<String> tenantIds,
                @JsonProperty("jurisdiction") String jurisdiction,
                @JsonProperty("pageSize") Integer pageSize,
                @JsonProperty("nextToken") String nextToken) {
            if (tier == null) {
                throw new InvalidRequestException("tier is required (tenant or product)");
            }
            return new Request(
                    Tier.parse(tier),
                    productType == null ? null : Ids.requireProductType(productType),
                    limited("ids", ids),
                    limited("excludeIds", excludeIds),
                    limited("tenantIds", tenantIds),
                    jurisdiction,
                    pageSize,
                    nextToken);
        }

        private static List<String> limited(String field, List<String> ids) {
            if (ids != null && ids.size() > MAX_IDS) {
                throw new InvalidRequestException(field + " holds more than " + MAX_IDS + " ids");
            }
            return ids;
        }
    }

    /** One target as the state machine carries it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Item(Tier tier, String id, String name, String jurisdiction, String productType) {
        static Item of(Target target) {
            return new Item(target.tier(), target.id(), target.name(), target.jurisdiction(), target.productType());
        }
    }

    /**
     * One page of targets.
     *
     * @param nextToken absent on the last page
     */
    public record Page(List<Item> items, int count, String nextToken) {}

    public Page page(Request request) {
        if (request.tier() == Tier.CENTRAL) {
            throw new InvalidRequestException("tier must be tenant or product: central is one database, not a list");
        }
        if (request.productType() != null) {
            if (request.tier() != Tier.PRODUCT) {
                throw new InvalidRequestException("productType goes with tier product");
            }
            sources.requireKnownProductType(request.productType());
        }
        int pageSize = request.pageSize() == null ? DEFAULT_PAGE_SIZE : request.pageSize();
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new InvalidRequestException("pageSize must be from 1 to " + MAX_PAGE_SIZE + ", not " + pageSize);
        }
        TargetQuery query = new TargetQuery(
                request.tier(),
                request.productType(),
                request.ids(),
                request.excludeIds(),
                request.tenantIds(),
                request.jurisdiction(),
                pageSize,
                decode(request.nextToken()));
        TargetPage page = registry.list(query);
        List<Item> items = page.items().stream().map(Item::of).toList();
        return new Page(items, items.size(), encode(page.next()));
    }

    static String encode(TargetQuery.Cursor cursor) {
        if (cursor == null) {
            return null;
        }
        byte[] json = Json.MAPPER
                .createArrayNode()
                .add(cursor.slot())
                .add(cursor.host())
                .add(cursor.port())
                .add(cursor.id())
                .toString()
                .getBytes(StandardCharsets.UTF_8);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json);
    }

    static TargetQuery.Cursor decode(String token) {
        if (token == null) {
            return null;
        }
        try {
            JsonNode cursor = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(token));
            if (cursor != null
                    && cursor.isArray()
                    && cursor.size() == 4
                    && cursor.get(0).canConvertToLong()
                    && cursor.get(1).isTextual()
                    && cursor.get(2).canConvertToInt()
                    && cursor.get(3).isTextual()) {
                return new TargetQuery.Cursor(
                        cursor.get(0).asLong(),
                        cursor.get(1).asText(),
                        cursor.get(2).asInt(),
                        cursor.get(3).asText());
            }
        } catch (IllegalArgumentException | IOException e) {
            // falls through to the message below; the token's text is not worth echoing
        }
        throw new InvalidRequestException("nextToken is not a token this function returned");
    }
}
