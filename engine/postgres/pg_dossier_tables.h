// pg_dossier_tables.h: the PostgreSQL side of dossiers and their histories:
//  - dossiers: one row per dossier, its current value;
//  - events: the append-only hash chain of each dossier (a trigger refuses
//    updates and deletes);
//  - queue_entries: one row per (role, agency) whose queue shows the
//    dossier's current state, or a running branch's;
//  - dossier_sequences: the last daily number handed out per agency and day.
//
// The same contracts as engine/sqlite/dossier_tables.h and event_tables.h,
// for several engine processes on one database:
//  - UpdateDossier changes the row only at the expected version, in one
//    statement; the row lock it takes is held to the end of the transaction,
//    so concurrent transitions of one dossier run one after the other and
//    AppendEvent reads the chain's head under that lock: a chain never forks.
//  - There are no in-process caches of heads or rows.
//  - NextDossierNumber is one upsert: numbers are unique across processes.
// Writes run inside the pool's write transaction (pg_pool.h), queries inside
// a read transaction. Arguments were checked by DossierStore's front.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/calendar.h"
#include "engine/domain/dossier.h"
#include "engine/domain/status.h"
#include "engine/domain/store.h"
#include "engine/postgres/pg_connection.h"
#include "engine/storage/column_codec.h"
#include "engine/storage/store_observer.h"

namespace motcua {

// Inserts a new dossier; kConflict "dossier_exists" when its code exists.
Status InsertDossier(PgConnection& db, const DossierRow& row);
// Replaces the dossier's row if it is at `expected_version`: kNotFound for an
// unknown dossier, kConflict "stale_version" for another version (nothing
// changed then). `enters_state` restarts the time in the current state.
Status UpdateDossier(PgConnection& db, const DossierRow& row, std::int64_t expected_version,
                     bool enters_state);
// Replaces the dossier's queue rows, as the SQLite function of that name.
Status ReplaceQueueEntries(PgConnection& db, const Dossier& dossier,
                           const std::vector<std::string>& roles, const std::string& agency,
                           const std::vector<BranchQueueSlot>& branches = {});
// The next daily number of `agency` on `date`, 1 for the first.
Result<std::int64_t> NextDossierNumber(PgConnection& db, const std::string& agency, LocalDate date);

// A link of a dossier's chain: its index and hash. The default is the empty
// chain of a new dossier (the first event gets index 0 and previous hash "").
struct ChainLink {
  std::int64_t index = -1;
  std::string hash;
};

// Appends `encoded` as the next link of `dossier_code`'s chain, after
// `previous` when the transaction knows it (a new dossier's empty chain, the
// link it just appended), else after the last stored link. Returns the new
// link. Call it after InsertDossier or UpdateDossier of the same transaction
// (their row lock keeps the chain's head still).
Result<ChainLink> AppendEvent(PgConnection& db, const std::string& dossier_code,
                              const EncodedEvent& encoded,
                              const std::optional<ChainLink>& previous = std::nullopt);

// The dossier with its history; kNotFound when absent.
Result<Dossier> QueryDossier(PgConnection& db, const std::string& code);
// The dossier's events with their chain links, oldest first (empty for an
// unknown dossier).
Result<std::vector<AuditRecord>> QueryAuditRecords(PgConnection& db,
                                                   const std::string& dossier_code);

// The listings of store.h, as DossierStore documents them.
Result<std::vector<DossierSummary>> QueryQueue(PgConnection& db, const QueueQuery& query);
Result<std::vector<DossierSummary>> QueryByApplicant(PgConnection& db, const ApplicantQuery& query);
Result<std::vector<DossierSummary>> QueryByAgency(PgConnection& db, const AgencyQuery& query);
Result<std::vector<DossierSummary>> QueryInState(PgConnection& db, const StateQuery& query);
Result<std::vector<DossierSummary>> QueryOnVersion(PgConnection& db, const VersionQuery& query);

// The depth of every non-empty queue.
Result<std::vector<QueueDepth>> QueryQueueDepths(PgConnection& db);

// The columns of `events` in the order ReadEventRow reads them.
inline constexpr const char* kPgEventColumns =
    "sequence, dossier_code, idx, action, from_state, to_state, actor_id, actor_roles, "
    "actor_agency, at, step, channel, payload, hash, actor_auth_method, "
    "actor_identity_provider";
// The position of `hash` in kPgEventColumns.
inline constexpr int kPgEventHashColumn = 13;
// Row `r` of `rows`, which selected kPgEventColumns; its `previous_hash` is
// empty (LinkPreviousHashes).
Result<AuditRecord> ReadEventRow(const PgResult& rows, int r);

// The columns of a DossierSummary over `dossiers AS d`, in the order
// ReadSummaries reads them (also the document tables' listing).
inline constexpr const char* kPgSummaryColumns =
    "d.code, d.procedure_code, d.applicant_id, d.agency, d.state, d.national_status, d.version, "
    "d.assignee, d.due_at, d.updated_at";
inline constexpr int kPgSummaryColumnCount = 10;
// The summaries of `rows`, which selected kPgSummaryColumns first.
std::vector<DossierSummary> ReadSummaries(const PgResult& rows);

}  // namespace motcua
