package com.helix.migrations.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.helix.migrations.config.MigrationsConfig;
import com.helix.migrations.core.Platform;
import com.helix.migrations.fleet.FleetProgress;
import com.helix.migrations.fleet.RunSteps;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Summarize: records one page of per-database results ({@link SummarizeRequest}) in the run ledger, in one
 * statement, and folds them into the running summary, the original library's {@code {success, failed}}
 * with counts. The lists are capped so the summary stays a few kilobytes at 40,000 databases; the first
 * failures are always named. Stops the run once the failure limit is reached, a stop was requested, or the
 * gate after a wave closes.
 */
public final class SummarizeFunction implements RequestStreamHandler {
    /** Ids kept in {@code success}; the count covers the rest. */
    public static final int SUCCESS_CAP = 100;
    /** Failures kept in {@code failed}, with their reasons; the count covers the rest. */
    public static final int FAILED_CAP = 25;
    /** Failures named in the cause line of a failed execution. */
    public static final int CAUSE_SHOWN = 5;

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
            FleetProgress progress = steps.pageDone(
                    request.runId(),
                    request.ledgerResults(),
                    request.folded(SUCCESS_CAP, FAILED_CAP),
                    request.maxFailures(),
                    request.wave(),
                    request.waveEnds(),
                    request.maxFailurePercent(),
                    CAUSE_SHOWN);
            LOG.info(
                    "{} ({} in this page)",
                    progress.summary().message(),
                    request.results().size());
            return progress;
        });
    }
}
