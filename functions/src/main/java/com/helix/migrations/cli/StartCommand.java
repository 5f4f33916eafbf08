package com.helix.migrations.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.helix.migrations.core.Action;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.fleet.FleetOptions;
import com.helix.migrations.fleet.Rollout;
import com.helix.migrations.json.Json;
import com.helix.migrations.target.Ids;
import com.helix.migrations.text.Printable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * {@code start}: starts the deployed fleet state machine and, with {@code --wait}, follows it to the
 * end. For pipelines that cannot use CodePipeline's Step Functions action.
 */
@Command(
        name = "start",
        mixinStandardHelpOptions = true,
        description = "Start the deployed migrate-fleet state machine; with --wait, follow it and exit 1 if it failed.")
final class StartCommand implements Callable<Integer> {
    private static final Pattern STATE_MACHINE_ARN =
            Pattern.compile("arn:aws[a-z-]*:states:([a-z0-9-]+):\\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}");

    @ParentCommand
    HelixCommand parent;

    @Option(
            names = "--state-machine-arn",
            paramLabel = "ARN",
            required = true,
            description = "The MigrateFleet state machine (a stack output).")
    String stateMachineArn;

    @Option(names = "--product", paramLabel = "TYPE", description = "Only this product type's product databases.")
    String productType;

    @Option(
            names = "--tenant-ids",
            paramLabel = "ID",
            split = ",",
            description = "Only these tenants (and their products).")
    List<String> tenantIds;

    @Option(
            names = "--concurrency",
            paramLabel = "N",
            description = "Databases migrated at once (default: the stack's MaxConcurrency).")
    Integer concurrency;

    @Option(
            names = "--max-failures",
            paramLabel = "N",
            description = "Start no new database after N failures (default: the stack's MaxFailures).")
    Integer maxFailures;

    @Option(
            names = "--action",
            paramLabel = "ACTION",
            defaultValue = "migrate",
            description = "migrate (default), or status or validate: every database checked, nothing changed, the"
                    + " run recorded in the ledger; with --wait, the versions histogram is printed.")
    String action;

    @Option(
            names = "--resume",
            paramLabel = "RUN",
            description = "Run again exactly the databases that failed or were not started in this run (see runs).")
    String resumeRunId;

    @Option(
            names = "--allow-older-build",
            description = "Run even though the deployed migrations are older than those of the last successful run.")
    boolean allowOlderBuild;

    @Mixin
    RolloutOptions rollout;

