// store.h: the engine's port to durable storage.
//
// The engine talks to storage only through `DossierStore`. The SQLite adapter
// (engine/sqlite) is the production implementation; an in-memory fake
// (tests/fakes/memory_store.h) serves engine tests. Another database can be
// added later by implementing this interface, without touching the engine.
//
// Contract for every implementation:
//  - Every method is thread-safe. Reads see only committed data.
//  - A method that returns OK for a write has made it durable (with the
//    configured synchronous level): it survives a crash of the process.
//  - One business transition is atomic: the dossier row, its event, queue
//    index and outbox rows commit together or not at all.
//  - Events are append-only. Nothing updates or deletes an event.
//  - Optimistic concurrency: a transition whose `expected_version` is not the
//    stored version fails with kConflict and changes nothing.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/domain/calendar.h"
#include "engine/domain/clock.h"
#include "engine/domain/dossier.h"
#include "engine/domain/legal_clock.h"
#include "engine/domain/page_limit.h"
#include "engine/domain/payment.h"
#include "engine/domain/queue_placement.h"
#include "engine/domain/report_facts.h"
#include "engine/domain/report_query.h"
#include "engine/domain/status.h"

namespace motcua {

// One published version of a procedure's workflow definition. Versions of a
// procedure count from 1; `content_hash` is the SHA-256 (hex) of the
// document's canonical JSON text (nlohmann dump() with sorted keys).
struct StoredDefinition {
  std::string procedure_code;
  std::int64_t version = 0;
  std::string content_hash;
  nlohmann::json document;
  Instant published_at;
  std::string published_by;
  // Who may publish the next version: empty for a national definition
  // (national admins; every agency runs it), else the agency whose own
  // procedure (or variant of a national one, under its own code) it is.
  std::string owner_agency;
};

// A stored document: content-addressed by the SHA-256 of its bytes (hex).
struct DocumentInfo {
  std::string id;  // SHA-256 hex, 64 lowercase characters
  std::int64_t size = 0;
  std::string media_type;
};

// The check every store makes before writing document bytes (PutDocument and
// TransitionCommit::documents): `id_matches` says whether info.id is the
// SHA-256 of `bytes` (the store hashes them), and info.size must be their
// size. kInvalidArgument with a FieldError at "/id" or "/size" otherwise.
Status CheckDocumentInfo(const DocumentInfo& info, std::string_view bytes, bool id_matches);

// A signature belongs to the dossier it was made for: the refusal (kConflict,
// "signature_already_used", at "/signature") of a CMS whose SHA-256
// (`SignatureEvidence::signature_id`) dossier `other_dossier` already records.
Error SignatureAlreadyUsed(const std::string& other_dossier);

// Document bytes to store together with a transition, and who supplied them.
struct NewDocument {
  DocumentInfo info;
  std::string bytes;
  std::string uploaded_by;
};

// A row for the national-portal sync feed, written in the same transaction as
// the transition that caused it. The store files it under the dossier's
// agency (for agency-scoped readers of the feed).
struct OutboxEntry {
  std::string topic;  // e.g. "dossier.status"
  // One JSON value as text, as nlohmann's dump() writes it; stored as given
  // and read back parsed (StoredOutboxEntry::payload).
  std::string payload_json;
};

// An outbox row as stored. `id` is assigned at commit and only grows: a row
// committed later always has a larger id than every row committed before it,
// and ids are never reused (rows are never updated, and the newest row is
// never deleted). A reader that has seen every row up to id N therefore never
// misses a row by continuing after N, unless rows after N were pruned: then
// reading after N is refused (see OutboxPruning).
struct StoredOutboxEntry {
  std::int64_t id = 0;
  std::string topic;
  std::string agency;  // the agency of the dossier the row is about
  nlohmann::json payload;
  Instant created_at;  // the time of the event that wrote it
};

// Outbox rows with id > `after_sequence`, ascending by id, at most `limit`
// (kFeedPageRule, page_limit.h: refused outside 1..1000 with its error).
// `agency` set keeps only that agency's rows.
struct OutboxQuery {
  std::int64_t after_sequence = 0;
  int limit = 100;
  std::optional<std::string> agency;
};

// Feed retention: deletes the longest run of outbox rows, in id order from
// the last one pruned, that are all
//  - created before `created_before`,
//  - at or below `keep_after` when it is set (the webhook's delivery cursor:
//    rows it has not delivered stay),
//  - not the newest row (it keeps its id from being handed out again),
// at most `limit` rows (1..kMaxPruneBatch) in one transaction. Rows a dead
// letter names stay (their topic and agency are listed with it), but do not
// stop the run. Afterwards `pruned_through` is the highest id of the run:
// ListOutbox refuses `after_sequence` below it with kFailedPrecondition,
// reason kFeedPruned (HTTP 410), pointer "/after", since the rows between
// are gone. The run stops early at the first row that is young enough to
// keep, so rows written out of time order wait for the rows before them.
struct OutboxPruning {
  Instant created_before;
  std::optional<std::int64_t> keep_after;
  int limit = 2000;
};
inline constexpr int kMaxPruneBatch = 10000;

// What ListOutbox answers for a cursor below the watermark: the reader missed
// pruned rows and must re-read the dossiers it follows; it may continue the
// feed after `pruned_through`.
Error FeedPrunedError(std::int64_t after_sequence, std::int64_t pruned_through);

struct OutboxPruned {
  std::int64_t deleted = 0;         // rows deleted by this call
  std::int64_t pruned_through = 0;  // the watermark afterwards (0: nothing pruned ever)
  bool complete = true;             // false when `limit` cut the run: more may be due
};

// One event as stored, with its place in the dossier's hash chain: `hash` is
// SHA-256 over the canonical form of the event and `previous_hash` (the
// previous event of the same dossier; empty for the first).
struct AuditRecord {
  std::int64_t sequence = 0;  // global, increasing in commit order
  std::string dossier_code;
  std::int64_t index = 0;  // position in the dossier's history, from 0
  DossierEvent event;
  std::string previous_hash;
  std::string hash;
};

// A short view of a dossier for lists and queues.
struct DossierSummary {
  std::string code;
  std::string procedure_code;
  std::string applicant_id;
  std::string agency;
  std::string state;
  int national_status = 0;
  std::int64_t version = 0;
  std::optional<std::string> assignee;
  std::optional<Instant> due_at;
  Instant updated_at;
  // Queue listings only: the glance taken when the dossier was last written.
  // Empty elsewhere, and for queue entries written before the store kept
  // glances; the caller then takes it from the dossier itself.
  std::optional<QueueGlance> glance;
};

// Dossiers whose current state queues to `role` in `agency`, ordered by due
// date (no due date last), then code. Pagination: pass the last summary's
// code of the previous page as `after_code`.
struct QueueQuery {
  std::string role;
  std::string agency;
  std::optional<std::string> state;
  std::optional<std::string> procedure_code;
  std::optional<std::string> after_code;
  int limit = 50;
};

// Optional filters of dossier listings; empty members match everything.
// `received_from` and `received_to` bound the reception time, [from, to);
// a dossier not yet received matches no date bound.
struct DossierFilter {
  std::optional<std::string> state;
  std::optional<std::string> procedure_code;
  std::optional<Instant> received_from;
  std::optional<Instant> received_to;
};

// An applicant's dossiers, newest (highest code) first. Pagination: pass the
// last summary's code of the previous page as `after_code`.
struct ApplicantQuery {
  std::string applicant_id;
  std::optional<std::string> after_code;
  int limit = 50;
  DossierFilter filter;
};

// The dossiers an agency received, newest (highest code) first.
struct AgencyQuery {
  std::string agency;
  std::optional<std::string> after_code;
  int limit = 50;
  DossierFilter filter;
};

// Dossiers of one procedure in one state that entered it no later than
// `entered_before` (claims and releases do not count as entering), longest
// waiting first, then by code. The timer sweep's query.
struct StateQuery {
  std::string procedure_code;
  std::string state;
  Instant entered_before;
  int limit = 50;
  // Pagination: the previous page's last (entry time, code), both or neither.
  std::optional<Instant> after_entered;
  std::optional<std::string> after_code;
};

// Dossiers of one procedure pinned to one workflow version, by code
// ascending: what a migration of that version reads (workflow_migration.h).
// Pagination: pass the last summary's code of the previous page as
// `after_code`.
struct VersionQuery {
  std::string procedure_code;
  std::int64_t definition_version = 0;
  std::optional<std::string> after_code;
  int limit = 100;
};

// The port. Its public methods are a non-virtual front: each checks its
// arguments (the rules below, one place for every adapter) and only then
// calls the adapter's private `Do...` method, which may rely on them.
// Adapters implement the `Do...` methods and DocumentIdMatches; callers see
// only the front. Argument errors are kInvalidArgument, as listed per method.
class DossierStore {
 public:
  virtual ~DossierStore() = default;

