package com.helix.migrations.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.helix.migrations.support.TestFleet;
import com.helix.migrations.target.Tier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Needs: the embedded PostgreSQL and the Secrets Manager fake (both started in-process).
 * One tenant and one product database from empty to latest, then idempotence and status.
 */
class MigrateOneIntegrationTest {
    private static TestFleet fleet;
    private static Platform migrator;

    @BeforeAll
    static void fleet() {
        fleet = TestFleet.standard("one_");
        migrator = fleet.platform();
    }

    @AfterAll
    static void drop() {
        fleet.close();
    }

    @Test
    void tenant_migratesFromEmptyToLatest_thenIsUpToDate() {
        String db = fleet.builder.tenantDatabase("acme-uk");
        MigrationOutcome before =
                TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, "acme-uk", Action.STATUS, null));
        assertThat(before.status()).isEqualTo(MigrationStatus.PENDING);
        assertThat(before.fromVersion()).isNull();
        assertThat(before.pending()).containsExactly("1", "2", "3", "4", "5");
        assertThat(fleet.exists(db, "flyway_schema_history"))
                .as("status changes nothing")
                .isFalse();

        MigrationOutcome first = TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, "acme-uk", null, null));
        assertThat(first.status()).isEqualTo(MigrationStatus.MIGRATED);
        assertThat(first.name()).isEqualTo("Acme Corp");
        assertThat(first.jurisdiction()).isEqualTo("uk");
        assertThat(first.fromVersion()).isNull();
        assertThat(first.toVersion()).isEqualTo("5");
        assertThat(first.applied()).isEqualTo(5);
        assertThat(first.pending()).isEmpty();
        assertThat(first.line()).startsWith("✓ Migrated tenant: Acme Corp (acme-uk) empty → 5 (5 applied, ");
        assertThat(fleet.appliedVersions(db)).containsExactly("1", "2", "3", "4", "5");
        assertThat(fleet.strings(db, "select indexname from pg_indexes where indexname = 'audit_events_actor_idx'"))
                .as("the concurrently built index exists")
                .containsExactly("audit_events_actor_idx");
        assertThat(fleet.strings(
                        db,
                        "select indisvalid::text from pg_index where indexrelid = 'audit_events_actor_idx'::regclass"))
                .containsExactly("true");

        MigrationOutcome second =
                TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, "acme-uk", Action.MIGRATE, null));
        assertThat(second.status()).isEqualTo(MigrationStatus.UP_TO_DATE);
        assertThat(second.applied()).isZero();
        assertThat(second.fromVersion()).isEqualTo("5");
        assertThat(second.toVersion()).isEqualTo("5");

        MigrationOutcome after =
                TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, "acme-uk", Action.STATUS, null));
        assertThat(after.status()).isEqualTo(MigrationStatus.UP_TO_DATE);
        assertThat(after.toVersion()).isEqualTo("5");
        assertThat(after.pending()).isEmpty();

        assertThat(TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, "acme-uk", Action.VALIDATE, null))
                        .status())
                .isEqualTo(MigrationStatus.UP_TO_DATE);
    }

    @Test
    void product_migratesWithItsTypesMigrations_andStopsAtTargetVersion() {
        String db = fleet.builder.productDatabase("acme-uk", "kira");
        MigrationOutcome partial =
                TestFleet.run(migrator, new MigrationRequest(Tier.PRODUCT, "acme-uk-kira", Action.MIGRATE, "2"));
        assertThat(partial.status()).isEqualTo(MigrationStatus.MIGRATED);
        assertThat(partial.toVersion()).isEqualTo("2");
        assertThat(partial.productType()).isEqualTo("kira");
        assertThat(partial.name()).isEqualTo("Acme Corp kira");
        assertThat(fleet.appliedVersions(db)).containsExactly("1", "2");

        MigrationOutcome rest =
                TestFleet.run(migrator, new MigrationRequest(Tier.PRODUCT, "acme-uk-kira", Action.MIGRATE, null));
        assertThat(rest.fromVersion()).isEqualTo("2");
        assertThat(rest.toVersion()).isEqualTo("4");
        assertThat(rest.applied()).isEqualTo(2);
        assertThat(fleet.exists(db, "documents")).isTrue();
        assertThat(fleet.exists(db, "users"))
                .as("tenant migrations never reach a product database")
                .isFalse();

        String ledger = fleet.builder.productDatabase("acme-uk", "ledger");
        assertThat(TestFleet.run(migrator, new MigrationRequest(Tier.PRODUCT, "acme-uk-ledger", null, null))
                        .toVersion())
                .isEqualTo("3");
        assertThat(fleet.exists(ledger, "journal_entries")).isTrue();
        assertThat(fleet.exists(ledger, "documents")).isFalse();
    }

    @Test
    void backfill_keepsExistingRows() {
        String db = fleet.builder.tenantDatabase("globex-eu");
        TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, "globex-eu", Action.MIGRATE, "3"));
        fleet.builder.execute(db, """
                insert into users (email, deactivated_at) values ('ann@globex.example', null), ('bob@globex.example', now())""");

        TestFleet.run(migrator, new MigrationRequest(Tier.TENANT, "globex-eu", Action.MIGRATE, null));

        assertThat(fleet.strings(db, "select email || '=' || status from users order by email"))
                .containsExactly("ann@globex.example=active", "bob@globex.example=deactivated");
    }

    @Test
    void central_migratesFromItsSecretsLocation() {
        MigrationOutcome central = TestFleet.run(migrator, new MigrationRequest(Tier.CENTRAL, null, null, null));
        assertThat(central.tier()).isEqualTo(Tier.CENTRAL);
        assertThat(central.id()).isEqualTo("central");
        assertThat(central.status()).isEqualTo(MigrationStatus.UP_TO_DATE);
        assertThat(central.toVersion()).isEqualTo("6");
        assertThat(fleet.appliedVersions(fleet.builder.centralDatabase()))
                .containsExactly("1", "2", "3", "4", "5", "6");
    }
}
