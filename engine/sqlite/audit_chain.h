// audit_chain.h: the per-dossier hash chain over the event log, and its check.
//
// Each event of a dossier is stored with `hash = EventHash(CanonicalEvent(...),
// previous_hash)`, where `previous_hash` is the hash of the dossier's previous
// event ("" for the first). Editing, deleting or reordering a stored event
// breaks the chain at that event, which `VerifyAuditChain` reports. The
// canonical form is a JSON object with fixed field names and sorted keys, so
// it does not depend on column order or on how the payload was first written.
//
// Example:
//   Result<AuditVerification> check = VerifyAuditChain("/var/lib/motcua/motcua.db");
//   if (check.ok() && !check->ok) Report(check->first_broken->dossier_code);
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>

#include "engine/domain/dossier.h"
#include "engine/domain/status.h"

namespace motcua {

// The canonical text of an event at position `index` of dossier `dossier_code`.
std::string CanonicalEvent(const std::string& dossier_code, std::int64_t index,
                           const DossierEvent& event);

// CanonicalEvent(dossier_code, index, event) with the index left out: the
// text is `head` + std::to_string(index) + `tail`. Lets the store encode an
// event before it knows the event's position.
struct CanonicalEventTemplate {
  std::string head;
  std::string tail;
};
CanonicalEventTemplate CanonicalEventAround(const std::string& dossier_code,
                                            const DossierEvent& event);

// SHA-256 hex of `canonical_event` + "\n" + `previous_hash`.
std::string EventHash(const std::string& canonical_event, const std::string& previous_hash);
// The same hash for the event CanonicalEventAround encoded, at `index`.
std::string EventHash(const CanonicalEventTemplate& canonical_event, std::int64_t index,
                      const std::string& previous_hash);

struct BrokenLink {
  std::string dossier_code;
  std::int64_t index = 0;     // the event's idx in its dossier
  std::int64_t sequence = 0;  // the event's global sequence
  std::string reason;         // e.g. "hash does not match the event's content"
};

struct AuditVerification {
  bool ok = true;
  std::int64_t events_checked = 0;
  std::optional<BrokenLink> first_broken;  // set exactly when !ok
};

// Recomputes every chain (or only `dossier_code`'s) in `db`, dossier by
// dossier in code order, and stops at the first broken link. An error only
// when the database cannot be read; a broken chain is an OK result with
// `ok == false`.
Result<AuditVerification> VerifyAuditChain(sqlite3* db,
                                           const std::optional<std::string>& dossier_code = {});
// Opens `database_path` read-only and verifies it.
Result<AuditVerification> VerifyAuditChain(const std::string& database_path,
                                           const std::optional<std::string>& dossier_code = {});

}  // namespace motcua
