package com.helix.migrations.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.helix.migrations.fleet.FleetProgress;
import com.helix.migrations.fleet.FleetSummary;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Summarize: folds one page of per-database results ({@link SummarizeRequest}) into the running summary,
 * the original library's {@code {success, failed}} with counts. The lists are capped so the summary
 * stays a few kilobytes at 40,000 databases; the first failures are always named. Needs no
 * configuration and touches no database.
 */
public final class SummarizeFunction implements RequestStreamHandler {
    /** Ids kept in {@code success}; the count covers the rest. */
    public static final int SUCCESS_CAP = 100;
    /** Failures kept in {@code failed}, with their reasons; the count covers the rest. */
    public static final int FAILED_CAP = 25;
    /** Failures named in the cause line of a failed execution. */
    public static final int CAUSE_SHOWN = 5;

    private static final Logger LOG = LoggerFactory.getLogger(SummarizeFunction.class);

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LambdaIO.handle(input, output, context, SummarizeRequest.class, SummarizeFunction::fold);
    }

    static FleetProgress fold(SummarizeRequest request) {
        FleetSummary.Builder builder = new FleetSummary.Builder(SUCCESS_CAP, FAILED_CAP);
        if (request.summary() != null) {
            builder.merge(request.summary());
        }
        request.results().forEach(result -> result.addTo(builder));
        FleetProgress progress = FleetProgress.of(builder.build(), request.maxFailures(), CAUSE_SHOWN);
        if (!request.results().isEmpty()) {
            LOG.info(
                    "{} ({} in this page)",
                    progress.summary().message(),
                    request.results().size());
        }
        return progress;
    }
}
