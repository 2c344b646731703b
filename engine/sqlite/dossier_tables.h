// dossier_tables.h: the SQLite side of dossiers (Dossier in dossier.h, the
// listings of store.h):
//  - dossiers: one row per dossier, its current value (the history is in
//    `events`, event_tables.h, the rest of this table group);
//  - queue_entries: one row per (role, agency) whose queue shows the
//    dossier's current state, keyed by due date for ListQueue;
//  - dossier_sequences: the highest daily number a stored dossier holds, per
//    agency and day (the numbers are handed out by daily_numbers.h).
//
// Writes run inside the writer's transaction (sqlite_connection_pool.h),
// queries inside the caller's read transaction. Each function owns its SQL.
// Arguments were checked by DossierStore's front (store.h): dossier codes are
// non-empty, page limits 1..DossierStore::kMaxPageSize.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/domain/calendar.h"
#include "engine/domain/dossier.h"
#include "engine/domain/status.h"
#include "engine/domain/store.h"
#include "engine/sqlite/sqlite_db.h"
#include "engine/sqlite/sqlite_store.h"
#include "engine/storage/column_codec.h"

namespace motcua {

// Inserts a new dossier; kConflict "dossier_exists" when its code exists.
Status InsertDossier(SqliteConnection& db, const DossierRow& row);
// Replaces the dossier's row if it is at `expected_version`: kNotFound for an
// unknown dossier, kConflict "stale_version" for another version (nothing
// changed then). `enters_state` restarts the time in the current state.
Status UpdateDossier(SqliteConnection& db, const DossierRow& row, std::int64_t expected_version,
                     bool enters_state);
// Replaces the dossier's queue rows by one per role, in the queues of
// `agency` (empty: the dossier's receiving agency), and one per role of each
// running branch's slot, in its state and agency.
Status ReplaceQueueEntries(SqliteConnection& db, const Dossier& dossier,
                           const std::vector<std::string>& roles, const std::string& agency,
                           const std::vector<BranchQueueSlot>& branches = {});
// The last daily number of `agency` on `date` the table holds, 0 for none.
Result<std::int64_t> QueryLastDossierNumber(SqliteConnection& db, const std::string& agency,
                                            LocalDate date);
// Raises the last daily number of the code's agency and day to the code's
// number, if it is lower: a stored dossier's number is never handed out
// again. Nothing for a code that is not a national dossier code.
Status RecordDossierNumber(SqliteConnection& db, const std::string& code);

// The dossier without its history; kNotFound when absent.
Result<Dossier> QueryDossierRow(SqliteConnection& db, const std::string& code);
// The listings of store.h, as DossierStore documents them.
Result<std::vector<DossierSummary>> QueryQueue(SqliteConnection& db, const QueueQuery& query);
Result<std::vector<DossierSummary>> QueryByApplicant(SqliteConnection& db,
                                                     const ApplicantQuery& query);
Result<std::vector<DossierSummary>> QueryByAgency(SqliteConnection& db, const AgencyQuery& query);
Result<std::vector<DossierSummary>> QueryInState(SqliteConnection& db, const StateQuery& query);
Result<std::vector<DossierSummary>> QueryOnVersion(SqliteConnection& db, const VersionQuery& query);
// The depth of every non-empty queue.
Result<std::vector<QueueDepth>> QueryQueueDepths(SqliteConnection& db);

}  // namespace motcua
