package com.helix.migrations.fleet;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.helix.migrations.core.Action;
import com.helix.migrations.core.MigrationStatus;
import com.helix.migrations.core.Platform;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.json.Json;
import com.helix.migrations.ledger.RunLedger;
import com.helix.migrations.ledger.RunRecord;
import com.helix.migrations.ledger.RunStart;
import com.helix.migrations.ledger.TargetResult;
import com.helix.migrations.ledger.Waves;
import com.helix.migrations.registry.TargetQuery;
import com.helix.migrations.schema.MigrationSources;
import com.helix.migrations.target.Ids;
import com.helix.migrations.target.Target;
import com.helix.migrations.target.Tier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The state machine's run in the ledger: StartRun freezes it, Summarize records each lane's results and
 * checks the gate after each wave, FinishRun closes it and writes its metrics, and an execution that ends any other way (failed, timed out,
 * aborted) has its run closed by the execution-status rule. Every step may be retried: a second call
 * changes nothing.
 */
public final class RunSteps {
    /** The CloudWatch namespace of the run metrics. */
    public static final String METRICS_NAMESPACE = "HelixMigrations";
    /** What a state-machine run may do to every database. */
    static final Set<Action> ACTIONS = Set.of(Action.MIGRATE, Action.STATUS, Action.VALIDATE);
    /** How a database that succeeded can end in the ledger. */
    private static final Set<String> SUCCEEDED =
            Set.of("migrated", "up_to_date", "needs_migration", "repaired", "baselined");

    private final RunLedger ledger;
    private final MigrationSources sources;

    public RunSteps(RunLedger ledger, MigrationSources sources) {
        this.ledger = ledger;
        this.sources = sources;
    }

    public static RunSteps of(Platform platform) {
        return new RunSteps(platform.ledger(), platform.sources());
    }

    /**
     * The execution's input, as merged with the stack's defaults; any other field is refused.
     *
     * @param resumeRunId     run again the failed and unfinished databases of this run; the other filters
     *                        then do not apply
     * @param allowOlderBuild run even when this build's migrations are older than the last successful run's
     * @param rollout         the canary ({@code canary}: a count; or {@code canaryIds}), the waves ({@code waves}:
     *                        cumulative percentages) and the gates ({@code maxFailurePercent}, {@code bakeSeconds})
     * @param perServer       at most this many databases at once on one database server (ListTargets' lanes); 0:
     *                        no limit
     */
    public record Input(
            String productType,
            List<String> tenantIds,
            Integer maxConcurrency,
            Integer maxFailures,
            Action action,
            String resumeRunId,
            boolean allowOlderBuild,
            Rollout rollout,
            Integer perServer) {
        @JsonCreator
        static Input fromEvent(
                @JsonProperty("productType") String productType,
                @JsonProperty("tenantIds") List<String> tenantIds,
                @JsonProperty("maxConcurrency") Integer maxConcurrency,
                @JsonProperty("maxFailures") Integer maxFailures,
                @JsonProperty("action") String action,
                @JsonProperty("resumeRunId") String resumeRunId,
                @JsonProperty("allowOlderBuild") Boolean allowOlderBuild,
                @JsonProperty("canary") Integer canary,
                @JsonProperty("canaryIds") List<String> canaryIds,
                @JsonProperty("waves") List<Integer> waves,
                @JsonProperty("maxFailurePercent") Integer maxFailurePercent,
                @JsonProperty("bakeSeconds") Integer bakeSeconds,
                @JsonProperty("perServer") Integer perServer) {
            Action parsed = action == null ? Action.MIGRATE : Action.parse(action);
            if (!ACTIONS.contains(parsed)) {
                throw new InvalidRequestException(
                        "action must be migrate, status or validate in a state-machine run, not " + parsed.wire());
            }
            if (perServer != null && perServer < 0) {
                throw new InvalidRequestException("perServer must be at least 1 (0: no limit), not " + perServer);
            }
            if (maxConcurrency != null && maxConcurrency < 1) {
                throw new InvalidRequestException("maxConcurrency must be at least 1, not " + maxConcurrency);
            }
            new FleetOptions(1, maxFailures, parsed, null);
            if (resumeRunId != null) {
                Ids.requireId("resumeRunId", resumeRunId);
                if (productType != null || tenantIds != null) {
                    throw new InvalidRequestException(
                            "resumeRunId runs what that run left: it takes no productType or tenantIds");
                }
            }
            if (productType != null) {
                Ids.requireProductType(productType);
            }
            return new Input(
                    productType,
                    tenantIds,
                    maxConcurrency,
                    maxFailures,
                    parsed,
                    resumeRunId,
                    Boolean.TRUE.equals(allowOlderBuild),
                    new Rollout(
                            new Waves(canary, canaryIds, waves),
                            maxFailurePercent,
                            bakeSeconds == null ? 0 : bakeSeconds),
                    perServer);
        }
    }

