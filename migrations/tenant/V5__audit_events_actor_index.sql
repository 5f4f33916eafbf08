-- Built without blocking writes to audit_events. CONCURRENTLY cannot run inside a transaction,
-- so this statement stands alone in its migration: Flyway runs it outside one.
create index concurrently if not exists audit_events_actor_idx
    on audit_events (actor_id, occurred_at desc);
