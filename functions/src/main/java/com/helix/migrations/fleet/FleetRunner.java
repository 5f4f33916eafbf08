package com.helix.migrations.fleet;

import com.helix.migrations.core.DatabaseMigrator;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.core.MigrationStatus;
import com.helix.migrations.exceptions.MigrationsException;
import com.helix.migrations.exceptions.RunInterruptedException;
import com.helix.migrations.target.Target;
import com.helix.migrations.text.Printable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one action over many databases in this process, at most {@code concurrency} at a time and at most
 * {@code perServer} on any one database server. Whatever goes wrong with one database, a bug included,
 * becomes its failed outcome and never stops the others, unless the failure limit is reached (over every
 * {@link #run} of this runner), after which no new database is started (those running finish), or the run
 * is {@link Stop stopped}: then no new database is started and, unless it drains, those running are
 * cancelled, each reported as interrupted.
 */
public final class FleetRunner {
    private static final Logger LOG = LoggerFactory.getLogger(FleetRunner.class);
    private static final AtomicInteger WORKER_IDS = new AtomicInteger();

    /** The run's action on one database; a failure is thrown. */
    @FunctionalInterface
    public interface Work {
        MigrationOutcome run(Target target, FleetOptions options);
    }

    private final Work work;
    private final Stop stop;
    /** Failures over every {@link #run} of this runner: the failure limit is the whole run's. */
    private final AtomicInteger failures = new AtomicInteger();

    /** Each database through the migrator, as the MigrateDatabase function runs it (with no deadline). */
    public FleetRunner(DatabaseMigrator migrator, Stop stop) {
        this(
                (target, options) ->
                        migrator.run(target, options.action(), options.targetVersion(), options.baseline(), null),
                stop);
    }

    public FleetRunner(Work work, Stop stop) {
        this.work = work;
        this.stop = stop;
    }

    /**
     * Runs the action over the targets.
     *
     * @param onOutcome called once per finished database, from worker threads, as each finishes
     * @return every outcome, in the order the targets were given, how many were never started, and whether
     *     the run was stopped
     */
    public FleetResult run(List<Target> targets, FleetOptions options, Consumer<MigrationOutcome> onOutcome) {
        Slots slots = new Slots(options);
        List<Future<MigrationOutcome>> started = new ArrayList<>(Collections.nCopies(targets.size(), null));
        List<Integer> pending =
                new ArrayList<>(IntStream.range(0, targets.size()).boxed().toList());
        int notStarted = 0;
        // Platform threads: JDBC and Flyway block inside synchronized code, which pins virtual threads on Java 21.
        try (ExecutorService workers = Executors.newFixedThreadPool(options.concurrency(), FleetRunner::worker)) {
            while (!pending.isEmpty()) {
                int next = slots.take(targets, pending);
                if (stop.requested() || limitReached(options)) {
                    slots.release(targets.get(next));
                    notStarted = pending.size();
                    break;
                }
                pending.remove(Integer.valueOf(next));
                Target target = targets.get(next);
                started.set(next, workers.submit(() -> {
                    try {
                        MigrationOutcome outcome = attempt(target, options);
                        if (outcome.status() == MigrationStatus.FAILED) {
                            failures.incrementAndGet();
                        }
                        onOutcome.accept(outcome);
                        return outcome;
                    } finally {
                        slots.release(target);
                    }
                }));
            }
        }
        List<MigrationOutcome> outcomes = new ArrayList<>(targets.size());
        for (Future<MigrationOutcome> future : started) {
            if (future != null) {
                outcomes.add(future.resultNow());
            }
        }
        return new FleetResult(Collections.unmodifiableList(outcomes), notStarted, stop.reason());
    }

    /**
     * The run's slots: at most {@code concurrency} databases at once, and at most {@code perServer} on any one
     * database server (host and port). The next database to start is the first waiting whose server has room,
     * so a slow server holds back only its own databases.
     */
    private static final class Slots {
        private final int concurrency;
        private final Integer perServer;
        private final Map<Object, Integer> onServer = new HashMap<>();
        private int running;

        Slots(FleetOptions options) {
            this.concurrency = options.concurrency();
            this.perServer = options.perServer();
        }

        /** Waits for a free slot for one of the waiting databases; returns which (its index), holding its slot. */
        synchronized int take(List<Target> targets, List<Integer> waiting) {
            while (true) {
                if (running < concurrency) {
                    for (int index : waiting) {
                        Object server = server(targets.get(index));
                        if (perServer == null || onServer.getOrDefault(server, 0) < perServer) {
                            running++;
                            onServer.merge(server, 1, Integer::sum);
                            return index;
                        }
                    }
                }
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a slot", e);
                }
            }
        }

        synchronized void release(Target target) {
            running--;
            onServer.merge(server(target), -1, Integer::sum);
            notifyAll();
        }

        /** A database's server: its host and port; a database not yet located is a server of its own. */
        private static Object server(Target target) {
            return target.location() == null
                    ? target
                    : target.location().host().toLowerCase(Locale.ROOT) + ":"
                            + target.location().port();
        }
    }

    /**
     * The action on one database, whatever it throws turned into a failed outcome; a failure once the run
     * is stopping is the stop's doing (its statement was cancelled), and says so.
     */
    private MigrationOutcome attempt(Target target, FleetOptions options) {
        long started = System.nanoTime();
        try {
            return work.run(target, options);
        } catch (MigrationsException e) {
            return failed(target, options, e, started);
        } catch (RuntimeException e) {
            // A bug, or something no one foresaw: this database's failure, named, with the stack in the log.
            LOG.error("Unexpected failure on {} {}", target.tier(), Printable.of(target.id()), e);
            return failed(target, options, e, started);
        }
    }

    private MigrationOutcome failed(Target target, FleetOptions options, RuntimeException e, long started) {
        RuntimeException failure =
                stop.cancelling() ? new RunInterruptedException(stop.reason(), MigrationOutcome.error(e)) : e;
        return MigrationOutcome.failed(target, options.action(), failure, elapsedMs(started));
    }

    private static long elapsedMs(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    private static Thread worker(Runnable task) {
        Thread thread = new Thread(task, "migrate-" + WORKER_IDS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    }

    private boolean limitReached(FleetOptions options) {
        return options.maxFailures() != null && failures.get() >= options.maxFailures();
    }

    /**
     * Every outcome, and how many targets were left unstarted: by the failure limit, or because the run
     * was stopped.
     *
     * @param stoppedBy what stopped the run ({@code SIGINT}); null when it was not stopped
     */
    public record FleetResult(List<MigrationOutcome> outcomes, int notStarted, String stoppedBy) {}
}
