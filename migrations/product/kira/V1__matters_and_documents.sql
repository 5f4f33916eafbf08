create table matters (
    id         uuid primary key default gen_random_uuid(),
    reference  text not null unique,
    title      text not null,
    opened_at  timestamptz not null default now(),
    closed_at  timestamptz
);

create table documents (
    id           uuid primary key default gen_random_uuid(),
    matter_id    uuid not null references matters (id) on delete cascade,
    title        text not null,
    s3_key       text not null,
    size_bytes   bigint not null,
    uploaded_at  timestamptz not null default now()
);

create index documents_matter_idx on documents (matter_id);
