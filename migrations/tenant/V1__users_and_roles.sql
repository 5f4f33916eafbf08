create table users (
    id             uuid primary key default gen_random_uuid(),
    email          text not null,
    display_name   text,
    deactivated_at timestamptz,
    created_at     timestamptz not null default now()
);

create table roles (
    id          text primary key,
    description text not null
);

create table user_roles (
    user_id uuid not null references users (id) on delete cascade,
    role_id text not null references roles (id),
    primary key (user_id, role_id)
);

insert into roles (id, description) values
    ('owner',  'Full control of the tenant'),
    ('admin',  'Manages users and settings'),
    ('member', 'Uses the products');
