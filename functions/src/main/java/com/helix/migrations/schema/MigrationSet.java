package com.helix.migrations.schema;

import com.helix.migrations.exceptions.InvalidConfigurationException;
import com.helix.migrations.exceptions.InvalidRequestException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.migration.baseline.BaselineMigrationConfigurationExtension;
import org.flywaydb.core.api.resource.LoadableResource;
import org.flywaydb.core.internal.parser.ParsingContext;
import org.flywaydb.core.internal.resource.ResourceName;
import org.flywaydb.core.internal.resource.ResourceNameParser;
import org.flywaydb.core.internal.sqlscript.SqlScript;
import org.flywaydb.core.internal.sqlscript.SqlScriptMetadata;
import org.flywaydb.core.internal.sqlscript.SqlStatement;
import org.flywaydb.core.internal.sqlscript.SqlStatementIterator;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.flywaydb.database.postgresql.PostgreSQLDatabaseType;

/**
 * One tier's migrations as Flyway will see them: the folder's files read once, its Flyway settings,
 * and every migration parsed once, so that mistakes in the set are found before any database is
 * touched and reported once, naming the file.
 *
 * <p>Refused for the whole set (nothing runs anywhere): settings this tool owns or Flyway rejects, a
 * missing folder, a file that is not valid in its encoding, a file that looks like a migration but
 * that Flyway would skip or reject ({@code V6_one_underscore.sql}, {@code v7__x.sql},
 * {@code V8__x.SQL}), two migrations with one version, a {@code .sql.conf} of no script.
 *
 * <p>Refused per migration (a database where it is pending is refused before anything runs, others
 * are not affected): a {@code COMMIT}, {@code END} or {@code ROLLBACK} that would end the
 * migration's transaction early, a placeholder with no value. A top-level {@code BEGIN … COMMIT}
 * pair in a transactional migration is absorbed into the migration's own transaction (noted on the
 * result), so the migration stays one transaction.
 */
public final class MigrationSet {
    /**
     * Statements only Flyway runs: a {@code COPY … FROM STDIN} (its data follows the statement), and what changes
     * the session beyond the migration's transaction, which Flyway resets after each migration. {@code COPY},
     * {@code SET} and {@code RESET} are matched where the statement's command begins (after its comments, {@link
     * #commandStart}); {@code set_config}, {@code SET ROLE} and {@code SESSION AUTHORIZATION} anywhere in it.
     */
    private static final Pattern FLYWAY_ONLY_COMMAND = Pattern.compile(
            "COPY\\s[^;]*\\sFROM\\s+STDIN|SET\\s+(?!LOCAL\\s|CONSTRAINTS\\s|TRANSACTION\\s)|RESET\\b",
            Pattern.CASE_INSENSITIVE);

    private static final Pattern FLYWAY_ONLY_ANYWHERE = Pattern.compile(
            "\\bset_config\\s*\\(|\\bSET\\s+(?:SESSION\\s+)?ROLE\\b|\\bSESSION\\s+AUTHORIZATION\\b",
            Pattern.CASE_INSENSITIVE);

    private static final Pattern ALTER_TYPE_ADD_VALUE =
            Pattern.compile("(?s)\\s*ALTER\\s+TYPE\\s.*\\sADD\\s+VALUE\\s.*", Pattern.CASE_INSENSITIVE);

    /**
     * What the check found in one migration.
     *
     * @param path          the script as Flyway records it ({@code V3__split_owner.sql})
     * @param version       null for a repeatable migration
     * @param transactional whether Flyway runs it in a transaction
     * @param notes         what the result should say when it is applied (an absorbed {@code BEGIN … COMMIT})
     * @param refusal       why it may not run, or null
     * @param statements    its statements as Flyway would send them (placeholders replaced, an absorbed {@code
     *                      BEGIN … COMMIT} left out), parsed once, for {@link FastApply}; null when only Flyway may
     *                      run it: not transactional, refused, configured by a {@code .sql.conf}, its text
     *                      depending on the connection ({@code ${flyway:user}} and the like), a {@code COPY … FROM
     *                      STDIN}, or a statement that changes the session ({@code SET ROLE}, {@code set_config})
     */
    public record Script(
            String path,
            MigrationVersion version,
            String description,
            boolean transactional,
            List<String> notes,
            String refusal,
            List<String> statements) {
        public boolean repeatable() {
            return version == null;
        }
    }

