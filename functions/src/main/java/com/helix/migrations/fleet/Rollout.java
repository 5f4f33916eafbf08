package com.helix.migrations.fleet;

import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.ledger.RunLedger;
import com.helix.migrations.ledger.Waves;

/**
 * How a run rolls out: a canary and waves (frozen with the run, see {@link Waves}), and the gates between
 * waves. Each wave starts only once the one before it has finished with the run's failures under its
 * failure limit and the wave's own failure rate at most {@code maxFailurePercent}; any canary failure
 * stops the run. Databases of later waves are then never started.
 *
 * @param maxFailurePercent a wave whose failed share is above this stops the run; null: only the failure limit
 * @param bakeSeconds       seconds to wait between waves (0: none)
 */
public record Rollout(Waves waves, Integer maxFailurePercent, int bakeSeconds) {
    public static final Rollout NONE = new Rollout(Waves.ONE, null, 0);

    public Rollout {
        waves = waves == null ? Waves.ONE : waves;
        if (maxFailurePercent != null && (maxFailurePercent < 0 || maxFailurePercent > 100)) {
            throw new InvalidRequestException("maxFailurePercent must be from 0 to 100, not " + maxFailurePercent);
        }
        if (bakeSeconds < 0 || bakeSeconds > 86_400) {
            throw new InvalidRequestException("bakeSeconds must be from 0 to 86400, not " + bakeSeconds);
        }
    }

    /**
     * Whether the gate after a wave stays open.
     *
     * @param wave        how the wave went
     * @param failures    the run's failures so far
     * @param maxFailures the run's failure limit; null: none
     * @param maxFailurePercent a wave whose failed share is above this closes the gate; null: only the limit
     * @return why the gate closed, for the report and the ledger; null when the next wave may start
     */
    public static String gate(RunLedger.WaveCount wave, int failures, Integer maxFailures, Integer maxFailurePercent) {
        String name = wave.wave() == 0 ? "canary" : "wave " + wave.wave();
        if (wave.wave() == 0 && wave.failed() > 0) {
            return "canary: " + wave.failed() + " of " + wave.ended() + " failed";
        }
        if (maxFailures != null && failures >= maxFailures) {
            return name + ": failure limit of " + maxFailures + " reached (" + failures + " failed)";
        }
        if (maxFailurePercent != null
                && wave.ended() > 0
                && wave.failed() * 100L > maxFailurePercent * (long) wave.ended()) {
            return name + ": " + wave.failed() + " of " + wave.ended() + " failed ("
                    + Math.round(wave.failed() * 1000.0 / wave.ended()) / 10.0 + "%), over maxFailurePercent "
                    + maxFailurePercent;
        }
        return null;
    }
}
