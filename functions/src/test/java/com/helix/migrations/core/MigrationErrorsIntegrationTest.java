package com.helix.migrations.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.exceptions.InvalidSecretException;
import com.helix.migrations.exceptions.MigrationsException;
import com.helix.migrations.exceptions.ProductDatabaseNotProvisionedException;
import com.helix.migrations.exceptions.ProductNotFoundException;
import com.helix.migrations.exceptions.SecretNotFoundException;
import com.helix.migrations.exceptions.TargetNotActiveException;
import com.helix.migrations.exceptions.TenantDatabaseNotProvisionedException;
import com.helix.migrations.exceptions.TenantNotFoundException;
import com.helix.migrations.exceptions.UnknownJurisdictionException;
import com.helix.migrations.exceptions.UnknownProductTypeException;
import com.helix.migrations.support.SecretsManagerFake;
import com.helix.migrations.support.TestFleet;
import com.helix.migrations.target.Tier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Needs: the embedded PostgreSQL and the Secrets Manager fake.
 * Every refusal has its own exception and the original library's message, and changes no database.
 */
class MigrationErrorsIntegrationTest {
    private static TestFleet fleet;
    private Map<String, List<String>> before;

    @BeforeAll
    static void fleet() {
        fleet = TestFleet.standard("err_");
    }

    @AfterAll
    static void drop() {
        fleet.close();
    }

    @BeforeEach
    void snapshot() {
        fleet.serveSecrets();
        before = snapshotAll();
    }

    @AfterEach
    void nothingChanged() {
        assertThat(snapshotAll()).isEqualTo(before);
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of(
                        Tier.TENANT,
                        "no-such-tenant",
                        TenantNotFoundException.class,
                        "Tenant not found: no-such-tenant"),
                Arguments.of(
                        Tier.TENANT,
                        "hooli-uk",
                        TenantDatabaseNotProvisionedException.class,
                        "Tenant database not provisioned: hooli-uk"),
                Arguments.of(
                        Tier.PRODUCT,
                        "no-such-product",
                        ProductNotFoundException.class,
                        "Product not found: no-such-product"),
                Arguments.of(
                        Tier.PRODUCT,
                        "hooli-uk-kira",
                        ProductDatabaseNotProvisionedException.class,
                        "Product database not provisioned: hooli-uk-kira"),
                Arguments.of(
                        Tier.PRODUCT, "acme-uk-nova", UnknownProductTypeException.class, "Unknown product type: nova"),
                Arguments.of(Tier.TENANT, "stark-us", UnknownJurisdictionException.class, "Unknown jurisdiction: us"),
                Arguments.of(
                        Tier.TENANT,
                        "initech-uk",
                        TargetNotActiveException.class,
                        "Tenant not active: initech-uk (suspended)"));
    }

    @ParameterizedTest(name = "{0} {1}: {3}")
    @MethodSource("refusals")
    void migrateOne_refusesWithTheSpecificExceptionAndMessage(
            Tier tier, String id, Class<? extends MigrationsException> type, String message) {
        Platform migrator = fleet.platform();
        assertThatThrownBy(() -> TestFleet.run(migrator, new MigrationRequest(tier, id, Action.MIGRATE, null)))
                .isExactlyInstanceOf(type)
                .hasMessage(message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSecrets")
    void migrateOne_refusesAMissingOrUnusableSecret(
            String secretString, Class<? extends MigrationsException> type, String message) {
        SecretsManagerFake.serve(Map.of());
        fleet.builder.secrets().forEach((id, value) -> {
            if (!id.equals("helix/uk/tenant/acme-uk")) {
                SecretsManagerFake.put(
                        id,
                        com.helix.migrations.json.Json.MAPPER.valueToTree(value).toString());
            }
        });
        if (secretString != null) {
            SecretsManagerFake.put("helix/uk/tenant/acme-uk", secretString);
        }
        Platform migrator = fleet.platform();
        assertThatThrownBy(() ->
                        TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, "acme-uk", Action.MIGRATE, null)))
                .isExactlyInstanceOf(type)
                .hasMessage(message)
                .hasNoCause();
    }

    static Stream<Arguments> badSecrets() {
        return Stream.of(
                Arguments.of(null, SecretNotFoundException.class, "Secret not found: helix/uk/tenant/acme-uk"),
                Arguments.of(
                        "{\"username\": \"helix_app\", \"password\": \"half-a-secret",
                        InvalidSecretException.class,
                        "Invalid secret: helix/uk/tenant/acme-uk (not valid JSON)"),
                Arguments.of(
                        "{\"username\": \"helix_app\"}",
                        InvalidSecretException.class,
                        "Invalid secret: helix/uk/tenant/acme-uk (no password)"),
                Arguments.of(
                        "[\"helix_app\"]",
                        InvalidSecretException.class,
                        "Invalid secret: helix/uk/tenant/acme-uk (not a JSON object)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void request_isRefusedBeforeAnythingIsLookedUp(String why, Runnable build, String message) {
        assertThatThrownBy(build::run)
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessage(message);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of(
                        "no tier",
                        (Runnable) () -> new MigrationRequest(null, "a", null, null),
                        "Invalid request: tier is required (central, tenant or product)"),
                Arguments.of(
                        "tenant without id",
                        (Runnable) () -> new MigrationRequest(Tier.TENANT, null, null, null),
                        "Invalid request: id is required for tier tenant"),
                Arguments.of(
                        "central with id",
                        (Runnable) () -> new MigrationRequest(Tier.CENTRAL, "x", null, null),
                        "Invalid request: central takes no id"),
                Arguments.of(
                        "id with a NUL",
                        (Runnable) () -> new MigrationRequest(Tier.TENANT, "a\0b", null, null),
                        "Invalid request: id must be an id of 1 to 256 characters, not 'a\\u0000b'"),
                Arguments.of(
                        "bad version",
                        (Runnable) () -> new MigrationRequest(Tier.TENANT, "acme-uk", Action.MIGRATE, "v2"),
                        "Invalid request: targetVersion must be a version such as 3, 2.1 or 2_1, not 'v2'"),
                Arguments.of(
                        "version with status",
                        (Runnable) () -> new MigrationRequest(Tier.TENANT, "acme-uk", Action.STATUS, "2"),
                        "Invalid request: targetVersion goes with action migrate, baseline or baseline-check only"));
    }

    /** Every database of the fleet: its tables and columns, and its migration history. */
    private static Map<String, List<String>> snapshotAll() {
        Map<String, List<String>> snapshot = new LinkedHashMap<>();
        List<String> databases = new ArrayList<>(fleet.strings(
                "postgres", "select datname from pg_database where datname like 'err\\_%' order by datname"));
        for (String database : databases) {
            List<String> state = new ArrayList<>(fleet.schemaSnapshot(database));
            state.addAll(fleet.history(database));
            snapshot.put(database, state);
        }
        return snapshot;
    }
}
