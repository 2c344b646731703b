#include "engine/postgres/postgres_store.h"

#include <utility>

#include "engine/crypto/sha256.h"
#include "engine/domain/status_macros.h"
#include "engine/postgres/pg_definition_tables.h"
#include "engine/postgres/pg_document_tables.h"
#include "engine/postgres/pg_dossier_tables.h"
#include "engine/postgres/pg_idempotency_tables.h"
#include "engine/postgres/pg_migrations.h"
#include "engine/postgres/pg_outbox_tables.h"
#include "engine/postgres/pg_payment_tables.h"
#include "engine/postgres/pg_pool.h"
#include "engine/postgres/pg_report_tables.h"
#include "engine/storage/column_codec.h"

namespace motcua {

struct PostgresStore::Impl {
  SystemClock system_clock;
  const Clock* clock = nullptr;
  StoreObserver* observer = nullptr;
  std::unique_ptr<PgPool> pool;

  template <typename T>
  Result<T> Read(const std::function<Result<T>(PgConnection&)>& read) {
    return pool->Read<T>(read);
  }
  Status Write(const std::function<Status(PgConnection&)>& job) { return pool->Write(job); }
};

PostgresStore::PostgresStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

PostgresStore::~PostgresStore() = default;

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const PostgresStoreOptions& options) {
  if (options.conninfo.empty()) {
    return Error(ErrorCode::kInvalidArgument, "invalid PostgreSQL store options",
                 ErrorReason::kNone, {FieldError{"/conninfo", "must not be empty"}});
  }
  if (options.connections < 1) {
    return Error(ErrorCode::kInvalidArgument, "invalid PostgreSQL store options",
                 ErrorReason::kNone, {FieldError{"/connections", "must be at least 1"}});
  }
  auto impl = std::make_unique<Impl>();
  impl->clock = options.clock != nullptr ? options.clock : &impl->system_clock;
  impl->observer = options.observer;
  ASSIGN_OR_RETURN(impl->pool, OpenMigratedPool(options.conninfo, options.connections, impl->clock,
                                                options.migration_progress));
  // A database that held report facts before 0020 gets its counts now,
  // before this node serves a report or writes a change.
  RETURN_IF_ERROR(impl->pool->Write(EnsureReportRollup));
  return std::unique_ptr<PostgresStore>(new PostgresStore(std::move(impl)));
}

bool PostgresStore::DocumentIdMatches(const DocumentInfo& info, std::string_view bytes) const {
  return Sha256Hex(bytes) == info.id;
}

Result<StoredDefinition> PostgresStore::DoPublishDefinition(const std::string& procedure_code,
                                                            const nlohmann::json& document,
                                                            const std::string& document_text,
                                                            const std::string& published_by,
                                                            Instant at,
                                                            const std::string& owner_agency) {
  const StoredDefinition wanted{procedure_code, 0,           Sha256Hex(document_text), document, at,
                                published_by,   owner_agency};
  StoredDefinition published;
  RETURN_IF_ERROR(impl_->Write([&](PgConnection& db) {
    published = wanted;  // the job may run again after a serialization failure
    return InsertDefinitionVersion(db, document_text, published);
  }));
  return published;
}

Result<StoredDefinition> PostgresStore::DoGetDefinition(const std::string& procedure_code,
                                                        std::int64_t version) {
  return impl_->Read<StoredDefinition>(
      [&](PgConnection& db) { return QueryDefinition(db, procedure_code, version); });
}

Result<std::int64_t> PostgresStore::DoLatestDefinitionVersion(const std::string& procedure_code) {
  return impl_->Read<std::int64_t>(
      [&](PgConnection& db) { return QueryLatestDefinitionVersion(db, procedure_code); });
}

Result<std::vector<StoredDefinition>> PostgresStore::DoListDefinitionVersions(
    const std::string& procedure_code) {
  return impl_->Read<std::vector<StoredDefinition>>(
      [&](PgConnection& db) { return QueryDefinitionVersions(db, procedure_code); });
}

