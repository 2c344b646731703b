// event_tables.h: the SQLite side of a dossier's history: the append-only
// table `events`, one row per event, each a link of the dossier's hash chain
// (audit_chain.h: `hash` over the canonical event and `previous_hash`).
// Part of the dossier table group (dossier_tables.h); triggers forbid
// updating or deleting an event.
//
// Writes run inside the writer's transaction (sqlite_connection_pool.h),
// queries inside the caller's read transaction. Each function owns its SQL.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/domain/dossier.h"
#include "engine/domain/status.h"
#include "engine/domain/store.h"
#include "engine/sqlite/audit_chain.h"
#include "engine/sqlite/sqlite_db.h"
#include "engine/storage/column_codec.h"

namespace motcua {

// The last link of each dossier's chain the writer appended or read, so that
// appending need not read it back. Writer thread only. It describes what the
// writer connection sees: Clear() it when that view loses rows (the pool's
// `view_lost`). Bounded: when full it is cleared, and heads load again.
class EventChainHeads {
 public:
  struct Head {
    std::int64_t index = 0;
    std::string hash;
  };
  const Head* Find(const std::string& dossier_code) const;
  void Put(const std::string& dossier_code, Head head);
  void Clear() { heads_.clear(); }

 private:
  static constexpr std::size_t kMaxEntries = 1 << 16;
  std::unordered_map<std::string, Head> heads_;
};

// Appends `encoded` as the next link of `dossier_code`'s chain.
Status AppendEvent(SqliteConnection& db, EventChainHeads& heads, const std::string& dossier_code,
                   const EncodedEvent& encoded);

// The dossier's events, oldest first (empty for an unknown dossier).
Result<std::vector<DossierEvent>> QueryHistory(SqliteConnection& db,
                                               const std::string& dossier_code);
// The same with their chain links.
Result<std::vector<AuditRecord>> QueryAuditRecords(SqliteConnection& db,
                                                   const std::string& dossier_code);

}  // namespace motcua
