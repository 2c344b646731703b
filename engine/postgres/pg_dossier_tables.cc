#include "engine/postgres/pg_dossier_tables.h"

#include <limits>
#include <string>
#include <utility>

#include "engine/domain/dossier_contents.h"
#include "engine/domain/legal_clock.h"
#include "engine/domain/queue_placement.h"
#include "engine/domain/rfc3339.h"
#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

// Queue rows of dossiers without a due date carry this key so they sort last.
constexpr std::int64_t kNoDueDate = std::numeric_limits<std::int64_t>::max();

const std::string kInsertDossier =
    "INSERT INTO dossiers (code, procedure_code, definition_version, applicant_id, agency, state, "
    "national_status, version, assignee, received_at, due_at, finished_at, clock_json, updated_at, "
    "state_entered_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) "
    "ON CONFLICT (code) DO NOTHING";

// A dossier's procedure, applicant and agency are fixed at creation.
const std::string kUpdateDossier =
    "UPDATE dossiers SET definition_version = $2, state = $3, national_status = $4, version = $5, "
    "assignee = $6, received_at = $7, due_at = $8, finished_at = $9, clock_json = $10, "
    "updated_at = $11, state_entered_at = CASE WHEN $13::bigint = 1 THEN $11 ELSE "
    "state_entered_at END WHERE code = $1 AND version = $12";

const std::string kDossierColumns =
    "code, procedure_code, definition_version, applicant_id, agency, state, national_status, "
    "version, assignee, received_at, due_at, finished_at, clock_json, updated_at";

// The WHERE clause of DossierFilter over `dossiers AS d`, with parameters
// $4 state, $5 procedure, $6 received_from, $7 received_to.
const std::string kFilterClause =
    " AND ($4::text IS NULL OR d.state = $4) AND ($5::text IS NULL OR d.procedure_code = $5)"
    " AND ($6::bigint IS NULL OR d.received_at >= $6) AND ($7::bigint IS NULL OR d.received_at < "
    "$7)";

void AddFilter(PgParams& params, const DossierFilter& filter) {
  params.OptionalText(filter.state)
      .OptionalText(filter.procedure_code)
      .OptionalInt(OptionalSeconds(filter.received_from))
      .OptionalInt(OptionalSeconds(filter.received_to));
}

// The columns both statements bind: the dossier's changing values.
void AddChangingColumns(PgParams& params, const DossierRow& row) {
  const Dossier& d = *row.dossier;
  params.OptionalText(d.assignee)
      .OptionalInt(OptionalSeconds(d.clock.received_at))
      .OptionalInt(OptionalSeconds(d.clock.due_at))
      .OptionalInt(OptionalSeconds(d.clock.finished_at))
      .Text(row.clock_json)
      .Int(row.updated_at);
}

Result<Dossier> ReadDossier(const PgResult& row) {
  Dossier d;
  d.code = row.Text(0, 0);
  d.procedure_code = row.Text(0, 1);
  d.definition_version = row.Int(0, 2);
  d.applicant_id = row.Text(0, 3);
  d.agency = row.Text(0, 4);
  d.state = row.Text(0, 5);
  d.version = row.Int(0, 7);
  d.assignee = row.OptionalText(0, 8);
  if (!row.IsNull(0, 9)) d.clock.received_at = FromSeconds(row.Int(0, 9));
  if (!row.IsNull(0, 10)) d.clock.due_at = FromSeconds(row.Int(0, 10));
  if (!row.IsNull(0, 11)) d.clock.finished_at = FromSeconds(row.Int(0, 11));
  RETURN_IF_ERROR(DecodeClockParts(row.Text(0, 12), &d.clock));
  return d;
}

}  // namespace

Result<AuditRecord> ReadEventRow(const PgResult& rows, int r) {
  EventColumns columns;
  columns.sequence = rows.Int(r, 0);
  columns.dossier_code = rows.Text(r, 1);
  columns.index = rows.Int(r, 2);
  columns.action = rows.Text(r, 3);
  columns.from_state = rows.Text(r, 4);
  columns.to_state = rows.Text(r, 5);
  columns.actor_id = rows.Text(r, 6);
  columns.actor_roles_json = rows.Text(r, 7);
  columns.actor_agency = rows.Text(r, 8);
  columns.at = rows.Int(r, 9);
  columns.step = rows.Text(r, 10);
  columns.channel = rows.OptionalInt(r, 11);
  columns.payload_json = rows.Text(r, 12);
  columns.hash = rows.Text(r, kPgEventHashColumn);
  columns.auth_method = rows.OptionalText(r, 14);
  columns.identity_provider = rows.OptionalText(r, 15);
  return DecodeEventColumns(std::move(columns));
}

