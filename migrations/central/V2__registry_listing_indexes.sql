-- The fan-out lists active targets by jurisdiction and by product type.
create index tenants_status_jurisdiction_idx on tenants (status, jurisdiction);
create index tenant_products_type_status_idx on tenant_products (product_type, status);
