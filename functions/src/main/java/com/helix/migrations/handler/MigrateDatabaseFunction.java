package com.helix.migrations.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.helix.migrations.config.MigrationsConfig;
import com.helix.migrations.core.DatabaseMigrator;
import com.helix.migrations.core.MigrationOutcome;
import com.helix.migrations.core.MigrationRequest;
import com.helix.migrations.core.Platform;
import com.helix.migrations.registry.CentralRegistry;
import com.helix.migrations.target.Target;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * MigrateDatabase: one database, {@link MigrationRequest} {@code {"tier","id","action","targetVersion"}}
 * in, the {@link MigrationOutcome} out. A failure is thrown as its specific exception, which Step
 * Functions and Lambda callers see by its fully qualified class name.
 */
public final class MigrateDatabaseFunction implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(MigrateDatabaseFunction.class);

    private final CentralRegistry registry;
    private final DatabaseMigrator migrator;

    @SuppressWarnings("unused") // holds the priming hook: the runtime keeps only a weak reference to it
    private Priming priming;

    /** Used by Lambda: configuration from the environment, clients built once per container. */
    public MigrateDatabaseFunction() {
        this(Platform.fromConfig(MigrationsConfig.fromEnvironment(System.getenv())));
        priming = Priming.register(() -> {
            migrator.prime();
            Priming.event(MigrationRequest.class, "{\"tier\":\"tenant\",\"id\":\"priming\",\"action\":\"status\"}");
        });
    }

    public MigrateDatabaseFunction(Platform platform) {
        this.registry = platform.registry();
        this.migrator = platform.migrator();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LambdaIO.handle(input, output, context, MigrationRequest.class, request -> {
            MDC.put("tier", request.tier().wire());
            MDC.put("id", request.id());
            Target target = registry.find(request.tier(), request.id());
            // The invocation's remaining time bounds what is started and how long any statement may run.
            Duration timeLeft = context == null ? null : Duration.ofMillis(context.getRemainingTimeInMillis());
            MigrationOutcome outcome =
                    migrator.run(target, request.action(), request.targetVersion(), request.baseline(), timeLeft);
            MDC.put("status", outcome.status().wire());
            MDC.put("durationMs", String.valueOf(outcome.durationMs()));
            LOG.info("[{}] {}", outcome.tier().migrator(), outcome.line());
            return outcome;
        });
    }
}
