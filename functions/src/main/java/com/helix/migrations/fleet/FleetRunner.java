package com.helix.migrations.fleet;

import com.helix.migrations.core.DatabaseMigrator;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.registry.Target;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs one action over many databases in this process, at most {@code concurrency} at a time. One
 * database's failure becomes its failed outcome and never stops the others, unless the failure limit
 * is reached, after which no new database is started (those already running finish).
 */
public final class FleetRunner {
    private static final AtomicInteger WORKER_IDS = new AtomicInteger();

    private final DatabaseMigrator migrator;

    public FleetRunner(DatabaseMigrator migrator) {
        this.migrator = migrator;
    }

    /**
     * @param onOutcome called once per finished database, from worker threads, as each finishes
     * @return every outcome, in the order the targets were given, and how many were never started
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
                if (limitReached(options, failures)) {
                    slots.release();
                    notStarted = targets.size() - i;
                    break;
                }
                Target target = targets.get(i);
                started.add(workers.submit(() -> {
                    try {
                        MigrationOutcome outcome = migrator.attempt(target, options.action(), options.targetVersion());
                        if (!outcome.succeeded()) {
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
        return new FleetResult(Collections.unmodifiableList(outcomes), notStarted);
    }

    private static Thread worker(Runnable task) {
        Thread thread = new Thread(task, "migrate-" + WORKER_IDS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    }

    private static boolean limitReached(FleetOptions options, AtomicInteger failures) {
        return options.maxFailures() != null && failures.get() >= options.maxFailures();
    }

    /** Every outcome, and how many targets were left unstarted by the failure limit. */
    public record FleetResult(List<MigrationOutcome> outcomes, int notStarted) {
        public FleetSummary summary(int cap) {
            FleetSummary.Builder builder = new FleetSummary.Builder(cap);
            outcomes.forEach(builder::add);
            return builder.skipped(notStarted).build();
        }
    }
}
