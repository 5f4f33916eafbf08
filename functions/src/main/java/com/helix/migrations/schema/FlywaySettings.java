package com.helix.migrations.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.helix.migrations.exceptions.InvalidConfigurationException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.internal.configuration.ConfigUtils;

/**
 * The Flyway configuration of one tier, read as Flyway reads it: the tier folder's {@code flyway.conf}
 * or {@code flyway.toml}, then {@code FLYWAY_*} environment variables over it. Flyway's own names,
 * Flyway's own precedence (environment over file). The settings this tool owns are refused, each in
 * one line naming the setting and where it was set; everything else goes to Flyway, which refuses
 * what it does not know.
 */
public final class FlywaySettings {
    public static final String CONF_FILE = "flyway.conf";
    public static final String TOML_FILE = "flyway.toml";

    /** Set by this tool, whatever the configuration says, and why. */
    static final Map<String, String> OWNED = ownedSettings();

    /** Keys under these are owned too (connection properties, environments). */
    private static final Map<String, String> OWNED_PREFIXES = Map.of(
            "flyway.jdbcProperties.", "connections are built by helix-migrations",
            "flyway.environments.", "connections come from the central registry");

    /** Flyway Desktop's project keys at the top of a flyway.toml: no effect on Flyway's commands. */
    private static final Set<String> TOML_PROJECT_KEYS =
            Set.of("id", "name", "databaseType", "flywayDesktop", "redgateCompare");

    /** Values of settings whose names say they hold a secret are never shown. */
    private static final Pattern SECRET_NAME =
            Pattern.compile("(?i).*(password|secret|token|credential|licen[cs]e|key).*");

    /** Flyway expands {@code ${NAME}} in a configuration file from the environment before reading it. */
    private static final Pattern ENVIRONMENT_REFERENCE = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");

    /**
     * One setting.
     *
     * @param name   Flyway's property name, {@code flyway.outOfOrder}
     * @param source where it was set: {@code flyway.conf}, {@code FLYWAY_OUT_OF_ORDER}, or {@code helix-migrations}
     */
    public record Setting(String name, String value, String source) {
        /** The value as it may be shown: masked when the name says it is a secret. */
        public String shown() {
            return SECRET_NAME.matcher(name).matches() ? "****" : value;
        }
    }

    private final Map<String, Setting> settings;

    private FlywaySettings(Map<String, Setting> settings) {
        this.settings = Collections.unmodifiableMap(settings);
    }

    /** No configuration at all: Flyway's defaults. */
    public static FlywaySettings none() {
        return new FlywaySettings(new TreeMap<>());
    }

    /**
     * Reads one tier's configuration.
     *
     * @param folder   the tier's folder, for messages ({@code tenant}, {@code product/kira})
     * @param conf     the text of its {@code flyway.conf}, or null
     * @param toml     the text of its {@code flyway.toml}, or null
     * @param env      the process environment: its {@code FLYWAY_*} variables apply to every tier
     */
    public static FlywaySettings read(String folder, String conf, String toml, Map<String, String> env) {
        if (conf != null && toml != null) {
            throw new InvalidConfigurationException(
                    folder + "/ has both " + CONF_FILE + " and " + TOML_FILE + ": keep one");
        }
        Map<String, Setting> settings = new TreeMap<>();
        if (conf != null) {
            fromConf(folder, conf, env).forEach((name, value) -> put(settings, name, value, CONF_FILE));
        }
        if (toml != null) {
            fromToml(folder, toml).forEach((name, value) -> put(settings, name, value, TOML_FILE));
        }
        fromEnvironment(env).forEach((variable, name) -> put(settings, name, env.get(variable), variable));
        for (Setting setting : settings.values()) {
            String why = whyOwned(setting.name());
            if (why != null) {
                String where =
                        setting.source().startsWith("FLYWAY_") ? setting.source() : folder + "/" + setting.source();
                throw new InvalidConfigurationException(
                        where + " sets " + setting.name() + ", which helix-migrations owns: " + why);
            }
        }
        return new FlywaySettings(settings);
    }

    /** The settings as Flyway's property map ({@code flyway.outOfOrder → true}). */
    public Map<String, String> properties() {
        Map<String, String> properties = new LinkedHashMap<>();
        settings.values().forEach(s -> properties.put(s.name(), s.value()));
        return properties;
    }

    /** Every setting read, by name. */
    public List<Setting> settings() {
        return List.copyOf(settings.values());
    }

    public boolean has(String name) {
        return settings.containsKey(name);
    }

    public String get(String name) {
        Setting setting = settings.get(name);
        return setting == null ? null : setting.value();
    }

    /** Why this tool owns a setting, or null when Flyway may be given it. */
    static String whyOwned(String name) {
        String why = OWNED.get(name);
        if (why != null) {
            return why;
        }
        return OWNED_PREFIXES.entrySet().stream()
                .filter(e -> name.startsWith(e.getKey()))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }

    private static void put(Map<String, Setting> settings, String name, String value, String source) {
        settings.put(name, new Setting(name, value, source));
    }

    /**
     * Flyway's {@code FLYWAY_*} variables by the property each sets. A variable Flyway does not know is
     * refused rather than ignored: a typo would otherwise change nothing, silently.
     */
    private static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> names = new TreeMap<>();
        for (String variable : env.keySet()) {
            if (!variable.startsWith("FLYWAY_")) {
                continue;
            }
            // Internal: no public API maps a variable to its property without reading System.getenv,
            // and this tool reads its environment once, from the map it was given.
            String name = ConfigUtils.convertKey(variable);
            if (name == null) {
                throw new InvalidConfigurationException(
                        variable + " is not a Flyway setting (see the README's Flyway configuration table)");
            }
            names.put(variable, name);
        }
        return names;
    }

    private static Map<String, String> fromConf(String folder, String text, Map<String, String> env) {
        Matcher reference = ENVIRONMENT_REFERENCE.matcher(text);
        String expanded = reference.replaceAll(m -> Matcher.quoteReplacement(env.getOrDefault(m.group(1), "")));
        try {
            // Internal: Flyway's reader of its .conf format (Java properties, with its own handling of
            // backslashes); the public API only reads conf files from fixed places on disk.
            return new TreeMap<>(ConfigUtils.loadConfigurationFromString(expanded, true));
        } catch (IOException | RuntimeException e) {
            throw new InvalidConfigurationException(
                    folder + "/" + CONF_FILE + " is not a Flyway configuration file: " + e.getMessage());
        }
    }

    private static Map<String, String> fromToml(String folder, String text) {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(text);
        } catch (IOException e) {
            throw new InvalidConfigurationException(
                    folder + "/" + TOML_FILE + " is not valid TOML: " + firstLine(e.getMessage()));
        }
        Map<String, String> properties = new TreeMap<>();
        for (var it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            switch (entry.getKey()) {
                case "flyway" -> flatten("flyway", entry.getValue(), properties);
                case "environments", "environment" ->
                    throw new InvalidConfigurationException(folder + "/" + TOML_FILE + " sets [" + entry.getKey()
                            + "], which helix-migrations owns: connections come from the central registry");
                default -> {
                    if (!TOML_PROJECT_KEYS.contains(entry.getKey())) {
                        throw new InvalidConfigurationException(folder + "/" + TOML_FILE + ": unknown table or key '"
                                + entry.getKey() + "' (Flyway settings go under [flyway])");
                    }
                }
            }
        }
        return properties;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> into) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> flatten(prefix + "." + field.getKey(), field.getValue(), into));
        } else if (node.isArray()) {
            List<String> values = new ArrayList<>();
            node.forEach(value -> values.add(value.asText()));
            into.put(prefix, String.join(",", values));
        } else {
            into.put(prefix, node.asText());
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static Map<String, String> ownedSettings() {
        Map<String, String> owned = new LinkedHashMap<>();
        String connections = "connections come from the central registry and the target's secret";
        owned.put("flyway.url", connections);
        owned.put("flyway.user", connections);
        owned.put("flyway.password", connections);
        owned.put("flyway.driver", connections);
        owned.put("flyway.environment", connections);
        owned.put("flyway.connectRetries", "connections are built by helix-migrations (DB_CONNECT_TIMEOUT_SECONDS)");
        owned.put(
                "flyway.connectRetriesInterval",
                "connections are built by helix-migrations (DB_CONNECT_TIMEOUT_SECONDS)");
        owned.put("flyway.locations", "a tier's migrations are its folder");
        owned.put("flyway.callbackLocations", "a tier's migrations and callbacks are its folder");
        owned.put("flyway.failOnMissingLocations", "a missing tier folder is always an error");
        owned.put("flyway.cleanDisabled", "clean is always disabled");
        owned.put("flyway.baselineOnMigrate", "baselining goes through a checked action, never on trust");
        owned.put("flyway.skipExecutingMigrations", "it records migrations that never ran");
        owned.put("flyway.validateOnMigrate", "a migration edited after it was applied always stops a run");
        owned.put("flyway.target", "the target is set per run (targetVersion, --target)");
        owned.put("flyway.lockRetryCount", "the wait for another run's lock follows DB_LOCK_TIMEOUT_SECONDS");
        owned.put(
                "flyway.postgresql.transactional.lock",
                "the migration lock is session-level, so that CREATE INDEX CONCURRENTLY works");
        owned.put("flyway.loggers", "logging is helix-migrations'");
        owned.put("flyway.configFiles", "a tier's configuration is its folder's flyway.conf or flyway.toml");
        owned.put("flyway.configFileEncoding", "configuration files are read as UTF-8");
        owned.put("flyway.jarDirs", "migrations are SQL files");
        owned.put("flyway.workingDirectory", "a tier's migrations are its folder");
        return Collections.unmodifiableMap(owned);
    }
}
