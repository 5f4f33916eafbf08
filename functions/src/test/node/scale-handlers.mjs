// Instant stand-ins for CheckMigrations, MigrateCentral and MigrateDatabase, for the scale simulation: the
// real state machine, and the real StartRun, ListTargets, Summarize and FinishRun functions (over HTTP, on a
// central database holding a synthetic fleet), with no tenant or product database.
// run.scale = {failEvery}: every failEvery-th database fails, with a realistic error.
export function handlers(run) {
  const { failEvery } = run.scale;
  let calls = 0;
  return {
    CheckMigrations: async () => ({ sets: [] }),
    MigrateCentral: async () => ({ tier: 'central', id: 'central', name: 'central', status: 'up_to_date', fromVersion: '4', toVersion: '4', applied: 0, durationMs: 15 }),
    MigrateDatabase: async (input) => {
      calls++;
      if (failEvery && calls % failEvery === 0) {
        const error = new Error(`Flyway migration failed: V7__backfill_invoice_totals.sql: ERROR: column "total_pence" of relation "invoices" contains null values (${input.id})`);
        error.name = 'com.helix.migrations.exceptions.MigrationFailedException';
        throw error;
      }
      return { tier: input.tier, id: input.id, name: input.name ?? input.id, status: 'migrated', fromVersion: '6', toVersion: '7', applied: 1, durationMs: 840 };
    },
  };
}