Result<std::vector<StoredDefinition>> PostgresStore::DoListLatestDefinitions() {
  return impl_->Read<std::vector<StoredDefinition>>(
      [&](PgConnection& db) { return QueryLatestDefinitions(db); });
}

Result<std::int64_t> PostgresStore::DoNextDossierSequence(const std::string& agency,
                                                          LocalDate date) {
  std::int64_t next = 0;
  RETURN_IF_ERROR(impl_->Write([&](PgConnection& db) -> Status {
    ASSIGN_OR_RETURN(next, NextDossierNumber(db, agency, date));
    return Status();
  }));
  return next;
}

Status PostgresStore::DoCreateDossier(const Dossier& dossier,
                                      const std::vector<std::string>& queue_roles,
                                      int national_status, const std::vector<OutboxEntry>& outbox,
                                      const std::optional<ReportFacts>& facts,
                                      const std::string& queue_agency) {
  const Instant updated = dossier.history.empty() ? impl_->clock->Now() : dossier.history.back().at;
  ASSIGN_OR_RETURN(DossierRow row, EncodeDossierRow(dossier, national_status, updated));
  std::vector<EncodedEvent> history;
  history.reserve(dossier.history.size());
  for (const DossierEvent& event : dossier.history) {
    ASSIGN_OR_RETURN(EncodedEvent encoded, EncodeEvent(dossier.code, event));
    history.push_back(std::move(encoded));
  }
  return impl_->Write([&](PgConnection& db) -> Status {
    RETURN_IF_ERROR(InsertDossier(db, row));
    ChainLink link;  // a new dossier's chain starts empty: nothing to read
    for (const EncodedEvent& event : history) {
      ASSIGN_OR_RETURN(link, AppendEvent(db, dossier.code, event, link));
    }
    RETURN_IF_ERROR(ReferenceDocuments(db, dossier));
    RETURN_IF_ERROR(ReplaceQueueEntries(db, dossier, queue_roles, queue_agency));
    if (facts) RETURN_IF_ERROR(WriteReportFacts(db, *facts));
    return InsertOutbox(db, outbox, dossier.agency, updated);
  });
}

Status PostgresStore::DoCommitTransition(const TransitionCommit& commit) {
  const Dossier& after = *commit.after;
  const Instant at = commit.LastEvent().at;
  ASSIGN_OR_RETURN(DossierRow row, EncodeDossierRow(after, commit.national_status, at));
  std::vector<EncodedEvent> events;
  for (const DossierEvent* appended : commit.AppendedEvents()) {
    ASSIGN_OR_RETURN(EncodedEvent encoded, EncodeEvent(after.code, *appended));
    events.push_back(std::move(encoded));
  }
  Status committed = impl_->Write([&](PgConnection& db) -> Status {
    // The dossier's row first: its lock orders concurrent transitions of the
    // dossier, and a stale version changes nothing.
    RETURN_IF_ERROR(UpdateDossier(db, row, commit.expected_version, commit.EntersState()));
    // The payment's row refuses an id already recorded, by anyone.
    if (commit.payment) RETURN_IF_ERROR(InsertPayment(db, *commit.payment));
    RETURN_IF_ERROR(CheckSignaturesUnused(db, after));
    ASSIGN_OR_RETURN(ChainLink link, AppendEvent(db, after.code, events.front()));
    for (std::size_t i = 1; i < events.size(); ++i) {
      ASSIGN_OR_RETURN(link, AppendEvent(db, after.code, events[i], link));
    }
    for (const NewDocument& document : commit.documents) {
      RETURN_IF_ERROR(InsertDocument(db, document.info, document.bytes, document.uploaded_by,
                                     commit.event->at));
    }
    RETURN_IF_ERROR(ReplaceQueueEntries(db, after, commit.queue_roles, commit.queue_agency,
                                        commit.branch_queues));
    RETURN_IF_ERROR(ReferenceDocuments(db, after));
    if (commit.facts) RETURN_IF_ERROR(WriteReportFacts(db, *commit.facts));
    RETURN_IF_ERROR(WriteBranchReportFacts(db, commit.branch_facts));
    return InsertOutbox(db, commit.outbox, after.agency, at);
  });
  if (committed.ok()) TellCommittedActions(impl_->observer, after.procedure_code, commit);
  return committed;
}

