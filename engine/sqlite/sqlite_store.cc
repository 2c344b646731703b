#include "engine/sqlite/sqlite_store.h"

#include <chrono>
#include <memory>
#include <utility>

#include "engine/crypto/sha256.h"
#include "engine/domain/dossier_code.h"
#include "engine/domain/dossier_contents.h"
#include "engine/domain/status_macros.h"
#include "engine/sqlite/daily_numbers.h"
#include "engine/sqlite/definition_tables.h"
#include "engine/sqlite/document_tables.h"
#include "engine/sqlite/dossier_tables.h"
#include "engine/sqlite/event_tables.h"
#include "engine/sqlite/history_cache.h"
#include "engine/sqlite/idempotency_tables.h"
#include "engine/sqlite/migrations.h"
#include "engine/sqlite/outbox_tables.h"
#include "engine/sqlite/payment_tables.h"
#include "engine/sqlite/report_tables.h"
#include "engine/sqlite/sqlite_connection_pool.h"

namespace motcua {
namespace {

Status CheckOptions(const SqliteStoreOptions& options) {
  std::vector<FieldError> problems;
  if (options.path.empty()) problems.push_back({"/path", "must not be empty"});
  if (options.synchronous != "full" && options.synchronous != "normal") {
    problems.push_back({"/synchronous", "must be \"full\" or \"normal\""});
  }
  if (options.max_batch < 1) problems.push_back({"/max_batch", "must be at least 1"});
  if (options.writer_cache_kib < 1) {
    problems.push_back({"/writer_cache_kib", "must be at least 1"});
  }
  if (options.reader_connections < 1) {
    problems.push_back({"/reader_connections", "must be at least 1"});
  }
  if (!problems.empty()) {
    return Error(ErrorCode::kInvalidArgument, "invalid SQLite store options", ErrorReason::kNone,
                 std::move(problems));
  }
  return Status();
}

// kShare: for readers, who share the cached history (and cache what they
// read). kTake: for a writer, who takes it out of the cache to append to
// (EventHistory::Adopt) until its commit puts the next version back.
enum class HistoryUse { kShare, kTake };

Result<Dossier> ReadDossier(SqliteConnection& db, HistoryCache& histories, const std::string& code,
                            HistoryUse use) {
  ASSIGN_OR_RETURN(Dossier dossier, QueryDossierRow(db, code));
  HistoryCache::Known known = use == HistoryUse::kTake ? histories.Take(code, dossier.version)
                                                       : histories.Find(code, dossier.version);
  if (!known) {
    ASSIGN_OR_RETURN(dossier.history, QueryHistory(db, code));
  } else if (use == HistoryUse::kTake) {
    dossier.history = EventHistory::Adopt(std::move(known.history));
  } else {
    dossier.history = EventHistory::Shared(std::move(known.history));
  }
  if (known.contents != nullptr) {
    SetContents(*known.contents, dossier);
    return dossier;
  }
  RETURN_IF_ERROR(FoldHistoryContents(dossier));
  if (use == HistoryUse::kShare) {
    histories.Put(code, dossier.version, dossier.history.shared(),
                  std::make_shared<const DossierContents>(ContentsOf(dossier)));
  }
  return dossier;
}

}  // namespace

struct SqliteStore::Impl {
  SqliteStoreOptions options;
  SystemClock system_clock;
  const Clock* clock = nullptr;
  HistoryCache histories;  // any thread
  DailyNumbers daily_numbers;  // any thread
  // What the writer thread knows of rows it wrote (the pool's writer-thread
  // state); dropped whenever its view loses rows.
  EventChainHeads chain_heads;
  KnownDocumentReferences references;
  KnownReportFacts report_facts;
  // Declared last: destroyed first, so the writer thread has stopped before
  // the state its jobs use goes away.
  std::unique_ptr<SqliteConnectionPool> pool;

  explicit Impl(const SqliteStoreOptions& store_options)
      : options(store_options),
        clock(store_options.clock != nullptr ? store_options.clock : &system_clock),
        histories(store_options.history_cache_events),
        daily_numbers([this](const std::string& agency, LocalDate date) {
          return Read<std::int64_t>(
              [&](SqliteConnection& db) { return QueryLastDossierNumber(db, agency, date); });
        }) {}