  // Page sizes of the dossier listings (ListQueue, ListByApplicant,
  // ListByAgency, ListInState, ListOnVersion, ListDossiersReferencing,
  // ListDossiersWithoutFacts) follow kStoreReadRule (page_limit.h): below 1
  // is the page rule's kInvalidArgument "validation" at "/limit"; above
  // kMaxPageSize reads as kMaxPageSize.
  static constexpr int kMaxPageSize = kStoreReadRule.max_limit;

  // Definitions. Publishing content identical (same hash) to the latest
  // version returns that version instead of creating a new one. A new
  // version records `owner_agency` (StoredDefinition); who may publish is
  // the WorkflowCatalog's decision, not the store's. kInvalidArgument for an
  // empty `procedure_code` or a document that does not serialize.
  Result<StoredDefinition> PublishDefinition(const std::string& procedure_code,
                                             const nlohmann::json& document,
                                             const std::string& published_by, Instant at,
                                             const std::string& owner_agency = {});
  // kNotFound when absent. `version` 0 means the latest.
  Result<StoredDefinition> GetDefinition(const std::string& procedure_code,
                                         std::int64_t version = 0);
  Result<std::vector<StoredDefinition>> ListDefinitionVersions(const std::string& procedure_code);
  Result<std::vector<StoredDefinition>> ListLatestDefinitions();
  // The number of the latest version of a procedure, without its document
  // (callers that cache parsed definitions by version need only this); the
  // same kNotFound as GetDefinition(procedure_code) when it has none.
  Result<std::int64_t> LatestDefinitionVersion(const std::string& procedure_code);

