-- 0015_verified_identity.sql: what a citizen's identity provider verified
-- (engine/domain/identity_claims.h), kept with the session and counted in the
-- reports.
--
-- sessions.verified_identity is VerifiedIdentityToJson's object, e.g.
-- {"name": "...", "id_number": "...", "birthdate": "YYYY-MM-DD"}, as the ID
-- token of the sign-in gave it; NULL for staff, the demo sign-in and every
-- session started before this migration. It pre-fills the form fields a
-- workflow maps to those claims, and lets a submission record which of its
-- fields came from the provider. It lives and ends with its session.
ALTER TABLE sessions ADD COLUMN verified_identity TEXT;

-- report_facts.population_data: 1 when the dossier's applicant submitted it
-- in a session at an identity provider (IdentityVerifiedBy), so that their
-- identity and data came from the national population database: the
-- national index's "dossiers using the population database". Rows written
-- before this migration keep 0 until their dossier's facts are next written;
-- report_daily sums the column like the other counts.
ALTER TABLE report_facts ADD COLUMN population_data INTEGER NOT NULL DEFAULT 0;
ALTER TABLE report_daily ADD COLUMN population_data INTEGER NOT NULL DEFAULT 0;
