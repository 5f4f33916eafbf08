package com.helix.migrations.config;

import com.helix.migrations.exceptions.InvalidConfigurationException;
import com.helix.migrations.target.Ids;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Everything the core needs to know about its environment, read once. The Lambda functions fill it
 * from environment variables ({@link #fromEnvironment(Map)}); the CLI maps its flags onto the same
 * variables.
 *
 * @param centralSecretId     {@code CENTRAL_DB_SECRET_ID}: the secret whose JSON locates the central
 *                            database ({@code host}, {@code port}, {@code dbname}, {@code username},
 *                            {@code password}). Required.
 * @param homeRegion          {@code AWS_REGION}: where the central secret lives. Set by Lambda.
 * @param jurisdictionRegions {@code JURISDICTION_REGIONS}, e.g. {@code uk=eu-west-2,eu=eu-central-1}:
 *                            the only regions a jurisdiction's secrets are read from. Required.
 * @param secretsFile         {@code SECRETS_FILE}: read secrets from this JSON file instead of Secrets
 *                            Manager (local work and the demo), once: it may be a pipe. Null when unset.
 * @param migrationsDir       {@code MIGRATIONS_DIR}: read migrations from
 *                            {@code DIR/{central,tenant,product/<type>}} instead of the packaged ones.
 *                            Null when unset.
 * @param database            session timeouts and TLS ({@code DB_*}).
 * @param flywayEnvironment   the {@code FLYWAY_*} variables: Flyway's own settings, for every tier.
 * @param runStaleAfter       {@code RUN_STALE_AFTER_SECONDS} (default 120): a CLI run whose heartbeat is older
 *                            than this is {@code abandoned} in the run ledger; it beats six times as often.
 */
public record MigrationsConfig(
        String centralSecretId,
        String homeRegion,
        Map<String, String> jurisdictionRegions,
        Path secretsFile,
        Path migrationsDir,
        DatabaseSettings database,
        Map<String, String> flywayEnvironment,
        Duration runStaleAfter) {

    public static final Duration DEFAULT_RUN_STALE_AFTER = Duration.ofMinutes(2);

    /** Every variable this project reads; the README's table lists the same. */
    public static final Set<String> VARIABLES = Set.of(
            "CENTRAL_DB_SECRET_ID",
            "AWS_REGION",
            "JURISDICTION_REGIONS",
            "SECRETS_FILE",
            "MIGRATIONS_DIR",
            "DB_CONNECT_TIMEOUT_SECONDS",
            "DB_LOCK_TIMEOUT_SECONDS",
            "DB_STATEMENT_TIMEOUT_SECONDS",
            "DB_SSL_MODE",
            "DB_SSL_ROOT_CERT",
            "DB_FAST_APPLY",
            "RUN_STALE_AFTER_SECONDS");

    /** Flyway's own variables ({@code FLYWAY_OUT_OF_ORDER}, {@code FLYWAY_PLACEHOLDERS_X}), passed to Flyway for every tier. */
    public static final String FLYWAY_PREFIX = "FLYWAY_";

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
    private static final Set<String> SSL_MODES =
            Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    public MigrationsConfig {
        jurisdictionRegions = Map.copyOf(jurisdictionRegions);
        flywayEnvironment = Map.copyOf(flywayEnvironment);
    }

    /** Reads and checks the variables; the first problem found is the exception's message. */
    public static MigrationsConfig fromEnvironment(Map<String, String> env) {
        return read(env, parseJurisdictionRegions(required(env, "JURISDICTION_REGIONS")));
    }

    /**
     * What reading the central registry needs: no {@code JURISDICTION_REGIONS} (the ListTargets
     * function lists targets and reads only the central database's secret).
     */
    public static MigrationsConfig forCentral(Map<String, String> env) {
        return read(env, Map.of());
    }

    private static MigrationsConfig read(Map<String, String> env, Map<String, String> regions) {
        String centralSecretId = required(env, "CENTRAL_DB_SECRET_ID");
        Path secretsFile = optionalPath(env, "SECRETS_FILE", PathKind.READ_ONCE);
        String homeRegion = blankToNull(env.get("AWS_REGION"));
        if (homeRegion == null && secretsFile == null) {
            throw new InvalidConfigurationException(
                    "AWS_REGION is not set (needed to read CENTRAL_DB_SECRET_ID from Secrets Manager)");
        }
        DatabaseSettings defaults = DatabaseSettings.DEFAULTS;
        String sslMode = env.getOrDefault("DB_SSL_MODE", defaults.sslMode()).trim();
        if (!SSL_MODES.contains(sslMode)) {
            throw new InvalidConfigurationException("DB_SSL_MODE must be one of "
                    + String.join(", ", SSL_MODES.stream().sorted().toList()) + ", not '" + sslMode + "'");
        }
        DatabaseSettings database = new DatabaseSettings(
                seconds(env, "DB_CONNECT_TIMEOUT_SECONDS", defaults.connectTimeout(), 1),
                seconds(env, "DB_LOCK_TIMEOUT_SECONDS", defaults.lockTimeout(), 0),
                seconds(env, "DB_STATEMENT_TIMEOUT_SECONDS", defaults.statementTimeout(), 0),
                sslMode,
                optionalPath(env, "DB_SSL_ROOT_CERT", PathKind.FILE),
                flag(env, "DB_FAST_APPLY", defaults.fastApply()));
        return new MigrationsConfig(
                centralSecretId,
                homeRegion,
                regions,
                secretsFile,
                migrationsDir(env),
                database,
                flywayEnvironment(env),
                seconds(env, "RUN_STALE_AFTER_SECONDS", DEFAULT_RUN_STALE_AFTER, 6));
    }

    /** {@code MIGRATIONS_DIR}, checked; null when unset (the packaged migrations). */
    public static Path migrationsDir(Map<String, String> env) {
        return optionalPath(env, "MIGRATIONS_DIR", PathKind.DIRECTORY);
    }

    /** The {@code FLYWAY_*} variables. */
    public static Map<String, String> flywayEnvironment(Map<String, String> env) {
        Map<String, String> flyway = new TreeMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith(FLYWAY_PREFIX)) {
                flyway.put(name, value);
            }
        });
        return flyway;
    }

    /** Parses {@code uk=eu-west-2,eu=eu-central-1}. */
    public static Map<String, String> parseJurisdictionRegions(String value) {
        Map<String, String> regions = new LinkedHashMap<>();
        for (String entry : value.split(",", -1)) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.trim().split("=", -1);
            if (parts.length != 2
                    || !Ids.JURISDICTION.matcher(parts[0].trim()).matches()
                    || !REGION.matcher(parts[1].trim()).matches()) {
                throw new InvalidConfigurationException("JURISDICTION_REGIONS entry '" + entry.trim()
                        + "' is not jurisdiction=region (e.g. uk=eu-west-2)");
            }
            if (regions.put(parts[0].trim(), parts[1].trim()) != null) {
                throw new InvalidConfigurationException("JURISDICTION_REGIONS names '" + parts[0].trim() + "' twice");
            }
        }
        if (regions.isEmpty()) {
            throw new InvalidConfigurationException(
                    "JURISDICTION_REGIONS is empty (e.g. uk=eu-west-2,eu=eu-central-1)");
        }
        return regions;
    }

    private static String required(Map<String, String> env, String name) {
        String value = blankToNull(env.get(name));
        if (value == null) {
            throw new InvalidConfigurationException(name + " is not set");
        }
        return value;
    }

    /** What a path variable names. */
    private enum PathKind {
        DIRECTORY,
        /** A file, read whenever it is needed. */
        FILE,
        /** Anything readable but a directory, read once: a pipe too ({@code file:<(vault read …)}). */
        READ_ONCE
    }

    private static Path optionalPath(Map<String, String> env, String name, PathKind kind) {
        String value = blankToNull(env.get(name));
        if (value == null) {
            return null;
        }
        Path path = Path.of(value);
        boolean ok = switch (kind) {
            case DIRECTORY -> Files.isDirectory(path);
            case FILE -> Files.isRegularFile(path);
            case READ_ONCE -> Files.exists(path) && !Files.isDirectory(path);
        };
        if (!ok || !Files.isReadable(path)) {
            throw new InvalidConfigurationException(
                    name + " is not a readable " + (kind == PathKind.DIRECTORY ? "directory" : "file") + ": " + value);
        }
        return path;
    }

    private static boolean flag(Map<String, String> env, String name, boolean fallback) {
        String value = blankToNull(env.get(name));
        if (value == null) {
            return fallback;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidConfigurationException(name + " must be true or false, not '" + value + "'");
        };
    }

    private static Duration seconds(Map<String, String> env, String name, Duration fallback, int minimum) {
        String value = blankToNull(env.get(name));
        if (value == null) {
            return fallback;
        }
        try {
            long seconds = Long.parseLong(value.trim());
            if (seconds >= minimum && seconds <= 86_400) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // falls through to the message below, which names the variable and the value
        }
        throw new InvalidConfigurationException(
                name + " must be a whole number of seconds from " + minimum + " to 86400, not '" + value + "'");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
