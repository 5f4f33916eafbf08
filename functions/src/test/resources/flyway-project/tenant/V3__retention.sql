-- Placeholders from this tier's flyway.conf.
create table retention_policy (
    id       int primary key default 1 check (id = 1),
    days     int not null
);
insert into retention_policy (days) values (${retention_days});
grant select on accounts to ${app_role};
