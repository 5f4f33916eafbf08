package com.helix.migrations.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.helix.migrations.config.MigrationsConfig;
import com.helix.migrations.core.Platform;
import com.helix.migrations.fleet.TargetLanes;
import com.helix.migrations.schema.MigrationSet;
import com.helix.migrations.support.SecretsManagerFake;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Needs: the Secrets Manager fake, to prove priming never calls it. */
class PrimingTest {

    @Test
    void prime_readsEveryTiersMigrations_withoutReadingASecretOrConnecting() {
        SecretsManagerFake.serve(Map.of());
        Platform platform = Platform.fromConfig(MigrationsConfig.fromEnvironment(Map.of(
                "CENTRAL_DB_SECRET_ID", "helix/central",
                "AWS_REGION", "eu-west-2",
                "JURISDICTION_REGIONS", "uk=eu-west-2,eu=eu-central-1")));

        platform.migrator().prime();
        TargetLanes.of(platform).prime();

        assertThat(platform.sources().prime())
                .extracting(MigrationSet::folder)
                .containsExactly("central", "tenant", "product/kira", "product/ledger");
        assertThat(SecretsManagerFake.fetches())
                .as("no secret read before the snapshot")
                .isEmpty();
    }
}
