package com.helix.migrations.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.helix.migrations.exceptions.InvalidConfigurationException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MigrationsConfigTest {

    private static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put("CENTRAL_DB_SECRET_ID", "helix/central");
        env.put("AWS_REGION", "eu-west-2");
        env.put("JURISDICTION_REGIONS", "uk=eu-west-2, eu=eu-central-1");
        return env;
    }

    @Test
    void fromEnvironment_appliesTheDocumentedDefaults() {
        MigrationsConfig config = MigrationsConfig.fromEnvironment(minimal());

        assertThat(config.jurisdictionRegions())
                .containsExactlyInAnyOrderEntriesOf(Map.of("uk", "eu-west-2", "eu", "eu-central-1"));
        assertThat(config.homeRegion()).isEqualTo("eu-west-2");
        assertThat(config.secretsFile()).isNull();
        assertThat(config.migrationsDir()).isNull();
        assertThat(config.database())
                .isEqualTo(new DatabaseSettings(
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(10),
                        Duration.ofMinutes(10),
                        "verify-full",
                        null,
                        true));
    }

    @Test
    void fromEnvironment_readsTimeoutsAndSslMode() {
        Map<String, String> env = minimal();
        env.put("DB_CONNECT_TIMEOUT_SECONDS", "3");
        env.put("DB_LOCK_TIMEOUT_SECONDS", "0");
        env.put("DB_STATEMENT_TIMEOUT_SECONDS", "840");
        env.put("DB_SSL_MODE", "verify-full");
        env.put("DB_FAST_APPLY", "false");

        assertThat(MigrationsConfig.fromEnvironment(env).database())
                .isEqualTo(new DatabaseSettings(
                        Duration.ofSeconds(3), Duration.ZERO, Duration.ofSeconds(840), "verify-full", null, false));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "CENTRAL_DB_SECRET_ID|''|Invalid configuration: CENTRAL_DB_SECRET_ID is not set",
                "JURISDICTION_REGIONS|''|Invalid configuration: JURISDICTION_REGIONS is not set",
                "JURISDICTION_REGIONS|uk|Invalid configuration: JURISDICTION_REGIONS entry 'uk' is not jurisdiction=region (e.g. uk=eu-west-2)",
                "JURISDICTION_REGIONS|uk=london|Invalid configuration: JURISDICTION_REGIONS entry 'uk=london' is not jurisdiction=region (e.g. uk=eu-west-2)",
                "JURISDICTION_REGIONS|uk=eu-west-2,uk=eu-west-1|Invalid configuration: JURISDICTION_REGIONS names 'uk' twice",
                "AWS_REGION|''|Invalid configuration: AWS_REGION is not set (needed to read CENTRAL_DB_SECRET_ID from Secrets Manager)",
                "SECRETS_FILE|/no/such/file.json|Invalid configuration: SECRETS_FILE is not a readable file: /no/such/file.json",
                "MIGRATIONS_DIR|/no/such/dir|Invalid configuration: MIGRATIONS_DIR is not a readable directory: /no/such/dir",
                "DB_LOCK_TIMEOUT_SECONDS|-1|Invalid configuration: DB_LOCK_TIMEOUT_SECONDS must be a whole number of seconds from 0 to 86400, not '-1'",
                "DB_CONNECT_TIMEOUT_SECONDS|abc|Invalid configuration: DB_CONNECT_TIMEOUT_SECONDS must be a whole number of seconds from 1 to 86400, not 'abc'",
                "DB_SSL_MODE|sometimes|Invalid configuration: DB_SSL_MODE must be one of allow, disable, prefer, require, verify-ca, verify-full, not 'sometimes'",
                "DB_SSL_ROOT_CERT|/no/such/ca.pem|Invalid configuration: DB_SSL_ROOT_CERT is not a readable file: /no/such/ca.pem",
            })
    void fromEnvironment_refusesWithOneLineNamingTheVariable(String name, String value, String message) {
        Map<String, String> env = minimal();
        env.put(name, value);

        assertThatThrownBy(() -> MigrationsConfig.fromEnvironment(env))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage(message);
    }

    @Test
    void readme_documentsEveryVariableThisProjectReads() throws java.io.IOException {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "README.md"));
        String table = readme.substring(
                readme.indexOf("## Configuration"), readme.indexOf("\n## ", readme.indexOf("## Configuration") + 5));

        assertThat(MigrationsConfig.VARIABLES)
                .allSatisfy(name -> assertThat(table).contains("| `" + name + "` |"));
    }
}