    /**
     * The central database's result, as MigrateCentral's selector keeps it.
     *
     * @param status the result's status ({@code migrated}, {@code up_to_date}, …)
     */
    public record CentralResult(String status, String fromVersion, String toVersion, Integer applied, Long durationMs) {
        TargetResult result() {
            return new TargetResult(
                    Tier.CENTRAL,
                    Target.CENTRAL_ID,
                    RunResults.status(MigrationStatus.parse(status)),
                    fromVersion,
                    toVersion,
                    applied,
                    durationMs,
                    null,
                    null);
        }
    }

    /**
     * The StartRun event.
     *
     * @param executionArn the execution ({@code $$.Execution.Id}): one run per execution
     */
    public record StartRequest(String executionArn, Input input, CentralResult central) {
        public StartRequest {
            if (executionArn == null || input == null) {
                throw new InvalidRequestException("executionArn and input are required");
            }
        }
    }

    /**
     * A run started (or found, when StartRun is retried).
     *
     * @param action what MigrateDatabase does to each database
     */
    public record Started(String runId, String action, String resumes) {}

    public Started start(StartRequest request) {
        Input input = request.input();
        RunRecord resumed = input.resumeRunId() == null ? null : ledger.run(input.resumeRunId());
        Action action = input.action();
        if (resumed != null) {
            action = Action.parse(resumed.action());
            if (!ACTIONS.contains(action)) {
                throw new InvalidRequestException("run " + resumed.id() + " was a " + action.wire()
                        + " run: resume it from the CLI (helix-migrations resume " + resumed.id() + ")");
            }
        }
        if (input.productType() != null) {
            sources.requireKnownProductType(input.productType());
        }
        RunRecord run = ledger.start(new RunStart(
                RunLedger.STATE_MACHINE,
                request.executionArn(),
                action.wire(),
                !action.readOnly(),
                Json.MAPPER.valueToTree(input),
                sources.build(),
                input.allowOlderBuild(),
                input.resumeRunId(),
                List.of(
                        new TargetQuery(Tier.TENANT, null, null, null, input.tenantIds(), null),
                        new TargetQuery(Tier.PRODUCT, input.productType(), null, null, input.tenantIds(), null)),
                input.rollout().waves(),
                request.central() == null ? null : request.central().result()));
        return new Started(run.id(), run.action(), run.resumes());
    }

    /**
     * Records a lane's results in the ledger and decides whether the run goes on: not once the failure limit is
     * reached or a stop was requested. Given the wave of a segment that has run, also whether that wave has
     * ended, and if so whether its gate stays open (a closed gate is recorded in the ledger and stops the run).
     *
     * @param wave the wave of the segment that has run; null: no gate is checked (a lane's results)
     */
    public Progress recorded(
            String runId, List<TargetResult> results, Integer maxFailures, Integer wave, Integer maxFailurePercent) {
        int recorded = ledger.record(runId, results);
        boolean stopRequested = ledger.heartbeat(runId);
        int failures = ledger.failures(runId);
        boolean stop = stopRequested || (maxFailures != null && failures >= maxFailures);
        if (wave == null) {
            return new Progress(stop, false, recorded, failures);
        }
        Integer pending = ledger.pendingWave(runId);
        boolean waveEnded = pending != null && pending > wave;
        if (waveEnded && !stop) {
            String closed = Rollout.gate(ledger.wave(runId, wave), failures, maxFailures, maxFailurePercent);
            if (closed != null) {
                ledger.gate(runId, closed);
                stop = true;
            }
        }
        return new Progress(stop, waveEnded, recorded, failures);
    }

