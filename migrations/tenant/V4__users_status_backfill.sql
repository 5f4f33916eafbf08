-- Replace the nullable deactivated_at flag by an explicit status, backfilled from it.
alter table users add column status text;

update users
   set status = case when deactivated_at is null then 'active' else 'deactivated' end;

alter table users
    alter column status set default 'active',
    alter column status set not null,
    add constraint users_status_check check (status in ('active', 'deactivated', 'invited'));
