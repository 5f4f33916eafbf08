-- Built without blocking postings; CONCURRENTLY runs outside a transaction, so it stands alone.
create index concurrently if not exists journal_entries_account_posted_idx
    on journal_entries (account_id, posted_at);