    /**
     * Whether the run goes on, after Summarize.
     *
     * @param stop      start no more databases: the failure limit is reached, a stop was requested, or a gate
     *                  closed
     * @param waveEnded the segment's wave has ended and a later one is pending (its gate stayed open unless
     *                  {@code stop})
     * @param recorded  how many results this call recorded (0 when they were recorded already)
     * @param failures  how many of the run's databases failed or were blocked so far
     */
    public record Progress(boolean stop, boolean waveEnded, int recorded, int failures) {}

    /**
     * The run as FinishRun closes it.
     *
     * @param message  the original library's line, for the whole run
     * @param versions how many databases are at each version, by tier and product type, and how they ended
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Finished(
            String runId,
            String action,
            String status,
            int targets,
            int migrated,
            int upToDate,
            int failed,
            int notStarted,
            long durationMs,
            String message,
            List<RunLedger.VersionCount> versions) {}

    /**
     * What FinishRun returns: the run, and how its tenant and product databases ended.
     *
     * @param summary the original library's {@code {success, failed}}, its lists capped
     * @param cause   the first failures in one line, with the failure limit or gate that stopped the run; null
     *                when none failed
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Outcome(Finished run, FleetSummary summary, String cause) {}

    /** How much of the run a finished summary names. */
    public record Shown(int successes, int failures, int inCause) {}

