// postgres_store.h: the durable DossierStore on a PostgreSQL database, for
// several engine processes ("nodes") sharing it.
//
// Implements the same ports as SqliteStore (store.h, idempotency.h,
// feed_delivery.h) and passes the same contract tests
// (tests/engine/store/). Chosen by `serve --db postgresql://...`.
//
// What differs from SQLite, and why:
//  - No group-commit writer: each write is one short transaction on a
//    connection of the pool (pg_pool.h), and PostgreSQL commits concurrent
//    transactions together by itself.
//  - No in-process caches of rows, histories or chain heads: another node
//    may have written since, and every read sees what is committed.
//  - Concurrent transitions of one dossier serialize on its row (UPDATE with
//    the expected version), so the If-Match check and the chain's next link
//    happen under one lock and a chain never forks.
//  - Feed ids are handed out after commit (pg_outbox_tables.h), so that a
//    reader continuing after the last id it saw never misses a row written
//    by a slower transaction of another node.
// The schema comes from the embedded PostgreSQL migrations (pg_migrations.h),
// applied at Open under an advisory lock: nodes starting together migrate once.
//
// Example:
//   PostgresStoreOptions options;
//   options.conninfo = "postgresql://motcua@db.example/motcua?sslmode=verify-full";
//   ASSIGN_OR_RETURN(std::unique_ptr<PostgresStore> store, PostgresStore::Open(options));
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
#include "engine/storage/migration.h"
#include "engine/storage/store_observer.h"

namespace motcua {

struct PostgresStoreOptions {
  // A libpq connection URI or key=value string. The password comes from the
  // URI, PGPASSWORD or a password file (PGPASSFILE, ~/.pgpass); TLS from
  // sslmode/sslrootcert in the URI or the PGSSL* variables.
  std::string conninfo;
  std::size_t connections = 8;        // the pool's size (pg_pool.h)
  const Clock* clock = nullptr;       // for migration records; the system clock if null
  StoreObserver* observer = nullptr;  // optional; must outlive the store
  // Told before and after each migration Open applies (migration.h); optional.
  MigrationProgress migration_progress;
};

class PostgresStore final : public DossierStore, public IdempotencyStore, public FeedDeliveryStore {
 public:
  // Connects the pool and migrates the database. kUnavailable when the
  // server cannot be reached; kFailedPrecondition when the database's schema
  // is newer than this build.
  static Result<std::unique_ptr<PostgresStore>> Open(const PostgresStoreOptions& options);

  ~PostgresStore() override;
  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;

  // The depth of every non-empty queue (role x agency), for metrics.
  Result<std::vector<QueueDepth>> QueueDepths();

  // FeedDeliveryStore, for the single subscriber "webhook".
  Result<std::int64_t> DeliveryCursor() override;
  Status RecordDelivered(std::int64_t entry_id, Instant at) override;
  Status RecordDeadLetter(const DeadLetter& letter) override;

  // IdempotencyStore: keys hold across nodes (one row per user and key).
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
  Result<std::int64_t> DoFoldReportChanges() override;
  Result<std::vector<DeadLetter>> DoListDeadLetters(const std::optional<std::string>& agency,
                                                    int limit) override;

  struct Impl;
  explicit PostgresStore(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace motcua
