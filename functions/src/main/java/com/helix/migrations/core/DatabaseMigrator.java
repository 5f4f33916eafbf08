package com.helix.migrations.core;

import com.helix.migrations.config.DatabaseSettings;
import com.helix.migrations.config.MigrationsConfig;
import com.helix.migrations.credentials.Credentials;
import com.helix.migrations.credentials.DatabaseCredentials;
import com.helix.migrations.credentials.FileSecretStore;
import com.helix.migrations.credentials.SecretStore;
import com.helix.migrations.credentials.SecretsManagerStore;
import com.helix.migrations.db.DataSources;
import com.helix.migrations.exceptions.DatabaseAuthenticationException;
import com.helix.migrations.exceptions.InvalidSecretException;
import com.helix.migrations.exceptions.TargetNotActiveException;
import com.helix.migrations.registry.CentralRegistry;
import com.helix.migrations.registry.DatabaseLocation;
import com.helix.migrations.registry.Target;
import com.helix.migrations.registry.Tier;
import com.helix.migrations.schema.MigrationSet;
import com.helix.migrations.schema.MigrationSources;
import com.helix.migrations.schema.SchemaMigrator;
import com.helix.migrations.schema.SchemaReport;

import javax.sql.DataSource;

/**
 * Brings one database to the latest schema, or says exactly why not: find the target in the central
 * registry, fetch its credentials from its jurisdiction, run Flyway with its tier's migrations.
 * The one implementation behind the MigrateDatabase function, the fleet fan-out and the CLI.
 */
public final class DatabaseMigrator {
    private final Credentials credentials;
    private final MigrationSources sources;
    private final SchemaMigrator schema;
    private final DatabaseSettings settings;
    private final String centralSecretId;
    private volatile Central central;

    public DatabaseMigrator(Credentials credentials, MigrationSources sources, DatabaseSettings settings, String centralSecretId) {
        this.credentials = credentials;
        this.sources = sources;
        this.schema = new SchemaMigrator();
        this.settings = settings;
        this.centralSecretId = centralSecretId;
    }

    /** The real thing, as configured. Opens no connection and reads no secret until first used. */
    public static DatabaseMigrator fromConfig(MigrationsConfig config) {
        SecretStore store = config.secretsFile() != null ? new FileSecretStore(config.secretsFile()) : new SecretsManagerStore();
        return new DatabaseMigrator(new Credentials(store, config.jurisdictionRegions(), config.homeRegion()),
                new MigrationSources(config.migrationsDir(), config.flywayEnvironment()), config.database(), config.centralSecretId());
    }

    /** Runs one request; failures are thrown as the specific {@link com.helix.migrations.exceptions.MigrationsException}. */
    public MigrationOutcome run(MigrationRequest request) {
        return run(request, null);
    }

    /**
     * Runs one request within a deadline, such as a Lambda invocation's remaining time: refused with
     * {@link com.helix.migrations.exceptions.OutOfTimeException} when too little is left to start,
     * and no statement may outlive it. Null: no deadline.
     */
    public MigrationOutcome run(MigrationRequest request, java.time.Duration timeLeft) {
        DatabaseSettings budgeted = TimeBudget.settings(settings, timeLeft);
        return run(resolve(request.tier(), request.id()), request.action(), request.targetVersion(), budgeted);
    }

    /** Runs one action on a known target; failures are thrown. */
    public MigrationOutcome run(Target target, Action action, String targetVersion) {
        return run(target, action, targetVersion, settings);
    }

    private MigrationOutcome run(Target target, Action action, String targetVersion, DatabaseSettings settings) {
        long started = System.nanoTime();
        if (action == Action.MIGRATE && !target.active()) {
            throw new TargetNotActiveException(target.tier().noun(), target.id(), target.status());
        }
        // The tier's migrations are read and checked before anything touches the database.
        MigrationSet set = sources.set(target.tier(), target.productType());
        SchemaMigrator.Database database = database(target, set, settings, action.readOnly());
        SchemaReport report;
        try {
            report = switch (action) {
                case MIGRATE -> schema.migrate(database, targetVersion);
                case STATUS -> schema.status(database);
                case VALIDATE -> schema.validate(database);
                case REPAIR -> schema.repair(database);
            };
        } catch (DatabaseAuthenticationException e) {
            // Perhaps the password was rotated since it was cached: the next try reads it again.
            credentials.forget(target.location().secretId());
            throw e;
        }
        return MigrationOutcome.of(target, action, report, elapsedMs(started));
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

    /** The target a tier and id name; the central database when the tier is central. */
    public Target resolve(Tier tier, String id) {
        return switch (tier) {
            case CENTRAL -> central().target();
            case TENANT -> registry().tenant(id);
            case PRODUCT -> registry().product(id);
        };
    }

    /** The central registry, connected on first use. */
    public CentralRegistry registry() {
        return central().registry();
    }

    public MigrationSources sources() {
        return sources;
    }

    private SchemaMigrator.Database database(Target target, MigrationSet set, DatabaseSettings settings, boolean readOnly) {
        DatabaseCredentials secret = target.tier() == Tier.CENTRAL
                ? credentials.home(target.location().secretId())
                : credentials.forJurisdiction(target.jurisdiction(), target.location().secretId());
        DataSource dataSource = DataSources.postgres(target.location(), secret, settings, readOnly);
        return new SchemaMigrator.Database(target.location().databaseName(), dataSource, set, settings.lockTimeout());
    }

    private Central central() {
        Central current = central;
        if (current == null) {
            synchronized (this) {
                current = central;
                if (current == null) {
                    current = Central.open(credentials, centralSecretId, settings);
                    central = current;
                }
            }
        }
        return current;
    }

    private static long elapsedMs(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /** The central database: located by its secret, which must say where it is. */
    private record Central(Target target, CentralRegistry registry) {
        static Central open(Credentials credentials, String secretId, DatabaseSettings settings) {
            DatabaseCredentials secret = credentials.home(secretId);
            if (secret.host() == null) {
                throw new InvalidSecretException(secretId, "no host");
            }
            if (secret.dbname() == null) {
                throw new InvalidSecretException(secretId, "no dbname");
            }
            DatabaseLocation location = new DatabaseLocation(secret.host(), secret.port() == null ? 5432 : secret.port(),
                    secret.dbname(), secretId);
            return new Central(Target.central(location), new CentralRegistry(DataSources.postgres(location, secret, settings)));
        }
    }
}
