package com.helix.migrations.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.helix.migrations.config.MigrationsConfig;
import com.helix.migrations.schema.MigrationSet;
import com.helix.migrations.schema.MigrationSources;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * CheckMigrations: reads and checks every tier's migrations and Flyway configuration, touching no
 * database, so that a mistake in the set stops a fleet run before its first database, in one line
 * naming the file ({@code InvalidConfigurationException}). Input {@code {}}; output
 * {@code {"sets":[{"folder","latest","migrations","refused"}]}}.
 */
public final class CheckMigrationsFunction implements RequestStreamHandler {
    private final MigrationSources sources;

    @SuppressWarnings("unused") // holds the priming hook: the runtime keeps only a weak reference to it
    private Priming priming;

    public CheckMigrationsFunction() {
        this(new MigrationSources(
                MigrationsConfig.migrationsDir(System.getenv()), MigrationsConfig.flywayEnvironment(System.getenv())));
        priming = Priming.register(sources::prime);
    }

    public CheckMigrationsFunction(MigrationSources sources) {
        this.sources = sources;
    }

    /** The event: nothing. */
    record Check() {}

    /** One tier's migrations, as the check found them. */
    record CheckedSet(String folder, String latest, int migrations, List<String> refused) {
        static CheckedSet of(MigrationSet set) {
            return new CheckedSet(
                    set.folder(),
                    set.latest() == null ? null : set.latest().getVersion(),
                    set.scripts().size(),
                    set.refusals());
        }
    }

    record Checked(List<CheckedSet> sets) {}

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LambdaIO.handle(
                input,
                output,
                context,
                Check.class,
                check -> new Checked(sources.all().stream().map(CheckedSet::of).toList()));
    }
}
