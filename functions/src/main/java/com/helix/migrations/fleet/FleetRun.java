package com.helix.migrations.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.helix.migrations.core.Action;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.core.Platform;
import com.helix.migrations.exceptions.MigrationsException;
import com.helix.migrations.json.Json;
import com.helix.migrations.ledger.RunLedger;
import com.helix.migrations.ledger.RunRecord;
import com.helix.migrations.ledger.RunStart;
import com.helix.migrations.ledger.RunTarget;
import com.helix.migrations.ledger.TargetResult;
import com.helix.migrations.registry.TargetQuery;
import com.helix.migrations.schema.MigrationSet;
import com.helix.migrations.schema.MigrationSources;
import com.helix.migrations.target.Target;
import com.helix.migrations.target.Tier;
import com.helix.migrations.text.Printable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one fan-out every command runs, recorded in the run ledger. The central database first, when
 * asked for (the ledger lives in it); then the run starts: its tenant and product databases are frozen
 * in the ledger, and run scope by scope, in the frozen order, with bounded concurrency by
 * {@link FleetRunner}, each scope's databases looked up in the registry (in one query) when it starts. A {@link Listener} is told
 * as each database finishes; the ledger records it. While the run goes on it beats, and a stop asked
 * for through the ledger drains it. Mistakes in the migration sets, and a target version that no
 * migration has, are found before anything starts.
 */
public final class FleetRun {
    private static final Logger LOG = LoggerFactory.getLogger(FleetRun.class);
    /** Hears how a run goes: the CLI's report, the status table. */
    public interface Listener {
        default void starting(Scope scope, Action action) {}

        default void found(Scope scope, int count, Action action) {}

        void outcome(MigrationOutcome outcome);

        /**
         * A scope is done.
         *
         * @param notStarted how many of the scope's databases were never started: by the failure limit, or
         *                   because the run was stopped
         * @param stoppedBy  what stopped the run ({@code SIGINT}); null when it was not stopped
         */
        default void scopeDone(Scope scope, int notStarted, String stoppedBy) {}

        /**
         * A wave of the rollout starts (only when the run has more than one).
         *
         * @param wave  0 for the canary, then 1, 2, …
         * @param waves how many the run has
         * @param count its databases
         */
        default void waveStarting(int wave, int waves, int count) {}

        /**
         * The gate after a wave closed: no later wave starts.
         *
         * @param notStarted the databases of the later waves
         */
        default void gateClosed(String reason, int notStarted) {}

        /** The run waits this long before its next wave. */
        default void baking(int seconds) {}

        /** The run is in the ledger (after the central database, when the run migrates it). */
        default void runStarted(RunRecord run) {}

        /** The run is closed in the ledger. */
        default void runFinished(RunRecord run) {}

        /**
         * The run ended, but the central database stayed unreachable, so its outcomes (or its end) could not
         * all be recorded: the ledger will show it {@code abandoned}.
         */
        default void runNotRecorded(RunRecord run, MigrationsException failure) {}
    }

    /**
     * One tier's databases: all active, provisioned ones, or those the filters leave.
     *
     * @param productType only this product type (product tier); null: all
     * @param ids         only these ids; null: all
     * @param excludeIds  never these ids; null: none
     * @param jurisdiction only this jurisdiction; null: all
     */
    public record Scope(Tier tier, String productType, List<String> ids, List<String> excludeIds, String jurisdiction) {
        public static Scope central() {
            return new Scope(Tier.CENTRAL, null, null, null, null);
        }

        public static Scope all(Tier tier) {
            return new Scope(tier, null, null, null, null);
        }

        TargetQuery query() {
            return new TargetQuery(tier, productType, ids, excludeIds, null, jurisdiction);
        }
    }

    /**
     * Who starts a run, and on what terms.
     *
     * @param startedBy {@code user@host}
     * @param force     run even when this build is older than the last successful run's
     * @param resumes   the run whose failed and unfinished databases to run again; null: list afresh
     */
    public record Origin(String startedBy, boolean force, String resumes) {}

    /** The run as the ledger closed it (null when it could not be), and every database's outcome. */
    public record Result(RunRecord run, List<MigrationOutcome> outcomes) {}

    private final Platform platform;
    private final Stop stop;

    /** @param stop what a signal requests to stop the run early */
    public FleetRun(Platform platform, Stop stop) {
        this.platform = platform;
        this.stop = stop;
    }

