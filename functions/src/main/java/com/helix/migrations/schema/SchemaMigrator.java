package com.helix.migrations.schema;

import com.helix.migrations.db.SqlFailures;
import com.helix.migrations.exceptions.DatabaseBusyException;
import com.helix.migrations.exceptions.MigrationFailedException;
import com.helix.migrations.exceptions.MigrationsException;
import com.helix.migrations.exceptions.ValidationFailedException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.ValidateResult;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Flyway on one database. Every run: {@code cleanDisabled} (nothing here may drop a schema),
 * {@code validateOnMigrate} (an edited migration stops the run instead of being skipped), each
 * migration in its own transaction unless it holds a statement PostgreSQL cannot run in one (such as
 * {@code CREATE INDEX CONCURRENTLY}), which Flyway detects and runs on its own.
 */
public final class SchemaMigrator {
    private final Map<String, ScannedMigrations> scanned = new ConcurrentHashMap<>();

    /**
     * One database as Flyway sees it.
     *
     * @param name       the database name, for messages
     * @param dataSource connections with the session settings and credentials
     * @param location   the Flyway location of its tier's migrations
     * @param lockWait   how long to wait for another run's migration lock on this database
     */
    public record Database(String name, javax.sql.DataSource dataSource, String location, Duration lockWait) {
    }

    /** Applies pending migrations, up to {@code targetVersion} when given. */
    public SchemaReport migrate(Database database, String targetVersion) {
        try {
            Flyway flyway = flyway(database, targetVersion);
            MigrateResult result = flyway.migrate();
            String from = result.initialSchemaVersion;
            String to = result.targetSchemaVersion != null ? result.targetSchemaVersion : from;
            // Up to the latest, nothing is left pending; only a target version needs asking again.
            List<String> pending = targetVersion == null ? List.of() : pendingVersions(flyway.info());
            return new SchemaReport(from, to, result.migrationsExecuted, pending, aheadOf(database, to));
        } catch (FlywayException e) {
            throw translate(database.name(), e);
        }
    }

    /** The current version and what is pending; changes nothing (the original library's needsMigration). */
    public SchemaReport status(Database database, String targetVersion) {
        try {
            MigrationInfoService info = flyway(database, targetVersion).info();
            String current = version(info.current());
            return new SchemaReport(current, current, 0, pendingVersions(info), aheadOf(database, current));
        } catch (FlywayException e) {
            throw translate(database.name(), e);
        }
    }

    /** Checks applied migrations against the packaged ones (checksums, names, versions). */
    public SchemaReport validate(Database database, String targetVersion) {
        try {
            Flyway flyway = flyway(database, targetVersion);
            ValidateResult result = flyway.validateWithResult();
            MigrationInfoService info = flyway.info();
            if (!result.validationSuccessful) {
                List<String> problems = result.invalidMigrations.stream()
                        .map(m -> (m.version == null || m.version.isEmpty() ? m.filepath : "version " + m.version) + ": " + firstLine(m.errorDetails.errorMessage))
                        .filter(problem -> !problem.contains("Detected resolved migration not applied"))
                        .toList();
                if (!problems.isEmpty()) {
                    throw new ValidationFailedException(String.join("; ", problems));
                }
            }
            String current = version(info.current());
            return new SchemaReport(current, current, 0, pendingVersions(info), aheadOf(database, current));
        } catch (FlywayException e) {
            throw translate(database.name(), e);
        }
    }

    /** Scans a location and loads Flyway's classes, without connecting anywhere (SnapStart priming). */
    public void prime(String location) {
        ScannedMigrations migrations = scanned.computeIfAbsent(location, ScannedMigrations::scan);
        Flyway.configure(SchemaMigrator.class.getClassLoader()).locations(location)
                .resourceProvider(migrations).javaMigrationClassProvider(migrations).load();
    }

    private Flyway flyway(Database database, String targetVersion) {
        // Scanned once per container: the packaged migrations do not change while it runs.
        ScannedMigrations migrations = scanned.computeIfAbsent(database.location(), ScannedMigrations::scan);
        FluentConfiguration configuration = Flyway.configure(SchemaMigrator.class.getClassLoader())
                .dataSource(database.dataSource())
                .locations(database.location())
                .resourceProvider(migrations)
                .javaMigrationClassProvider(migrations)
                .failOnMissingLocations(true)
                .cleanDisabled(true)
                .validateOnMigrate(true)
                // Flyway polls for its lock once a second: wait as long as for any other lock (0: for ever).
                .lockRetryCount(database.lockWait().isZero() ? -1 : (int) Math.max(1, database.lockWait().toSeconds()))
                .target(targetVersion == null ? MigrationVersion.LATEST : MigrationVersion.fromVersion(targetVersion))
                .loggers("slf4j");
        // A session-level advisory lock: with the default transactional one, Flyway keeps a transaction
        // open on a second connection, and CREATE INDEX CONCURRENTLY waits for it until lock_timeout.
        configuration.getConfigurationExtension(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
        return configuration.load();
    }

    /** A warning when the database's version is newer than every migration this build knows. */
    private List<String> aheadOf(Database database, String current) {
        MigrationVersion latest = scanned.get(database.location()).latest();
        if (current == null || latest == null || MigrationVersion.fromVersion(current).compareTo(latest) <= 0) {
            return List.of();
        }
        return List.of("database is at version " + current + ", newer than the newest known migration (" + latest.getVersion() + ")");
    }

    private static List<String> pendingVersions(MigrationInfoService info) {
        return Arrays.stream(info.pending()).map(SchemaMigrator::version).toList();
    }

    private static String version(MigrationInfo migration) {
        return migration == null || migration.getVersion() == null ? null : migration.getVersion().getVersion();
    }

    private static MigrationsException translate(String database, FlywayException e) {
        if (e instanceof FlywayValidateException) {
            String problems = e.getMessage().lines()
                    .map(String::trim)
                    .filter(line -> line.startsWith("Migration ") || line.startsWith("Detected "))
                    .collect(Collectors.joining("; "));
            return new ValidationFailedException(problems.isEmpty() ? firstLine(e.getMessage()) : problems, e);
        }
        if (e.getMessage() != null && e.getMessage().contains("attempting to acquire PostgreSQL advisory lock")) {
            return new DatabaseBusyException(database + ": another run is migrating it (its migration lock stayed taken)", e);
        }
        String script = e instanceof FlywayMigrateException failed && failed.getMigration() != null
                ? failed.getMigration().getScript() + ": " : "";
        String detail = script + SqlFailures.firstLine(e);
        SQLException sql = sqlCause(e);
        if (sql != null) {
            MigrationsException classified = SqlFailures.classify(database, detail, sql);
            if (classified != null) {
                return classified;
            }
        }
        return new MigrationFailedException(detail, e);
    }

    private static SQLException sqlCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).trim();
    }
}
