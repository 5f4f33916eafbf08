-- Two registry rows naming the same database are refused as targets; these find such rows by location.
create index if not exists tenant_databases_location_idx on tenant_databases (lower(host), port, database_name);
create index if not exists product_databases_location_idx on product_databases (lower(host), port, database_name);
