package com.helix.migrations.fleet;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.core.MigrationStatus;
import com.helix.migrations.exceptions.ErrorCode;
import com.helix.migrations.text.Printable;
import java.util.ArrayList;
import java.util.List;

/**
 * The original library's {@code {success, failed}} result, kept small at fleet scale: the lists are
 * capped (the first failures are always named) and the counts cover everything.
 *
 * @param success     ids that succeeded, at most the cap
 * @param failed      the first failures, at most the cap
 * @param succeeded   how many succeeded (migrated + up to date + pending)
 * @param failedCount how many failed
 * @param migrated    how many had migrations applied
 * @param upToDate    how many had nothing to apply
 * @param pending     how many have migrations waiting ({@code status} / dry runs)
 * @param blocked     how many migrate would refuse ({@code status} / dry runs); listed in {@code failed}
 * @param repaired    how many had their history repaired ({@code repair})
 * @param baselined   how many were adopted: Flyway's baseline row written (the baseline command)
 * @param warned      how many of those that succeeded carry a warning (a database newer than the known
 *                    migrations): nothing failed, but someone should look
 * @param skipped     how many were never started because the failure limit was reached
 * @param message     {@code Migration complete: N succeeded, M failed}
 */
public record FleetSummary(
        List<String> success,
        List<Failure> failed,
        int succeeded,
        int failedCount,
        int migrated,
        int upToDate,
        int pending,
        int blocked,
        int repaired,
        int baselined,
        int warned,
        int skipped,
        String message) {

    /**
     * One failed (or blocked) database: what it is and why.
     *
     * @param errorType the failure's exception, by simple class name
     * @param errorCode the failure's code; null for a blocked database
     */
    public record Failure(String tier, String id, String name, String error, String errorType, ErrorCode errorCode) {}

    public FleetSummary {
        success = List.copyOf(success);
        failed = List.copyOf(failed);
    }

    @JsonIgnore
    public int total() {
        return succeeded + failedCount + blocked + skipped;
    }

    @JsonIgnore
    public boolean anyFailed() {
        return failedCount > 0;
    }

    /** One line naming the first failures, for a Step Functions {@code Fail} cause or a pipeline log. */
    public String describeFailures(int shown) {
        StringBuilder cause = new StringBuilder(failedCount + " of " + total() + " databases failed"
                + (blocked > 0 ? ", " + blocked + " blocked" : ""));
        if (skipped > 0) {
            cause.append(" (").append(skipped).append(" not started: failure limit reached)");
        }
        String separator = ": ";
        for (Failure f : failed.subList(0, Math.min(shown, failed.size()))) {
            cause.append(separator)
                    .append(f.tier())
                    .append(' ')
                    .append(Printable.of(f.id()))
                    .append(f.name() == null ? "" : " (" + Printable.of(f.name()) + ")")
                    .append(": ")
                    .append(f.error());
            separator = "; ";
        }
        if (failedCount + blocked > Math.min(shown, failed.size())) {
            cause.append("; and ")
                    .append(failedCount + blocked - Math.min(shown, failed.size()))
                    .append(" more");
        }
        return cause.toString();
    }

    /** Folds outcomes (and other partial summaries) into one summary, keeping the lists to their caps. */
    public static final class Builder {
        private final int successCap;
        private final int failedCap;
        private final List<String> success = new ArrayList<>();
        private final List<Failure> failed = new ArrayList<>();
        private int succeeded;
        private int failedCount;
        private int migrated;
        private int upToDate;
        private int pending;
        private int blocked;
        private int repaired;
        private int baselined;
        private int warned;
        private int skipped;

        /** Keeps at most {@code cap} ids and {@code cap} failures. */
        public Builder(int cap) {
            this(cap, cap);
        }

        public Builder(int successCap, int failedCap) {
            this.successCap = successCap;
            this.failedCap = failedCap;
        }

        public synchronized Builder add(MigrationOutcome outcome) {
            if (outcome.status() == MigrationStatus.BLOCKED) {
                blocked++;
                return listFailure(new Failure(
                        outcome.tier().wire(),
                        outcome.id(),
                        outcome.name(),
                        "blocked: " + outcome.blockedReason(),
                        null,
                        null));
            }
            if (outcome.succeeded()) {
                if (!outcome.warnings().isEmpty()) {
                    warned++;
                }
                return succeeded(outcome.id(), outcome.status());
            }
            return failed(new Failure(
                    outcome.tier().wire(),
                    outcome.id(),
                    outcome.name(),
                    outcome.error(),
                    outcome.errorType(),
                    outcome.errorCode()));
        }

        public synchronized Builder succeeded(String id, MigrationStatus status) {
            switch (status) {
                case MIGRATED -> migrated++;
                case UP_TO_DATE -> upToDate++;
                case PENDING -> pending++;
                case REPAIRED -> repaired++;
                case BASELINED -> baselined++;
                case FAILED, BLOCKED -> throw new IllegalArgumentException("a failure needs its reason");
            }
            succeeded++;
            if (success.size() < successCap) {
                success.add(id);
            }
            return this;
        }

        public synchronized Builder failed(Failure failure) {
            failedCount++;
            return listFailure(failure);
        }

        private Builder listFailure(Failure failure) {
            if (failed.size() < failedCap) {
                failed.add(failure);
            }
            return this;
        }

        /** Counts databases that ended this way without naming them (a run ledger's totals); see {@link #name}. */
        public synchronized Builder count(MigrationStatus status, int count) {
            switch (status) {
                case MIGRATED -> migrated += count;
                case UP_TO_DATE -> upToDate += count;
                case PENDING -> pending += count;
                case REPAIRED -> repaired += count;
                case BASELINED -> baselined += count;
                case FAILED -> failedCount += count;
                case BLOCKED -> blocked += count;
            }
            if (status != MigrationStatus.FAILED && status != MigrationStatus.BLOCKED) {
                succeeded += count;
            }
            return this;
        }

        /** Names a database that succeeded, counted with {@link #count}, while the list has room. */
        public synchronized Builder name(String id) {
            if (success.size() < successCap) {
                success.add(id);
            }
            return this;
        }

        /** Names a failure counted with {@link #count}, while the list has room. */
        public synchronized Builder name(Failure failure) {
            return listFailure(failure);
        }

        public synchronized Builder skipped(int count) {
            skipped += count;
            return this;
        }

        /** Adds another summary's counts and as much of its lists as the cap allows. */
        public synchronized Builder merge(FleetSummary other) {
            for (String id : other.success()) {
                if (success.size() < successCap) {
                    success.add(id);
                }
            }
            for (Failure failure : other.failed()) {
                if (failed.size() < failedCap) {
                    failed.add(failure);
                }
            }
            succeeded += other.succeeded();
            failedCount += other.failedCount();
            migrated += other.migrated();
            upToDate += other.upToDate();
            pending += other.pending();
            blocked += other.blocked();
            repaired += other.repaired();
            baselined += other.baselined();
            warned += other.warned();
            skipped += other.skipped();
            return this;
        }

        public synchronized FleetSummary build() {
            String message = "Migration complete: " + succeeded + " succeeded, " + failedCount + " failed"
                    + (blocked > 0 ? ", " + blocked + " blocked" : "")
                    + (skipped > 0 ? ", " + skipped + " not started" : "");
            return new FleetSummary(
                    success,
                    failed,
                    succeeded,
                    failedCount,
                    migrated,
                    upToDate,
                    pending,
                    blocked,
                    repaired,
                    baselined,
                    warned,
                    skipped,
                    message);
        }
    }
}
