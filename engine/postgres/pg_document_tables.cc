#include "engine/postgres/pg_document_tables.h"

#include <algorithm>
#include <utility>

#include "engine/domain/status_macros.h"
#include "engine/postgres/pg_dossier_tables.h"
#include "engine/storage/column_codec.h"

namespace motcua {

Status InsertDocument(PgConnection& db, const DocumentInfo& info, std::string_view bytes,
                      const std::string& uploaded_by, Instant at) {
  // A concurrent insert of the same id waits for the other's commit, then
  // does nothing: the bytes are the same (the id is their hash).
  RETURN_IF_ERROR(
      db.Run("INSERT INTO documents (id, size, media_type, bytes) VALUES ($1, $2, $3, $4)"
             " ON CONFLICT (id) DO NOTHING",
             PgParams().Text(info.id).Int(info.size).Text(info.media_type).Bytes(bytes)));
  return db.Run(
      "INSERT INTO document_uploads (document_id, user_id, uploaded_at, media_type)"
      " VALUES ($1, $2, $3, $4)"
      " ON CONFLICT (document_id, user_id) DO UPDATE SET media_type = excluded.media_type",
      PgParams().Text(info.id).Text(uploaded_by).Int(ToSeconds(at)).Text(info.media_type));
}

Result<DocumentInfo> QueryDocumentInfo(PgConnection& db, const std::string& id) {
  ASSIGN_OR_RETURN(
      PgResult rows,
      db.Exec("SELECT id, size, media_type FROM documents WHERE id = $1", PgParams().Text(id)));
  if (rows.Rows() == 0) return Error(ErrorCode::kNotFound, "document " + id + " does not exist");
  return DocumentInfo{rows.Text(0, 0), rows.Int(0, 1), rows.Text(0, 2)};
}

Result<std::string> QueryDocumentBytes(PgConnection& db, const std::string& id) {
  // The bytea column alone, in binary: the raw bytes, without hex decoding.
  ASSIGN_OR_RETURN(PgResult rows, db.Exec("SELECT bytes FROM documents WHERE id = $1",
                                          PgParams().Text(id), /*binary_results=*/true));
  if (rows.Rows() == 0) return Error(ErrorCode::kNotFound, "document " + id + " does not exist");
  return rows.Bytes(0, 0);
}

Result<std::optional<std::string>> QueryUploadedMediaType(PgConnection& db, const std::string& id,
                                                          const std::string& user_id) {
  ASSIGN_OR_RETURN(PgResult rows,
                   db.Exec("SELECT coalesce(u.media_type, d.media_type) FROM document_uploads AS u"
                           " JOIN documents AS d ON d.id = u.document_id"
                           " WHERE u.document_id = $1 AND u.user_id = $2",
                           PgParams().Text(id).Text(user_id)));
  if (rows.Rows() == 0) return std::optional<std::string>();
  return std::optional<std::string>(rows.Text(0, 0));
}

Status ReferenceDocuments(PgConnection& db, const Dossier& dossier) {
  for (const std::string& id : ReferencedDocumentIds(dossier)) {
    RETURN_IF_ERROR(
        db.Run("INSERT INTO dossier_documents (document_id, dossier_code) VALUES ($1, $2)"
               " ON CONFLICT (document_id, dossier_code) DO NOTHING",
               PgParams().Text(id).Text(dossier.code)));
  }
  return Status();
}

Status CheckSignaturesUnused(PgConnection& db, const Dossier& dossier) {
  // In id order, so that two transactions locking the same ids cannot
  // deadlock on them.
  std::vector<std::string> ids;
  for (const SignatureEvidence& signature : dossier.result_signatures) {
    if (!signature.signature_id.empty()) ids.push_back(signature.signature_id);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (const std::string& id : ids) {
    // Held until the transaction ends: a transaction that checked the id
    // before us has committed (or rolled back) its reference by now, and
    // READ COMMITTED lets the next statement see it.
    RETURN_IF_ERROR(db.Run("SELECT pg_advisory_xact_lock($1::integer, hashtext($2::text))",
                           PgParams().Int(kSignatureLockClass).Text(id)));
    ASSIGN_OR_RETURN(PgResult other, db.Exec("SELECT dossier_code FROM dossier_documents"
                                             " WHERE document_id = $1 AND dossier_code <> $2"
                                             " AND NOT EXISTS (SELECT 1 FROM dossier_documents"
                                             " WHERE document_id = $1 AND dossier_code = $2)"
                                             " ORDER BY dossier_code LIMIT 1",
                                             PgParams().Text(id).Text(dossier.code)));
    if (other.Rows() != 0) return SignatureAlreadyUsed(other.Text(0, 0));
  }
  return Status();
}

Result<std::vector<DossierSummary>> QueryDossiersReferencing(PgConnection& db,
                                                             const std::string& id, int limit) {
  ASSIGN_OR_RETURN(
      PgResult rows,
      db.Exec(std::string("SELECT ") + kPgSummaryColumns +
                  " FROM dossier_documents AS r JOIN dossiers AS d ON d.code = r.dossier_code"
                  " WHERE r.document_id = $1 ORDER BY r.dossier_code LIMIT $2",
              PgParams().Text(id).Int(limit)));
  return ReadSummaries(rows);
}

}  // namespace motcua
