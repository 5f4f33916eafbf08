package com.helix.migrations.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.helix.migrations.config.MigrationsConfig;
import com.helix.migrations.core.Platform;
import com.helix.migrations.fleet.RunSteps;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * RunEnded: EventBridge's "Step Functions Execution Status Change" event for the fleet state machine. An
 * execution that failed, timed out or was aborted before its last step closes its run ({@code failed},
 * or {@code stopped} when aborted), so that no run stays {@code running}. Input
 * {@link RunSteps.ExecutionStatusChange}; output: the run's id and status, or {@code {}} when the execution
 * had no open run.
 */
public final class RunEndedFunction implements RequestStreamHandler {
    private final RunSteps steps;

    public RunEndedFunction() {
        this(RunSteps.of(Platform.fromConfig(MigrationsConfig.forCentral(System.getenv()))));
    }

    public RunEndedFunction(RunSteps steps) {
        this.steps = steps;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LambdaIO.handle(input, output, context, RunSteps.ExecutionStatusChange.class, steps::executionEnded);
    }
}
