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
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one action over many databases in this process, at most {@code concurrency} at a time. Whatever
 * goes wrong with one database, a bug included, becomes its failed outcome and never stops the others,
 * unless the failure limit is reached, after which no new database is started (those running finish),
 * or the run is {@link Stop stopped}: then no new database is started and those running are cancelled,
 * each reported as interrupted.
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
        Semaphore slots = new Semaphore(options.concurrency());
        AtomicInteger failures = new AtomicInteger();
        List<Future<MigrationOutcome>> started = new ArrayList<>();
        int notStarted = 0;
        // Platform threads: JDBC and Flyway block inside synchronized code, which pins virtual threads on Java 21.
        try (ExecutorService workers = Executors.newFixedThreadPool(options.concurrency(), FleetRunner::worker)) {
            for (int i = 0; i < targets.size(); i++) {
                slots.acquireUninterruptibly();
                if (stop.requested() || limitReached(options, failures)) {
                    slots.release();
                    notStarted = targets.size() - i;
                    break;
                }
                Target target = targets.get(i);
                started.add(workers.submit(() -> {
                    try {
                        MigrationOutcome outcome = attempt(target, options);
                        if (outcome.status() == MigrationStatus.FAILED) {
                            failures.incrementAndGet();
                        }
                        onOutcome.accept(outcome);
                        return outcome;
                    } finally {
                        slots.release();
                    }
                }));
            }
        }
        List<MigrationOutcome> outcomes = new ArrayList<>(started.size());
        for (Future<MigrationOutcome> future : started) {
            outcomes.add(future.resultNow());
        }
        return new FleetResult(Collections.unmodifiableList(outcomes), notStarted, stop.reason());
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

    private static boolean limitReached(FleetOptions options, AtomicInteger failures) {
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
