// audit.h: the audit of a store's tamper-evident trail (`motcua audit
// verify`), the same on every store: each store hands the rows of one read
// snapshot through an AuditSource (engine/sqlite/audit_chain.h,
// engine/postgres/pg_audit.h), and RunAudit checks them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/checkpoint.h"
#include "engine/domain/dossier.h"
#include "engine/domain/status.h"
#include "engine/domain/store.h"
#include "engine/storage/report_rollup.h"

namespace motcua {

struct BrokenLink {
  // What is wrong: a link of the hash chain; the dossier row against its
  // replayed events; the database against a signed checkpoint; the reports'
  // per-day counts against the facts rows (no dossier code then).
  enum class Kind { kChain, kRow, kCheckpoint, kReport };
  std::string dossier_code;
  std::int64_t index = 0;     // the event's idx in its dossier (kChain)
  std::int64_t sequence = 0;  // the event's global sequence (kChain)
  std::string reason;         // e.g. "hash does not match the event's content"
  Kind kind = Kind::kChain;
};

struct AuditVerification {
  bool ok = true;
  std::int64_t events_checked = 0;  // events whose link verified
  std::int64_t dossiers_checked = 0;
  std::optional<BrokenLink> first_broken;  // set exactly when !ok
  std::vector<BrokenLink> problems;        // every problem found, by dossier code
};

// What RunAudit checks, over one read snapshot:
//  - every dossier's hash chain (event_chain.h), going on past a broken
//    dossier;
//  - every dossier row against its events replayed through the workflow
//    version it is pinned to (dossier_replay.h): a row whose state, version
//    or assignee its events do not produce (a row edited directly, or a
//    history cut short) is a kRow problem, as is a row without events, events
//    without a row, and a pinned workflow version that is not stored;
//  - with `checkpoint` (its signature already checked, see checkpoint_key.h):
//    every dossier it lists must still have at least its version of events,
//    with the same chain hash at that version (kCheckpoint problems:
//    truncated, rewritten, missing). A rewrite that recomputed the chain is
//    found only this way;
//  - with `replay`, over the whole database (no `dossier_code`): the reports'
//    per-day counts (report_rollup.h), as stored with any changes not folded
//    yet, against what the report_facts rows sum to. A roll-up row edited,
//    added or deleted directly is a kReport problem per key
//    (RollupDifferences). The facts rows themselves are derived data and not
//    checked against the dossiers.
// Stops after `max_problems`. An error only when the database cannot be read.
struct AuditOptions {
  std::optional<std::string> dossier_code;  // only this dossier (kNotFound if it has no events)
  const Checkpoint* checkpoint = nullptr;
  bool replay = true;
  std::size_t max_problems = 100;
};

// One stored event as an audit reads it: its place, and its decoded record
// (an error when the row does not decode; `hash` is then the stored text).
struct AuditEventRow {
  std::int64_t sequence = 0;
  std::string dossier_code;
  std::int64_t index = 0;
  std::string hash;
  Result<AuditRecord> record = Error(ErrorCode::kInternal, "not read");
};

// The rows of one read snapshot of a store. Errors only when the store
// cannot be read.
class AuditSource {
 public:
  virtual ~AuditSource() = default;
  // Every event (of `dossier_code` only, when set), by dossier code, then
  // idx; stops when `on_event` returns false.
  virtual Status ForEachEvent(const std::optional<std::string>& dossier_code,
                              const std::function<bool(AuditEventRow)>& on_event) = 0;
  // The dossier row's procedure_code, definition_version, state, version and
  // assignee (the rest left empty); nullopt when there is no row.
  virtual Result<std::optional<Dossier>> DossierRow(const std::string& code) = 0;
  // The stored definition document's text; nullopt when not stored.
  virtual Result<std::optional<std::string>> DefinitionText(const std::string& procedure_code,
                                                            std::int64_t version) = 0;
  // Codes of dossier rows without events (only `dossier_code`, when set).
  virtual Result<std::vector<std::string>> DossiersWithoutEvents(
      const std::optional<std::string>& dossier_code) = 0;
  // Whether the database has the reports' roll-up (a schema from before it
  // has nothing to check); the two below are called only if so.
  virtual Result<bool> HasRollup() = 0;
  // The reports' per-day counts as stored: the roll-up rows, plus the
  // changes not folded into them yet where the store defers folds.
  virtual Result<RollupSums> StoredRollup() = 0;
  // The per-day counts the report_facts rows sum to (AddToRollupSums).
  virtual Result<RollupSums> RollupFromFacts() = 0;
};

// The audit of `source`, as AuditOptions says. An error only when the source
// cannot be read; a broken trail is an OK result with `ok == false`.
Result<AuditVerification> RunAudit(AuditSource& source, const AuditOptions& options);

}  // namespace motcua
