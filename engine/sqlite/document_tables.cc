#include "engine/sqlite/document_tables.h"

#include <utility>

#include "engine/domain/status_macros.h"
#include "engine/sqlite/dossier_codec.h"

namespace motcua {

Status InsertDocument(SqliteConnection& db, const DocumentInfo& info, std::string_view bytes,
                      const std::string& uploaded_by, Instant at) {
  ASSIGN_OR_RETURN(
      SqliteStatement * stmt,
      db.Prepare(
          "INSERT OR IGNORE INTO documents (id, size, media_type, bytes) VALUES (?1, ?2, ?3, ?4)"));
  {
    StatementReset reset(stmt);
    stmt->BindText(1, info.id);
    stmt->BindInt(2, info.size);
    stmt->BindText(3, info.media_type);
    stmt->BindBlob(4, bytes);
    RETURN_IF_ERROR(stmt->Run());
  }
  ASSIGN_OR_RETURN(
      SqliteStatement * upload,
      db.Prepare("INSERT INTO document_uploads (document_id, user_id, uploaded_at, media_type) "
                 "VALUES (?1, ?2, ?3, ?4) "
                 "ON CONFLICT (document_id, user_id) DO UPDATE SET media_type = excluded.media_type"));
  StatementReset reset(upload);
  upload->BindText(1, info.id);
  upload->BindText(2, uploaded_by);
  upload->BindInt(3, ToSeconds(at));
  upload->BindText(4, info.media_type);
  return upload->Run();
}

namespace {

// Runs `sql`, a SELECT from documents by id ?1, and reads its row with
// `read_row`; kNotFound when the document does not exist.
template <typename ReadRow>
auto QueryDocumentRow(SqliteConnection& db, const char* sql, const std::string& id,
                      ReadRow read_row)
    -> Result<decltype(read_row(std::declval<SqliteStatement&>()))> {
  ASSIGN_OR_RETURN(SqliteStatement * stmt, db.Prepare(sql));
  StatementReset reset(stmt);
  stmt->BindText(1, id);
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return Error(ErrorCode::kNotFound, "document " + id + " does not exist");
  return read_row(*stmt);
}

}  // namespace

Result<DocumentInfo> QueryDocumentInfo(SqliteConnection& db, const std::string& id) {
  return QueryDocumentRow(
      db, "SELECT id, size, media_type FROM documents WHERE id = ?1", id, [](SqliteStatement& row) {
        return DocumentInfo{row.ColumnText(0), row.ColumnInt(1), row.ColumnText(2)};
      });
}

Result<std::string> QueryDocumentBytes(SqliteConnection& db, const std::string& id) {
  return QueryDocumentRow(db, "SELECT bytes FROM documents WHERE id = ?1", id,
                          [](SqliteStatement& row) { return row.ColumnBlob(0); });
}

Result<std::optional<std::string>> QueryUploadedMediaType(SqliteConnection& db,
                                                          const std::string& id,
                                                          const std::string& user_id) {
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   db.Prepare("SELECT coalesce(u.media_type, d.media_type) FROM document_uploads AS u"
                              " JOIN documents AS d ON d.id = u.document_id"
                              " WHERE u.document_id = ?1 AND u.user_id = ?2"));
  StatementReset reset(stmt);
  stmt->BindText(1, id);
  stmt->BindText(2, user_id);
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(stmt->ColumnText(0));
}

void KnownDocumentReferences::Add(const std::string& document_id, const std::string& dossier_code) {
  if (keys_.size() >= kMaxEntries) keys_.clear();
  keys_.insert(Key(document_id, dossier_code));
}

Status ReferenceDocuments(SqliteConnection& db, KnownDocumentReferences& known,
                          const Dossier& dossier) {
  auto reference = [&](const std::string& id) -> Status {
    if (known.Contains(id, dossier.code)) return Status();
    ASSIGN_OR_RETURN(
        SqliteStatement * insert,
        db.Prepare(
            "INSERT OR IGNORE INTO dossier_documents (document_id, dossier_code) VALUES (?1, ?2)"));
    StatementReset reset(insert);
    insert->BindTextNoCopy(1, id);
    insert->BindTextNoCopy(2, dossier.code);
    RETURN_IF_ERROR(insert->Run());
    known.Add(id, dossier.code);
    return Status();
  };
  for (const std::string& id : ReferencedDocumentIds(dossier)) {
    RETURN_IF_ERROR(reference(id));
  }
  return Status();
}

Status CheckSignaturesUnused(SqliteConnection& db, const KnownDocumentReferences& known,
                             const Dossier& dossier) {
  for (const SignatureEvidence& signature : dossier.result_signatures) {
    const std::string& id = signature.signature_id;
    // A reference the writer knows was checked when it was recorded.
    if (id.empty() || known.Contains(id, dossier.code)) continue;
    ASSIGN_OR_RETURN(SqliteStatement * stmt,
                     db.Prepare("SELECT dossier_code FROM dossier_documents"
                                " WHERE document_id = ?1 AND dossier_code <> ?2 LIMIT 1"));
    StatementReset reset(stmt);
    stmt->BindTextNoCopy(1, id);
    stmt->BindTextNoCopy(2, dossier.code);
    ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (row) return SignatureAlreadyUsed(stmt->ColumnText(0));
  }
  return Status();
}

Result<std::vector<DossierSummary>> QueryDossiersReferencing(SqliteConnection& db,
                                                             const std::string& id, int limit) {
  ASSIGN_OR_RETURN(
      SqliteStatement * stmt,
      db.Prepare(std::string("SELECT ") + kSummaryColumns +
                 " FROM dossier_documents AS r JOIN dossiers AS d ON d.code = r.dossier_code"
                 " WHERE r.document_id = ?1 ORDER BY r.dossier_code LIMIT ?2"));
  StatementReset reset(stmt);
  stmt->BindText(1, id);
  stmt->BindInt(2, limit);
  return ReadSummaries(*stmt);
}

}  // namespace motcua
