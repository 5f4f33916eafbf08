package com.helix.migrations.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.helix.migrations.config.MigrationsConfig;
import com.helix.migrations.core.Platform;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.fleet.RunSteps;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * FinishRun: the state machine's last step closes its run in the ledger and writes the run's metrics as
 * CloudWatch Embedded Metric Format lines on standard output (no API call). Input {@code {"runId",
 * "maxFailures"}}; output {@link RunSteps.Outcome}: the run as closed, the original library's {@code {success,
 * failed}} summary read from the ledger (its lists capped, so it stays a few kilobytes at 40,000 databases; the first
 * failures are always named) and the cause a failed execution ends with. Closing a closed run changes nothing.
 */
public final class FinishRunFunction implements RequestStreamHandler {
    /** Ids kept in {@code success}; the counts cover the rest. */
    public static final int SUCCESS_CAP = 100;
    /** Failures kept in {@code failed}, with their reasons; the counts cover the rest. */
    public static final int FAILED_CAP = 25;
    /** Failures named in the cause line of a failed execution. */
    public static final int CAUSE_SHOWN = 5;

    private static final RunSteps.Shown SHOWN = new RunSteps.Shown(SUCCESS_CAP, FAILED_CAP, CAUSE_SHOWN);

    private final RunSteps steps;

    public FinishRunFunction() {
        this(RunSteps.of(Platform.fromConfig(MigrationsConfig.forCentral(System.getenv()))));
    }

    public FinishRunFunction(RunSteps steps) {
        this.steps = steps;
    }

    /**
     * The event.
     *
     * @param maxFailures the run's failure limit, named in the cause when reached; null: none
     */
    record Finish(String runId, Integer maxFailures) {
        Finish {
            if (runId == null) {
                throw new InvalidRequestException("runId is required");
            }
        }
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LambdaIO.handle(
                input,
                output,
                context,
                Finish.class,
                finish -> steps.finish(finish.runId(), finish.maxFailures(), SHOWN, System.out));
    }
}
