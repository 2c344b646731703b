// document_tables.h: the SQLite side of documents (DocumentInfo in store.h):
//  - documents: the bytes, once per id (content-addressed);
//  - document_uploads: who uploaded each document, with the media type each
//    uploader gave;
//  - dossier_documents: which dossiers name a document (their documents,
//    result or result signatures), now or at any earlier point; rows are
//    only ever added.
//
// Writes run inside the writer's transaction (sqlite_connection_pool.h),
// queries inside the caller's read transaction. Each function owns its SQL.
// Ids are checked against the bytes before (DossierStore's front), not here.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/dossier.h"
#include "engine/domain/status.h"
#include "engine/domain/store.h"
#include "engine/sqlite/sqlite_db.h"

namespace motcua {

// Stores the bytes once and records one more uploader with the media type
// they gave (an uploader uploading again keeps their row, with the new type).
Status InsertDocument(SqliteConnection& db, const DocumentInfo& info, std::string_view bytes,
                      const std::string& uploaded_by, Instant at);

// kNotFound for an unknown document.
Result<DocumentInfo> QueryDocumentInfo(SqliteConnection& db, const std::string& id);
Result<std::string> QueryDocumentBytes(SqliteConnection& db, const std::string& id);
// nullopt when `user_id` did not upload the document.
Result<std::optional<std::string>> QueryUploadedMediaType(SqliteConnection& db,
                                                          const std::string& id,
                                                          const std::string& user_id);

// The dossier_documents rows the writer knows to exist, so that it need not
// write them again on every transition. Writer thread only; Clear() it when
// the writer's view loses rows (the pool's `view_lost`). Bounded: when full it
// is cleared.
class KnownDocumentReferences {
 public:
  bool Contains(const std::string& document_id, const std::string& dossier_code) const {
    return keys_.count(Key(document_id, dossier_code)) != 0;
  }
  void Add(const std::string& document_id, const std::string& dossier_code);
  void Clear() { keys_.clear(); }

 private:
  static std::string Key(const std::string& document_id, const std::string& dossier_code) {
    return document_id + '\n' + dossier_code;
  }
  static constexpr std::size_t kMaxEntries = 1 << 16;
  std::unordered_set<std::string> keys_;  // document id + '\n' + dossier code
};

// SignatureAlreadyUsed (store.h) when a result signature of `dossier` is
// referenced by another dossier; run before the dossier's writes, in the
// same transaction.
Status CheckSignaturesUnused(SqliteConnection& db, const KnownDocumentReferences& known,
                             const Dossier& dossier);

// Records the documents `dossier` references (ReferencedDocumentIds, store.h).
Status ReferenceDocuments(SqliteConnection& db, KnownDocumentReferences& known,
                          const Dossier& dossier);

// Summaries of the dossiers that name document `id`, by code, at most `limit`.
Result<std::vector<DossierSummary>> QueryDossiersReferencing(SqliteConnection& db,
                                                             const std::string& id, int limit);

}  // namespace motcua
