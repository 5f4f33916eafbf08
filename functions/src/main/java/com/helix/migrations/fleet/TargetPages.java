package com.helix.migrations.fleet;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.core.Platform;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.json.Json;
import com.helix.migrations.ledger.RunLedger;
import com.helix.migrations.ledger.RunTarget;
import com.helix.migrations.target.Tier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The ListTargets contract: a run's databases, as frozen in the run ledger when it started, in pages
 * small enough for a Step Functions payload, with an opaque token for the next page. Every tenant
 * database of a wave comes before any of its product databases, and a page never holds both, nor two waves. No location, no secret
 * id, no host: only what a MigrateDatabase call and a report need.
 */
public final class TargetPages {
    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final int MAX_PAGE_SIZE = 1000;

    private final RunLedger ledger;

    public TargetPages(RunLedger ledger) {
        this.ledger = ledger;
    }

    public static TargetPages of(Platform platform) {
        return new TargetPages(platform.ledger());
    }

    /** Loads what a listing needs (SnapStart priming); reads no secret, connects nowhere. */
    public void prime() {
        Json.MAPPER.valueToTree(new Page(List.of(), 0, null, 0, false));
        decode("p", encode("p", new RunLedger.Cursor(1, 1, 0, 1)));
    }

    /**
     * A ListTargets event.
     *
     * @param runId     the run StartRun started
     * @param pageSize  1 to {@value #MAX_PAGE_SIZE}; null for {@value #DEFAULT_PAGE_SIZE}
     * @param nextToken the previous page's token; null for the first page
     * @param perServer at most this many databases of one server in a page; null or 0: any number
     */
    public record Request(String runId, Integer pageSize, String nextToken, Integer perServer) {
        @JsonCreator
        static Request fromEvent(
                @JsonProperty("runId") String runId,
                @JsonProperty("pageSize") Integer pageSize,
                @JsonProperty("nextToken") String nextToken,
                @JsonProperty("perServer") Integer perServer) {
            if (runId == null) {
                throw new InvalidRequestException("runId is required (StartRun's output)");
            }
            int size = pageSize == null ? DEFAULT_PAGE_SIZE : pageSize;
            if (size < 1 || size > MAX_PAGE_SIZE) {
                throw new InvalidRequestException("pageSize must be from 1 to " + MAX_PAGE_SIZE + ", not " + size);
            }
            if (perServer != null && perServer < 0) {
                throw new InvalidRequestException("perServer must be at least 1 (0: no limit), not " + perServer);
            }
            return new Request(runId, size, nextToken, perServer == null || perServer == 0 ? null : perServer);
        }
    }

    /** One database as the state machine carries it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Item(Tier tier, String id, String name, String productType) {
        static Item of(RunTarget target) {
            return new Item(target.tier(), target.id(), target.name(), target.productType());
        }
    }

    /**
     * One page of a run's databases.
     *
     * @param nextToken absent on the last page
     * @param wave      the rollout wave of the page's databases (0: the canary)
     * @param waveEnds  whether the next page is of a later wave: Summarize checks the gate
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Page(List<Item> items, int count, String nextToken, int wave, boolean waveEnds) {}

    public Page page(Request request) {
        RunLedger.Cursor after = request.nextToken() == null ? null : decode(request.runId(), request.nextToken());
        RunLedger.Page page = ledger.page(request.runId(), after, request.pageSize(), request.perServer());
        List<Item> items = page.items().stream().map(Item::of).toList();
        return new Page(
                items,
                items.size(),
                page.next() == null ? null : encode(request.runId(), page.next()),
                page.items().isEmpty() ? 0 : page.items().get(0).wave(),
                page.waveEnds());
    }

    static String encode(String runId, RunLedger.Cursor cursor) {
        byte[] json = Json.MAPPER
                .createArrayNode()
                .add(runId)
                .add(cursor.wave())
                .add(cursor.tierOrder())
                .add(cursor.round())
                .add(cursor.seq())
                .toString()
                .getBytes(StandardCharsets.UTF_8);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json);
    }

    static RunLedger.Cursor decode(String runId, String token) {
        try {
            JsonNode cursor = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(token));
            if (cursor != null
                    && cursor.isArray()
                    && cursor.size() == 5
                    && cursor.get(0).asText().equals(runId)
                    && cursor.get(1).canConvertToInt()
                    && cursor.get(2).canConvertToInt()
                    && cursor.get(3).canConvertToLong()
                    && cursor.get(4).canConvertToLong()) {
                return new RunLedger.Cursor(
                        cursor.get(1).asInt(),
                        cursor.get(2).asInt(),
                        cursor.get(3).asLong(),
                        cursor.get(4).asLong());
            }
        } catch (IllegalArgumentException | IOException e) {
            // falls through to the message below; the token's text is not worth echoing
        }
        throw new InvalidRequestException("nextToken is not a token this function returned for this run");
    }
}
