package com.helix.migrations.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.helix.migrations.config.MigrationsConfig;
import com.helix.migrations.core.Platform;
import com.helix.migrations.fleet.RunSteps;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Summarize: records one lane's per-database results ({@link SummarizeRequest}) in the run ledger, in one
 * statement (a retry changes nothing), and says whether the run goes on: not once the failure limit is
 * reached or a stop was requested. After a segment has run, called with its wave (and no results), it also
 * checks the gate when the wave has ended. The {@code {success, failed}} summary is read from the ledger by
 * FinishRun.
 */
public final class SummarizeFunction implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SummarizeFunction.class);

    private final RunSteps steps;

    public SummarizeFunction() {
        this(RunSteps.of(Platform.fromConfig(MigrationsConfig.forCentral(System.getenv()))));
    }

    public SummarizeFunction(RunSteps steps) {
        this.steps = steps;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LambdaIO.handle(input, output, context, SummarizeRequest.class, request -> {
            RunSteps.Progress progress = steps.recorded(
                    request.runId(),
                    request.ledgerResults(),
                    request.maxFailures(),
                    request.wave(),
                    request.maxFailurePercent());
            LOG.info(
                    "Run {}: {} results recorded, {} failed so far{}",
                    request.runId(),
                    progress.recorded(),
                    progress.failures(),
                    progress.stop() ? "; no further databases start" : "");
            return progress;
        });
    }
}
