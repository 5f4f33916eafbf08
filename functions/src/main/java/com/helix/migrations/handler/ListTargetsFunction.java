package com.helix.migrations.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.helix.migrations.config.MigrationsConfig;
import com.helix.migrations.core.Platform;
import com.helix.migrations.fleet.TargetLanes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * ListTargets: a run's databases, read from the run ledger where StartRun froze them, in lanes
 * ({@link TargetLanes}). Input {@code {"runId","perServer","maxConcurrency"}}: output the next segment's lanes,
 * {@code {"lanes":[{"wave","tier","server","lane","of"}],"count"}}. Input {@code {"runId","lane","pageSize",
 * "taken"}}: output that lane's next databases, {@code {"items":[{"tier","id","name","productType"}],"count",
 * "taken"}}.
 */
public final class ListTargetsFunction implements RequestStreamHandler {
    private final TargetLanes lanes;

    @SuppressWarnings("unused") // holds the priming hook: the runtime keeps only a weak reference to it
    private Priming priming;

    public ListTargetsFunction() {
        this(TargetLanes.of(Platform.fromConfig(MigrationsConfig.forCentral(System.getenv()))));
        priming = Priming.register(() -> {
            lanes.prime();
            Priming.event(
                    TargetLanes.Request.class,
                    "{\"runId\":\"priming\",\"lane\":{\"wave\":0,\"tier\":\"tenant\",\"server\":1,\"lane\":0,\"of\":2}}");
        });
    }

    public ListTargetsFunction(TargetLanes lanes) {
        this.lanes = lanes;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LambdaIO.handle(input, output, context, TargetLanes.Request.class, lanes::list);
    }
}
