-- Accounts and their states, as a real project starts out.
create type account_status as enum ('invited', 'active', 'closed');

create table accounts (
    id          bigint generated always as identity primary key,
    email       text not null,
    display_name text not null,
    status      account_status not null default 'invited',
    created_at  timestamptz not null default now()
);

create unique index accounts_email_key on accounts (lower(email));