    @Option(names = "--wait", description = "Follow the execution until it ends.")
    boolean waitForEnd;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "3600",
            description =
                    "With --wait: give up following after this long (default: ${DEFAULT-VALUE}); the execution goes on.")
    long timeoutSeconds;

    @Option(
            names = "--poll",
            paramLabel = "SECONDS",
            defaultValue = "5",
            description = "With --wait: seconds between checks (default: ${DEFAULT-VALUE}).")
    double pollSeconds;

    @Override
    public Integer call() throws InterruptedException {
        Cli cli = parent.cli;
        Matcher arn = STATE_MACHINE_ARN.matcher(stateMachineArn);
        if (!arn.matches()) {
            throw new InvalidRequestException(
                    "--state-machine-arn is not a state machine ARN: " + Ids.quote(stateMachineArn));
        }
        if (timeoutSeconds < 1 || pollSeconds <= 0) {
            throw new InvalidRequestException("--timeout and --poll must be positive");
        }
        String input = input();
        try (SfnClient sfn = SfnClient.builder()
                .region(Region.of(arn.group(1)))
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
            String executionArn = sfn.startExecution(
                            b -> b.stateMachineArn(stateMachineArn).input(input))
                    .executionArn();
            cli.out().println("Started " + executionArn);
            if (!waitForEnd) {
                return Main.OK;
            }
            return follow(cli, sfn, executionArn);
        } catch (SdkException e) {
            cli.err().println("error: Step Functions: " + Printable.of(e.getMessage()));
            return Main.USAGE;
        }
    }

    private String input() {
        ObjectNode input = Json.MAPPER.createObjectNode();
        Action parsed = Action.parse(action);
        if (parsed != Action.MIGRATE && parsed != Action.STATUS && parsed != Action.VALIDATE) {
            throw new InvalidRequestException("--action must be migrate, status or validate, not " + action);
        }
        if (parsed != Action.MIGRATE) {
            input.put("action", parsed.wire());
        }
        if (resumeRunId != null) {
            if (productType != null || tenantIds != null) {
                throw new InvalidRequestException(
                        "--resume runs what that run left: it takes no --product or" + " --tenant-ids");
            }
            input.put("resumeRunId", Ids.requireId("--resume", resumeRunId));
        }
        if (allowOlderBuild) {
            input.put("allowOlderBuild", true);
        }
        Rollout asked = rollout.rollout();
        if (asked.waves().canaryCount() != null) {
            input.put("canary", asked.waves().canaryCount());
        }
        if (asked.waves().canaryIds() != null) {
            input.set("canaryIds", Json.MAPPER.valueToTree(asked.waves().canaryIds()));
        }
        if (!asked.waves().percents().isEmpty()) {
            input.set("waves", Json.MAPPER.valueToTree(asked.waves().percents()));
        }
        if (asked.maxFailurePercent() != null) {
            input.put("maxFailurePercent", asked.maxFailurePercent());
        }
        if (asked.bakeSeconds() > 0) {
            input.put("bakeSeconds", asked.bakeSeconds());
        }
        if (productType != null) {
            input.put("productType", Ids.requireProductType(productType));
        }
        if (tenantIds != null) {
            tenantIds.forEach(id -> Ids.requireId("--tenant-ids", id));
            input.set("tenantIds", Json.MAPPER.valueToTree(tenantIds));
        }
        if (concurrency != null) {
            input.put("maxConcurrency", new FleetOptions(concurrency, null, null, null).concurrency());
        }
        if (maxFailures != null) {
            input.put("maxFailures", new FleetOptions(1, maxFailures, null, null).maxFailures());
        }
        return input.toString();
    }

    private int follow(Cli cli, SfnClient sfn, String executionArn) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(timeoutSeconds);
        Duration poll = Duration.ofMillis((long) (pollSeconds * 1000));
        ExecutionStatus last = null;
        while (true) {
            DescribeExecutionResponse execution = sfn.describeExecution(b -> b.executionArn(executionArn));
            if (execution.status() != last) {
                last = execution.status();
                cli.out().println("Execution " + last.toString().toLowerCase(java.util.Locale.ROOT));
            }
            switch (execution.status()) {
                case SUCCEEDED -> {
                    printSummary(cli, execution.output());
                    return Main.OK;
                }
                case RUNNING, PENDING_REDRIVE -> {
                    if (Instant.now().isAfter(deadline)) {
                        cli.err()
                                .println("error: still running after " + timeoutSeconds + " s; follow it at "
                                        + executionArn);
                        return Main.FAILED;
                    }
                    Thread.sleep(poll);
                }
                default -> {
                    cli.err()
                            .println("Execution " + execution.statusAsString().toLowerCase(java.util.Locale.ROOT) + ": "
                                    + (execution.error() == null ? "" : execution.error() + ": ")
                                    + (execution.cause() == null ? "" : execution.cause()));
                    return Main.FAILED;
                }
            }
        }
    }

    /**
     * The execution's output: the run as FinishRun closed it and the {@code {success, failed}} summary; for a
     * check run, how many databases are at each version.
     */
    private static void printSummary(Cli cli, String output) {
        JsonNode result;
        try {
            result = output == null ? null : Json.MAPPER.readTree(output);
        } catch (IOException e) {
            cli.out().println(output);
            return;
        }
        JsonNode summary = result == null ? null : result.path("summary").path("message");
        if (summary != null && summary.isTextual()) {
            cli.out().println(summary.asText());
        }
        JsonNode run = result == null ? null : result.get("run");
        if (run == null) {
            return;
        }
        if (run.path("versions").isArray()
                && !"migrate".equals(run.path("action").asText())) {
            Map<String, Integer> histogram = new TreeMap<>();
            run.get("versions")
                    .forEach(v -> histogram.merge(
                            v.path("tier").asText()
                                    + (v.hasNonNull("productType")
                                            ? " " + v.get("productType").asText()
                                            : "") + " @ " + v.path("version").asText("empty") + " ("
                                    + v.path("status").asText() + ")",
                            v.path("count").asInt(),
                            Integer::sum));
            StatusTable.printHistogram(cli.out(), histogram);
        }
        cli.out().println(run.path("message").asText());
        cli.out()
                .println("Per database: helix-migrations run "
                        + run.path("runId").asText());
    }
}