    /** Runs the action over the scopes (ignored by a resume), recorded as one run. */
    public Result run(List<Scope> scopes, FleetOptions options, Listener listener, Origin origin) {
        MigrationSources sources = platform.sources();
        List<MigrationSet> sets = origin.resumes() != null
                ? sources.all()
                : scopes.stream().flatMap(scope -> sets(scope).stream()).toList();
        sets.forEach(set -> set.target(options.targetVersion()));
        List<MigrationOutcome> outcomes = new ArrayList<>();
        TargetResult central = null;
        if (origin.resumes() == null && scopes.stream().anyMatch(s -> s.tier() == Tier.CENTRAL)) {
            central = migrateCentral(options, listener, outcomes);
        }
        RunLedger ledger = platform.ledger();
        RunRecord run = ledger.start(new RunStart(
                RunLedger.CLI,
                origin.startedBy(),
                options.action().wire(),
                !options.action().readOnly(),
                optionsJson(scopes, options),
                sources.build(),
                origin.force(),
                origin.resumes(),
                scopes.stream()
                        .filter(s -> s.tier() != Tier.CENTRAL)
                        .map(Scope::query)
                        .toList(),
                options.rollout().waves(),
                central));
        listener.runStarted(run);
        Recorder recorder = new Recorder(ledger, run.id());
        try (Heartbeat beating = new Heartbeat(ledger, run.id())) {
            FleetRunner runner = new FleetRunner(
                    (target, opts) -> {
                        started(ledger, run.id(), target);
                        return migrate(target, opts);
                    },
                    stop);
            List<List<RunTarget>> groups = frozen(ledger, run.id());
            int waves =
                    (int) groups.stream().map(g -> g.get(0).wave()).distinct().count();
            List<MigrationOutcome> inWave = new ArrayList<>();
            for (int i = 0; i < groups.size(); i++) {
                List<RunTarget> group = groups.get(i);
                int wave = group.get(0).wave();
                boolean waveStarts = i == 0 || groups.get(i - 1).get(0).wave() != wave;
                if (waveStarts) {
                    inWave.clear();
                }
                if (waveStarts && waves > 1) {
                    listener.waveStarting(
                            wave,
                            waves,
                            groups.stream()
                                    .filter(g -> g.get(0).wave() == wave)
                                    .mapToInt(List::size)
                                    .sum());
                }
                List<MigrationOutcome> ran = runTier(runner, group, scopes, options, listener, recorder);
                outcomes.addAll(ran);
                inWave.addAll(ran);
                boolean waveEnds =
                        i + 1 == groups.size() || groups.get(i + 1).get(0).wave() != wave;
                if (waveEnds && i + 1 < groups.size()) {
                    String gate = gate(options, wave, inWave, outcomes);
                    if (gate != null) {
                        ledger.gate(run.id(), gate);
                        listener.gateClosed(
                                gate,
                                groups.subList(i + 1, groups.size()).stream()
                                        .mapToInt(List::size)
                                        .sum());
                        break;
                    }
                    bake(options.rollout().bakeSeconds(), listener);
                }
            }
        }
        try {
            recorder.flush();
            RunRecord finished = ledger.finish(run.id(), stop.cancelling() ? "stopped" : null);
            listener.runFinished(finished);
            return new Result(finished, outcomes);
        } catch (MigrationsException e) {
            // Every database ran; the ledger could not be told. The run is abandoned once its heartbeat is stale.
            listener.runNotRecorded(run, e);
            return new Result(null, outcomes);
        }
    }

    /** Why the gate after a wave closed, from its outcomes and the run's; null when the next wave may start. */
    private static String gate(
            FleetOptions options, int wave, List<MigrationOutcome> inWave, List<MigrationOutcome> all) {
        return Rollout.gate(
                new RunLedger.WaveCount(wave, inWave.size(), inWave.size(), failures(inWave)),
                failures(all),
                options.maxFailures(),
                options.rollout().maxFailurePercent());
    }

    private static int failures(List<MigrationOutcome> outcomes) {
        return (int) outcomes.stream().filter(o -> !o.status().succeeded()).count();
    }