std::vector<DossierSummary> ReadSummaries(const PgResult& rows) {
  std::vector<DossierSummary> summaries;
  summaries.reserve(static_cast<std::size_t>(rows.Rows()));
  for (int r = 0; r < rows.Rows(); ++r) {
    DossierSummary summary;
    summary.code = rows.Text(r, 0);
    summary.procedure_code = rows.Text(r, 1);
    summary.applicant_id = rows.Text(r, 2);
    summary.agency = rows.Text(r, 3);
    summary.state = rows.Text(r, 4);
    summary.national_status = static_cast<int>(rows.Int(r, 5));
    summary.version = rows.Int(r, 6);
    summary.assignee = rows.OptionalText(r, 7);
    if (!rows.IsNull(r, 8)) summary.due_at = FromSeconds(rows.Int(r, 8));
    summary.updated_at = FromSeconds(rows.Int(r, 9));
    summaries.push_back(std::move(summary));
  }
  return summaries;
}

Status InsertDossier(PgConnection& db, const DossierRow& row) {
  const Dossier& d = *row.dossier;
  PgParams params;
  params.Text(d.code)
      .Text(d.procedure_code)
      .Int(d.definition_version)
      .Text(d.applicant_id)
      .Text(d.agency)
      .Text(d.state)
      .Int(row.national_status)
      .Int(d.version);
  AddChangingColumns(params, row);
  ASSIGN_OR_RETURN(PgResult inserted, db.Exec(kInsertDossier, params));
  if (inserted.Affected() == 0) {
    return Error(ErrorCode::kConflict, "dossier " + d.code + " already exists",
                 ErrorReason::kDossierExists);
  }
  return Status();
}

Status UpdateDossier(PgConnection& db, const DossierRow& row, std::int64_t expected_version,
                     bool enters_state) {
  const Dossier& d = *row.dossier;
  PgParams params;
  params.Text(d.code)
      .Int(d.definition_version)
      .Text(d.state)
      .Int(row.national_status)
      .Int(d.version);
  AddChangingColumns(params, row);
  params.Int(expected_version).Bool(enters_state);
  ASSIGN_OR_RETURN(PgResult updated, db.Exec(kUpdateDossier, params));
  if (updated.Affected() != 0) return Status();
  ASSIGN_OR_RETURN(PgResult current, db.Exec("SELECT version FROM dossiers WHERE code = $1",
                                             PgParams().Text(d.code)));
  if (current.Rows() == 0)
    return Error(ErrorCode::kNotFound, "dossier " + d.code + " does not exist");
  return Error(ErrorCode::kConflict,
               "dossier " + d.code + " is at version " + std::to_string(current.Int(0, 0)) +
                   ", not " + std::to_string(expected_version),
               ErrorReason::kStaleVersion);
}

Status ReplaceQueueEntries(PgConnection& db, const Dossier& dossier,
                           const std::vector<std::string>& roles, const std::string& agency,
                           const std::vector<BranchQueueSlot>& branches) {
  RETURN_IF_ERROR(
      db.Run("DELETE FROM queue_entries WHERE code = $1", PgParams().Text(dossier.code)));
  const std::int64_t due = dossier.clock.due_at ? ToSeconds(*dossier.clock.due_at) : kNoDueDate;
  const QueueGlance glance = roles.empty() && branches.empty() ? QueueGlance{} : GlanceAt(dossier);
  auto insert_entry = [&](const std::string& role, const std::string& in_agency,
                          const std::string& state) -> Status {
    return db.Run(
        "INSERT INTO queue_entries (role, agency, state, due_at, code, escalated, paused_since) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
        PgParams()
            .Text(role)
            .Text(in_agency)
            .Text(state)
            .Int(due)
            .Text(dossier.code)
            .Bool(glance.escalated)
            .OptionalInt(OptionalSeconds(glance.paused_since)));
  };
  for (const std::string& role : roles) {
    RETURN_IF_ERROR(insert_entry(role, agency.empty() ? dossier.agency : agency, dossier.state));
  }
  for (const BranchQueueSlot& slot : branches) {
    for (const std::string& role : slot.roles) {
      RETURN_IF_ERROR(insert_entry(role, slot.agency, slot.state));
    }
  }
  return Status();
}

Result<std::int64_t> NextDossierNumber(PgConnection& db, const std::string& agency,
                                       LocalDate date) {
  ASSIGN_OR_RETURN(
      PgResult next,
      db.Exec("INSERT INTO dossier_sequences (agency, day, last) VALUES ($1, $2, 1) "
              "ON CONFLICT (agency, day) DO UPDATE SET last = dossier_sequences.last + 1 "
              "RETURNING last",
              PgParams().Text(agency).Text(FormatRfc3339Date(date))));
  if (next.Rows() != 1) return Error(ErrorCode::kInternal, "sequence upsert returned no row");
  return next.Int(0, 0);
}

