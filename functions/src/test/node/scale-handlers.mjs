// Instant stand-ins for ListTargets and MigrateDatabase over a synthetic fleet, for the scale
// simulation: the real state machine, the real Summarize function (over HTTP), no databases.
// run.scale = {tenants, products, failEvery}: every failEvery-th database fails, with a realistic error.
export function handlers(run) {
  const { tenants, products, failEvery } = run.scale;
  const targets = { tenant: [], product: [] };
  for (let i = 0; i < tenants; i++) {
    targets.tenant.push({ tier: 'tenant', id: `tenant-${String(i).padStart(6, '0')}-0b6f2c1e`, name: `Tenant Company Number ${i} Limited`, jurisdiction: i % 2 ? 'eu' : 'uk' });
  }
  const types = ['kira', 'ledger', 'atlas'];
  for (let i = 0; i < products; i++) {
    const t = targets.tenant[Math.floor(i / types.length) % tenants];
    const type = types[i % types.length];
    targets.product.push({ tier: 'product', id: `${t.id}-${type}`, name: `${t.name} ${type}`, jurisdiction: t.jurisdiction, productType: type });
  }
  let calls = 0;
  const central = async () => ({ tier: 'central', id: 'central', name: 'central', status: 'up_to_date', toVersion: '2' });
  return {
    CheckMigrations: async () => ({ sets: [] }),
    MigrateCentral: central,
    ListTargets: async (input) => {
      const list = targets[input.tier].filter((t) => !input.productType || t.productType === input.productType);
      const start = input.nextToken ? Number(input.nextToken) : 0;
      const items = list.slice(start, start + input.pageSize);
      const next = start + input.pageSize < list.length ? String(start + input.pageSize) : undefined;
      return next ? { items, count: items.length, nextToken: next } : { items, count: items.length };
    },
    MigrateDatabase: async (input) => {
      calls++;
      if (failEvery && calls % failEvery === 0) {
        const error = new Error(`Flyway migration failed: V7__backfill_invoice_totals.sql: ERROR: column "total_pence" of relation "invoices" contains null values (${input.id})`);
        error.name = 'com.helix.migrations.exceptions.MigrationFailedException';
        throw error;
      }
      return { tier: input.tier, id: input.id, name: input.name ?? input.id, status: 'migrated', fromVersion: '6', toVersion: '7', applied: 1 };
    },
  };
}
