// Instant stand-ins for CheckMigrations, MigrateCentral and MigrateDatabase, for the scale simulation: the
// real state machine, and the real StartRun, ListTargets, Summarize and FinishRun functions (over HTTP, on a
// central database holding a synthetic fleet), with no tenant or product database.
// run.scale = {failEvery, medianMs?, sigma?, maxMs?, durationsFile?}: every failEvery-th database fails, with a
// realistic error; with medianMs, each database takes a time drawn from a log-normal distribution (the same for
// an id in every run), and durationsFile receives, when the run ends, every database's time and when its call started
// and ended ({durations: {id: ms}, spans: {id: [startMs, endMs]}}, on one clock).
import { writeFileSync } from 'node:fs';

// FNV-1a: a stable uniform number in (0, 1) for an id.
const uniform = (text) => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash + 1) / 4294967297;
};

export function handlers(run) {
  const { failEvery, medianMs, sigma, maxMs, durationsFile } = run.scale;
  const durations = {};
  const spans = {};
  if (durationsFile) process.on('exit', () => writeFileSync(durationsFile, JSON.stringify({ durations, spans })));
  const timeOf = (id) => {
    const z = Math.sqrt(-2 * Math.log(uniform(id + '#1'))) * Math.cos(2 * Math.PI * uniform(id + '#2'));
    return Math.min(maxMs, medianMs * Math.exp(sigma * z));
  };
  let calls = 0;
  return {
    CheckMigrations: async () => ({ sets: [] }),
    MigrateCentral: async () => ({ tier: 'central', id: 'central', name: 'central', status: 'up_to_date', fromVersion: '4', toVersion: '4', applied: 0, durationMs: 15 }),
    MigrateDatabase: async (input) => {
      calls++;
      if (medianMs) {
        const ms = timeOf(input.id);
        durations[input.id] = ms;
        const started = performance.now();
        await new Promise((resolve) => setTimeout(resolve, ms));
        spans[input.id] = [started, performance.now()];
      }
      if (failEvery && calls % failEvery === 0) {
        const error = new Error(`Flyway migration failed: V7__backfill_invoice_totals.sql: ERROR: column "total_pence" of relation "invoices" contains null values (${input.id})`);
        error.name = 'com.helix.migrations.exceptions.MigrationFailedException';
        throw error;
      }
      return { tier: input.tier, id: input.id, name: input.name ?? input.id, status: 'migrated', fromVersion: '6', toVersion: '7', applied: 1, durationMs: 840 };
    },
  };
}
