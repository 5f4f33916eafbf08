package com.helix.migrations.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.helix.migrations.config.MigrationsConfig;
import com.helix.migrations.exceptions.UnknownJurisdictionException;
import com.helix.migrations.support.SecretsManagerFake;
import com.helix.migrations.support.SecretsManagerFake.Fetch;
import com.helix.migrations.support.TestFleet;
import com.helix.migrations.target.Tier;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Needs: the embedded PostgreSQL and the Secrets Manager fake.
 * A target's secret is read only in its jurisdiction's region, proven by the region each request
 * was signed for (SigV4 credential scope).
 */
class JurisdictionRoutingIntegrationTest {
    private static TestFleet fleet;

    @BeforeAll
    static void fleet() {
        fleet = TestFleet.standard("route_");
    }

    @AfterAll
    static void drop() {
        fleet.close();
    }

    @Test
    void secrets_areFetchedFromTheRegionOfTheTargetsJurisdiction_andCachedPerContainer() {
        fleet.serveSecrets();
        Platform migrator = fleet.platform();

        TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, "acme-uk", Action.STATUS, null));
        TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, "globex-eu", Action.STATUS, null));
        TestFleet.run(migrator, new MigrationRequest(Tier.PRODUCT, "globex-eu-kira", Action.STATUS, null));
        TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, "acme-uk", Action.STATUS, null));

        assertThat(SecretsManagerFake.fetches())
                .containsExactlyInAnyOrder(
                        new Fetch("helix/central", "eu-west-1"),
                        new Fetch("helix/uk/tenant/acme-uk", "eu-west-2"),
                        new Fetch("helix/eu/tenant/globex-eu", "eu-central-1"),
                        new Fetch("helix/eu/product/globex-eu-kira", "eu-central-1"));
    }

    @Test
    void unknownJurisdiction_isRefusedWithoutAskingAnyRegion() {
        fleet.serveSecrets();
        Platform migrator = fleet.platform();

        assertThatThrownBy(() ->
                        TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, "stark-us", Action.STATUS, null)))
                .isInstanceOf(UnknownJurisdictionException.class)
                .hasMessage("Unknown jurisdiction: us");
        assertThat(SecretsManagerFake.fetches()).extracting(Fetch::secretId).containsExactly("helix/central");
    }

    @Test
    void unknownJurisdiction_isRefusedWithASecretsFileToo(@TempDir Path dir) {
        Map<String, String> env = fleet.environment();
        env.put(
                "SECRETS_FILE",
                fleet.builder.writeSecretsFile(dir.resolve("secrets.json")).toString());
        Platform migrator = Platform.fromConfig(MigrationsConfig.fromEnvironment(env));

        assertThat(TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, "acme-uk", Action.STATUS, null))
                        .status())
                .isIn(MigrationStatus.PENDING, MigrationStatus.UP_TO_DATE);
        assertThatThrownBy(() ->
                        TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, "stark-us", Action.STATUS, null)))
                .isInstanceOf(UnknownJurisdictionException.class)
                .hasMessage("Unknown jurisdiction: us");
    }
}
