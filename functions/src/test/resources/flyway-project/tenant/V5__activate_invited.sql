-- Written for psql, in a transaction of its own: absorbed into the migration's transaction.
BEGIN;
update accounts set status = 'active' where status = 'invited' and created_at < now() - interval '30 days';
alter table accounts add column activated_at timestamptz;
COMMIT;
