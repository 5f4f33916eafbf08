package com.helix.migrations.core;

import com.helix.migrations.config.DatabaseSettings;
import com.helix.migrations.credentials.Credentials;
import com.helix.migrations.credentials.DatabaseCredentials;
import com.helix.migrations.db.DataSources;
import com.helix.migrations.db.OpenConnections;
import com.helix.migrations.exceptions.DatabaseAuthenticationException;
import com.helix.migrations.exceptions.InvalidRegistryRowException;
import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.exceptions.TargetNotActiveException;
import com.helix.migrations.registry.CentralRegistry;
import com.helix.migrations.schema.MigrationSet;
import com.helix.migrations.schema.MigrationSources;
import com.helix.migrations.schema.SchemaFingerprint;
import com.helix.migrations.schema.SchemaMigrator;
import com.helix.migrations.schema.SchemaReport;
import com.helix.migrations.target.DatabaseLocation;
import com.helix.migrations.target.Target;
import com.helix.migrations.target.Tier;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
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
    private final CentralRegistry registry;
    private final SchemaMigrator schema = new SchemaMigrator();
    /** The schemas baselines are compared with, built once per server (or reference) and version. */
    private final Map<String, CompletableFuture<SchemaFingerprint>> references = new ConcurrentHashMap<>();

    /** @param registry where a baseline's reference database is looked up */
    public DatabaseMigrator(
            Credentials credentials,
            MigrationSources sources,
            DatabaseSettings settings,
            OpenConnections connections,
            CentralRegistry registry) {
        this.credentials = credentials;
        this.sources = sources;
        this.settings = settings;
        this.connections = connections;
        this.registry = registry;
    }

    /**
     * Runs one action on one database; a failure is thrown as the specific
     * {@link com.helix.migrations.exceptions.MigrationsException}.
     *
     * @param targetVersion migrate no further than this version; null for the latest. For the baseline
     *                      actions, the version to baseline at (null: the tier's {@code baselineVersion})
     * @param baseline      how a baseline is checked (the baseline actions only)
     * @param timeLeft      the caller's deadline, such as a Lambda invocation's remaining time: with too
     *                      little left nothing is started ({@link com.helix.migrations.exceptions.OutOfTimeException}),
     *                      and no statement may outlive it. Null: no deadline.
     */
    public MigrationOutcome run(
            Target target, Action action, String targetVersion, BaselineOptions baseline, Duration timeLeft) {
        long started = System.nanoTime();
        DatabaseSettings budgeted = TimeBudget.settings(settings, timeLeft);
        if (target.refusal() != null) {
            throw new InvalidRegistryRowException(target.tier().wire(), target.id(), target.refusal());
        }
        if ((action == Action.MIGRATE || action == Action.BASELINE) && !target.active()) {
            throw new TargetNotActiveException(target.tier().noun(), target.id(), target.status());
        }
        // The tier's migrations, and the target version, are checked before anything touches the database.
        MigrationSet set = sources.set(target.tier(), target.productType());
        MigrationVersion version = set.target(action.baseline() ? baselineVersion(set, targetVersion) : targetVersion);
        DatabaseCredentials secret = secret(target);
        SchemaMigrator.Database database = database(target, set, secret, budgeted, action.readOnly());
        SchemaReport report;
        try {
            report = switch (action) {
                case MIGRATE -> schema.migrate(database, version);
                case STATUS -> schema.status(database);
                case VALIDATE -> schema.validate(database);
                case REPAIR -> schema.repair(database);
                case BASELINE, BASELINE_CHECK ->
                    schema.baseline(
                            database,
                            version,
                            baseline.force(),
                            () -> reference(target, set, version, secret, budgeted, baseline.referenceId()),
                            action == Action.BASELINE);
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

    /** The version a baseline is written at: the one asked for, or the tier's Flyway {@code baselineVersion}. */
    private static String baselineVersion(MigrationSet set, String asked) {
        String version = asked != null ? asked : set.baselineVersion();
        if (version == null) {
            throw new InvalidRequestException(
                    "a baseline needs its version: targetVersion (--target), or baselineVersion" + " in " + set.folder()
                            + "'s Flyway configuration");
        }
        return version;
    }

    /**
     * The schema the target's migrations produce at the version: read from the reference target's
     * database, or built in a scratch database on the target's server; once per server (or reference)
     * and version, however many databases ask at once.
     */
    private SchemaFingerprint reference(
            Target target,
            MigrationSet set,
            MigrationVersion version,
            DatabaseCredentials secret,
            DatabaseSettings settings,
            String referenceId) {
        if (referenceId != null) {
            return cached("reference " + target.tier().wire() + " " + referenceId + "@" + version, () -> {
                Target reference = registry.find(target.tier(), referenceId);
                if (!Objects.equals(reference.productType(), target.productType())) {
                    throw new InvalidRequestException("referenceId " + referenceId + " is a " + reference.productType()
                            + " product; " + target.id() + " is a " + target.productType() + " one");
                }
                return schema.reference(database(reference, set, secret(reference), settings, true), version);
            });
        }
        DatabaseLocation location = target.location();
        return cached("scratch " + location.host() + ":" + location.port() + " " + set.folder() + "@" + version, () -> {
            DataSource server = connections.track(DataSources.postgres(location, secret, settings, false));
            return schema.reference(
                    set,
                    version,
                    server,
                    name -> connections.track(DataSources.postgres(
                            new DatabaseLocation(location.host(), location.port(), name, location.secretId()),
                            secret,
                            settings,
                            false)),
                    location.databaseName());
        });
    }

    private SchemaFingerprint cached(String key, Supplier<SchemaFingerprint> build) {
        CompletableFuture<SchemaFingerprint> mine = new CompletableFuture<>();
        CompletableFuture<SchemaFingerprint> existing = references.putIfAbsent(key, mine);
        if (existing != null) {
            try {
                return existing.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
        try {
            SchemaFingerprint built = build.get();
            mine.complete(built);
            return built;
        } catch (RuntimeException e) {
            // Not kept: the next database (or invocation) tries again.
            references.remove(key, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    private DatabaseCredentials secret(Target target) {
        return target.tier() == Tier.CENTRAL
                ? credentials.home(target.location().secretId())
                : credentials.forJurisdiction(
                        target.jurisdiction(), target.location().secretId());
    }

    private SchemaMigrator.Database database(
            Target target, MigrationSet set, DatabaseCredentials secret, DatabaseSettings settings, boolean readOnly) {
        DataSource dataSource = connections.track(DataSources.postgres(target.location(), secret, settings, readOnly));
        return new SchemaMigrator.Database(
                target.location().databaseName(), dataSource, set, settings.lockTimeout(), settings.fastApply());
    }
}
