-- Multi-currency: existing entries were all in pounds sterling.
alter table journal_entries add column currency char(3);

update journal_entries set currency = 'GBP' where currency is null;

alter table journal_entries
    alter column currency set not null,
    add constraint journal_entries_amount_nonzero check (amount_pence <> 0);