  template <typename T>
  Result<T> Read(const std::function<Result<T>(SqliteConnection&)>& read) {
    return pool->Read<T>(read);
  }
  template <typename Job>
  Status Write(Job&& job) {
    return pool->Write(std::forward<Job>(job));
  }
};

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SqliteStore::~SqliteStore() = default;

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const SqliteStoreOptions& options) {
  RETURN_IF_ERROR(CheckOptions(options));
  auto impl = std::make_unique<Impl>(options);
  Impl* raw = impl.get();
  SqliteWriterHooks hooks;
  hooks.set_up = [raw](SqliteConnection& writer) -> Status {
    RETURN_IF_ERROR(ApplyMigrations(writer, EmbeddedMigrations(), raw->clock->Now(),
                                    raw->options.migration_progress));
    return EnsureReportRollup(writer);
  };
  hooks.view_lost = [raw] {
    raw->chain_heads.Clear();
    raw->references.Clear();
    raw->report_facts.Clear();
  };
  if (StoreObserver* observer = options.observer; observer != nullptr) {
    hooks.batch_committed = [observer](std::size_t writes) { observer->BatchCommitted(writes); };
  }
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnectionPool> opened,
                   SqliteConnectionPool::Open(options, std::move(hooks)));
  impl->pool = std::move(opened);
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(impl)));
}

bool SqliteStore::DocumentIdMatches(const DocumentInfo& info, std::string_view bytes) const {
  return Sha256Hex(bytes) == info.id;
}

Result<StoredDefinition> SqliteStore::DoPublishDefinition(const std::string& procedure_code,
                                                          const nlohmann::json& document,
                                                          const std::string& document_text,
                                                          const std::string& published_by,
                                                          Instant at,
                                                          const std::string& owner_agency) {
  StoredDefinition published{procedure_code, 0,           Sha256Hex(document_text), document, at,
                             published_by,   owner_agency};
  RETURN_IF_ERROR(impl_->Write(
      [&](SqliteConnection& db) { return InsertDefinitionVersion(db, document_text, published); }));
  return published;
}

Result<StoredDefinition> SqliteStore::DoGetDefinition(const std::string& procedure_code,
                                                      std::int64_t version) {
  return impl_->Read<StoredDefinition>(
      [&](SqliteConnection& db) { return QueryDefinition(db, procedure_code, version); });
}

Result<std::int64_t> SqliteStore::DoLatestDefinitionVersion(const std::string& procedure_code) {
  return impl_->Read<std::int64_t>(
      [&](SqliteConnection& db) { return QueryLatestDefinitionVersion(db, procedure_code); });
}

Result<std::vector<StoredDefinition>> SqliteStore::DoListDefinitionVersions(
    const std::string& procedure_code) {
  return impl_->Read<std::vector<StoredDefinition>>(
      [&](SqliteConnection& db) { return QueryDefinitionVersions(db, procedure_code); });
}

Result<std::vector<StoredDefinition>> SqliteStore::DoListLatestDefinitions() {
  return impl_->Read<std::vector<StoredDefinition>>(
      [&](SqliteConnection& db) { return QueryLatestDefinitions(db); });
}

Result<std::int64_t> SqliteStore::DoNextDossierSequence(const std::string& agency, LocalDate date) {
  return impl_->daily_numbers.Next(agency, date);
}

