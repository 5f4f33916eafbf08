-- Built without blocking uploads; CONCURRENTLY runs outside a transaction, so it stands alone.
create index concurrently if not exists documents_review_state_idx
    on documents (matter_id, review_state);