  // The next daily sequence number for dossier codes of `agency` on `date`
  // (1, 2, ...). A number a stored dossier holds is never handed out again.
  // A number whose dossier was never stored may be (after a restart; never
  // twice by one store object), so that an adapter may record numbers with
  // their dossiers instead of in a commit of their own. Another writer of
  // the same database can make CreateDossier meet the code as existing
  // (kConflict "dossier_exists"); the caller then asks for a new number.
  // kInvalidArgument for an empty agency or an invalid date.
  Result<std::int64_t> NextDossierSequence(const std::string& agency, LocalDate date);

  // Stores a new dossier with its history (the creating event). kConflict if
  // the code exists. `queue_roles` are the roles whose queue shows the
  // current state (from the workflow), stored for queue queries. `outbox`
  // rows commit in the same transaction, stamped with the last event's time.
  // `facts` (report_facts.h), when given, is written as the dossier's report
  // row in the same transaction; without it the dossier has no report row.
  // `queue_agency` is the agency whose queues show the current state (the
  // state's `agency` when another agency handles it); empty: the dossier's
  // receiving agency. kInvalidArgument for an empty dossier code ("/code")
  // or facts of another dossier ("/facts/dossier_code"). The dossier's
  // contents must be what its history folds to, as for TransitionCommit.
  Status CreateDossier(const Dossier& dossier, const std::vector<std::string>& queue_roles,
                       int national_status, const std::vector<OutboxEntry>& outbox = {},
                       const std::optional<ReportFacts>& facts = std::nullopt,
                       const std::string& queue_agency = {});

