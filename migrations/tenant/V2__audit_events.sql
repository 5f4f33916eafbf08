create table audit_events (
    id          bigint generated always as identity primary key,
    actor_id    uuid references users (id) on delete set null,
    action      text not null,
    payload     jsonb not null default '{}'::jsonb,
    occurred_at timestamptz not null default now()
);

create index audit_events_occurred_at_idx on audit_events (occurred_at);
