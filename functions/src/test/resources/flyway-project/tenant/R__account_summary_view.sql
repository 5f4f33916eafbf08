create or replace view account_summary as
select status, count(*) as accounts
from accounts
group by status;
