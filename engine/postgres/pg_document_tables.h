// pg_document_tables.h: the PostgreSQL side of documents (DocumentInfo in
// store.h):
//  - documents: the bytes (bytea), once per id (content-addressed);
//  - document_uploads: who uploaded each document, with the media type each
//    uploader gave;
//  - dossier_documents: which dossiers name a document (their documents,
//    result or result signatures), now or at any earlier point; rows are
//    only ever added.
//
// The same contracts as engine/sqlite/document_tables.h. For several engine
// processes on one database:
//  - There is no cache of known dossier_documents rows (SQLite's
//    KnownDocumentReferences): another process may have written since, so
//    CheckSignaturesUnused and ReferenceDocuments always ask the database,
//    and take no such parameter.
//  - Writes are upserts (ON CONFLICT), so two processes storing one
//    document or one reference at once both succeed.
//  - CheckSignaturesUnused serializes the transactions that check one
//    signature id, with a transaction-level advisory lock (see there).
// Writes run inside the pool's write transaction (pg_pool.h), queries inside
// a read transaction. Each function owns its SQL. Ids are checked against
// the bytes before (DossierStore's front), not here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/dossier.h"
#include "engine/domain/status.h"
#include "engine/domain/store.h"
#include "engine/postgres/pg_connection.h"

namespace motcua {

// Stores the bytes once and records one more uploader with the media type
// they gave (an uploader uploading again keeps their row, with the new type).
Status InsertDocument(PgConnection& db, const DocumentInfo& info, std::string_view bytes,
                      const std::string& uploaded_by, Instant at);

// kNotFound for an unknown document.
Result<DocumentInfo> QueryDocumentInfo(PgConnection& db, const std::string& id);
Result<std::string> QueryDocumentBytes(PgConnection& db, const std::string& id);
// nullopt when `user_id` did not upload the document.
Result<std::optional<std::string>> QueryUploadedMediaType(PgConnection& db, const std::string& id,
                                                          const std::string& user_id);

// The class id (first key) of the advisory locks CheckSignaturesUnused takes:
// pg_advisory_xact_lock(kSignatureLockClass, hashtext(signature id)). These
// two-key locks never meet the one-key lock of migrations (pg_migrations.h).
inline constexpr std::int32_t kSignatureLockClass = 0x6d736967;  // "msig"

// SignatureAlreadyUsed (store.h) when a result signature of `dossier` is
// referenced by another dossier. A signature the dossier itself already
// references was checked when that reference was recorded and is not
// checked again (as SQLite does for the references its writer knows).
// Before checking, it locks each signature id (in id order) until the end of
// the transaction, so that of two transactions recording one signature for
// two dossiers the second sees the first's reference: call it in the
// transaction that then records the dossier's references (ReferenceDocuments).
Status CheckSignaturesUnused(PgConnection& db, const Dossier& dossier);

// Records the documents `dossier` references (ReferencedDocumentIds, store.h);
// references already recorded are kept.
Status ReferenceDocuments(PgConnection& db, const Dossier& dossier);

// Summaries of the dossiers that name document `id`, by code, at most `limit`.
Result<std::vector<DossierSummary>> QueryDossiersReferencing(PgConnection& db,
                                                             const std::string& id, int limit);

}  // namespace motcua