Status SqliteStore::DoCreateDossier(const Dossier& dossier,
                                    const std::vector<std::string>& queue_roles,
                                    int national_status, const std::vector<OutboxEntry>& outbox,
                                    const std::optional<ReportFacts>& facts,
                                    const std::string& queue_agency) {
  const Instant updated = dossier.history.empty() ? impl_->clock->Now() : dossier.history.back().at;
  ASSIGN_OR_RETURN(DossierRow row, EncodeDossierRow(dossier, national_status, updated));
  ASSIGN_OR_RETURN(std::vector<StoredOutboxPayload> outbox_payloads, StoredOutboxPayloads(outbox));
  std::vector<EncodedEvent> history;
  history.reserve(dossier.history.size());
  for (const DossierEvent& event : dossier.history) {
    ASSIGN_OR_RETURN(EncodedEvent encoded, EncodeEvent(dossier.code, event));
    history.push_back(std::move(encoded));
  }
  Status created = impl_->Write([&](SqliteConnection& db) -> Status {
    RETURN_IF_ERROR(InsertDossier(db, row));
    RETURN_IF_ERROR(RecordDossierNumber(db, dossier.code));
    for (const EncodedEvent& event : history) {
      RETURN_IF_ERROR(AppendEvent(db, impl_->chain_heads, dossier.code, event));
    }
    RETURN_IF_ERROR(ReferenceDocuments(db, impl_->references, dossier));
    RETURN_IF_ERROR(ReplaceQueueEntries(db, dossier, queue_roles, queue_agency));
    if (facts) {
      RETURN_IF_ERROR(WriteReportFacts(db, impl_->report_facts, *facts));
    }
    return InsertOutbox(db, outbox, outbox_payloads, dossier.agency, updated);
  });
  if (created.ok()) {
    impl_->histories.Put(dossier.code, dossier.version, dossier.history.shared(),
                         std::make_shared<const DossierContents>(ContentsOf(dossier)));
  } else if (created.error().reason() == ErrorReason::kDossierExists) {
    // Another writer (process) stored this number: hand out later ones.
    if (Result<DossierCode> taken = ParseDossierCode(dossier.code); taken.ok()) {
      impl_->daily_numbers.Raise(taken->agency_id, taken->date, taken->sequence);
    }
  }
  return created;
}

Status SqliteStore::DoCommitTransition(const TransitionCommit& commit) {
  const Dossier& after = *commit.after;
  const Instant at = commit.LastEvent().at;
  ASSIGN_OR_RETURN(DossierRow row, EncodeDossierRow(after, commit.national_status, at));
  std::vector<EncodedEvent> events;
  events.reserve(static_cast<std::size_t>(commit.EventCount()));
  for (const DossierEvent* appended : commit.AppendedEvents()) {
    ASSIGN_OR_RETURN(EncodedEvent encoded, EncodeEvent(after.code, *appended));
    events.push_back(std::move(encoded));
  }
  ASSIGN_OR_RETURN(std::vector<StoredOutboxPayload> outbox_payloads,
                   StoredOutboxPayloads(commit.outbox));
  Status committed = impl_->Write([&](SqliteConnection& db) -> Status {
    // Before any write, so that a refused payment leaves nothing behind.
    if (commit.payment) {
      ASSIGN_OR_RETURN(bool recorded, PaymentExists(db, commit.payment->transaction_id));
      if (recorded) {
        return Error(ErrorCode::kConflict,
                     "payment " + commit.payment->transaction_id + " is already recorded",
                     ErrorReason::kDuplicatePayment);
      }
    }
    RETURN_IF_ERROR(CheckSignaturesUnused(db, impl_->references, after));
    RETURN_IF_ERROR(UpdateDossier(db, row, commit.expected_version, commit.EntersState()));
    for (const EncodedEvent& event : events) {
      RETURN_IF_ERROR(AppendEvent(db, impl_->chain_heads, after.code, event));
    }
    for (const NewDocument& document : commit.documents) {
      RETURN_IF_ERROR(InsertDocument(db, document.info, document.bytes, document.uploaded_by,
                                     commit.event->at));
    }
    if (commit.payment) {
      RETURN_IF_ERROR(InsertPayment(db, *commit.payment));
    }
    RETURN_IF_ERROR(ReplaceQueueEntries(db, after, commit.queue_roles, commit.queue_agency,
                                        commit.branch_queues));
    RETURN_IF_ERROR(ReferenceDocuments(db, impl_->references, after));
    if (commit.facts) {
      RETURN_IF_ERROR(WriteReportFacts(db, impl_->report_facts, *commit.facts));
    }
    RETURN_IF_ERROR(WriteBranchReportFacts(db, commit.branch_facts));
    return InsertOutbox(db, commit.outbox, outbox_payloads, after.agency, at);
  });
  if (committed.ok()) {
    // The cache relies on every appended event bumping the version.
    if (after.version == commit.expected_version + commit.EventCount()) {
      impl_->histories.Put(after.code, after.version, after.history.shared(),
                           std::make_shared<const DossierContents>(ContentsOf(after)));
    } else {
      impl_->histories.Forget(after.code);
    }
  }
  if (committed.ok()) TellCommittedActions(impl_->options.observer, after.procedure_code, commit);
  return committed;
}

