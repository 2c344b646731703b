// dossier_codec.h: the SQLite store's column lists and row readers for events
// and dossier summaries, shared by its table units (dossier_tables.h,
// event_tables.h, ...). The values' encoding is every store's
// (engine/storage/column_codec.h).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/dossier.h"
#include "engine/domain/status.h"
#include "engine/domain/store.h"
#include "engine/sqlite/sqlite_db.h"
#include "engine/storage/column_codec.h"

namespace motcua {

// The columns of `events` in the order ReadEventRow expects them.
inline constexpr const char* kEventColumns =
    "sequence, dossier_code, idx, action, from_state, to_state, actor_id, actor_roles, "
    "actor_agency, at, step, channel, payload, hash, actor_auth_method, "
    "actor_identity_provider";
// The position of `hash` in kEventColumns.
inline constexpr int kEventHashColumn = 13;

// An event's hash in `column` of the current row, as 64 lowercase hex
// digits. The store writes the 32 bytes the digits spell as a BLOB
// (AppendEvent); rows written before that hold the hex digits as TEXT, and
// read the same.
std::string ColumnEventHash(const SqliteStatement& row, int column);

// Reads the current row of a statement that selected kEventColumns; its
// `previous_hash` is empty (LinkPreviousHashes).
Result<AuditRecord> ReadEventRow(const SqliteStatement& row);

// The columns of a DossierSummary over `dossiers AS d`, in the order
// ReadSummaries expects them (dossier listings and document references).
inline constexpr const char* kSummaryColumns =
    "d.code, d.procedure_code, d.applicant_id, d.agency, d.state, d.national_status, d.version, "
    "d.assignee, d.due_at, d.updated_at";
inline constexpr int kSummaryColumnCount = 10;

// Steps through `stmt`, which selected kSummaryColumns (then, optionally,
// more columns from index kSummaryColumnCount on), reading every row;
// `read_more`, if given, reads those further columns into the summary.
Result<std::vector<DossierSummary>> ReadSummaries(
    SqliteStatement& stmt,
    const std::function<void(const SqliteStatement&, DossierSummary&)>& read_more = nullptr);

}  // namespace motcua
