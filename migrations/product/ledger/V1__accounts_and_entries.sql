create table accounts (
    id         uuid primary key default gen_random_uuid(),
    code       text not null unique,
    name       text not null,
    kind       text not null check (kind in ('asset', 'liability', 'equity', 'income', 'expense')),
    created_at timestamptz not null default now()
);

create table journal_entries (
    id          bigint generated always as identity primary key,
    account_id  uuid not null references accounts (id),
    amount_pence bigint not null,
    memo        text,
    posted_at   timestamptz not null default now()
);
