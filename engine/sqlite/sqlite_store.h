// sqlite_store.h: the durable DossierStore on one SQLite database file.
//
// The production implementation of store.h. The database runs in WAL mode
// with foreign keys on; its schema comes from the embedded migrations
// (migrations.h), applied at Open.
//
// Threading: every method is thread-safe. All writes (PublishDefinition,
// NextDossierSequence, CreateDossier, CommitTransition, PutDocument) go to one
// writer thread through a queue. The writer takes up to `max_batch` pending
// writes, opens one transaction (BEGIN IMMEDIATE), runs them (a write that
// fails gets its own error and the others still commit; one that fails after
// changing rows makes the writer replay the batch with a savepoint per
// write), commits, and only then answers every waiting caller. A write that returned OK is
// therefore durable at the configured synchronous level. Reads use a pool of read-only connections,
// one per thread at a time, and see only committed data.
//
// Example:
//   SqliteStoreOptions options;
//   options.path = "/var/lib/motcua/motcua.db";
//   options.clock = &clock;
//   Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(options);
//   if (!store.ok()) return store.error();
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

namespace motcua {

// Told about commits, for metrics. BatchCommitted runs on the writer thread
// after each successful COMMIT; TransitionCommitted on the caller's thread
// after CommitTransition succeeded. Both run with no store lock held and must
// be cheap and thread-safe.
class SqliteStoreObserver {
 public:
  virtual ~SqliteStoreObserver() = default;
  virtual void BatchCommitted(std::size_t writes) = 0;
  virtual void TransitionCommitted(const std::string& procedure_code,
                                   const std::string& action) = 0;
};

// How many dossiers wait in one queue.
struct QueueDepth {
  std::string role;
  std::string agency;
  std::int64_t dossiers = 0;
};

struct SqliteStoreOptions {
  std::string path;                  // the database file; created if absent
  std::string synchronous = "full";  // "full" (durable on power loss) or "normal"
  int max_batch = 256;               // writes per transaction, at most
  int reader_connections = 4;        // size of the read-only pool
  int busy_timeout_ms = 5000;        // wait this long for another process's lock
  // Page cache of the writer connection, in KiB. SQLite's default (2 MiB)
  // makes a writer on a multi-GB database miss on most index pages.
  int writer_cache_kib = 64 * 1024;
  // Decoded dossier histories kept in memory (history_cache.h), in events:
  // GetDossier then reads only the dossier's row. 0 turns the cache off.
  std::size_t history_cache_events = 32 * 1024;
  const Clock* clock = nullptr;             // for migration records; the system clock if null
  SqliteStoreObserver* observer = nullptr;  // optional; must outlive the store
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

  Result<StoredDefinition> PublishDefinition(const std::string& procedure_code,
                                             const nlohmann::json& document,
                                             const std::string& published_by, Instant at,
                                             const std::string& owner_agency = {}) override;
  Result<StoredDefinition> GetDefinition(const std::string& procedure_code,
                                         std::int64_t version = 0) override;
  Result<std::vector<StoredDefinition>> ListDefinitionVersions(
      const std::string& procedure_code) override;
  Result<std::vector<StoredDefinition>> ListLatestDefinitions() override;
  Result<std::int64_t> LatestDefinitionVersion(const std::string& procedure_code) override;
  Result<std::int64_t> NextDossierSequence(const std::string& agency, LocalDate date) override;
  Status CreateDossier(const Dossier& dossier, const std::vector<std::string>& queue_roles,
                       int national_status, const std::vector<OutboxEntry>& outbox = {},
                       const std::optional<ReportFacts>& facts = std::nullopt,
                       const std::string& queue_agency = {}) override;
  Status CommitTransition(const TransitionCommit& commit) override;
  Result<Dossier> GetDossier(const std::string& code) override;
  Result<std::vector<DossierSummary>> ListQueue(const QueueQuery& query) override;
  Result<std::vector<DossierSummary>> ListByApplicant(const ApplicantQuery& query) override;
  Result<std::vector<DossierSummary>> ListByAgency(const AgencyQuery& query) override;
  Result<std::vector<DossierSummary>> ListInState(const StateQuery& query) override;
  Status PutDocument(const DocumentInfo& info, std::string_view bytes,
                     const std::string& uploaded_by, Instant at) override;
  Result<DocumentInfo> GetDocumentInfo(const std::string& id) override;
  Result<std::string> GetDocumentBytes(const std::string& id) override;
  Result<bool> IsDocumentUploader(const std::string& id, const std::string& user_id) override;
  Result<std::vector<DossierSummary>> ListDossiersReferencing(const std::string& id,
                                                              int limit) override;
  Result<std::optional<PaymentRecord>> FindPayment(const std::string& transaction_id) override;
  Result<std::vector<AuditRecord>> AuditTrail(const std::string& dossier_code) override;
  Result<std::vector<StoredOutboxEntry>> ListOutbox(const OutboxQuery& query) override;
  Result<std::vector<ReportGroup>> AggregateReport(const ReportQuery& query) override;
  Result<std::vector<std::string>> ListDossiersWithoutFacts(const std::string& after_code,
                                                            int limit) override;
  Result<bool> AddMissingReportFacts(const ReportFacts& facts) override;

  // FeedDeliveryStore, for the single subscriber "webhook"; writes go
  // through the group-commit writer.
  Result<std::int64_t> DeliveryCursor() override;
  Status RecordDelivered(std::int64_t entry_id, Instant at) override;
  Status RecordDeadLetter(const DeadLetter& letter) override;
  Result<std::vector<DeadLetter>> ListDeadLetters(const std::optional<std::string>& agency,
                                                  int limit) override;

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
  struct Impl;
  explicit SqliteStore(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace motcua
