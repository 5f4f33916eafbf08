package com.helix.migrations.ledger;

import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.target.Ids;
import java.util.Arrays;
import java.util.List;

/**
 * How a run's databases are split into waves when it is frozen: a canary first (wave 0), then waves 1, 2, …
 * as cumulative shares of the run's tenants, as CodeDeploy counts them ({@code 1%,10%,100%}: after the
 * second wave, 10% are done). A product database is in its tenant's wave. The canary and the waves take
 * tenants in an order that covers every database server and jurisdiction first.
 *
 * @param canaryCount this many tenants (and their products) first; null: none, or the ids
 * @param canaryIds   these tenants or products (and, for a tenant, its products) first; null: none, or the count
 * @param percents    cumulative percentages, rising, the last 100; empty: one wave
 */
public record Waves(Integer canaryCount, List<String> canaryIds, List<Integer> percents) {
    public static final Waves ONE = new Waves(null, null, List.of());

    public Waves {
        if (canaryCount != null && canaryIds != null) {
            throw new InvalidRequestException("canary is a count or ids, not both");
        }
        if (canaryCount != null && canaryCount < 1) {
            throw new InvalidRequestException("canary must be at least 1, not " + canaryCount);
        }
        if (canaryIds != null) {
            if (canaryIds.isEmpty()) {
                throw new InvalidRequestException("canary names no ids");
            }
            canaryIds.forEach(id -> Ids.requireId("canary", id));
            canaryIds = List.copyOf(canaryIds);
        }
        percents = percents == null ? List.of() : List.copyOf(percents);
        int previous = 0;
        for (int percent : percents) {
            if (percent <= previous || percent > 100) {
                throw new InvalidRequestException(
                        "waves must be rising percentages from 1 to 100, cumulative (1%,10%,100%), not " + percents);
            }
            previous = percent;
        }
        if (!percents.isEmpty() && previous != 100) {
            throw new InvalidRequestException("the last wave must be 100% (every database), not " + previous + "%");
        }
    }

    /** {@code 1%,10%,100%} (the percent signs optional) as percentages. */
    public static List<Integer> parsePercents(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        try {
            return Arrays.stream(text.split(",", -1))
                    .map(part -> Integer.parseInt(part.strip().replaceFirst("%$", "")))
                    .toList();
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("waves must be percentages like 1%,10%,100%, not " + Ids.quote(text));
        }
    }

    /** Whether the run has a canary (wave 0). */
    public boolean canary() {
        return canaryCount != null || canaryIds != null;
    }
}
