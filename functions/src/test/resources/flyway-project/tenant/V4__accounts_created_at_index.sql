-- Built without blocking writes, so outside a transaction; written to survive an interrupted build.
drop index concurrently if exists accounts_created_at_idx;
create index concurrently accounts_created_at_idx on accounts (created_at);