  // Applies one transition atomically: `after` replaces the stored dossier
  // whose version must be `expected_version` (else kConflict), `event` (and
  // `join`, when set) is appended to the chain, the queue index follows the
  // new state and the running branches, and the outbox rows are written.
  // kNotFound for an unknown dossier. kInvalidArgument without `after` or
  // `event`, for an empty dossier code, a document whose id or size does not
  // match its bytes (CheckDocumentInfo), or facts of another dossier.
  // `after`'s contents (form, documents, result, signatures) must be what
  // its history folds to (dossier_contents.h), as StateMachine::Apply leaves
  // them: a store may keep them and hand them to later reads of that version.
  struct TransitionCommit {
    const Dossier* after = nullptr;
    std::int64_t expected_version = 0;
    const DossierEvent* event = nullptr;
    // The engine's join event (fork.h), appended to the chain after `event`
    // in the same transaction when the action ended a fork's last branch;
    // `after->version` is then expected_version + 2.
    const DossierEvent* join = nullptr;
    // Events of the engine's automatic actions that ran on the state the
    // action (and join) led to, appended after them, in order, in the same
    // transaction (e.g. the agency's seal after a leader's signature):
    // `after` is the dossier after the last of them, and `after->version`
    // expected_version + EventCount(). Never null.
    std::vector<const DossierEvent*> then;
    std::vector<std::string> queue_roles;
    // The agency whose queues show the new state, as for CreateDossier;
    // empty: the dossier's receiving agency.
    std::string queue_agency;
    // The queues the running branches of the dossier's fork stand in
    // (BranchQueueSlots): indexed with the state's, each at its own agency.
    std::vector<BranchQueueSlot> branch_queues;
    int national_status = 0;
    std::vector<OutboxEntry> outbox;
    // Documents stored in the same transaction (e.g. the DER of a signature
    // the transition records), as by PutDocument; the ids are verified.
    std::vector<NewDocument> documents;
    // Whether the commit enters the dossier's state anew, restarting its time
    // there: every event but bookkeeping (claims, releases, ...) and an
    // action of a fork's branch that did not join (the fork's state stays).
    bool EntersState() const;
    // The events the commit appends: `event`, `join` when set, and `then`.
    std::int64_t EventCount() const {
      return (join != nullptr ? 2 : 1) + static_cast<std::int64_t>(then.size());
    }
    // They, in the order they are appended.
    std::vector<const DossierEvent*> AppendedEvents() const;
    // The last of them: its time stamps the dossier's row and the outbox
    // rows (documents keep the time of `event`, the action's).
    const DossierEvent& LastEvent() const {
      return !then.empty() ? *then.back() : join != nullptr ? *join : *event;
    }

    // A payment the transition settles. A transaction id already recorded
    // makes the whole commit fail with kConflict "duplicate_payment".
    // Likewise a result signature of `after` (its signature_id) that another
    // dossier records fails it with SignatureAlreadyUsed, checked in the same
    // transaction as the write, so two dossiers racing with one CMS cannot
    // both keep it.
    std::optional<PaymentRecord> payment;
    // When set, replaces the dossier's report row (or creates it) in the
    // same transaction; when empty, the report row is left as it was.
    // `facts->dossier_code` must be the dossier's code (kInvalidArgument).
    std::optional<ReportFacts> facts;
    // When non-empty, replaces the dossier's branch report rows
    // (ComputeBranchReportFacts) in the same transaction; when empty, they
    // are left as they were. Each must name the dossier (kInvalidArgument).
    std::vector<BranchReportFacts> branch_facts;
  };
  Status CommitTransition(const TransitionCommit& commit);

  // kNotFound when absent.
  Result<Dossier> GetDossier(const std::string& code);
  // GetDossier for a caller about to commit a transition of the dossier:
  // the same dossier, whose history the store may hand over rather than
  // share with its readers (a cache's entry, taken until the commit puts the
  // next version back), so that appending to it copies nothing.
  Result<Dossier> GetDossierToChange(const std::string& code);
  // Page sizes: see kMaxPageSize.
  Result<std::vector<DossierSummary>> ListQueue(const QueueQuery& query);
  Result<std::vector<DossierSummary>> ListByApplicant(const ApplicantQuery& query);
  Result<std::vector<DossierSummary>> ListByAgency(const AgencyQuery& query);
  Result<std::vector<DossierSummary>> ListInState(const StateQuery& query);
  Result<std::vector<DossierSummary>> ListOnVersion(const VersionQuery& query);

