-- 0023_dossier_contents_from_events.sql: as SQLite's 0023, a dossier's row
-- no longer keeps its form, documents, result document and result
-- signatures; the store folds them from the events it loads with the row
-- (engine/domain/dossier_contents.h). PostgreSQL only marks the columns
-- dropped; rows written from now on leave them out.
ALTER TABLE dossiers DROP COLUMN form_json;
ALTER TABLE dossiers DROP COLUMN documents_json;
ALTER TABLE dossiers DROP COLUMN result_document;
ALTER TABLE dossiers DROP COLUMN signatures_json;
