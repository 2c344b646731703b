-- 0023_dossier_contents_from_events.sql: a dossier's row no longer keeps its
-- form, documents, result document and result signatures (issue 18: about
-- 880 bytes per dossier, and rewritten by every transition). Its events hold
-- each of them already, and the store folds them from the history it loads
-- with the row (engine/domain/dossier_contents.h), as the state machine
-- does when it makes an event. An edit made to those columns behind the
-- engine's back can therefore no longer disagree with the audit trail.
ALTER TABLE dossiers DROP COLUMN form_json;
ALTER TABLE dossiers DROP COLUMN documents_json;
ALTER TABLE dossiers DROP COLUMN result_document;
ALTER TABLE dossiers DROP COLUMN signatures_json;
