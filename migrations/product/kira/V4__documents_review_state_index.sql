-- Built without blocking uploads; CONCURRENTLY runs outside a transaction, so it stands alone.
-- A build that was interrupted leaves an invalid index behind; dropping first makes a re-run rebuild it.
drop index concurrently if exists documents_review_state_idx;
create index concurrently documents_review_state_idx
    on documents (matter_id, review_state);
