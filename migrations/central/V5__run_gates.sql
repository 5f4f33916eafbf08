-- Which gate stopped a run (a canary failure, a wave over its failure rate), for `run ID` and dashboards.
alter table migration_runs add column gate text;
-- A run's databases by wave, for the rollout's gates.
create index migration_run_targets_wave_idx on migration_run_targets (run_id, wave, status);