Result<Dossier> SqliteStore::DoGetDossier(const std::string& code) {
  return impl_->Read<Dossier>([&](SqliteConnection& db) {
    return ReadDossier(db, impl_->histories, code, HistoryUse::kShare);
  });
}

Result<Dossier> SqliteStore::DoGetDossierToChange(const std::string& code) {
  return impl_->Read<Dossier>([&](SqliteConnection& db) {
    return ReadDossier(db, impl_->histories, code, HistoryUse::kTake);
  });
}

Result<std::vector<DossierSummary>> SqliteStore::DoListQueue(const QueueQuery& query) {
  return impl_->Read<std::vector<DossierSummary>>(
      [&](SqliteConnection& db) { return QueryQueue(db, query); });
}

Result<std::vector<DossierSummary>> SqliteStore::DoListByApplicant(const ApplicantQuery& query) {
  return impl_->Read<std::vector<DossierSummary>>(
      [&](SqliteConnection& db) { return QueryByApplicant(db, query); });
}

Result<std::vector<DossierSummary>> SqliteStore::DoListByAgency(const AgencyQuery& query) {
  return impl_->Read<std::vector<DossierSummary>>(
      [&](SqliteConnection& db) { return QueryByAgency(db, query); });
}

Result<std::vector<DossierSummary>> SqliteStore::DoListInState(const StateQuery& query) {
  return impl_->Read<std::vector<DossierSummary>>(
      [&](SqliteConnection& db) { return QueryInState(db, query); });
}

Result<std::vector<DossierSummary>> SqliteStore::DoListOnVersion(const VersionQuery& query) {
  return impl_->Read<std::vector<DossierSummary>>(
      [&](SqliteConnection& db) { return QueryOnVersion(db, query); });
}

Result<std::vector<QueueDepth>> SqliteStore::QueueDepths() {
  return impl_->Read<std::vector<QueueDepth>>(
      [&](SqliteConnection& db) { return QueryQueueDepths(db); });
}

Status SqliteStore::DoPutDocument(const DocumentInfo& info, std::string_view bytes,
                                  const std::string& uploaded_by, Instant at) {
  return impl_->Write(
      [&](SqliteConnection& db) { return InsertDocument(db, info, bytes, uploaded_by, at); });
}

Result<DocumentInfo> SqliteStore::DoGetDocumentInfo(const std::string& id) {
  return impl_->Read<DocumentInfo>([&](SqliteConnection& db) { return QueryDocumentInfo(db, id); });
}

Result<std::string> SqliteStore::DoGetDocumentBytes(const std::string& id) {
  return impl_->Read<std::string>([&](SqliteConnection& db) { return QueryDocumentBytes(db, id); });
}

Result<std::optional<std::string>> SqliteStore::DoUploadedMediaType(const std::string& id,
                                                                    const std::string& user_id) {
  return impl_->Read<std::optional<std::string>>(
      [&](SqliteConnection& db) { return QueryUploadedMediaType(db, id, user_id); });
}

Result<std::vector<DossierSummary>> SqliteStore::DoListDossiersReferencing(const std::string& id,
                                                                           int limit) {
  return impl_->Read<std::vector<DossierSummary>>(
      [&](SqliteConnection& db) { return QueryDossiersReferencing(db, id, limit); });
}

Result<std::optional<PaymentRecord>> SqliteStore::DoFindPayment(const std::string& transaction_id) {
  return impl_->Read<std::optional<PaymentRecord>>(
      [&](SqliteConnection& db) { return QueryPayment(db, transaction_id); });
}

