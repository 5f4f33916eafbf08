package com.helix.migrations.schema;

import com.helix.migrations.db.SqlFailures;
import com.helix.migrations.exceptions.BaselineRefusedException;
import com.helix.migrations.exceptions.DatabaseBusyException;
import com.helix.migrations.exceptions.MigrationFailedException;
import com.helix.migrations.exceptions.MigrationsException;
import com.helix.migrations.exceptions.ValidationFailedException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.CoreErrorCode;
import org.flywaydb.core.api.CoreMigrationType;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.RepairOutput;
import org.flywaydb.core.api.output.RepairResult;
import org.flywaydb.core.api.output.ValidateOutput;
import org.flywaydb.core.api.output.ValidateResult;
import org.flywaydb.core.api.pattern.ValidatePattern;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.flywaydb.core.internal.util.AbbreviationUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway on one database, with the tier's {@link MigrationSet}. Every run: {@code cleanDisabled},
 * {@code validateOnMigrate}, each migration in its own transaction unless Flyway finds it cannot be
 * (such as {@code CREATE INDEX CONCURRENTLY}) or its configuration says otherwise.
 *
 * <p>{@link #status} predicts {@link #migrate}: what migrate would refuse (Flyway's validation as
 * migrate runs it, a schema with objects but no history, a pending migration the set refuses) is
 * reported as {@link SchemaReport#blocked()}, in Flyway's words.
 */
public final class SchemaMigrator {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);
    private static final Set<CoreErrorCode> FAILED =
            Set.of(CoreErrorCode.FAILED_VERSIONED_MIGRATION, CoreErrorCode.FAILED_REPEATABLE_MIGRATION);
    private static final Set<CoreErrorCode> MISMATCH =
            Set.of(CoreErrorCode.CHECKSUM_MISMATCH, CoreErrorCode.DESCRIPTION_MISMATCH, CoreErrorCode.TYPE_MISMATCH);
    private static final Set<MigrationState> MISSING = Set.of(
            MigrationState.MISSING_SUCCESS,
            MigrationState.MISSING_FAILED,
            MigrationState.FUTURE_SUCCESS,
            MigrationState.FUTURE_FAILED);
    /** SQLSTATE: a statement tried to write in a read-only transaction. */
    private static final String READ_ONLY = "25006";

    /**
     * One database as Flyway sees it.
     *
     * @param name       the database name, for messages
     * @param dataSource connections with the session settings and credentials (read-only for status and validate)
     * @param set        its tier's migrations
     * @param lockWait   how long to wait for another run's migration lock on this database
     * @param fastApply  whether pending migrations within {@link FastApply}'s envelope are applied by it
     */
    public record Database(
            String name, DataSource dataSource, MigrationSet set, Duration lockWait, boolean fastApply) {}

    /**
     * Applies pending migrations, up to {@code target} ({@link MigrationSet#target}; {@code LATEST} for all). A failed history row left by
     * a migration that ran outside a transaction is removed first (what {@code flyway repair} does for
     * it), so that the migration is tried again; a transactional migration never leaves one.
     */
    public SchemaReport migrate(Database database, MigrationVersion target) {
        MigrationSession session = new MigrationSession(database.dataSource(), database.lockWait());
        Flyway flyway = flyway(database, session, target);
        try (MigrationSession.Held held = hold(session)) {
            if (!database.set().refusals().isEmpty()) {
                List<SchemaReport.Problem> refused = refusedPending(database.set(), flyway.info());
                if (!refused.isEmpty()) {
                    throw new MigrationFailedException(refused.get(0).reason());
                }
            }
            Fast fast = database.fastApply() ? fastApply(database, session, held, flyway) : null;
            List<String> warnings = new ArrayList<>();
            if (fast != null) {
                fast.applied().forEach(script -> warnings.addAll(script.notes()));
            }
            String from;
            String to;
            int applied;
            if (fast != null && fast.done()) {
                from = fast.from();
                to = fast.to();
                applied = fast.applied().size();
            } else {
                MigrateResult result = flywayMigrate(database, flyway);
                from = fast != null && !fast.applied().isEmpty() ? fast.from() : result.initialSchemaVersion;
                to = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
                applied = (fast != null ? fast.applied().size() : 0) + result.migrationsExecuted;
                for (MigrateOutput output : result.migrations) {
                    database.set()
                            .script(blankToNull(output.version), output.description)
                            .ifPresent(script -> warnings.addAll(script.notes()));
                }
            }
            warnings.addAll(0, aheadOf(database.set(), to));
            // Up to the latest, nothing is left pending; only a target version needs asking again.
            List<String> pending = target.equals(MigrationVersion.LATEST) ? List.of() : pending(flyway.info(), true);
            return new SchemaReport(from, to, null, applied, pending, List.of(), List.of(), warnings, null);
        } catch (FlywayException e) {
            throw translate(database.name(), flyway.getConfiguration(), e);
        } catch (SQLException e) {
            throw translate(database.name(), flyway.getConfiguration(), new FlywayException("could not migrate", e));
        }
    }

    /** This tool's migration lock, for the whole of a migrate. */
    private static MigrationSession.Held hold(MigrationSession session) {
        try {
            return session.hold();
        } catch (SQLException e) {
            throw new FlywayException("could not take the migration lock", e);
        }
    }

    /** Flyway's migrate; a failed row a non-transactional migration left is repaired first, and it runs again. */
    private static MigrateResult flywayMigrate(Database database, Flyway flyway) {
        try {
            return flyway.migrate();
        } catch (FlywayValidateException e) {
            List<ValidateOutput> invalid = validateAsMigrate(flyway).invalidMigrations;
            if (invalid.isEmpty()
                    || !invalid.stream().allMatch(o -> retriedFailure(database.set(), o))
                    || failedRows(flyway.info()) != invalid.size()) {
                throw validationFailed(
                        invalid.isEmpty() ? List.of(SchemaReport.Problem.of(e.getMessage())) : problems(invalid), e);
            }
            flyway.repair();
            return flyway.migrate();
        }
    }

    /**
     * What {@link FastApply} did before Flyway's migrate.
     *
     * @param from    the version before
     * @param to      the version after what it applied
     * @param applied the scripts it applied, and those Flyway applied in between
     * @param done    whether nothing is left for Flyway's migrate
     */
    private record Fast(String from, String to, List<MigrationSet.Script> applied, boolean done) {}

    /**
     * Applies what {@link FastApply} may of what is pending, once the database passes Flyway's validation as its
     * migrate runs it ({@link #plainlyValid} from one read, or else Flyway's validate). A versioned migration it may
     * not run is applied by Flyway alone, repeatables held back for the end as Flyway's migrate has them; then the
     * fast path goes on.
     *
     * @return null when it leaves everything to Flyway: a setting it does not reproduce, a database Flyway would
     *     refuse or repair first
     */
    private static Fast fastApply(
            Database database, MigrationSession session, MigrationSession.Held held, Flyway flyway) {
        String stepAside = FastApply.stepAside(database.set());
        if (stepAside != null) {
            LOG.debug("{}: Flyway applies every migration ({})", database.name(), stepAside);
            return null;
        }
        MigrationInfoService info = flyway.info();
        if (failedRows(info) > 0
                || !(plainlyValid(database.set(), info)
                        || validateAsMigrate(flyway).invalidMigrations.isEmpty())) {
            return null;
        }
        // A database with no history: Flyway's migrate creates the table even with nothing pending. A configured
        // schema that is missing: Flyway creates it, and records that, before any migration.
        boolean noHistory = info.applied().length == 0;
        if ((noHistory && (!info.getInfoResult().allSchemasEmpty || info.pending().length == 0))
                || !schemasExist(held.connection(), flyway.getConfiguration())) {
            return null;
        }
        String from = current(info);
        String to = from;
        List<MigrationInfo> pending = List.of(info.pending());
        int rank = latestRank(info);
        List<MigrationSet.Script> applied = new ArrayList<>();
        int direct = 0;
        while (true) {
            FastApply.Applied fast = fastRun(database, held, flyway, pending, rank);
            fast.applied().forEach(m -> applied.add(database.set().scripts().get(m.getScript())));
            direct += fast.applied().size();
            rank += fast.applied().size();
            if (!fast.applied().isEmpty()) {
                to = fast.applied().get(fast.applied().size() - 1).getVersion().getVersion();
            }
            List<MigrationInfo> left = pending.subList(fast.applied().size(), pending.size());
            if (fast.stopped() || left.isEmpty() || left.get(0).getVersion() == null) {
                LOG.debug(
                        "{}: {} applied directly, the rest by Flyway ({} left)", database.name(), direct, left.size());
                return new Fast(from, to, applied, !fast.stopped() && left.isEmpty());
            }
            MigrationInfo next = left.get(0);
            MigrateResult hop = flywayUpTo(database, session, next.getVersion());
            for (MigrateOutput output : hop.migrations) {
                database.set()
                        .script(blankToNull(output.version), output.description)
                        .ifPresent(applied::add);
            }
            boolean alone = hop.migrations.size() == 1
                    && next.getVersion().equals(MigrationVersion.fromVersion(hop.migrations.get(0).version));
            if (!alone) {
                // Not what was asked (another tool at work?): Flyway's migrate finishes from what it reads.
                return new Fast(from, hop.targetSchemaVersion != null ? hop.targetSchemaVersion : to, applied, false);
            }
            to = next.getVersion().getVersion();
            pending = left.subList(1, left.size());
            rank++;
        }
    }

    /** Whether every schema Flyway would create exists; asked only when it has more than the history's. */
    private static boolean schemasExist(Connection connection, Configuration configuration) {
        String[] schemas = Arrays.stream(configuration.getSchemas()).distinct().toArray(String[]::new);
        if (!configuration.isCreateSchemas() || schemas.length <= 1) {
            return true;
        }
        try (PreparedStatement statement =
                connection.prepareStatement("select count(*) from pg_namespace where nspname = any(?)")) {
            statement.setArray(1, connection.createArrayOf("text", schemas));
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() && rs.getInt(1) == schemas.length;
            }
        } catch (SQLException e) {
            throw new FlywayException("could not look for the configured schemas", e);
        }
    }

    private static int latestRank(MigrationInfoService info) {
        return Arrays.stream(info.applied())
                .mapToInt(MigrationInfo::getInstalledRank)
                .max()
                .orElse(0);
    }

    /** One run of {@link FastApply} on the connection holding this tool's migration lock. */
    private static FastApply.Applied fastRun(
            Database database, MigrationSession.Held held, Flyway flyway, List<MigrationInfo> pending, int latestRank) {
        try {
            return FastApply.apply(
                    held.connection(),
                    database.set(),
                    pending,
                    latestRank,
                    flyway.getConfiguration().getInstalledBy(),
                    database.lockWait());
        } catch (SQLException e) {
            throw new FlywayException("could not apply migrations", e);
        }
    }

    /**
     * Flyway's migrate up to a version, without the repeatable migrations: its migrate applies them after every
     * versioned one, so they wait for the end here too (their file names are no migrations for this step, and their
     * rows no missing ones).
     */
    private static MigrateResult flywayUpTo(Database database, MigrationSession session, MigrationVersion version) {
        FluentConfiguration configuration = database.set().configure(session, version, database.lockWait());
        ValidatePattern[] patterns = Stream.concat(
                        Arrays.stream(configuration.getIgnoreMigrationPatterns()),
                        Stream.of(ValidatePattern.fromPattern("repeatable:missing")))
                .toArray(ValidatePattern[]::new);
        return configuration
                .repeatableSqlMigrationPrefix(FastApply.NO_REPEATABLES)
                .ignoreMigrationPatterns(patterns)
                .load()
                .migrate();
    }

    /**
     * The current version, what is pending and whether migrate would refuse it (the original library's
     * needsMigration); changes nothing. {@code repairs} lists what {@link #repair} would change.
     */
    public SchemaReport status(Database database) {
        Flyway flyway = flyway(database, database.dataSource(), MigrationVersion.LATEST);
        try {
            MigrationInfoService info = flyway.info();
            List<ValidateOutput> invalid = validateAsMigrate(flyway).invalidMigrations;
            List<SchemaReport.Problem> blocked = new ArrayList<>(problems(invalid.stream()
                    .filter(o -> !retriedFailure(database.set(), o))
                    .toList()));
            if (info.applied().length == 0
                    && !info.getInfoResult().allSchemasEmpty
                    && !historyExists(database, flyway.getConfiguration())) {
                blocked.add(noHistory(flyway.getConfiguration()));
            }
            blocked.addAll(refusedPending(database.set(), info));
            String current = current(info);
            return new SchemaReport(
                    current,
                    current,
                    failed(info),
                    0,
                    pending(info, false),
                    blocked,
                    repairs(flyway.getConfiguration(), info, invalid),
                    aheadOf(database.set(), current),
                    null);
        } catch (FlywayException e) {
            throw translate(database.name(), flyway.getConfiguration(), e);
        }
    }

    /** Like {@link #status}, but a database migrate would refuse is a {@link ValidationFailedException}. */
    public SchemaReport validate(Database database) {
        SchemaReport report = status(database);
        if (!report.blocked().isEmpty()) {
            throw validationFailed(report.blocked(), null);
        }
        return report;
    }

    /**
     * What {@code flyway repair} does: removes failed history rows, marks applied migrations that are no
     * longer in the set as deleted (unless {@code ignoreMigrationPatterns} ignores them), and aligns
     * checksums, descriptions and types with the files. {@code repairs} lists each change.
     */
    public SchemaReport repair(Database database) {
        Flyway flyway = flyway(
                database, new MigrationSession(database.dataSource(), database.lockWait()), MigrationVersion.LATEST);
        try {
            RepairResult result = flyway.repair();
            List<String> repairs = new ArrayList<>();
            result.migrationsRemoved.forEach(o -> repairs.add("removed the failed row of " + label(o)));
            result.migrationsDeleted.forEach(
                    o -> repairs.add("marked " + label(o) + " as deleted (no longer in the set)"));
            result.migrationsAligned.forEach(
                    o -> repairs.add("aligned the checksum, description and type of " + label(o) + " with its file"));
            MigrationInfoService info = flyway.info();
            String current = current(info);
            return new SchemaReport(
                    current,
                    current,
                    failed(info),
                    0,
                    pending(info, false),
                    List.of(),
                    repairs,
                    aheadOf(database.set(), current),
                    null);
        } catch (FlywayException e) {
            throw translate(database.name(), flyway.getConfiguration(), e);
        }
    }

    /**
     * Adopts a database whose schema another tool built. First, changing nothing, the preflight: a
     * database with a history table is {@code MANAGED} and one with nothing in its schemas
     * {@code EMPTY} (both left alone); any other is compared with the schema the migrations produce at
     * the version ({@code reference}), object by object, and is {@code DRIFTED} when it lacks or has
     * differently anything the reference has (objects only it has are listed, and do not refuse), or
     * {@code adoptable}. With {@code force} it is not compared (verdict {@code FORCED}). Then, when {@code write}
     * and the verdict allows, Flyway's baseline row is written under the migration lock, exactly as
     * {@code flyway baseline} writes it; a following migrate applies only what comes after.
     *
     * @param write     false: the check only ({@code baseline-check}: the status report with the verdict)
     * @param reference the migrations' schema at the version, asked for only when it is compared
     * @throws BaselineRefusedException when writing, for a managed or drifted database; nothing is written
     */
    public SchemaReport baseline(
            Database database,
            MigrationVersion version,
            boolean force,
            Supplier<SchemaFingerprint> reference,
            boolean write) {
        Flyway flyway = flyway(database, database.dataSource(), MigrationVersion.LATEST);
        BaselineVerdict verdict;
        try (Connection connection = database.dataSource().getConnection()) {
            verdict = verdict(database, flyway.getConfiguration(), connection, version, force, reference);
        } catch (SQLException e) {
            throw translate(
                    database.name(), flyway.getConfiguration(), new FlywayException("could not read the schema", e));
        }
        if (!write) {
            return status(database).with(verdict);
        }
        if (verdict.verdict().refused()) {
            throw new BaselineRefusedException(database.name() + ": " + verdict.refusal());
        }
        if (verdict.verdict() == BaselineVerdict.Verdict.EMPTY) {
            return status(database)
                    .with(verdict)
                    .withWarning("the schema is empty: nothing to baseline; migrate applies every migration");
        }
        Flyway writer = database.set()
                .configure(
                        new MigrationSession(database.dataSource(), database.lockWait()), version, database.lockWait())
                .baselineVersion(version)
                .load();
        try {
            writer.baseline();
        } catch (FlywayException e) {
            throw translate(database.name(), writer.getConfiguration(), e);
        }
        SchemaReport after = status(database);
        List<String> warnings = new ArrayList<>(after.warnings());
        verdict.extras().forEach(extra -> warnings.add(extra + " is not in the migrations"));
        if (verdict.verdict() == BaselineVerdict.Verdict.FORCED) {
            warnings.add("baselined at " + version.getVersion() + " without comparing the schema (force)");
        }
        return new SchemaReport(
                null,
                after.toVersion(),
                after.failedVersion(),
                0,
                after.pending(),
                after.blocked(),
                List.of(),
                warnings,
                verdict);
    }

    private static BaselineVerdict verdict(
            Database database,
            Configuration configuration,
            Connection connection,
            MigrationVersion version,
            boolean force,
            Supplier<SchemaFingerprint> reference)
            throws SQLException {
        String at = version.getVersion();
        if (historyExists(database, configuration)) {
            return new BaselineVerdict(at, BaselineVerdict.Verdict.MANAGED, null, List.of(), List.of());
        }
        SchemaFingerprint actual = fingerprint(connection, database.set());
        if (actual.empty()) {
            return new BaselineVerdict(at, BaselineVerdict.Verdict.EMPTY, actual.hash(), List.of(), List.of());
        }
        if (force) {
            return new BaselineVerdict(at, BaselineVerdict.Verdict.FORCED, actual.hash(), List.of(), List.of());
        }
        SchemaFingerprint.Diff diff = actual.diff(reference.get());
        return new BaselineVerdict(
                at,
                diff.missing().isEmpty() ? BaselineVerdict.Verdict.ADOPTABLE : BaselineVerdict.Verdict.DRIFTED,
                actual.hash(),
                diff.missing(),
                diff.extra());
    }

    /** The schema of the set's schemas in a database, its history table left out. */
    static SchemaFingerprint fingerprint(Connection connection, MigrationSet set) throws SQLException {
        Configuration configuration = set.configure(null, MigrationVersion.LATEST, Duration.ZERO);
        String historySchema = configuration.getDefaultSchema() != null
                ? configuration.getDefaultSchema()
                : configuration.getSchemas()[0];
        List<String> schemas = new ArrayList<>();
        schemas.add(historySchema);
        Arrays.stream(configuration.getSchemas())
                .filter(s -> !s.equals(historySchema))
                .forEach(schemas::add);
        return SchemaFingerprint.read(connection, schemas, historySchema, configuration.getTable());
    }

    /**
     * The schema the set's migrations produce at a version, built in a scratch database on the server
     * of {@code server} (which must allow writes: it creates and drops the scratch database).
     *
     * @param connect connections to a database of a given name on that server
     */
    public SchemaFingerprint reference(
            MigrationSet set,
            MigrationVersion version,
            DataSource server,
            Function<String, DataSource> connect,
            String name) {
        return ScratchReference.build(server, connect, set, version, name);
    }

    /**
     * The schema of a reference database, which must be at the version: its history says so.
     *
     * @throws BaselineRefusedException when it is at another version
     */
    public SchemaFingerprint reference(Database reference, MigrationVersion version) {
        SchemaReport status = status(reference);
        if (status.toVersion() == null
                || MigrationVersion.fromVersion(status.toVersion()).compareTo(version) != 0) {
            throw new BaselineRefusedException("the reference database " + reference.name() + " is at version "
                    + (status.toVersion() == null ? "none" : status.toVersion()) + ", not " + version.getVersion());
        }
        try (Connection connection = reference.dataSource().getConnection()) {
            return fingerprint(connection, reference.set());
        } catch (SQLException e) {
            throw translate(
                    reference.name(),
                    reference.set().configure(null, version, Duration.ZERO),
                    new FlywayException("could not read the schema", e));
        }
    }

    /** Loads Flyway's classes for a set, without connecting anywhere (SnapStart priming). */
    public void prime(MigrationSet set) {
        set.configure(null, MigrationVersion.LATEST, Duration.ZERO).load();
    }

    private static Flyway flyway(Database database, DataSource dataSource, MigrationVersion target) {
        return database.set().configure(dataSource, target, database.lockWait()).load();
    }

    /** Flyway's validation exactly as migrate runs it: the configured ignore patterns, and pending migrations allowed. */
    static ValidateResult validateAsMigrate(Flyway flyway) {
        Configuration configuration = flyway.getConfiguration();
        ValidatePattern[] patterns = Stream.concat(
                        Arrays.stream(configuration.getIgnoreMigrationPatterns()),
                        Stream.of(ValidatePattern.fromPattern("*:pending")))
                .toArray(ValidatePattern[]::new);
        return Flyway.configure(configuration.getClassLoader())
                .configuration(configuration)
                .ignoreMigrationPatterns(patterns)
                .load()
                .validateWithResult();
    }

    /**
     * Whether Flyway's validation, as migrate runs it, plainly passes, judged from its info alone (one read of the
     * history): every row was applied successfully from a file of the set with the same version, description, type
     * and checksum, or is one of Flyway's own (a baseline, a schema marker, a deletion); a repeatable may since
     * have changed; everything else is pending, beyond the target or at or below the baseline. Anything else (a
     * failure, a missing, future or ignored migration, a mismatch, a renamed file) is for Flyway's validate to
     * judge: this never passes what it refuses, and leaves to it some of what it passes.
     */
    static boolean plainlyValid(MigrationSet set, MigrationInfoService info) {
        for (MigrationInfo m : info.all()) {
            MigrationState state = m.getState();
            if (state == MigrationState.PENDING
                    || state == MigrationState.ABOVE_TARGET
                    || state == MigrationState.BELOW_BASELINE
                    || state == MigrationState.BASELINE_IGNORED
                    || state == MigrationState.DELETED) {
                continue;
            }
            boolean applied = state == MigrationState.SUCCESS
                    || state == MigrationState.OUTDATED
                    || state == MigrationState.SUPERSEDED
                    || state == MigrationState.BASELINE;
            if (!applied) {
                return false;
            }
            if (m.getType().isSynthetic()) {
                continue;
            }
            MigrationSet.Script script = set.scripts().get(m.getScript());
            boolean same = state != MigrationState.BASELINE
                    && m.getType() == CoreMigrationType.SQL
                    && script != null
                    && Objects.equals(script.version(), m.getVersion())
                    && AbbreviationUtils.abbreviateDescription(script.description())
                            .equals(m.getDescription())
                    && (state != MigrationState.SUCCESS || m.isChecksumMatching());
            if (!same) {
                return false;
            }
        }
        return true;
    }

    /** A failed row of a migration that ran outside a transaction: migrate removes it and runs the migration again. */
    private static boolean retriedFailure(MigrationSet set, ValidateOutput output) {
        return output.errorDetails != null
                && FAILED.contains(output.errorDetails.errorCode)
                && set.script(blankToNull(output.version), output.description)
                        .map(s -> !s.transactional())
                        .orElse(false);
    }

    private static int failedRows(MigrationInfoService info) {
        return (int)
                Arrays.stream(info.all()).filter(m -> m.getState().isFailed()).count();
    }

    private static List<SchemaReport.Problem> problems(List<ValidateOutput> invalid) {
        return invalid.stream()
                .map(o -> SchemaReport.Problem.of(o.errorDetails.errorMessage))
                .distinct()
                .toList();
    }

    /** Pending migrations the set refuses (a COMMIT that would end their transaction early, a placeholder with no value). */
    private static List<SchemaReport.Problem> refusedPending(MigrationSet set, MigrationInfoService info) {
        return Arrays.stream(info.all())
                .filter(m -> m.getState() == MigrationState.PENDING)
                .map(m -> set.scripts().get(m.getScript()))
                .filter(s -> s != null && s.refusal() != null)
                .map(s -> new SchemaReport.Problem(s.path() + ": " + s.refusal(), null))
                .toList();
    }

    /** What repair would change: failed rows, missing migrations not ignored, mismatches with the files. */
    private static List<String> repairs(
            Configuration configuration, MigrationInfoService info, List<ValidateOutput> invalid) {
        List<String> repairs = new ArrayList<>();
        for (MigrationInfo m : info.all()) {
            if (m.getState().isFailed()) {
                repairs.add("would remove the failed row of " + label(m));
            }
            boolean ignored = Arrays.stream(configuration.getIgnoreMigrationPatterns())
                    .anyMatch(p -> p.matchesMigration(m.getVersion() != null, m.getState()));
            if (MISSING.contains(m.getState()) && !ignored && !m.getType().isSynthetic()) {
                repairs.add("would mark " + label(m) + " as deleted (no longer in the set)");
            }
        }
        invalid.stream()
                .filter(o -> MISMATCH.contains(o.errorDetails.errorCode))
                .forEach(o -> repairs.add("would align the checksum, description and type of "
                        + label(blankToNull(o.version), o.description) + " with its file"));
        return repairs;
    }

    /** The newest versioned migration applied successfully (a failed one is not the database's version). */
    private static String current(MigrationInfoService info) {
        return Arrays.stream(info.all())
                .filter(m -> m.getVersion() != null
                        && m.getState().isApplied()
                        && !m.getState().isFailed()
                        && m.getState() != MigrationState.DELETED
                        && m.getState() != MigrationState.UNDONE)
                .map(MigrationInfo::getVersion)
                .max(MigrationVersion::compareTo)
                .map(MigrationVersion::getVersion)
                .orElse(null);
    }

    private static String failed(MigrationInfoService info) {
        return Arrays.stream(info.all())
                .filter(m -> m.getVersion() != null && m.getState().isFailed())
                .map(MigrationInfo::getVersion)
                .max(MigrationVersion::compareTo)
                .map(MigrationVersion::getVersion)
                .orElse(null);
    }

    /**
     * What a migrate would (still) apply: versions, and repeatables by description.
     *
     * @param aboveTarget whether migrations beyond a target version count (after a migrate to a target, they are what is left)
     */
    private static List<String> pending(MigrationInfoService info, boolean aboveTarget) {
        // An edited repeatable shows twice: its applied row as OUTDATED, its new text as PENDING.
        Set<String> outdated = Arrays.stream(info.all())
                .filter(m -> m.getState() == MigrationState.OUTDATED)
                .map(MigrationInfo::getDescription)
                .collect(Collectors.toSet());
        List<String> pending = new ArrayList<>();
        for (MigrationInfo m : info.all()) {
            MigrationState state = m.getState();
            boolean waiting = state == MigrationState.PENDING
                    || (aboveTarget && state == MigrationState.ABOVE_TARGET)
                    // A failed migration run outside a transaction is tried again by the next migrate.
                    || (state == MigrationState.FAILED && !m.getType().isSynthetic());
            if (waiting) {
                pending.add(
                        m.getVersion() != null
                                ? m.getVersion().getVersion()
                                : "R " + m.getDescription()
                                        + (outdated.contains(m.getDescription()) ? " (outdated)" : ""));
            }
        }
        return pending;
    }

    /** A warning when the database's version is newer than every migration this build knows. */
    private static List<String> aheadOf(MigrationSet set, String current) {
        MigrationVersion latest = set.latest();
        if (current == null
                || latest == null
                || MigrationVersion.fromVersion(current).compareTo(latest) <= 0) {
            return List.of();
        }
        return List.of("database is at version " + current + ", newer than the newest known migration ("
                + latest.getVersion() + ")");
    }

    /** Whether Flyway's history table exists, asked with the names as parameters (never as SQL text). */
    private static boolean historyExists(Database database, Configuration configuration) {
        String schema = configuration.getDefaultSchema() != null
                ? configuration.getDefaultSchema()
                : configuration.getSchemas()[0];
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "select to_regclass(format('%I.%I', ?::text, ?::text)) is not null")) {
            statement.setString(1, schema);
            statement.setString(2, configuration.getTable());
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw translate(
                    database.name(), configuration, new FlywayException("could not look for the history table", e));
        }
    }

    private static ValidationFailedException validationFailed(List<SchemaReport.Problem> problems, Throwable cause) {
        String message = problems.stream().map(SchemaReport.Problem::toString).collect(Collectors.joining("; "));
        return cause == null ? new ValidationFailedException(message) : new ValidationFailedException(message, cause);
    }

    /** A schema with objects but no history: migrate refuses it (Flyway's baselineOnMigrate is never set). */
    private static SchemaReport.Problem noHistory(Configuration configuration) {
        return new SchemaReport.Problem(
                "no history (needs baseline): the schema has objects but no " + configuration.getTable() + " table",
                "adopt it with the baseline action at the version it is at");
    }

    private static MigrationsException translate(String database, Configuration configuration, FlywayException e) {
        if (e instanceof FlywayValidateException) {
            return validationFailed(List.of(SchemaReport.Problem.of(e.getMessage())), e);
        }
        if (e.getErrorCode() == CoreErrorCode.NON_EMPTY_SCHEMA_WITHOUT_SCHEMA_HISTORY_TABLE) {
            return validationFailed(List.of(noHistory(configuration)), e);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MigrationSession.MigrationLockTaken taken) {
                return new DatabaseBusyException(database + ": " + taken.getMessage(), e);
            }
        }
        // Flyway's migrate failure is an internal type: no public one carries the failed migration and line.
        FlywayMigrateException failed = e instanceof FlywayMigrateException migrate ? migrate : null;
        String script = failed != null && failed.getMigration() != null
                ? failed.getMigration().getScript() + ": "
                : "";
        String line = failed != null && failed.getLineNumber() > 0 ? "line " + failed.getLineNumber() + ": " : "";
        SQLException sql = sqlCause(e);
        // The script, the line, what the server said and its SQLSTATE; never a row value (SqlFailures).
        String detail = script
                + line
                + SqlFailures.firstLine(e)
                + (sql != null && sql.getSQLState() != null ? " (SQLSTATE " + sql.getSQLState() + ")" : "");
        if (sql == null) {
            return new MigrationFailedException(detail, e);
        }
        if (READ_ONLY.equals(sql.getSQLState())) {
            return new MigrationFailedException(
                    detail + " (status and validate change nothing: a callback may not write)",
                    SqlFailures.withoutValues(sql));
        }
        MigrationsException classified = SqlFailures.classify(database, detail, sql);
        return classified != null ? classified : new MigrationFailedException(detail, SqlFailures.withoutValues(sql));
    }

    private static String label(RepairOutput output) {
        return label(blankToNull(output.version), output.description);
    }

    private static String label(MigrationInfo migration) {
        return label(
                migration.getVersion() == null ? null : migration.getVersion().getVersion(),
                migration.getDescription());
    }

    private static String label(String version, String description) {
        return version == null ? "R " + description : "V" + version + " (" + description + ")";
    }

    private static SQLException sqlCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
