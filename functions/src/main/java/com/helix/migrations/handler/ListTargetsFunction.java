package com.helix.migrations.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.helix.migrations.config.MigrationsConfig;
import com.helix.migrations.core.DatabaseMigrator;
import com.helix.migrations.fleet.TargetPages;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * ListTargets: one page of the active, provisioned databases of a tier, read from the central registry.
 * Input {@code {"tier","productType","ids","excludeIds","tenantIds","jurisdiction","pageSize","nextToken"}}
 * (all but tier optional); output {@code {"items":[{"tier","id","name","jurisdiction","productType"}],"count","nextToken"}}.
 */
public final class ListTargetsFunction implements RequestStreamHandler {
    private final DatabaseMigrator migrator;
    private Priming priming;

    public ListTargetsFunction() {
        this(DatabaseMigrator.fromConfig(MigrationsConfig.fromEnvironment(System.getenv())));
        // Held by the runtime's context until the snapshot, and by this function after it.
        priming = Priming.register(() -> Events.prime(migrator));
    }

    public ListTargetsFunction(DatabaseMigrator migrator) {
        this.migrator = migrator;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Events.handle(input, output, Events::listTargetsRequest,
                request -> new TargetPages(migrator.registry(), migrator.sources()).page(request));
    }
}
