-- Built without blocking postings; CONCURRENTLY runs outside a transaction, so it stands alone.
-- A build that was interrupted leaves an invalid index behind; dropping first makes a re-run rebuild it.
drop index concurrently if exists journal_entries_account_posted_idx;
create index concurrently journal_entries_account_posted_idx
    on journal_entries (account_id, posted_at);
