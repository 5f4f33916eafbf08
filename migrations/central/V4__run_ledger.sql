-- The run ledger: one row per fleet run, and one per database of the run, frozen when the run starts.
-- Written only by helix-migrations; dashboards may read it (the README describes it as a contract).
create table migration_runs (
    id text primary key,
    source text not null check (source in ('state-machine', 'cli')),
    started_by text not null,
    action text not null,
    changes boolean not null,
    status text not null default 'running'
        check (status in ('running', 'succeeded', 'failed', 'stopped', 'abandoned')),
    options jsonb not null,
    build jsonb not null,
    resumes text references migration_runs (id) on delete set null,
    stop_requested boolean not null default false,
    started_at timestamptz not null default now(),
    heartbeat_at timestamptz not null default now(),
    finished_at timestamptz,
    targets integer not null default 0,
    migrated integer not null default 0,
    up_to_date integer not null default 0,
    failed integer not null default 0,
    not_started integer not null default 0
);
-- A state-machine run is its execution: starting it again (a retried StartRun) finds the same run.
create unique index migration_runs_execution_idx on migration_runs (started_by) where source = 'state-machine';
create index migration_runs_started_idx on migration_runs (started_at desc);
create index migration_runs_running_idx on migration_runs (status) where status = 'running';
-- The runs that change databases (migrate, repair, baseline) are held to one build at a time.
create index migration_runs_resumes_idx on migration_runs (resumes) where resumes is not null;

create table migration_run_targets (
    run_id text not null references migration_runs (id) on delete cascade,
    seq integer not null,
    tier text not null,
    target_id text not null,
    name text,
    product_type text,
    server integer not null,
    wave integer not null default 0,
    status text not null default 'pending'
        check (status in ('pending', 'running', 'not_started', 'migrated', 'up_to_date', 'failed',
                          'needs_migration', 'blocked', 'repaired', 'baselined')),
    from_version text,
    to_version text,
    applied integer,
    duration_ms bigint,
    error_code text,
    error_message text,
    attempts integer not null default 0,
    started_at timestamptz,
    finished_at timestamptz,
    primary key (run_id, seq),
    unique (run_id, tier, target_id)
);
-- A run's failed and unfinished databases (run ID, resume ID).
create index migration_run_targets_open_idx on migration_run_targets (run_id, status)
    where status not in ('migrated', 'up_to_date', 'needs_migration', 'repaired', 'baselined');
-- The last run that touched a database (status).
create index migration_run_targets_database_idx on migration_run_targets (tier, target_id);