    private final String folder;
    private final FlywaySettings settings;
    private final Configuration base;
    private final ScannedMigrations files;
    private final Map<String, Script> scripts;
    private final boolean callbacks;
    private final MigrationVersion latest;

    private MigrationSet(
            String folder,
            FlywaySettings settings,
            Configuration base,
            ScannedMigrations files,
            Map<String, Script> scripts,
            boolean callbacks) {
        this.folder = folder;
        this.settings = settings;
        this.base = base;
        this.files = files;
        this.scripts = scripts;
        this.callbacks = callbacks;
        this.latest = scripts.values().stream()
                .map(Script::version)
                .filter(v -> v != null)
                .max(MigrationVersion::compareTo)
                .orElse(null);
    }

    /**
     * Reads, scans and checks one tier's migrations.
     *
     * @param folder   the tier's folder, for messages ({@code tenant}, {@code product/kira})
     * @param location its Flyway location ({@code classpath:migrations/tenant}, {@code filesystem:/…})
     * @throws InvalidConfigurationException naming the file or setting, when the set cannot be used
     */
    static MigrationSet load(String folder, String location, FlywaySettings settings, ClassLoader classLoader) {
        FluentConfiguration base = Flyway.configure(classLoader);
        try {
            base.configuration(settings.properties());
        } catch (FlywayException e) {
            throw new InvalidConfigurationException(
                    folder + ": Flyway refused its configuration: " + firstLine(e.getMessage()));
        }
        base.locations(location)
                .failOnMissingLocations(true)
                .cleanDisabled(true)
                .validateOnMigrate(true)
                .loggers("slf4j");
        // The schema Flyway works in is pinned: found through search_path, a schema named after the
        // login role (first in the default "$user", public) would get a second history table.
        if (!settings.has("flyway.defaultSchema") && !settings.has("flyway.schemas")) {
            base.defaultSchema("public").schemas("public");
        }
        ScannedMigrations files = ScannedMigrations.scan(folder, base);
        Map<String, Script> scripts = check(folder, base, files);
        boolean callbacks = files.all().stream()
                .anyMatch(r -> !scripts.containsKey(r.getRelativePath())
                        && suffixOf(r.getFilename(), base.getSqlMigrationSuffixes()) != null);
        return new MigrationSet(folder, settings, base, files, scripts, callbacks);
    }

    /** The tier's folder, as messages name it. */
    public String folder() {
        return folder;
    }

    public FlywaySettings settings() {
        return settings;
    }

    /** The newest versioned (or baseline) migration, or null when there is none. */
    public MigrationVersion latest() {
        return latest;
    }

    /** Whether the folder holds SQL callbacks ({@code beforeMigrate.sql}, {@code afterEachMigrate__x.sql}). */
    public boolean callbacks() {
        return callbacks;
    }

    /** Flyway's configuration of this tier, as read (no data source). */
    Configuration base() {
        return base;
    }

    /** Every migration, by script. */
    public Map<String, Script> scripts() {
        return scripts;
    }

    /** The migration Flyway records under this version or (repeatables) description. */
    public Optional<Script> script(String version, String description) {
        return scripts.values().stream()
                .filter(s -> version == null
                        ? s.repeatable() && s.description().equals(description)
                        : !s.repeatable() && s.version().equals(MigrationVersion.fromVersion(version)))
                .findFirst();
    }

    /** Migrations that may not run, in one line each: a database where one is pending is refused. */
    public List<String> refusals() {
        return scripts.values().stream()
                .filter(s -> s.refusal() != null)
                .map(s -> folder + "/" + s.path() + ": " + s.refusal())
                .toList();
    }

    /**
     * A target version as any spelling Flyway accepts ({@code 1.12}, {@code 1_12}), checked against the
     * set: a version no migration has is refused before any database is touched.
     */
    public MigrationVersion target(String version) {
        if (version == null) {
            return MigrationVersion.LATEST;
        }
        MigrationVersion target;
        try {
            target = MigrationVersion.fromVersion(version);
        } catch (RuntimeException e) {
            throw new InvalidRequestException(
                    "targetVersion must be a version such as 3, 2.1 or 2_1, not '" + version + "'");
        }
        boolean known = scripts.values().stream()
                .anyMatch(s -> !s.repeatable() && s.version().compareTo(target) == 0);
        if (!known) {
            throw new InvalidRequestException(
                    "targetVersion " + version + ": no migration in " + folder + " has that version");
        }
        return target;
    }

