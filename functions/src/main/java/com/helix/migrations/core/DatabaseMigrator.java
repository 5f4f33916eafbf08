package com.helix.migrations.core;

import com.helix.migrations.config.DatabaseSettings;
import com.helix.migrations.credentials.Credentials;
import com.helix.migrations.credentials.DatabaseCredentials;
import com.helix.migrations.db.DataSources;
import com.helix.migrations.db.OpenConnections;
import com.helix.migrations.exceptions.DatabaseAuthenticationException;
import com.helix.migrations.exceptions.InvalidRegistryRowException;
import com.helix.migrations.exceptions.TargetNotActiveException;
import com.helix.migrations.schema.MigrationSet;
import com.helix.migrations.schema.MigrationSources;
import com.helix.migrations.schema.SchemaMigrator;
import com.helix.migrations.schema.SchemaReport;
import com.helix.migrations.target.Target;
import com.helix.migrations.target.Tier;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.api.MigrationVersion;

/**
 * Brings one database to the latest schema, or says exactly why not: check its tier's migrations,
 * fetch its credentials from its jurisdiction, run Flyway. The one implementation behind the
 * MigrateDatabase function, the fleet fan-out and the CLI; the target comes from the central registry.
 */
public final class DatabaseMigrator {
    private final Credentials credentials;
    private final MigrationSources sources;
    private final DatabaseSettings settings;
    private final OpenConnections connections;
    private final SchemaMigrator schema = new SchemaMigrator();

    public DatabaseMigrator(
            Credentials credentials, MigrationSources sources, DatabaseSettings settings, OpenConnections connections) {
        this.credentials = credentials;
        this.sources = sources;
        this.settings = settings;
        this.connections = connections;
    }

    /**
     * Runs one action on one database; a failure is thrown as the specific
     * {@link com.helix.migrations.exceptions.MigrationsException}.
     *
     * @param targetVersion migrate no further than this version; null for the latest
     * @param timeLeft      the caller's deadline, such as a Lambda invocation's remaining time: with too
     *                      little left nothing is started ({@link com.helix.migrations.exceptions.OutOfTimeException}),
     *                      and no statement may outlive it. Null: no deadline.
     */
    public MigrationOutcome run(Target target, Action action, String targetVersion, Duration timeLeft) {
        long started = System.nanoTime();
        DatabaseSettings budgeted = TimeBudget.settings(settings, timeLeft);
        if (target.refusal() != null) {
            throw new InvalidRegistryRowException(target.tier().wire(), target.id(), target.refusal());
        }
        if (action == Action.MIGRATE && !target.active()) {
            throw new TargetNotActiveException(target.tier().noun(), target.id(), target.status());
        }
        // The tier's migrations, and the target version, are checked before anything touches the database.
        MigrationSet set = sources.set(target.tier(), target.productType());
        MigrationVersion version = set.target(targetVersion);
        SchemaMigrator.Database database = database(target, set, budgeted, action.readOnly());
        SchemaReport report;
        try {
            report = switch (action) {
                case MIGRATE -> schema.migrate(database, version);
                case STATUS -> schema.status(database);
                case VALIDATE -> schema.validate(database);
                case REPAIR -> schema.repair(database);
            };
        } catch (DatabaseAuthenticationException e) {
            // Perhaps the password was rotated since it was cached: the next try reads it again.
            credentials.forget(target.location().secretId());
            throw e;
        }
        return MigrationOutcome.of(target, action, report, (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Does once what every invocation would otherwise do first: reads every tier's migrations, loads
     * Flyway, the JDBC driver and the Secrets Manager clients. Opens no connection and reads no secret
     * (SnapStart priming must not capture either).
     */
    public void prime() {
        sources.prime().forEach(schema::prime);
        credentials.prime();
        DataSources.prime();
    }

    private SchemaMigrator.Database database(
            Target target, MigrationSet set, DatabaseSettings settings, boolean readOnly) {
        DatabaseCredentials secret = target.tier() == Tier.CENTRAL
                ? credentials.home(target.location().secretId())
                : credentials.forJurisdiction(
                        target.jurisdiction(), target.location().secretId());
        DataSource dataSource = connections.track(DataSources.postgres(target.location(), secret, settings, readOnly));
        return new SchemaMigrator.Database(target.location().databaseName(), dataSource, set, settings.lockTimeout());
    }
}
