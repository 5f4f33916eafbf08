package com.helix.migrations.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.helix.migrations.config.MigrationsConfig;
import com.helix.migrations.core.DatabaseMigrator;
import com.helix.migrations.core.MigrationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * MigrateDatabase: one database, {@code {"tier","id","action","targetVersion"}} in, the outcome out.
 * A failure is thrown as its specific exception, which Step Functions and Lambda callers see by its
 * fully qualified class name.
 */
public final class MigrateDatabaseFunction implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(MigrateDatabaseFunction.class);

    private final DatabaseMigrator migrator;
    private Priming priming;

    /** Used by Lambda: configuration from the environment, clients built once per container. */
    public MigrateDatabaseFunction() {
        this(DatabaseMigrator.fromConfig(MigrationsConfig.fromEnvironment(System.getenv())));
        // Held by the runtime's context until the snapshot, and by this function after it.
        priming = Priming.register(() -> Events.prime(migrator));
    }

    public MigrateDatabaseFunction(DatabaseMigrator migrator) {
        this.migrator = migrator;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Events.handle(input, output, Events::migrationRequest, request -> {
            // A container's remaining time bounds what is started and how long any statement may run.
            MigrationOutcome outcome = migrator.run(request,
                    context == null ? null : Duration.ofMillis(context.getRemainingTimeInMillis()));
            LOG.info("[{}] {}", outcome.tier().migrator(), outcome.line());
            return outcome;
        });
    }
}