    /** The baseline version this tier's configuration names, or null. */
    public String baselineVersion() {
        return settings.get("flyway.baselineVersion");
    }

    /**
     * Flyway's configuration for one database: the tier's settings, the files read once, and what this
     * tool owns.
     *
     * @param lockWait how long Flyway waits for its own lock held by another Flyway (0: for ever)
     */
    FluentConfiguration configure(DataSource dataSource, MigrationVersion target, Duration lockWait) {
        FluentConfiguration configuration = Flyway.configure(base.getClassLoader())
                .configuration(base)
                .dataSource(dataSource)
                .resourceProvider(files)
                .javaMigrationClassProvider(files)
                // Flyway polls for its lock once a second.
                .lockRetryCount(lockWait.isZero() ? -1 : (int) Math.max(1, lockWait.toSeconds()))
                .target(target);
        // A session-level advisory lock: with the default transactional one, Flyway keeps a transaction
        // open on a second connection, and CREATE INDEX CONCURRENTLY waits for it until lock_timeout.
        configuration
                .getConfigurationExtension(PostgreSQLConfigurationExtension.class)
                .setTransactionalLock(false);
        return configuration;
    }

    /** Everything Flyway is given for this tier, with where each came from; secret values masked by {@link FlywaySettings.Setting#shown()}. */
    public List<FlywaySettings.Setting> effectiveSettings() {
        Map<String, FlywaySettings.Setting> all = new TreeMap<>();
        settings.settings().forEach(s -> all.put(s.name(), s));
        String owner = "helix-migrations";
        for (Map.Entry<String, String> owned : FlywaySettings.OWNED.entrySet()) {
            String value = switch (owned.getKey()) {
                case "flyway.locations" ->
                    String.join(
                            ",",
                            java.util.Arrays.stream(base.getLocations())
                                    .map(Object::toString)
                                    .toList());
                case "flyway.cleanDisabled", "flyway.validateOnMigrate", "flyway.failOnMissingLocations" -> "true";
                case "flyway.baselineOnMigrate",
                        "flyway.skipExecutingMigrations",
                        "flyway.postgresql.transactional.lock" -> "false";
                case "flyway.url", "flyway.user", "flyway.password", "flyway.driver" ->
                    "(the target's registry row and secret)";
                case "flyway.target" -> "(targetVersion, --target)";
                case "flyway.lockRetryCount" -> "(DB_LOCK_TIMEOUT_SECONDS)";
                case "flyway.connectRetries", "flyway.connectRetriesInterval" -> "(DB_CONNECT_TIMEOUT_SECONDS)";
                default -> null;
            };
            if (value != null) {
                all.put(owned.getKey(), new FlywaySettings.Setting(owned.getKey(), value, owner));
            }
        }
        if (!settings.has("flyway.defaultSchema") && !settings.has("flyway.schemas")) {
            all.put(
                    "flyway.defaultSchema",
                    new FlywaySettings.Setting("flyway.defaultSchema", "public", owner + " (default)"));
            all.put("flyway.schemas", new FlywaySettings.Setting("flyway.schemas", "public", owner + " (default)"));
        }
        return List.copyOf(all.values());
    }

