package com.helix.migrations.cli;

import com.helix.migrations.fleet.Rollout;
import com.helix.migrations.ledger.Waves;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * How a migrating run rolls out: {@code --canary}, {@code --waves} and the gates between waves
 * ({@code --max-failure-percent}, {@code --bake-seconds}).
 */
final class RolloutOptions {
    @Option(
            names = "--canary",
            paramLabel = "N|IDS",
            description = "Migrate these first: a count of tenants (chosen to cover every server and jurisdiction), or"
                    + " tenant or product ids; any canary failure stops the run before anything else starts.")
    String canary;

    @Option(
            names = "--waves",
            paramLabel = "P%,…",
            description = "Then migrate in waves, cumulative shares of the tenants (a product goes with its tenant):"
                    + " 1%,10%,100%. Each wave starts only if the one before passed its gate.")
    String waves;

    @Option(
            names = "--max-failure-percent",
            paramLabel = "P",
            description = "Gate: stop before the next wave when more than P% of a wave's databases failed.")
    Integer maxFailurePercent;

    @Option(
            names = "--bake-seconds",
            paramLabel = "S",
            defaultValue = "0",
            description = "Wait S seconds between waves (default: ${DEFAULT-VALUE}).")
    int bakeSeconds;

    Rollout rollout() {
        Integer count = null;
        List<String> ids = null;
        if (canary != null) {
            if (canary.strip().matches("\\d+")) {
                count = Integer.parseInt(canary.strip());
            } else {
                ids = Arrays.stream(canary.split(",", -1)).map(String::strip).toList();
            }
        }
        return new Rollout(new Waves(count, ids, Waves.parsePercents(waves)), maxFailurePercent, bakeSeconds);
    }
}