Result<ChainLink> AppendEvent(PgConnection& db, const std::string& dossier_code,
                              const EncodedEvent& encoded,
                              const std::optional<ChainLink>& previous) {
  ChainLink last;
  if (previous) {
    last = *previous;
  } else {
    ASSIGN_OR_RETURN(
        PgResult stored,
        db.Exec("SELECT idx, hash FROM events WHERE dossier_code = $1 ORDER BY idx DESC LIMIT 1",
                PgParams().Text(dossier_code)));
    if (stored.Rows() == 1) last = ChainLink{stored.Int(0, 0), stored.Text(0, 1)};
  }
  ChainLink appended{last.index + 1, EventHash(encoded.canonical, last.index + 1, last.hash)};
  const DossierEvent& event = *encoded.event;
  PgParams params;
  params.Text(dossier_code)
      .Int(appended.index)
      .Text(event.action)
      .Text(event.from_state)
      .Text(event.to_state)
      .Text(event.actor.user_id)
      .Text(encoded.roles_json)
      .Text(event.actor.agency)
      .Int(ToSeconds(event.at))
      .Text(encoded.step);
  if (event.channel) {
    params.Int(static_cast<int>(*event.channel));
  } else {
    params.Null();
  }
  params.Text(encoded.payload_json).Text(appended.hash);
  // NULL columns for an event that records no method, as its hash covers none.
  if (event.records_authentication) {
    params.Text(AuthMethodName(event.actor.authenticated_by));
  } else {
    params.Null();
  }
  if (event.records_authentication && !event.actor.identity_provider.empty()) {
    params.Text(event.actor.identity_provider);
  } else {
    params.Null();
  }
  RETURN_IF_ERROR(
      db.Run("INSERT INTO events (dossier_code, idx, action, from_state, to_state, actor_id, "
             "actor_roles, actor_agency, at, step, channel, payload, hash, "
             "actor_auth_method, actor_identity_provider) "
             "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
             params));
  return appended;
}

Result<Dossier> QueryDossier(PgConnection& db, const std::string& code) {
  ASSIGN_OR_RETURN(PgResult row,
                   db.Exec("SELECT " + kDossierColumns + " FROM dossiers WHERE code = $1",
                           PgParams().Text(code)));
  if (row.Rows() == 0) return Error(ErrorCode::kNotFound, "dossier " + code + " does not exist");
  ASSIGN_OR_RETURN(Dossier dossier, ReadDossier(row));
  ASSIGN_OR_RETURN(std::vector<AuditRecord> records, QueryAuditRecords(db, code));
  std::vector<DossierEvent> history;
  history.reserve(records.size());
  for (AuditRecord& record : records) history.push_back(std::move(record.event));
  dossier.history = std::move(history);
  RETURN_IF_ERROR(FoldHistoryContents(dossier));
  return dossier;
}

Result<std::vector<AuditRecord>> QueryAuditRecords(PgConnection& db,
                                                   const std::string& dossier_code) {
  ASSIGN_OR_RETURN(PgResult rows, db.Exec(std::string("SELECT ") + kPgEventColumns +
                                              " FROM events WHERE dossier_code = $1 ORDER BY idx",
                                          PgParams().Text(dossier_code)));
  std::vector<AuditRecord> records;
  records.reserve(static_cast<std::size_t>(rows.Rows()));
  for (int r = 0; r < rows.Rows(); ++r) {
    ASSIGN_OR_RETURN(AuditRecord record, ReadEventRow(rows, r));
    records.push_back(std::move(record));
  }
  LinkPreviousHashes(records);
  return records;
}

