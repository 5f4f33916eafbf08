-- Documents carry their review state, backfilled from the reviews they already have.
alter table documents add column review_state text;

update documents d
   set review_state = case
         when exists (select 1 from document_reviews r where r.document_id = d.id) then 'reviewed'
         else 'unreviewed'
       end;

alter table documents
    alter column review_state set default 'unreviewed',
    alter column review_state set not null;

-- Verdicts were free text; from now on they are one of three.
alter table document_reviews
    add constraint document_reviews_verdict_check check (verdict in ('approved', 'rejected', 'needs_changes'));
alter table documents
    add constraint documents_size_positive check (size_bytes >= 0);
