package com.helix.migrations.support;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.helix.migrations.core.Platform;
import com.helix.migrations.fleet.RunSteps;
import com.helix.migrations.fleet.TargetLanes;
import com.helix.migrations.handler.CheckMigrationsFunction;
import com.helix.migrations.handler.FinishRunFunction;
import com.helix.migrations.handler.ListTargetsFunction;
import com.helix.migrations.handler.MigrateDatabaseFunction;
import com.helix.migrations.handler.StartRunFunction;
import com.helix.migrations.handler.SummarizeFunction;
import com.helix.migrations.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** One execution of {@code statemachine/migrate-fleet.asl.json} by aws-local-stepfunctions on Node 22. */
public final class StateMachineRun {
    public static final Path DEFINITION = NodeTools.REPO.resolve("statemachine/migrate-fleet.asl.json");
    public static final String ACCOUNT_ARN = "arn:aws:lambda:eu-west-2:123456789012:function:";

    private StateMachineRun() {}

    /** The real handler classes behind each function the state machine calls, by the names {@link #substitutions} gives them. */
    public static Map<String, RequestStreamHandler> functions(Platform platform) {
        RunSteps steps = RunSteps.of(platform);
        return Map.of(
                "helix-check-migrations", new CheckMigrationsFunction(platform.sources()),
                "helix-migrate-database", new MigrateDatabaseFunction(platform),
                "helix-start-run", new StartRunFunction(steps),
                "helix-list-targets", new ListTargetsFunction(TargetLanes.of(platform)),
                "helix-summarize", new SummarizeFunction(steps),
                "helix-finish-run", new FinishRunFunction(steps));
    }

    /** The substitutions the template makes, with the given limits. */
    public static Map<String, String> substitutions(int maxConcurrency, int maxFailures, int pageSize) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("MigrateDatabaseFunctionArn", ACCOUNT_ARN + "helix-migrate-database");
        values.put("ListTargetsFunctionArn", ACCOUNT_ARN + "helix-list-targets");
        values.put("SummarizeFunctionArn", ACCOUNT_ARN + "helix-summarize");
        values.put("CheckMigrationsFunctionArn", ACCOUNT_ARN + "helix-check-migrations");
        values.put("StartRunFunctionArn", ACCOUNT_ARN + "helix-start-run");
        values.put("FinishRunFunctionArn", ACCOUNT_ARN + "helix-finish-run");
        values.put("MaxConcurrency", String.valueOf(maxConcurrency));
        values.put("MaxFailures", String.valueOf(maxFailures));
        values.put("PageSize", String.valueOf(pageSize));
        values.put("PerServer", "0");
        return values;
    }

    /**
     * Runs the state machine with its Lambda calls sent to {@code lambda}; retry pauses are skipped.
     *
     * @param extra more fields for the run file (localHandlers, scale)
     */
    public static NodeTools.Result run(
            LambdaApiServer lambda,
            Map<String, String> substitutions,
            JsonNode input,
            Map<String, Object> extra,
            Duration timeout) {
        ObjectNode run = Json.MAPPER.createObjectNode();
        run.put("definition", DEFINITION.toString());
        run.set("substitutions", Json.MAPPER.valueToTree(substitutions));
        run.set("input", input);
        run.put("noWaits", true);
        extra.forEach((k, v) -> run.set(k, Json.MAPPER.valueToTree(v)));
        try {
            Path file = Files.createTempFile("sfn-run-", ".json");
            Files.writeString(file, run.toString());
            try {
                return NodeTools.run(
                        Map.of(
                                "AWS_ENDPOINT_URL_LAMBDA", lambda.endpoint(),
                                "AWS_REGION", "eu-west-2",
                                "AWS_ACCESS_KEY_ID", "AKIDTESTTEST",
                                "AWS_SECRET_ACCESS_KEY", "test-secret-access-key"),
                        timeout,
                        "run-state-machine.mjs",
                        file.toString());
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
