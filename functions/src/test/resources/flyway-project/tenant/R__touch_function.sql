create or replace function touch_updated_at() returns trigger
language plpgsql as $$
begin
    new.created_at := coalesce(new.created_at, now());
    return new;
end;
$$;
