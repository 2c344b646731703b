-- 0017_dossier_documents_without_rowid.sql: dossier_documents keeps each
-- row once. As a rowid table with a two-column primary key, SQLite stored
-- every (document_id, dossier_code) pair twice: in the table and in its
-- automatic index. WITHOUT ROWID, the primary key is the table (issue 18:
-- about 300 bytes per dossier at 100,000 dossiers). Every query reads it by
-- document_id, the key's first column.
CREATE TABLE dossier_documents_0017 (
  document_id  TEXT NOT NULL,
  dossier_code TEXT NOT NULL,
  PRIMARY KEY (document_id, dossier_code)
) WITHOUT ROWID;
INSERT INTO dossier_documents_0017 (document_id, dossier_code)
  SELECT document_id, dossier_code FROM dossier_documents;
DROP TABLE dossier_documents;
ALTER TABLE dossier_documents_0017 RENAME TO dossier_documents;