Result<std::vector<QueueDepth>> PostgresStore::QueueDepths() {
  return impl_->Read<std::vector<QueueDepth>>(
      [](PgConnection& db) { return QueryQueueDepths(db); });
}

Result<Dossier> PostgresStore::DoGetDossier(const std::string& code) {
  return impl_->Read<Dossier>([&](PgConnection& db) { return QueryDossier(db, code); });
}

Result<std::vector<DossierSummary>> PostgresStore::DoListQueue(const QueueQuery& query) {
  return impl_->Read<std::vector<DossierSummary>>(
      [&](PgConnection& db) { return QueryQueue(db, query); });
}

Result<std::vector<DossierSummary>> PostgresStore::DoListByApplicant(const ApplicantQuery& query) {
  return impl_->Read<std::vector<DossierSummary>>(
      [&](PgConnection& db) { return QueryByApplicant(db, query); });
}

Result<std::vector<DossierSummary>> PostgresStore::DoListByAgency(const AgencyQuery& query) {
  return impl_->Read<std::vector<DossierSummary>>(
      [&](PgConnection& db) { return QueryByAgency(db, query); });
}

Result<std::vector<DossierSummary>> PostgresStore::DoListInState(const StateQuery& query) {
  return impl_->Read<std::vector<DossierSummary>>(
      [&](PgConnection& db) { return QueryInState(db, query); });
}

Result<std::vector<DossierSummary>> PostgresStore::DoListOnVersion(const VersionQuery& query) {
  return impl_->Read<std::vector<DossierSummary>>(
      [&](PgConnection& db) { return QueryOnVersion(db, query); });
}

Status PostgresStore::DoPutDocument(const DocumentInfo& info, std::string_view bytes,
                                    const std::string& uploaded_by, Instant at) {
  return impl_->Write(
      [&](PgConnection& db) { return InsertDocument(db, info, bytes, uploaded_by, at); });
}

Result<DocumentInfo> PostgresStore::DoGetDocumentInfo(const std::string& id) {
  return impl_->Read<DocumentInfo>([&](PgConnection& db) { return QueryDocumentInfo(db, id); });
}

Result<std::string> PostgresStore::DoGetDocumentBytes(const std::string& id) {
  return impl_->Read<std::string>([&](PgConnection& db) { return QueryDocumentBytes(db, id); });
}

Result<std::optional<std::string>> PostgresStore::DoUploadedMediaType(const std::string& id,
                                                                      const std::string& user_id) {
  return impl_->Read<std::optional<std::string>>(
      [&](PgConnection& db) { return QueryUploadedMediaType(db, id, user_id); });
}

Result<std::vector<DossierSummary>> PostgresStore::DoListDossiersReferencing(const std::string& id,
                                                                             int limit) {
  return impl_->Read<std::vector<DossierSummary>>(
      [&](PgConnection& db) { return QueryDossiersReferencing(db, id, limit); });
}

Result<std::optional<PaymentRecord>> PostgresStore::DoFindPayment(
    const std::string& transaction_id) {
  return impl_->Read<std::optional<PaymentRecord>>(
      [&](PgConnection& db) { return QueryPayment(db, transaction_id); });
}

Result<std::vector<AuditRecord>> PostgresStore::DoAuditTrail(const std::string& dossier_code) {
  using List = std::vector<AuditRecord>;
  return impl_->Read<List>([&](PgConnection& db) -> Result<List> {
    Result<List> records = QueryAuditRecords(db, dossier_code);
    if (records.ok() && records->empty()) {
      return Error(ErrorCode::kNotFound, "dossier " + dossier_code + " has no events");
    }
    return records;
  });
}

Result<std::vector<StoredOutboxEntry>> PostgresStore::DoListOutbox(const OutboxQuery& query) {
  // Rows committed since the last numbering get their ids first.
  RETURN_IF_ERROR(impl_->Write([](PgConnection& db) { return NumberOutboxRows(db); }));
  return impl_->Read<std::vector<StoredOutboxEntry>>(
      [&](PgConnection& db) { return QueryOutbox(db, query); });
}