    /** Waits between waves, unless the run is stopped meanwhile. */
    private void bake(int seconds, Listener listener) {
        if (seconds == 0) {
            return;
        }
        listener.baking(seconds);
        long until = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < until && !stop.requested()) {
            try {
                Thread.sleep(Math.min(200, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The central database, before the run starts (the ledger lives in it); its result, for the run. */
    private TargetResult migrateCentral(FleetOptions options, Listener listener, List<MigrationOutcome> outcomes) {
        listener.starting(Scope.central(), options.action());
        FleetRunner.FleetResult result = new FleetRunner(this::migrate, stop)
                .run(
                        List.of(Target.named(Tier.CENTRAL, Target.CENTRAL_ID, "central", null)),
                        options,
                        listener::outcome);
        outcomes.addAll(result.outcomes());
        listener.scopeDone(Scope.central(), result.notStarted(), result.stoppedBy());
        return result.outcomes().isEmpty()
                ? null
                : RunResults.of(result.outcomes().get(0));
    }

    /**
     * One tier's frozen databases, looked up in the registry in one query as the tier starts, then run; each
     * outcome reported and recorded as it comes.
     */
    private List<MigrationOutcome> runTier(
            FleetRunner runner,
            List<RunTarget> frozen,
            List<Scope> scopes,
            FleetOptions options,
            Listener listener,
            Recorder recorder) {
        Tier tier = frozen.get(0).tier();
        Scope scope = scopes.stream().filter(s -> s.tier() == tier).findFirst().orElse(Scope.all(tier));
        listener.starting(scope, options.action());
        listener.found(scope, frozen.size(), options.action());
        Map<String, Target> resolved = platform.registry()
                .findAll(tier, frozen.stream().map(RunTarget::id).toList());
        List<Target> targets = frozen.stream()
                .map(t -> resolved.getOrDefault(t.id(), Target.named(t.tier(), t.id(), t.name(), t.productType())))
                .toList();
        FleetRunner.FleetResult result = runner.run(targets, options, outcome -> {
            listener.outcome(outcome);
            recorder.record(RunResults.of(outcome));
        });
        listener.scopeDone(scope, result.notStarted(), result.stoppedBy());
        return result.outcomes();
    }

    /**
     * One database, as the MigrateDatabase function runs it (with no deadline). A database resolved when its
     * tier started runs as it was then; one that was not (gone from the registry, not provisioned, or central)
     * is looked up now, which says why.
     */
    private MigrationOutcome migrate(Target target, FleetOptions options) {
        return platform.migrator()
                .run(
                        target.location() != null ? target : platform.registry().find(target.tier(), target.id()),
                        options.action(),
                        options.targetVersion(),
                        options.baseline(),
                        null);
    }

    /** Marks a database running in the ledger, if it can: its outcome is what matters, and is kept until recorded. */
    private static void started(RunLedger ledger, String runId, Target target) {
        try {
            ledger.started(runId, target.tier(), target.id());
        } catch (MigrationsException e) {
            LOG.warn(
                    "Run {}: start of {} {} not recorded ({})",
                    runId,
                    target.tier(),
                    Printable.of(target.id()),
                    e.getMessage());
        }
    }

    /** The run's frozen tenant and product databases, one group per wave and tier, in order. */
    private static List<List<RunTarget>> frozen(RunLedger ledger, String runId) {
        List<List<RunTarget>> groups = new ArrayList<>();
        RunTarget previous = null;
        for (RunTarget target : ledger.frozen(runId)) {
            if (previous == null || previous.tier() != target.tier() || previous.wave() != target.wave()) {
                groups.add(new ArrayList<>());
            }
            groups.get(groups.size() - 1).add(target);
            previous = target;
        }
        return groups;
    }

    /** What the ledger keeps of how the run was asked for, and what a resume reuses. */
    private static ObjectNode optionsJson(List<Scope> scopes, FleetOptions options) {
        ObjectNode json = Json.MAPPER.valueToTree(options);
        json.set("scopes", Json.MAPPER.valueToTree(scopes));
        return json;
    }

    /** The migration sets a scope's databases use, read and checked. */
    private List<MigrationSet> sets(Scope scope) {
        MigrationSources sources = platform.sources();
        if (scope.tier() != Tier.PRODUCT) {
            return List.of(sources.set(scope.tier(), null));
        }
        List<String> types = scope.productType() != null ? List.of(scope.productType()) : sources.productTypes();
        return types.stream().map(type -> sources.set(Tier.PRODUCT, type)).toList();
    }

    /**
     * The run is alive: its heartbeat is written every {@link RunLedger#heartbeatEvery()}, and a stop asked for
     * through the ledger drains the run (nothing new starts, what runs finishes).
     */
    private final class Heartbeat implements AutoCloseable {
        private final ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "run-heartbeat");
            thread.setDaemon(true);
            return thread;
        });

        Heartbeat(RunLedger ledger, String runId) {
            long every = ledger.heartbeatEvery().toMillis();
            var unused = beat.scheduleWithFixedDelay(
                    () -> {
                        try {
                            if (ledger.heartbeat(runId)) {
                                stop.drain("a stop request (helix-migrations stop " + runId + ")");
                            }
                        } catch (RuntimeException e) {
                            LOG.warn("Run {}: heartbeat not recorded ({}); trying again", runId, e.getMessage());
                        }
                    },
                    every,
                    every,
                    TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            beat.shutdownNow();
        }
    }

    /**
     * Records outcomes as they come, from worker threads. A recording that fails is kept and tried again
     * with the next one, and at the end: no outcome is lost while the central database comes back.
     */
    private static final class Recorder {
        private final RunLedger ledger;
        private final String runId;
        private final List<TargetResult> waiting = new ArrayList<>();

        Recorder(RunLedger ledger, String runId) {
            this.ledger = ledger;
            this.runId = runId;
        }

        synchronized void record(TargetResult result) {
            waiting.add(result);
            try {
                write();
            } catch (RuntimeException e) {
                LOG.warn(
                        "Run {}: {} results not recorded yet ({}); trying again",
                        runId,
                        waiting.size(),
                        e.getMessage());
            }
        }

        /** Writes what is waiting, trying a few times; throws when the central database stays away. */
        synchronized void flush() {
            for (int attempt = 1; ; attempt++) {
                try {
                    write();
                    return;
                } catch (RuntimeException e) {
                    if (attempt == 5) {
                        throw e;
                    }
                    try {
                        Thread.sleep(1000L * attempt);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
            }
        }

        private void write() {
            if (!waiting.isEmpty()) {
                ledger.record(runId, List.copyOf(waiting));
                waiting.clear();
            }
        }
    }
}