Result<std::vector<DossierSummary>> QueryQueue(PgConnection& db, const QueueQuery& query) {
  std::int64_t after_due = 0;
  if (query.after_code) {
    ASSIGN_OR_RETURN(PgResult due, db.Exec("SELECT due_at FROM dossiers WHERE code = $1",
                                           PgParams().Text(*query.after_code)));
    if (due.Rows() == 0) {
      return Error(ErrorCode::kInvalidArgument, "after_code names no dossier", ErrorReason::kNone,
                   {FieldError{"/after_code", "unknown dossier " + *query.after_code}});
    }
    after_due = due.IsNull(0, 0) ? kNoDueDate : due.Int(0, 0);
  }
  ASSIGN_OR_RETURN(
      PgResult rows,
      db.Exec(std::string("SELECT ") + kPgSummaryColumns +
                  ", q.escalated, d.finished_at, q.paused_since"
                  " FROM queue_entries AS q JOIN dossiers AS d ON d.code = q.code"
                  " WHERE q.role = $1 AND q.agency = $2 AND ($3::text IS NULL OR q.state = $3)"
                  " AND ($4::text IS NULL OR d.procedure_code = $4)"
                  " AND ($5::text IS NULL OR (q.due_at, q.code) > ($6::bigint, $5::text))"
                  " ORDER BY q.due_at, q.code LIMIT $7",
              PgParams()
                  .Text(query.role)
                  .Text(query.agency)
                  .OptionalText(query.state)
                  .OptionalText(query.procedure_code)
                  .OptionalText(query.after_code)
                  .Int(after_due)
                  .Int(query.limit)));
  std::vector<DossierSummary> summaries = ReadSummaries(rows);
  for (int r = 0; r < rows.Rows(); ++r) {
    if (rows.IsNull(r, kPgSummaryColumnCount)) continue;
    DossierSummary& summary = summaries[static_cast<std::size_t>(r)];
    QueueGlance& glance = summary.glance.emplace();
    glance.escalated = rows.Int(r, kPgSummaryColumnCount) != 0;
    if (rows.IsNull(r, kPgSummaryColumnCount + 1)) glance.due_at = summary.due_at;  // running
    if (!rows.IsNull(r, kPgSummaryColumnCount + 2)) {
      glance.paused_since = FromSeconds(rows.Int(r, kPgSummaryColumnCount + 2));
    }
  }
  return summaries;
}

namespace {

// The dossiers whose `owner_column` (applicant_id or agency) is `owner`,
// newest (highest code) first: the listings of ApplicantQuery and AgencyQuery.
Result<std::vector<DossierSummary>> QueryOwnedBy(PgConnection& db, const char* owner_column,
                                                 const std::string& owner,
                                                 const std::optional<std::string>& after_code,
                                                 int limit, const DossierFilter& filter) {
  PgParams params;
  params.Text(owner).OptionalText(after_code).Int(limit);
  AddFilter(params, filter);
  ASSIGN_OR_RETURN(PgResult rows, db.Exec(std::string("SELECT ") + kPgSummaryColumns +
                                              " FROM dossiers AS d WHERE d." + owner_column +
                                              " = $1 AND ($2::text IS NULL OR d.code < $2)" +
                                              kFilterClause + " ORDER BY d.code DESC LIMIT $3",
                                          params));
  return ReadSummaries(rows);
}

}  // namespace

Result<std::vector<DossierSummary>> QueryByApplicant(PgConnection& db,
                                                     const ApplicantQuery& query) {
  return QueryOwnedBy(db, "applicant_id", query.applicant_id, query.after_code, query.limit,
                      query.filter);
}

Result<std::vector<DossierSummary>> QueryByAgency(PgConnection& db, const AgencyQuery& query) {
  return QueryOwnedBy(db, "agency", query.agency, query.after_code, query.limit, query.filter);
}

Result<std::vector<DossierSummary>> QueryInState(PgConnection& db, const StateQuery& query) {
  ASSIGN_OR_RETURN(
      PgResult rows,
      db.Exec(std::string("SELECT ") + kPgSummaryColumns +
                  " FROM dossiers AS d"
                  " WHERE d.procedure_code = $1 AND d.state = $2 AND d.state_entered_at <= $3"
                  " AND ($5::bigint IS NULL OR (d.state_entered_at, d.code) > ($5::bigint, "
                  "$6::text)) ORDER BY d.state_entered_at, d.code LIMIT $4",
              PgParams()
                  .Text(query.procedure_code)
                  .Text(query.state)
                  .Int(ToSeconds(query.entered_before))
                  .Int(query.limit)
                  .OptionalInt(OptionalSeconds(query.after_entered))
                  .OptionalText(query.after_code)));
  return ReadSummaries(rows);
}

Result<std::vector<DossierSummary>> QueryOnVersion(PgConnection& db, const VersionQuery& query) {
  ASSIGN_OR_RETURN(
      PgResult rows,
      db.Exec(std::string("SELECT ") + kPgSummaryColumns +
                  " FROM dossiers AS d WHERE d.procedure_code = $1 AND d.definition_version = $2"
                  " AND ($3::text IS NULL OR d.code > $3) ORDER BY d.code LIMIT $4",
              PgParams()
                  .Text(query.procedure_code)
                  .Int(query.definition_version)
                  .OptionalText(query.after_code)
                  .Int(query.limit)));
  return ReadSummaries(rows);
}

Result<std::vector<QueueDepth>> QueryQueueDepths(PgConnection& db) {
  ASSIGN_OR_RETURN(
      PgResult rows,
      db.Exec("SELECT role, agency, COUNT(*) FROM queue_entries GROUP BY role, agency"));
  std::vector<QueueDepth> depths;
  for (int r = 0; r < rows.Rows(); ++r) {
    depths.push_back({rows.Text(r, 0), rows.Text(r, 1), rows.Int(r, 2)});
  }
  return depths;
}

}  // namespace motcua
