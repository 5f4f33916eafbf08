package com.helix.migrations.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.helix.migrations.config.MigrationsConfig;
import com.helix.migrations.core.Platform;
import com.helix.migrations.fleet.TargetPages;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * ListTargets: one page of a run's databases, read from the run ledger, where StartRun froze them.
 * Input {@link TargetPages.Request} {@code {"runId","pageSize","nextToken"}}; output
 * {@code {"items":[{"tier","id","name","productType"}],"count","nextToken"}}.
 */
public final class ListTargetsFunction implements RequestStreamHandler {
    private final TargetPages pages;

    @SuppressWarnings("unused") // holds the priming hook: the runtime keeps only a weak reference to it
    private Priming priming;

    public ListTargetsFunction() {
        this(TargetPages.of(Platform.fromConfig(MigrationsConfig.forCentral(System.getenv()))));
        priming = Priming.register(() -> {
            pages.prime();
            Priming.event(TargetPages.Request.class, "{\"runId\":\"priming\",\"pageSize\":1}");
        });
    }

    public ListTargetsFunction(TargetPages pages) {
        this.pages = pages;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LambdaIO.handle(input, output, context, TargetPages.Request.class, pages::page);
    }
}
