// sqlite_store.h: the durable DossierStore on one SQLite database file.
//
// The production implementation of store.h. The database runs in WAL mode
// with foreign keys on; its schema comes from the embedded migrations
// (migrations.h), applied at Open.
//
// Threading: every method is thread-safe. All writes (PublishDefinition,
// CreateDossier, CommitTransition, PutDocument, the feed cursor, idempotency
// keys) go to one writer thread that commits them in groups; a write that
// returned OK is durable at the configured synchronous level. Daily dossier
// numbers are handed out from memory and reach the disk with their dossiers
// (daily_numbers.h). Reads use a pool of read-only connections and see only committed
// data. Both are sqlite_connection_pool.h, whose contract applies.
//
// Layout: this class only composes. Arguments are checked by the ports'
// fronts (store.h, feed_delivery.h); each group of tables owns its SQL in
// its own unit (definition_tables.h, dossier_tables.h with event_tables.h,
// document_tables.h, outbox_tables.h, idempotency_tables.h,
// payment_tables.h, report_tables.h); a write that spans groups (a
// transition) is one write job here, so it commits atomically.
//
// Example:
//   SqliteStoreOptions options;
//   options.path = "/var/lib/motcua/motcua.db";
//   options.clock = &clock;
//   ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> store, SqliteStore::Open(options));
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/feed_delivery.h"
#include "engine/domain/idempotency.h"
#include "engine/domain/status.h"
#include "engine/domain/store.h"
#include "engine/sqlite/sqlite_connection_pool.h"
#include "engine/storage/migration.h"
#include "engine/storage/store_observer.h"

namespace motcua {

// The database and its connections (SqliteConnectionOptions: path,
// synchronous, max_batch, reader_connections, busy_timeout_ms,
// writer_cache_kib), and what the store adds.
struct SqliteStoreOptions : SqliteConnectionOptions {
  // Decoded dossier histories kept in memory (history_cache.h), in events:
  // GetDossier then reads only the dossier's row. 0 turns the cache off.
  std::size_t history_cache_events = 32 * 1024;
  const Clock* clock = nullptr;             // for migration records; the system clock if null
  StoreObserver* observer = nullptr;        // optional; must outlive the store
  // Told before and after each migration Open applies (migration.h); optional.
  MigrationProgress migration_progress;
};

class SqliteStore final : public DossierStore, public IdempotencyStore, public FeedDeliveryStore {
 public:
  // Opens (creating if needed) and migrates the database. kInvalidArgument for
  // bad options; kFailedPrecondition when the database's schema is newer than
  // this build; kInternal/kUnavailable when SQLite fails.
  static Result<std::unique_ptr<SqliteStore>> Open(const SqliteStoreOptions& options);

  // Finishes every queued write, then closes all connections.
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  // FeedDeliveryStore, for the single subscriber "webhook"; writes go
  // through the group-commit writer.
  Result<std::int64_t> DeliveryCursor() override;
  Status RecordDelivered(std::int64_t entry_id, Instant at) override;
  Status RecordDeadLetter(const DeadLetter& letter) override;

  // The depth of every non-empty queue (role x agency), for metrics.
  Result<std::vector<QueueDepth>> QueueDepths();

  // IdempotencyStore. Reservations go through the same group-commit writer;
  // each Reserve also purges a few expired keys.
  Result<std::optional<IdempotencyRecord>> ReserveIdempotencyKey(const std::string& user_id,
                                                                 const std::string& key,
                                                                 const std::string& fingerprint,
                                                                 Instant at,
                                                                 Instant expire_before) override;
  Status CompleteIdempotencyKey(const std::string& user_id, const std::string& key,
                                const std::string& response) override;
  Status AbandonIdempotencyKey(const std::string& user_id, const std::string& key) override;

 private:
  bool DocumentIdMatches(const DocumentInfo& info, std::string_view bytes) const override;
  Result<StoredDefinition> DoPublishDefinition(const std::string& procedure_code,
                                               const nlohmann::json& document,
                                               const std::string& document_text,
                                               const std::string& published_by, Instant at,
                                               const std::string& owner_agency) override;
  Result<StoredDefinition> DoGetDefinition(const std::string& procedure_code,
                                           std::int64_t version) override;
  Result<std::vector<StoredDefinition>> DoListDefinitionVersions(
      const std::string& procedure_code) override;
  Result<std::vector<StoredDefinition>> DoListLatestDefinitions() override;
  Result<std::int64_t> DoLatestDefinitionVersion(const std::string& procedure_code) override;
  Result<std::int64_t> DoNextDossierSequence(const std::string& agency, LocalDate date) override;
  Status DoCreateDossier(const Dossier& dossier, const std::vector<std::string>& queue_roles,
                         int national_status, const std::vector<OutboxEntry>& outbox,
                         const std::optional<ReportFacts>& facts,
                         const std::string& queue_agency) override;
  Status DoCommitTransition(const TransitionCommit& commit) override;
  Result<Dossier> DoGetDossier(const std::string& code) override;
  // Takes the history out of the cache rather than sharing it; the commit
  // of the next version puts it back.
  Result<Dossier> DoGetDossierToChange(const std::string& code) override;
  Result<std::vector<DossierSummary>> DoListQueue(const QueueQuery& query) override;
  Result<std::vector<DossierSummary>> DoListByApplicant(const ApplicantQuery& query) override;
  Result<std::vector<DossierSummary>> DoListByAgency(const AgencyQuery& query) override;
  Result<std::vector<DossierSummary>> DoListInState(const StateQuery& query) override;
  Result<std::vector<DossierSummary>> DoListOnVersion(const VersionQuery& query) override;
  Status DoPutDocument(const DocumentInfo& info, std::string_view bytes,
                       const std::string& uploaded_by, Instant at) override;
  Result<DocumentInfo> DoGetDocumentInfo(const std::string& id) override;
  Result<std::string> DoGetDocumentBytes(const std::string& id) override;
  Result<std::optional<std::string>> DoUploadedMediaType(const std::string& id,
                                                         const std::string& user_id) override;
  Result<std::vector<DossierSummary>> DoListDossiersReferencing(const std::string& id,
                                                                int limit) override;
  Result<std::optional<PaymentRecord>> DoFindPayment(const std::string& transaction_id) override;
  Result<std::vector<AuditRecord>> DoAuditTrail(const std::string& dossier_code) override;
  Result<std::vector<StoredOutboxEntry>> DoListOutbox(const OutboxQuery& query) override;
  Result<OutboxPruned> DoPruneOutbox(const OutboxPruning& pruning) override;
  Result<std::int64_t> DoOutboxPrunedThrough() override;
  Result<std::vector<ReportGroup>> DoAggregateReport(const ReportQuery& query) override;
  Result<BranchReportCounts> DoAggregateBranchReport(const BranchReportQuery& query) override;
  Result<std::vector<std::string>> DoListDossiersWithoutFacts(const std::string& after_code,
                                                              int limit) override;
  Result<bool> DoAddMissingReportFacts(const ReportFacts& facts) override;
  Result<std::vector<DeadLetter>> DoListDeadLetters(const std::optional<std::string>& agency,
                                                    int limit) override;

  struct Impl;
  explicit SqliteStore(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace motcua
