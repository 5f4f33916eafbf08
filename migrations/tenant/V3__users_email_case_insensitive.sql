-- Emails are unique regardless of case, and must look like an address.
create unique index users_email_lower_key on users (lower(email));

alter table users
    add constraint users_email_format check (position('@' in email) > 1);