    private static Map<String, Script> check(String folder, Configuration configuration, ScannedMigrations files) {
        // Internal: Flyway's own name parser, so that a name is judged exactly as Flyway judges it; the
        // public API only parses names while connected to a database.
        ResourceNameParser names = new ResourceNameParser(configuration);
        String versioned = configuration.getSqlMigrationPrefix();
        String repeatable = configuration.getRepeatableSqlMigrationPrefix();
        String baseline = configuration
                .getPluginRegister()
                .getExact(BaselineMigrationConfigurationExtension.class)
                .getBaselineMigrationPrefix();
        Map<String, Script> scripts = new LinkedHashMap<>();
        Map<String, String> versions = new TreeMap<>();
        Map<String, String> descriptions = new TreeMap<>();
        Parsing parsing = new Parsing(configuration, files);
        for (LoadableResource resource : files.all()) {
            String file = resource.getFilename();
            String path = resource.getRelativePath();
            String where = folder + "/" + path;
            if (file.equals(FlywaySettings.CONF_FILE) || file.equals(FlywaySettings.TOML_FILE)) {
                continue;
            }
            if (file.endsWith(".conf")) {
                if (files.getResource(path.substring(0, path.length() - ".conf".length())) == null) {
                    throw new InvalidConfigurationException(where + " configures "
                            + file.substring(0, file.length() - ".conf".length()) + ", which does not exist");
                }
                continue;
            }
            String suffix = suffixOf(file, configuration.getSqlMigrationSuffixes());
            if (suffix == null) {
                continue;
            }
            if (!file.endsWith(suffix)) {
                throw new InvalidConfigurationException(
                        where + ": Flyway reads only files ending in " + suffix + " exactly, and would skip this one");
            }
            ResourceName name = names.parse(file);
            if (!name.isValid()) {
                throw new InvalidConfigurationException(where + ": " + name.getValidityMessage());
            }
            String prefix = name.getPrefix();
            MigrationVersion version;
            if (prefix.equals(repeatable)) {
                version = null;
                unique(
                        descriptions,
                        name.getDescription(),
                        where,
                        "the repeatable migration '" + name.getDescription() + "'");
            } else if (prefix.equals(versioned) || prefix.equals(baseline)) {
                version = name.getVersion();
                // A baseline migration may share its version with a versioned one: that is what it is for.
                unique(
                        versions,
                        prefix + version.getVersion(),
                        where,
                        (prefix.equals(baseline) ? "baseline migration " : "version ") + version.getVersion());
            } else {
                continue; // a callback (beforeMigrate.sql, afterEachMigrate__x.sql)
            }
            scripts.put(path, parsing.check(resource, version, name.getDescription()));
        }
        return Collections.unmodifiableMap(scripts);
    }

    private static void unique(Map<String, String> seen, String key, String where, String what) {
        String first = seen.putIfAbsent(key, where);
        if (first != null) {
            throw new InvalidConfigurationException(
                    first + " and " + where + " are both " + what + ": Flyway needs each once");
        }
    }