  // Documents. The bytes are stored once; every call records `uploaded_by`
  // as one of the document's uploaders. The caller computes `info.id`; the
  // store verifies it (CheckDocumentInfo).
  Status PutDocument(const DocumentInfo& info, std::string_view bytes,
                     const std::string& uploaded_by, Instant at);
  Result<DocumentInfo> GetDocumentInfo(const std::string& id);
  Result<std::string> GetDocumentBytes(const std::string& id);
  // True when `user_id` uploaded the document (false for unknown documents).
  Result<bool> IsDocumentUploader(const std::string& id, const std::string& user_id);
  // The media type `user_id` gave when uploading the document (the latest,
  // if they uploaded it more than once); nullopt when they did not upload it.
  // Each uploader has their own: the document's GetDocumentInfo type is the
  // first uploader's.
  Result<std::optional<std::string>> UploadedMediaType(const std::string& id,
                                                       const std::string& user_id);
  // Dossiers whose documents, result or result signatures (signature_id)
  // name the document, now or at any earlier point of their history; at most
  // `limit` (see kMaxPageSize), by code. CreateDossier and CommitTransition
  // keep these references.
  Result<std::vector<DossierSummary>> ListDossiersReferencing(const std::string& id, int limit);

  // The payment recorded under `transaction_id`, if any.
  Result<std::optional<PaymentRecord>> FindPayment(const std::string& transaction_id);

  // The dossier's events with their chain links, oldest first.
  Result<std::vector<AuditRecord>> AuditTrail(const std::string& dossier_code);

  // The sync feed: committed outbox rows in id order (see StoredOutboxEntry
  // for why a reader continuing after the last id it saw never skips one).
  // `query.limit` as OutboxQuery states.
  Result<std::vector<StoredOutboxEntry>> ListOutbox(const OutboxQuery& query);
  // The retention watermark: the highest id pruned (0 when none was).
  Result<std::int64_t> OutboxPrunedThrough();
  // Deletes feed rows past their retention, as OutboxPruning states.
  // kInvalidArgument for a limit outside 1..kMaxPruneBatch.
  Result<OutboxPruned> PruneOutbox(const OutboxPruning& pruning);

  // Reports: the report rows matching `query`, counted per group as
  // CountFacts (report_query.h) defines, groups ordered by key; groups with no
  // dossier are absent. kInvalidArgument (pointer "/to") when to <= from.
  Result<std::vector<ReportGroup>> AggregateReport(const ReportQuery& query);
  // The branch rows matching `query`, counted as CountBranchFacts
  // (report_query.h) defines. kInvalidArgument (pointer "/to") when
  // to <= from.
  Result<BranchReportCounts> AggregateBranchReport(const BranchReportQuery& query);

  // Upkeep of report facts for dossiers created before they existed: codes
  // of dossiers without a facts row, after `after_code` by code, at most
  // `limit` (see kMaxPageSize).
  Result<std::vector<std::string>> ListDossiersWithoutFacts(const std::string& after_code,
                                                            int limit);
  // Writes `facts` as its dossier's row only if the dossier exists and has no
  // row yet, so that facts computed from an older version never replace
  // those a transition wrote meanwhile. True when written.
  Result<bool> AddMissingReportFacts(const ReportFacts& facts);
  // Upkeep of the pre-summed report counts, for stores whose writes append
  // changes to them instead of updating shared rows (PostgreSQL): folds the
  // changes committed so far into the counts, and returns how many it
  // folded. Reports answer the same before and after. Safe to run on several
  // nodes at once. Zero where writes update the counts directly.
  Result<std::int64_t> FoldReportChanges();

 protected:
  // Whether `info.id` names `bytes` (the adapter's hash; the domain has no
  // SHA-256). The front turns a mismatch into CheckDocumentInfo's error.
  virtual bool DocumentIdMatches(const DocumentInfo& info, std::string_view bytes) const = 0;