Result<std::vector<AuditRecord>> SqliteStore::DoAuditTrail(const std::string& dossier_code) {
  using List = std::vector<AuditRecord>;
  return impl_->Read<List>([&](SqliteConnection& db) -> Result<List> {
    Result<List> records = QueryAuditRecords(db, dossier_code);
    if (records.ok() && records->empty()) {
      return Error(ErrorCode::kNotFound, "dossier " + dossier_code + " has no events");
    }
    return records;
  });
}

Result<std::vector<StoredOutboxEntry>> SqliteStore::DoListOutbox(const OutboxQuery& query) {
  return impl_->Read<std::vector<StoredOutboxEntry>>(
      [&](SqliteConnection& db) { return QueryOutbox(db, query); });
}

Result<std::int64_t> SqliteStore::DoOutboxPrunedThrough() {
  return impl_->Read<std::int64_t>([](SqliteConnection& db) { return QueryPrunedThrough(db); });
}

Result<OutboxPruned> SqliteStore::DoPruneOutbox(const OutboxPruning& pruning) {
  OutboxPruned pruned;
  RETURN_IF_ERROR(impl_->Write([&](SqliteConnection& db) -> Status {
    ASSIGN_OR_RETURN(pruned, PruneOutboxRows(db, pruning));
    return Status();
  }));
  return pruned;
}

Result<std::vector<ReportGroup>> SqliteStore::DoAggregateReport(const ReportQuery& query) {
  return impl_->Read<std::vector<ReportGroup>>(
      [&](SqliteConnection& db) { return QueryReport(db, query); });
}

Result<BranchReportCounts> SqliteStore::DoAggregateBranchReport(const BranchReportQuery& query) {
  return impl_->Read<BranchReportCounts>(
      [&](SqliteConnection& db) { return QueryBranchReport(db, query); });
}

Result<std::vector<std::string>> SqliteStore::DoListDossiersWithoutFacts(
    const std::string& after_code, int limit) {
  return impl_->Read<std::vector<std::string>>(
      [&](SqliteConnection& db) { return QueryDossiersWithoutFacts(db, after_code, limit); });
}

Result<bool> SqliteStore::DoAddMissingReportFacts(const ReportFacts& facts) {
  bool written = false;
  RETURN_IF_ERROR(impl_->Write([&](SqliteConnection& db) {
    return AddMissingReportFactsRow(db, impl_->report_facts, facts, written);
  }));
  return written;
}

Result<std::int64_t> SqliteStore::DeliveryCursor() {
  return impl_->Read<std::int64_t>([&](SqliteConnection& db) { return QueryDeliveryCursor(db); });
}

Status SqliteStore::RecordDelivered(std::int64_t entry_id, Instant at) {
  return impl_->Write(
      [&](SqliteConnection& db) { return AdvanceDeliveryCursor(db, entry_id, at); });
}

Status SqliteStore::RecordDeadLetter(const DeadLetter& letter) {
  return impl_->Write([&](SqliteConnection& db) { return InsertDeadLetter(db, letter); });
}

Result<std::vector<DeadLetter>> SqliteStore::DoListDeadLetters(
    const std::optional<std::string>& agency, int limit) {
  return impl_->Read<std::vector<DeadLetter>>(
      [&](SqliteConnection& db) { return QueryDeadLetters(db, agency, limit); });
}

Result<std::optional<IdempotencyRecord>> SqliteStore::ReserveIdempotencyKey(
    const std::string& user_id, const std::string& key, const std::string& fingerprint, Instant at,
    Instant expire_before) {
  std::optional<IdempotencyRecord> existing;
  Status written = impl_->Write([&](SqliteConnection& db) {
    return ReserveIdempotencyRow(db, user_id, key, fingerprint, at, expire_before, existing);
  });
  RETURN_IF_ERROR(written);
  return existing;
}

Status SqliteStore::CompleteIdempotencyKey(const std::string& user_id, const std::string& key,
                                           const std::string& response) {
  return impl_->Write(
      [&](SqliteConnection& db) { return CompleteIdempotencyRow(db, user_id, key, response); });
}

Status SqliteStore::AbandonIdempotencyKey(const std::string& user_id, const std::string& key) {
  return impl_->Write(
      [&](SqliteConnection& db) { return AbandonIdempotencyRow(db, user_id, key); });
}

}  // namespace motcua
