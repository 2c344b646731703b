-- 0010_definition_owner.sql: who owns a procedure's definitions (issue 14.9).
--
-- '' marks a national definition: every agency runs it and only a national
-- admin publishes its next version. Otherwise the agency whose own procedure
-- it is (a local procedure, or an agency's variant of a national one under its
-- own code); only that agency's admins publish its next version. Definitions
-- published before owners existed are national.

ALTER TABLE definitions ADD COLUMN owner_agency TEXT NOT NULL DEFAULT '';
