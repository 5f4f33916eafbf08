-- A function whose body holds ${…}: a template it fills in at run time, not a Flyway placeholder
-- (V2__greeting_function.sql.conf turns placeholder replacement off for this script).
create or replace function greeting(template text, name text) returns text
language plpgsql immutable as $body$
begin
    return replace(template, '${name}', name);
end;
$body$;

do $$
begin
    if greeting('Hello ${name}', 'Ada') <> 'Hello Ada' then
        raise exception 'greeting() is broken';
    end if;
end
$$;
