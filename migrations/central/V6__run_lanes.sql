-- The state machine's lanes take a run's databases a few at a time: a database taken is `running`, with the
-- lane and batch that took it, so a retried ListTargets returns the same databases.
alter table migration_run_targets add column claim text;
-- A server's pending databases of one wave and tier, in order: what a lane takes next.
create index migration_run_targets_lane_idx on migration_run_targets (run_id, wave, tier, server, seq)
    where status = 'pending';
create index migration_run_targets_claim_idx on migration_run_targets (run_id, claim) where status = 'running';
