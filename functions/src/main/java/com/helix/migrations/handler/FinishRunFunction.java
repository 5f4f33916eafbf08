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
 * FinishRun: the state machine's last step closes its run in the ledger and writes the run's metrics as
 * CloudWatch Embedded Metric Format lines on standard output (no API call). Input {@code {"runId"}};
 * output {@link RunSteps.Finished}. Closing a closed run changes nothing.
 */
public final class FinishRunFunction implements RequestStreamHandler {
    private final RunSteps steps;

    public FinishRunFunction() {
        this(RunSteps.of(Platform.fromConfig(MigrationsConfig.forCentral(System.getenv()))));
    }

    public FinishRunFunction(RunSteps steps) {
        this.steps = steps;
    }

    /** The event. */
    record Finish(String runId) {}

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LambdaIO.handle(input, output, context, Finish.class, finish -> {
            if (finish.runId() == null) {
                throw new com.helix.migrations.exceptions.InvalidRequestException("runId is required");
            }
            return steps.finish(finish.runId(), System.out);
        });
    }
}