    private static String suffixOf(String file, String[] suffixes) {
        for (String suffix : suffixes) {
            if (file.toLowerCase(Locale.ROOT).endsWith(suffix.toLowerCase(Locale.ROOT))) {
                return suffix;
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

    /** Whether only Flyway may run this statement ({@link #FLYWAY_ONLY_COMMAND}, {@link #FLYWAY_ONLY_ANYWHERE}). */
    static boolean flywayOnly(String sql) {
        return FLYWAY_ONLY_COMMAND
                        .matcher(sql)
                        .region(commandStart(sql), sql.length())
                        .lookingAt()
                || FLYWAY_ONLY_ANYWHERE.matcher(sql).find();
    }

    /**
     * Where a statement's command begins: after its leading whitespace, line comments and block comments (which
     * nest in PostgreSQL). A loop, not a pattern: a script may open with megabytes of comments.
     */
    static int commandStart(String sql) {
        int i = 0;
        while (i < sql.length()) {
            if (Character.isWhitespace(sql.charAt(i))) {
                i++;
            } else if (sql.startsWith("--", i)) {
                // A line comment ends at a newline or a carriage return, as PostgreSQL reads it.
                i += 2;
                while (i < sql.length() && sql.charAt(i) != '\n' && sql.charAt(i) != '\r') {
                    i++;
                }
            } else if (sql.startsWith("/*", i)) {
                int depth = 0;
                do {
                    if (sql.startsWith("/*", i)) {
                        depth++;
                        i += 2;
                    } else if (sql.startsWith("*/", i)) {
                        depth--;
                        i += 2;
                    } else {
                        i++;
                    }
                } while (depth > 0 && i < sql.length());
            } else {
                break;
            }
        }
        return i;
    }

    /** Parses migrations with Flyway's PostgreSQL parser, offline. */
    private static final class Parsing {
        private final Configuration configuration;
        private final ScannedMigrations files;
        private final org.flywaydb.core.internal.sqlscript.SqlScriptFactory factory;

        Parsing(Configuration configuration, ScannedMigrations files) {
            this.configuration = configuration;
            this.files = files;
            // Internal: statements are split, and their transactionality judged, exactly as Flyway will
            // when it runs them; no public API parses a script. Flyway's own placeholders that depend on
            // the connection get stand-ins: they do not change where statements begin and end.
            ParsingContext context = new ParsingContext();
            String separator = configuration.getPlaceholderSeparator();
            for (String placeholder : List.of(
                    "defaultSchema", "user", "database", "timestamp", "workingDirectory", "table", "environment")) {
                context.getPlaceholders().put("flyway" + separator + placeholder, placeholder);
            }
            this.factory = new PostgreSQLDatabaseType().createSqlScriptFactory(configuration, context);
        }

        Script check(LoadableResource resource, MigrationVersion version, String description) {
            List<String> notes = new ArrayList<>();
            String refusal = null;
            boolean transactional;
            List<SqlStatement> statements = new ArrayList<>();
            boolean configured = SqlScriptMetadata.getMetadataResource(files, resource) != null;
            try {
                // mixed = true: Flyway itself refuses mixed statements when it runs the script, knowing the server's
                // version.
                SqlScript script = factory.createSqlScript(resource, true, files);
                try (SqlStatementIterator iterator = script.getSqlStatements()) {
                    for (SqlStatement statement; (statement = iterator.next()) != null; ) {
                        statements.add(statement);
                    }
                }
                Boolean declared = SqlScriptMetadata.fromResource(
                                SqlScriptMetadata.getMetadataResource(files, resource), null, configuration)
                        .executeInTransaction();
                transactional = declared != null
                        ? declared
                        : configuration.isExecuteInTransaction()
                                && statements.stream()
                                        .allMatch(s -> s.canExecuteInTransaction()
                                                || ALTER_TYPE_ADD_VALUE
                                                        .matcher(s.getSql())
                                                        .matches());
                if (transactional) {
                    refusal = transactionControl(statements, notes, resource.getFilename());
                }
            } catch (FlywayException e) {
                transactional = false;
                refusal = firstLine(e.getMessage());
            }
            List<String> sent = null;
            if (transactional && refusal == null && !configured && !dependsOnConnection(resource)) {
                sent = statements.stream()
                        .map(SqlStatement::getSql)
                        .filter(sql -> TransactionControl.of(sql) == null)
                        .toList();
                if (sent.stream().anyMatch(MigrationSet::flywayOnly)) {
                    sent = null;
                }
            }
            return new Script(
                    resource.getRelativePath(), version, description, transactional, List.copyOf(notes), refusal, sent);
        }

        /** Whether the script uses one of Flyway's placeholders that only a connection knows ({@code ${flyway:user}}). */
        private boolean dependsOnConnection(LoadableResource resource) {
            if (!configuration.isPlaceholderReplacement()) {
                return false;
            }
            String flyway = configuration.getPlaceholderPrefix() + "flyway" + configuration.getPlaceholderSeparator();
            try (Reader reader = resource.read()) {
                StringWriter text = new StringWriter();
                reader.transferTo(text);
                return text.toString().contains(flyway);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Absorbs top-level BEGIN … COMMIT pairs; anything else that would end the transaction early is refused. */
        private static String transactionControl(List<SqlStatement> statements, List<String> notes, String file) {
            Integer opened = null;
            for (SqlStatement statement : statements) {
                TransactionControl control = TransactionControl.of(statement.getSql());
                if (control == null) {
                    continue;
                }
                int line = statement.getLineNumber();
                switch (control) {
                    case OPEN -> {
                        if (opened == null) {
                            opened = line;
                        }
                    }
                    case COMMIT -> {
                        if (opened == null) {
                            return "line " + line + ": " + keyword(statement)
                                    + " would commit part of the migration: it runs in one"
                                    + " transaction, which it did not open (remove the " + keyword(statement) + ")";
                        }
                        notes.add(file + ": BEGIN at line " + opened + " and " + keyword(statement) + " at line " + line
                                + " ran as part of the migration's own transaction");
                        opened = null;
                    }
                    case ROLLBACK -> {
                        return "line " + line + ": " + keyword(statement)
                                + " would end the migration's transaction early:"
                                + " a migration runs in one transaction (remove it, or split the migration)";
                    }
                }
            }
            if (opened != null) {
                notes.add(file + ": BEGIN at line " + opened + " has no COMMIT; the migration committed as a whole");
            }
            return null;
        }

        private static String keyword(SqlStatement statement) {
            return TransactionControl.keyword(statement.getSql());
        }
    }
}
