// memory_store.h: an in-memory DossierStore for engine and API tests.
//
// Same contract as store.h and the same observable behaviour as the SQLite
// store (versions, conflicts, ordering, pagination, error codes), checked by
// tests/engine/store/store_contract_test.cc, but nothing survives the
// process. Thread-safe: one mutex guards everything.
//
// Hashes: this fake links only the domain core, which has no SHA-256. It
// computes no hashes itself. Audit records carry empty `previous_hash` and
// `hash` (no chain). Definition content hashes and document ids are checked
// only when a `content_hash` function is given (tests pass Sha256Hex from
// engine/crypto); without one `content_hash` stays empty, identical content
// is still recognised by its JSON text, and a document id is only checked to
// look like a SHA-256 hex digest (IsDocumentId).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/feed_delivery.h"
#include "engine/domain/idempotency.h"
#include "engine/domain/store.h"

namespace motcua {

class MemoryStore final : public DossierStore, public IdempotencyStore, public FeedDeliveryStore {
 public:
  using ContentHash = std::function<std::string(std::string_view)>;

  // `clock` (may be null) stamps dossiers created without history.
  explicit MemoryStore(const Clock* clock = nullptr, ContentHash content_hash = {});

  Result<std::int64_t> DeliveryCursor() override;
  Status RecordDelivered(std::int64_t entry_id, Instant at) override;
  Status RecordDeadLetter(const DeadLetter& letter) override;

  Result<std::optional<IdempotencyRecord>> ReserveIdempotencyKey(const std::string& user_id,
                                                                 const std::string& key,
                                                                 const std::string& fingerprint,
                                                                 Instant at,
                                                                 Instant expire_before) override;
  Status CompleteIdempotencyKey(const std::string& user_id, const std::string& key,
                                const std::string& response) override;
  Status AbandonIdempotencyKey(const std::string& user_id, const std::string& key) override;

  // Outbox rows written so far, oldest first (for tests of the sync feed).
  std::vector<OutboxEntry> Outbox() const;

  // Queue listings carry each dossier's QueueGlance unless switched off, as
  // the SQLite store's entries written before migration 0016 do not.
  void KeepQueueGlances(bool keep) { keep_queue_glances_ = keep; }

  // Runs `hook` once, at the start of the next CommitTransition, before that
  // commit looks at the stored dossier: a concurrent writer that gets in
  // first (the hook may commit itself). For tests of lost races.
  void BeforeNextCommit(std::function<void()> hook) {
    std::lock_guard lock(mutex_);
    before_next_commit_ = std::move(hook);
  }

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
  Result<std::vector<DeadLetter>> DoListDeadLetters(const std::optional<std::string>& agency,
                                                    int limit) override;

  struct StoredDossier {
    Dossier dossier;
    std::vector<std::string> queue_roles;
    int national_status = 0;
    Instant updated_at;
    Instant state_entered_at;
    std::string queue_agency;  // empty: the dossier's agency
    std::vector<BranchQueueSlot> branch_queues;
  };
  struct StoredDocument {
    DocumentInfo info;
    std::string bytes;
  };

  static DossierSummary SummaryOf(const StoredDossier& stored);
  void AppendEventLocked(const std::string& code, const DossierEvent& event);
  void ReferenceDocumentsLocked(const Dossier& dossier);
  // Ids count 1, 2, ... in commit order, like the SQLite rowid.
  void AppendOutboxLocked(const std::vector<OutboxEntry>& outbox, const std::string& agency,
                          Instant at);
  // Summaries of the dossiers `keep` accepts, newest (highest code) first.
  std::vector<DossierSummary> ListNewestLocked(
      const std::optional<std::string>& after_code, int limit, const DossierFilter& filter,
      const std::function<bool(const Dossier&)>& keep) const;

  const Clock* clock_;
  ContentHash content_hash_;
  std::atomic<bool> keep_queue_glances_{true};
  mutable std::mutex mutex_;
  std::function<void()> before_next_commit_;                          // guarded by mutex_
  std::map<std::string, std::vector<StoredDefinition>> definitions_;  // by procedure, by version
  std::map<std::string, std::string> definition_texts_;               // "code\nversion" -> dump()
  std::map<std::pair<std::string, std::string>, std::int64_t> sequences_;  // (agency, day)
  std::map<std::string, StoredDossier> dossiers_;
  std::map<std::string, std::vector<AuditRecord>> events_;
  std::int64_t last_sequence_ = 0;
  std::map<std::string, StoredDocument> documents_;
  std::map<std::int64_t, StoredOutboxEntry> outbox_;  // by id
  std::int64_t last_outbox_id_ = 0;                   // never handed out again
  std::int64_t outbox_pruned_through_ = 0;
  std::int64_t delivery_cursor_ = 0;
  std::map<std::int64_t, DeadLetter> dead_letters_;
  std::map<std::pair<std::string, std::string>, std::string> uploads_;  // (document, user) -> type
  std::map<std::string, PaymentRecord> payments_;                       // by transaction id
  std::map<std::string, std::set<std::string>> references_;             // document -> dossier codes
  std::map<std::pair<std::string, std::string>, IdempotencyRecord> idempotency_;  // (user, key)
  std::map<std::string, ReportFacts> report_facts_;                               // by dossier code
  std::map<std::string, std::vector<BranchReportFacts>> branch_facts_;            // by dossier code
};

}  // namespace motcua