Result<std::int64_t> PostgresStore::DoOutboxPrunedThrough() {
  return impl_->Read<std::int64_t>([](PgConnection& db) { return QueryPrunedThrough(db); });
}

Result<OutboxPruned> PostgresStore::DoPruneOutbox(const OutboxPruning& pruning) {
  RETURN_IF_ERROR(impl_->Write([](PgConnection& db) { return NumberOutboxRows(db); }));
  OutboxPruned pruned;
  RETURN_IF_ERROR(impl_->Write([&](PgConnection& db) -> Status {
    ASSIGN_OR_RETURN(pruned, PruneOutboxRows(db, pruning));
    return Status();
  }));
  return pruned;
}

Result<std::vector<ReportGroup>> PostgresStore::DoAggregateReport(const ReportQuery& query) {
  return impl_->Read<std::vector<ReportGroup>>(
      [&](PgConnection& db) { return QueryReport(db, query); });
}

Result<BranchReportCounts> PostgresStore::DoAggregateBranchReport(const BranchReportQuery& query) {
  return impl_->Read<BranchReportCounts>(
      [&](PgConnection& db) { return QueryBranchReport(db, query); });
}

Result<std::vector<std::string>> PostgresStore::DoListDossiersWithoutFacts(
    const std::string& after_code, int limit) {
  return impl_->Read<std::vector<std::string>>(
      [&](PgConnection& db) { return QueryDossiersWithoutFacts(db, after_code, limit); });
}

Result<bool> PostgresStore::DoAddMissingReportFacts(const ReportFacts& facts) {
  bool written = false;
  RETURN_IF_ERROR(impl_->Write([&](PgConnection& db) {
    written = false;
    return AddMissingReportFactsRow(db, facts, written);
  }));
  return written;
}

Result<std::int64_t> PostgresStore::DoFoldReportChanges() {
  std::int64_t folded = 0;
  RETURN_IF_ERROR(impl_->Write([&](PgConnection& db) -> Status {
    ASSIGN_OR_RETURN(folded, FoldRollupChanges(db));
    return Status();
  }));
  return folded;
}

Result<std::int64_t> PostgresStore::DeliveryCursor() {
  return impl_->Read<std::int64_t>([](PgConnection& db) { return QueryDeliveryCursor(db); });
}

Status PostgresStore::RecordDelivered(std::int64_t entry_id, Instant at) {
  return impl_->Write([&](PgConnection& db) { return AdvanceDeliveryCursor(db, entry_id, at); });
}

Status PostgresStore::RecordDeadLetter(const DeadLetter& letter) {
  return impl_->Write([&](PgConnection& db) { return InsertDeadLetter(db, letter); });
}

Result<std::vector<DeadLetter>> PostgresStore::DoListDeadLetters(
    const std::optional<std::string>& agency, int limit) {
  return impl_->Read<std::vector<DeadLetter>>(
      [&](PgConnection& db) { return QueryDeadLetters(db, agency, limit); });
}

Result<std::optional<IdempotencyRecord>> PostgresStore::ReserveIdempotencyKey(
    const std::string& user_id, const std::string& key, const std::string& fingerprint, Instant at,
    Instant expire_before) {
  std::optional<IdempotencyRecord> existing;
  RETURN_IF_ERROR(impl_->Write([&](PgConnection& db) {
    existing.reset();
    return ReserveIdempotencyRow(db, user_id, key, fingerprint, at, expire_before, existing);
  }));
  return existing;
}

Status PostgresStore::CompleteIdempotencyKey(const std::string& user_id, const std::string& key,
                                             const std::string& response) {
  return impl_->Write(
      [&](PgConnection& db) { return CompleteIdempotencyRow(db, user_id, key, response); });
}

Status PostgresStore::AbandonIdempotencyKey(const std::string& user_id, const std::string& key) {
  return impl_->Write([&](PgConnection& db) { return AbandonIdempotencyRow(db, user_id, key); });
}

}  // namespace motcua
