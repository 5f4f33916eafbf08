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
 * StartRun: starts the execution's run in the ledger, freezing its databases, after the central database
 * is migrated (the ledger lives there). Input {@link RunSteps.StartRequest}
 * {@code {"executionArn","input":{"productType","tenantIds","maxConcurrency","maxFailures","action","resumeRunId",
 * "allowOlderBuild"},"central":{…}}}; output {@code {"runId","action","resumes"}}. Retried, it returns the
 * same run.
 */
public final class StartRunFunction implements RequestStreamHandler {
    private final RunSteps steps;

    @SuppressWarnings("unused") // holds the priming hook: the runtime keeps only a weak reference to it
    private Priming priming;

    public StartRunFunction() {
        this(RunSteps.of(Platform.fromConfig(MigrationsConfig.forCentral(System.getenv()))));
        priming = Priming.register(() -> Priming.event(
                RunSteps.StartRequest.class,
                "{\"executionArn\":\"priming\",\"input\":{\"action\":\"status\"},\"central\":null}"));
    }

    public StartRunFunction(RunSteps steps) {
        this.steps = steps;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LambdaIO.handle(input, output, context, RunSteps.StartRequest.class, steps::start);
    }
}
