package com.helix.migrations.fleet;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.helix.migrations.core.Platform;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.json.Json;
import com.helix.migrations.ledger.RunLedger;
import com.helix.migrations.ledger.RunTarget;
import com.helix.migrations.target.Tier;
import java.util.List;

/**
 * The ListTargets contract: a run's databases, as frozen in the run ledger when it started, handed to the
 * state machine in lanes. A lane runs databases one after another, each time taking the next pending ones of
 * its server (or, without {@code perServer}, of the segment), so a run holds at most as many migrations at once
 * as lanes run, a server at most as many as it has lanes, and no lane waits behind another's slow database; the
 * only barrier is between segments (a wave's tenants, then its products). Without a lane, the event lists the
 * next segment's lanes; with one, that lane takes its next databases. No location, no secret id, no host:
 * servers are numbers, and a database is only what a MigrateDatabase call and a report need.
 */
public final class TargetLanes {
    public static final int DEFAULT_PAGE_SIZE = 10;
    public static final int MAX_PAGE_SIZE = 1000;
    /** Lanes listed at a time: a few dozen kilobytes of payload; the rest are listed once these have run. */
    public static final int MAX_LANES = 1000;
    /**
     * Databases one lane's child execution takes before it ends and the lane is listed again: about 9 history
     * events each, well within Step Functions' 25,000 per execution.
     */
    public static final int LANE_BUDGET = 1500;

    private final RunLedger ledger;

    public TargetLanes(RunLedger ledger) {
        this.ledger = ledger;
    }

    public static TargetLanes of(Platform platform) {
        return new TargetLanes(platform.ledger());
    }

    /** Loads what a listing needs (SnapStart priming); reads no secret, connects nowhere. */
    public void prime() {
        Json.MAPPER.valueToTree(new Lanes(List.of(new RunLedger.Lane(0, Tier.TENANT, 1, 0, 2)), 1));
        Json.MAPPER.valueToTree(new Batch(List.of(new Item(Tier.TENANT, "priming", "priming", null)), 1, 1));
    }

    /**
     * A ListTargets event.
     *
     * @param runId          the run StartRun started
     * @param perServer      lanes per database server; null or 0: lanes across servers
     * @param maxConcurrency lanes across servers (without {@code perServer}); null: 1
     * @param lane           a lane the listing returned: it takes its next databases instead
     * @param pageSize       a lane's databases returned at a time, 1 to {@value #MAX_PAGE_SIZE}; null for
     *                       {@value #DEFAULT_PAGE_SIZE}
     * @param taken          the lane's databases this child execution took so far; null: 0
     */
    public record Request(
            String runId,
            Integer perServer,
            Integer maxConcurrency,
            RunLedger.Lane lane,
            Integer pageSize,
            Integer taken) {
        @JsonCreator
        static Request fromEvent(
                @JsonProperty("runId") String runId,
                @JsonProperty("perServer") Integer perServer,
                @JsonProperty("maxConcurrency") Integer maxConcurrency,
                @JsonProperty("lane") LaneEvent lane,
                @JsonProperty("pageSize") Integer pageSize,
                @JsonProperty("taken") Integer taken) {
            if (runId == null) {
                throw new InvalidRequestException("runId is required (StartRun's output)");
            }
            if (perServer != null && perServer < 0) {
                throw new InvalidRequestException("perServer must be at least 1 (0: no limit), not " + perServer);
            }
            if (maxConcurrency != null && maxConcurrency < 1) {
                throw new InvalidRequestException("maxConcurrency must be at least 1, not " + maxConcurrency);
            }
            int size = pageSize == null ? DEFAULT_PAGE_SIZE : pageSize;
            if (size < 1 || size > MAX_PAGE_SIZE) {
                throw new InvalidRequestException("pageSize must be from 1 to " + MAX_PAGE_SIZE + ", not " + size);
            }
            if (taken != null && taken < 0) {
                throw new InvalidRequestException("taken must be at least 0, not " + taken);
            }
            return new Request(
                    runId,
                    perServer == null || perServer == 0 ? null : perServer,
                    maxConcurrency == null ? 1 : maxConcurrency,
                    lane == null ? null : lane.checked(),
                    size,
                    taken == null ? 0 : taken);
        }
    }

    /** A lane as an event carries it back: checked before it reaches the ledger. */
    record LaneEvent(Integer wave, String tier, Integer server, Integer lane, Integer of) {
        RunLedger.Lane checked() {
            if (wave == null || tier == null || lane == null || of == null) {
                throw new InvalidRequestException(
                        "lane needs its wave, tier, lane and of (as ListTargets returned it)");
            }
            Tier parsed = Tier.parse(tier);
            if (parsed == Tier.CENTRAL
                    || wave < 0
                    || of < 1
                    || lane < 0
                    || lane >= of
                    || (server != null && server < 1)) {
                throw new InvalidRequestException("lane is not one ListTargets returned: " + this);
            }
            return new RunLedger.Lane(wave, parsed, server, lane, of);
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
     * The lanes of the run's next segment, lane 0 of every server first.
     *
     * @param count 0 when no database of the run is pending: the run is done
     */
    public record Lanes(List<RunLedger.Lane> lanes, int count) {}

    /**
     * A lane's next databases, now running in the ledger until Summarize records them.
     *
     * @param count 0 when its server (or segment) has none pending, or this child execution has taken its {@value
     *              #LANE_BUDGET}
     * @param taken the lane's databases this child execution has taken, these included
     */
    public record Batch(List<Item> items, int count, int taken) {}

    /** Lists the next segment's lanes, or (with a lane) takes that lane's next databases. */
    public Object list(Request request) {
        if (request.lane() == null) {
            List<RunLedger.Lane> lanes =
                    ledger.lanes(request.runId(), request.perServer(), request.maxConcurrency(), MAX_LANES);
            return new Lanes(lanes, lanes.size());
        }
        int room = Math.min(request.pageSize(), LANE_BUDGET - request.taken());
        List<Item> items = room <= 0
                ? List.of()
                : ledger.take(request.runId(), request.lane(), request.taken(), room).stream()
                        .map(Item::of)
                        .toList();
        return new Batch(items, items.size(), request.taken() + items.size());
    }
}
