create table document_reviews (
    id          uuid primary key default gen_random_uuid(),
    document_id uuid not null references documents (id) on delete cascade,
    reviewer_id uuid not null,
    verdict     text not null,
    notes       text,
    reviewed_at timestamptz not null default now()
);

create index document_reviews_document_idx on document_reviews (document_id);
