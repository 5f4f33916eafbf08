-- The central registry: which tenants and products exist, and where their databases live.
-- A contract with the provisioning services: later migrations may add tables and columns,
-- never rename or drop these.

create table tenants (
    id                     text primary key,
    name                   text not null,
    domain                 text,
    jurisdiction           text not null,
    workos_organization_id text,
    status                 text not null default 'active'
        constraint tenants_status_check check (status in ('active', 'suspended', 'archived')),
    created_at             timestamptz default now()
);

-- No password here: secret_id names a Secrets Manager secret in the tenant's jurisdiction.
create table tenant_databases (
    tenant_id     text primary key references tenants (id),
    host          text not null,
    port          int  not null default 5432,
    database_name text not null,
    secret_id     text not null,
    created_at    timestamptz default now()
);

create table tenant_products (
    id             text primary key,
    tenant_id      text not null references tenants (id),
    product_type   text not null,
    s3_bucket_path text,
    status         text not null default 'active'
        constraint tenant_products_status_check check (status in ('active', 'suspended', 'archived')),
    created_at     timestamptz default now(),
    unique (tenant_id, product_type)
);

create table product_databases (
    tenant_product_id text primary key references tenant_products (id),
    host              text not null,
    port              int  not null default 5432,
    database_name     text not null,
    secret_id         text not null,
    created_at        timestamptz default now()
);
