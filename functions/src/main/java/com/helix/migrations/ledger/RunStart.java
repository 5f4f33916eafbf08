package com.helix.migrations.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.helix.migrations.registry.TargetQuery;
import java.util.List;
import java.util.Map;

/**
 * What a new run is: who starts it, what it does, and the databases it freezes.
 *
 * @param source    {@link RunLedger#STATE_MACHINE} or {@link RunLedger#CLI}
 * @param startedBy the execution ARN, or {@code user@host}; for a state machine, the key that makes starting
 *                  twice start once
 * @param action    the action's name ({@code migrate}, {@code status}, …)
 * @param changes   whether the action changes databases: only such runs are checked against other builds
 * @param options   how it runs, as given (recorded, and reused by a resume)
 * @param build     the latest migration version of each migrations folder in this build
 * @param force     run even when this build is older than the last successful run's
 * @param resumes   the run whose failed and unfinished databases this one runs; null: a fresh listing
 * @param scopes    what to list (ignored by a resume); ids a scope names must all be listed
 * @param waves     how the listed databases are split into a canary and waves (ignored by a resume, which
 *                  keeps each database's wave)
 * @param central   the central database's result, when the run migrated it before starting; null: none
 */
public record RunStart(
        String source,
        String startedBy,
        String action,
        boolean changes,
        JsonNode options,
        Map<String, String> build,
        boolean force,
        String resumes,
        List<TargetQuery> scopes,
        Waves waves,
        TargetResult central) {
    public RunStart {
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
        waves = waves == null ? Waves.ONE : waves;
        build = Map.copyOf(build);
    }
}
