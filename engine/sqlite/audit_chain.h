// audit_chain.h: the check of the per-dossier hash chain over the SQLite
// event log.
//
// Each event of a dossier is stored with `hash = EventHash(CanonicalEvent(...),
// previous_hash)` (engine/storage/event_chain.h). Editing, deleting or
// reordering a stored event breaks the chain at that event, which
// `VerifyAuditChain` reports.
//
// How the actor authenticated is part of the canonical event exactly when the
// event records it (DossierEvent::records_authentication): its "actor" object
// then also has "authenticated_by" (AuthMethodName) and "identity_provider"
// (the provider's name, or null). Events stored before the method was recorded
// (NULL in events.actor_auth_method, migration 0014) have neither key, so
// their canonical text and hash are what the engine wrote then, and they still
// verify. A recorded method cannot be removed, added or changed without
// breaking the event's hash.
//
// Example:
//   Result<AuditVerification> check = VerifyAuditChain("/var/lib/motcua/motcua.db");
//   if (check.ok() && !check->ok) Report(check->first_broken->dossier_code);
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/checkpoint.h"
#include "engine/domain/dossier.h"
#include "engine/domain/status.h"
#include "engine/storage/audit.h"
#include "engine/storage/event_chain.h"

namespace motcua {

// Recomputes every chain (or only `dossier_code`'s) in `db`, dossier by
// dossier in code order, and stops at the first broken link. An error only
// when the database cannot be read; a broken chain is an OK result with
// `ok == false`.
Result<AuditVerification> VerifyAuditChain(sqlite3* db,
                                           const std::optional<std::string>& dossier_code = {});
// Opens `database_path` read-only and verifies it.
Result<AuditVerification> VerifyAuditChain(const std::string& database_path,
                                           const std::optional<std::string>& dossier_code = {});

// The full audit of `motcua audit verify` (RunAudit, engine/storage/audit.h)
// over one read snapshot of the SQLite file.
Result<AuditVerification> VerifyAudit(sqlite3* db, const AuditOptions& options);
Result<AuditVerification> VerifyAudit(const std::string& database_path,
                                      const AuditOptions& options);

// Every dossier's chain head as the engine sees it (the row's version and the
// hash of the event at that version), ascending by code, for a checkpoint.
Result<std::vector<ChainHead>> ReadChainHeads(sqlite3* db);

// Copies `checkpoint` without its heads onto the sync feed (topic
// kCheckpointTopic), one outbox row per agency that has dossiers, so that
// every agency's feed reader receives it. One transaction.
Status AppendCheckpointToFeed(sqlite3* db, const Checkpoint& checkpoint);

}  // namespace motcua
