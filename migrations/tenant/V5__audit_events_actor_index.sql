-- Built without blocking writes to audit_events. CONCURRENTLY cannot run inside a transaction,
-- so these statements stand alone in their migration: Flyway runs it outside one.
-- A build that was interrupted leaves an invalid index behind; dropping first makes a re-run rebuild it.
drop index concurrently if exists audit_events_actor_idx;
create index concurrently audit_events_actor_idx
    on audit_events (actor_id, occurred_at desc);