 private:
  // The adapter's side of each public method above, called only with
  // arguments that passed the front's checks. In particular: page limits are
  // 1..kMaxPageSize, `commit.after` and `commit.event` are set, dossier codes
  // are non-empty, facts name their dossier, document ids match their bytes.
  // DoPublishDefinition also receives `document.dump()` as `document_text`.
  virtual Result<StoredDefinition> DoPublishDefinition(const std::string& procedure_code,
                                                       const nlohmann::json& document,
                                                       const std::string& document_text,
                                                       const std::string& published_by, Instant at,
                                                       const std::string& owner_agency) = 0;
  virtual Result<StoredDefinition> DoGetDefinition(const std::string& procedure_code,
                                                   std::int64_t version) = 0;
  virtual Result<std::vector<StoredDefinition>> DoListDefinitionVersions(
      const std::string& procedure_code) = 0;
  virtual Result<std::vector<StoredDefinition>> DoListLatestDefinitions() = 0;
  // The default reads the whole latest definition; a store may do it cheaper.
  virtual Result<std::int64_t> DoLatestDefinitionVersion(const std::string& procedure_code);
  virtual Result<std::int64_t> DoNextDossierSequence(const std::string& agency, LocalDate date) = 0;
  virtual Status DoCreateDossier(const Dossier& dossier,
                                 const std::vector<std::string>& queue_roles, int national_status,
                                 const std::vector<OutboxEntry>& outbox,
                                 const std::optional<ReportFacts>& facts,
                                 const std::string& queue_agency) = 0;
  virtual Status DoCommitTransition(const TransitionCommit& commit) = 0;
  virtual Result<Dossier> DoGetDossier(const std::string& code) = 0;
  // The default is DoGetDossier.
  virtual Result<Dossier> DoGetDossierToChange(const std::string& code);
  virtual Result<std::vector<DossierSummary>> DoListQueue(const QueueQuery& query) = 0;
  virtual Result<std::vector<DossierSummary>> DoListByApplicant(const ApplicantQuery& query) = 0;
  virtual Result<std::vector<DossierSummary>> DoListByAgency(const AgencyQuery& query) = 0;
  virtual Result<std::vector<DossierSummary>> DoListInState(const StateQuery& query) = 0;
  virtual Result<std::vector<DossierSummary>> DoListOnVersion(const VersionQuery& query) = 0;
  virtual Status DoPutDocument(const DocumentInfo& info, std::string_view bytes,
                               const std::string& uploaded_by, Instant at) = 0;
  virtual Result<DocumentInfo> DoGetDocumentInfo(const std::string& id) = 0;
  virtual Result<std::string> DoGetDocumentBytes(const std::string& id) = 0;
  virtual Result<std::optional<std::string>> DoUploadedMediaType(const std::string& id,
                                                                 const std::string& user_id) = 0;
  virtual Result<std::vector<DossierSummary>> DoListDossiersReferencing(const std::string& id,
                                                                        int limit) = 0;
  virtual Result<std::optional<PaymentRecord>> DoFindPayment(const std::string& transaction_id) = 0;
  virtual Result<std::vector<AuditRecord>> DoAuditTrail(const std::string& dossier_code) = 0;
  virtual Result<std::vector<StoredOutboxEntry>> DoListOutbox(const OutboxQuery& query) = 0;
  virtual Result<OutboxPruned> DoPruneOutbox(const OutboxPruning& pruning) = 0;
  virtual Result<std::int64_t> DoOutboxPrunedThrough() = 0;
  virtual Result<std::vector<ReportGroup>> DoAggregateReport(const ReportQuery& query) = 0;
  virtual Result<BranchReportCounts> DoAggregateBranchReport(const BranchReportQuery& query) = 0;
  virtual Result<std::vector<std::string>> DoListDossiersWithoutFacts(const std::string& after_code,
                                                                      int limit) = 0;
  virtual Result<bool> DoAddMissingReportFacts(const ReportFacts& facts) = 0;
  virtual Result<std::int64_t> DoFoldReportChanges();

  Status CheckDocument(const DocumentInfo& info, std::string_view bytes) const;
};

// The documents `dossier` references, by which ListDossiersReferencing finds
// it: its documents, its result, each branch's sub-result (fork.h, read
// from its history) and the DER of each result signature (signature_id).
// Every adapter records these on CreateDossier and CommitTransition.
std::vector<std::string> ReferencedDocumentIds(const Dossier& dossier);

}  // namespace motcua