    /**
     * Closes the run and writes its metrics, one Embedded Metric Format line per tier and product type and one
     * for the run; a run closed already (a retried FinishRun) is returned as it is, and counted once. The
     * summary and the cause are read from the ledger.
     *
     * @param maxFailures the run's failure limit, for the cause; null: none
     */
    public Outcome finish(String runId, Integer maxFailures, Shown shown, Appendable metrics) {
        boolean open = ledger.run(runId).running();
        RunRecord run = ledger.finish(runId, null);
        List<RunLedger.Count> counts = ledger.counts(runId);
        for (String line : open ? metricLines(run, counts) : List.<String>of()) {
            try {
                metrics.append(line).append('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        FleetSummary summary = summary(runId, counts, shown);
        Finished finished = new Finished(
                run.id(),
                run.action(),
                run.status(),
                run.targets(),
                run.migrated(),
                run.upToDate(),
                run.failed(),
                run.notStarted(),
                run.duration().toMillis(),
                "Run " + run.id() + " " + run.status() + ": " + run.migrated() + " migrated, " + run.upToDate()
                        + " up to date, " + run.failed() + " failed, " + run.notStarted() + " not started",
                ledger.versions(runId));
        return new Outcome(finished, summary, cause(summary, maxFailures, run.gate(), shown.inCause()));
    }

    /**
     * The first failures in one line, and what stopped the run: the failure limit, or the gate after a wave;
     * null when nothing failed and no gate closed.
     */
    static String cause(FleetSummary summary, Integer maxFailures, String gate, int shown) {
        String cause = null;
        if (summary.anyFailed()) {
            cause = summary.describeFailures(shown)
                    + (maxFailures != null && summary.failedCount() >= maxFailures
                            ? " [failure limit of " + maxFailures + " reached: no further databases were started]"
                            : "");
        }
        if (gate != null) {
            String because = "[gate closed after " + gate + ": no later wave was started]";
            cause = cause == null ? because : cause + " " + because;
        }
        return cause;
    }

    /** The tenant and product databases of a closed run as the original library summed them up. */
    private FleetSummary summary(String runId, List<RunLedger.Count> counts, Shown shown) {
        FleetSummary.Builder builder = new FleetSummary.Builder(shown.successes(), shown.failures());
        for (RunLedger.Count count : counts) {
            MigrationStatus status = RunResults.migrationStatus(count.status());
            if (count.tier() == Tier.CENTRAL) {
                continue;
            }
            if (status == null) {
                builder.skipped(count.count());
            } else {
                builder.count(status, count.count());
            }
        }
        ledger.ended(runId, SUCCEEDED, shown.successes()).forEach(target -> builder.name(target.id()));
        ledger.ended(runId, Set.of("failed", "blocked"), shown.failures())
                .forEach(target -> builder.name(RunResults.failure(target)));
        return builder.build();
    }

    /**
     * EventBridge's "Step Functions Execution Status Change" event; only its detail is read.
     *
     * @param detailType the event's {@code detail-type}
     */
    public record ExecutionStatusChange(
            String version,
            String id,
            @JsonProperty("detail-type") String detailType,
            String source,
            String account,
            String time,
            String region,
            List<String> resources,
            ExecutionDetail detail) {
        public ExecutionStatusChange {
            if (detail == null || detail.executionArn() == null || detail.status() == null) {
                throw new InvalidRequestException(
                        "not an execution status change: detail.executionArn and detail.status are required");
            }
        }
    }

    /** The execution's detail; the fields not read here (input, output, dates, redrive…) are not checked. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ExecutionDetail(String executionArn, String status) {}

    /** The run an ended execution closed; empty when it had none still open. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Closed(String runId, String status) {}

    /**
     * An execution that failed, timed out or was aborted closes its run ({@code failed}, or {@code stopped}
     * when aborted); any other status, or an execution without an open run, changes nothing.
     */
    public Closed executionEnded(ExecutionStatusChange event) {
        String status = switch (event.detail().status()) {
            case "ABORTED" -> "stopped";
            case "FAILED", "TIMED_OUT" -> "failed";
            default -> null;
        };
        RunRecord run =
                status == null ? null : ledger.finishExecution(event.detail().executionArn(), status);
        return run == null ? new Closed(null, null) : new Closed(run.id(), run.status());
    }

    /**
     * CloudWatch Embedded Metric Format: per tier and product type, the databases migrated, up to date,
     * failed and not started; and for the whole run (by action), the same counts and its duration.
     */
    static List<String> metricLines(RunRecord run, List<RunLedger.Count> counts) {
        Map<String, ObjectNode> groups = new LinkedHashMap<>();
        for (RunLedger.Count count : counts) {
            String productType = count.productType() == null ? "-" : count.productType();
            ObjectNode line = groups.computeIfAbsent(count.tier().wire() + "/" + productType, key -> {
                ObjectNode node = emf(
                        List.of("Tier", "ProductType"),
                        List.of("DatabasesMigrated", "DatabasesUpToDate", "DatabasesFailed", "DatabasesNotStarted"));
                node.put("Tier", count.tier().wire());
                node.put("ProductType", productType);
                node.put("RunId", run.id());
                node.put("DatabasesMigrated", 0);
                node.put("DatabasesUpToDate", 0);
                node.put("DatabasesFailed", 0);
                node.put("DatabasesNotStarted", 0);
                return node;
            });
            String metric = switch (count.status()) {
                case "migrated" -> "DatabasesMigrated";
                case "up_to_date" -> "DatabasesUpToDate";
                case "failed", "blocked" -> "DatabasesFailed";
                case "not_started", "pending" -> "DatabasesNotStarted";
                default -> null;
            };
            if (metric != null) {
                line.put(metric, line.get(metric).asInt() + count.count());
            }
        }
        List<String> lines = new ArrayList<>();
        groups.values().forEach(node -> lines.add(node.toString()));
        ObjectNode total = emf(
                List.of("Action"),
                List.of(
                        "RunDuration",
                        "DatabasesMigrated",
                        "DatabasesUpToDate",
                        "DatabasesFailed",
                        "DatabasesNotStarted"));
        total.put("Action", run.action());
        total.put("RunId", run.id());
        total.put("RunStatus", run.status());
        total.put("RunDuration", run.duration().toMillis() / 1000.0);
        total.put("DatabasesMigrated", run.migrated());
        total.put("DatabasesUpToDate", run.upToDate());
        total.put("DatabasesFailed", run.failed());
        total.put("DatabasesNotStarted", run.notStarted());
        lines.add(total.toString());
        return lines;
    }

    private static ObjectNode emf(List<String> dimensions, List<String> metrics) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        ObjectNode aws = line.putObject("_aws");
        aws.put("Timestamp", Instant.now().toEpochMilli());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", METRICS_NAMESPACE);
        directive.putArray("Dimensions").add(Json.MAPPER.valueToTree(dimensions));
        ArrayNode definitions = directive.putArray("Metrics");
        for (String metric : metrics) {
            definitions.addObject().put("Name", metric).put("Unit", metric.equals("RunDuration") ? "Seconds" : "Count");
        }
        return line;
    }
}
