#include "tests/fakes/memory_store.h"

#include <algorithm>
#include <limits>
#include <set>
#include <tuple>

namespace motcua {
namespace {

constexpr std::int64_t kNoDueDate = std::numeric_limits<std::int64_t>::max();

std::int64_t DueKey(const Dossier& dossier) {
  return dossier.clock.due_at ? dossier.clock.due_at->time_since_epoch().count() : kNoDueDate;
}

std::vector<std::string> Deduplicated(const std::vector<std::string>& roles) {
  std::vector<std::string> unique;
  for (const std::string& role : roles) {
    if (std::find(unique.begin(), unique.end(), role) == unique.end()) unique.push_back(role);
  }
  return unique;
}

std::string DefinitionKey(const std::string& code, std::int64_t version) {
  return code + "\n" + std::to_string(version);
}

}  // namespace

MemoryStore::MemoryStore(const Clock* clock, ContentHash content_hash)
    : clock_(clock), content_hash_(std::move(content_hash)) {}

Result<StoredDefinition> MemoryStore::DoPublishDefinition(
    const std::string& procedure_code, const nlohmann::json& document, const std::string& text,
    const std::string& published_by, Instant at, const std::string& owner_agency) {
  std::lock_guard lock(mutex_);
  std::vector<StoredDefinition>& versions = definitions_[procedure_code];
  if (!versions.empty() &&
      definition_texts_[DefinitionKey(procedure_code, versions.back().version)] == text) {
    return versions.back();
  }
  StoredDefinition definition{procedure_code,
                              static_cast<std::int64_t>(versions.size()) + 1,
                              content_hash_ ? content_hash_(text) : std::string(),
                              document,
                              at,
                              published_by,
                              owner_agency};
  definition_texts_[DefinitionKey(procedure_code, definition.version)] = text;
  versions.push_back(definition);
  return definition;
}

Result<StoredDefinition> MemoryStore::DoGetDefinition(const std::string& procedure_code,
                                                      std::int64_t version) {
  std::lock_guard lock(mutex_);
  auto found = definitions_.find(procedure_code);
  if (found != definitions_.end() && !found->second.empty()) {
    if (version == 0) return found->second.back();
    if (version > 0 && version <= static_cast<std::int64_t>(found->second.size())) {
      return found->second[static_cast<std::size_t>(version - 1)];
    }
  }
  return Error(ErrorCode::kNotFound,
               "procedure " + procedure_code + " has no published definition" +
                   (version == 0 ? std::string() : " version " + std::to_string(version)));
}

Result<std::vector<StoredDefinition>> MemoryStore::DoListDefinitionVersions(
    const std::string& procedure_code) {
  std::lock_guard lock(mutex_);
  auto found = definitions_.find(procedure_code);
  if (found == definitions_.end()) return std::vector<StoredDefinition>{};
  return found->second;
}

Result<std::vector<StoredDefinition>> MemoryStore::DoListLatestDefinitions() {
  std::lock_guard lock(mutex_);
  std::vector<StoredDefinition> latest;
  for (const auto& [code, versions] : definitions_) {
    if (!versions.empty()) latest.push_back(versions.back());
  }
  return latest;
}

Result<std::int64_t> MemoryStore::DoNextDossierSequence(const std::string& agency, LocalDate date) {
  const std::string day = std::to_string(static_cast<int>(date.year())) + "-" +
                          std::to_string(static_cast<unsigned>(date.month())) + "-" +
                          std::to_string(static_cast<unsigned>(date.day()));
  std::lock_guard lock(mutex_);
  return ++sequences_[{agency, day}];
}

void MemoryStore::ReferenceDocumentsLocked(const Dossier& dossier) {
  for (const std::string& id : ReferencedDocumentIds(dossier)) references_[id].insert(dossier.code);
}

bool MemoryStore::DocumentIdMatches(const DocumentInfo& info, std::string_view bytes) const {
  return content_hash_ ? content_hash_(bytes) == info.id : IsDocumentId(info.id);
}

void MemoryStore::AppendEventLocked(const std::string& code, const DossierEvent& event) {
  std::vector<AuditRecord>& chain = events_[code];
  AuditRecord record;
  record.sequence = ++last_sequence_;
  record.dossier_code = code;
  record.index = static_cast<std::int64_t>(chain.size());
  record.event = event;
  chain.push_back(std::move(record));
}

Status MemoryStore::DoCreateDossier(const Dossier& dossier,
                                    const std::vector<std::string>& queue_roles,
                                    int national_status, const std::vector<OutboxEntry>& outbox,
                                    const std::optional<ReportFacts>& facts,
                                    const std::string& queue_agency) {
  std::lock_guard lock(mutex_);
  if (dossiers_.count(dossier.code) != 0) {
    return Error(ErrorCode::kConflict, "dossier " + dossier.code + " already exists",
                 ErrorReason::kDossierExists);
  }
  StoredDossier stored{
      dossier, Deduplicated(queue_roles), national_status, Instant{}, Instant{}, queue_agency, {}};
  stored.updated_at = !dossier.history.empty() ? dossier.history.back().at
                      : clock_ != nullptr      ? clock_->Now()
                                               : Instant{};
  stored.state_entered_at = stored.updated_at;
  for (const DossierEvent& event : dossier.history) AppendEventLocked(dossier.code, event);
  ReferenceDocumentsLocked(dossier);
  AppendOutboxLocked(outbox, dossier.agency, stored.updated_at);
  if (facts) report_facts_[dossier.code] = *facts;
  dossiers_.emplace(dossier.code, std::move(stored));
  return Status();
}

Status MemoryStore::DoCommitTransition(const TransitionCommit& commit) {
  std::function<void()> hook;
  {
    std::lock_guard lock(mutex_);
    hook = std::exchange(before_next_commit_, nullptr);
  }
  if (hook) hook();
  const Dossier& after = *commit.after;
  std::lock_guard lock(mutex_);
  auto found = dossiers_.find(after.code);
  if (found == dossiers_.end()) {
    return Error(ErrorCode::kNotFound, "dossier " + after.code + " does not exist");
  }
  StoredDossier& stored = found->second;
  if (commit.payment && payments_.count(commit.payment->transaction_id) != 0) {
    return Error(ErrorCode::kConflict,
                 "payment " + commit.payment->transaction_id + " is already recorded",
                 ErrorReason::kDuplicatePayment);
  }
  for (const SignatureEvidence& signature : after.result_signatures) {
    auto referencing = references_.find(signature.signature_id);
    if (signature.signature_id.empty() || referencing == references_.end()) continue;
    for (const std::string& code : referencing->second) {
      if (code != after.code) return SignatureAlreadyUsed(code);
    }
  }
  if (stored.dossier.version != commit.expected_version) {
    return Error(ErrorCode::kConflict,
                 "dossier " + after.code + " is at version " +
                     std::to_string(stored.dossier.version) + ", not " +
                     std::to_string(commit.expected_version),
                 ErrorReason::kStaleVersion);
  }
  // Like the SQLite store, the history is the stored event log, not whatever
  // `after.history` holds.
  std::vector<DossierEvent> history = std::move(stored.dossier.history);
  for (const DossierEvent* appended : commit.AppendedEvents()) history.push_back(*appended);
  stored.dossier = after;
  stored.dossier.history = std::move(history);
  stored.queue_roles = Deduplicated(commit.queue_roles);
  stored.queue_agency = commit.queue_agency;
  stored.branch_queues = commit.branch_queues;
  stored.national_status = commit.national_status;
  stored.updated_at = commit.LastEvent().at;
  if (commit.EntersState()) stored.state_entered_at = commit.LastEvent().at;
  for (const DossierEvent* appended : commit.AppendedEvents()) {
    AppendEventLocked(after.code, *appended);
  }
  for (const NewDocument& document : commit.documents) {
    documents_.try_emplace(document.info.id, StoredDocument{document.info, document.bytes});
    uploads_[{document.info.id, document.uploaded_by}] = document.info.media_type;
  }
  if (commit.payment) payments_.emplace(commit.payment->transaction_id, *commit.payment);
  ReferenceDocumentsLocked(after);
  AppendOutboxLocked(commit.outbox, after.agency, commit.LastEvent().at);
  if (commit.facts) report_facts_[after.code] = *commit.facts;
  if (!commit.branch_facts.empty()) branch_facts_[after.code] = commit.branch_facts;
  return Status();
}

Result<BranchReportCounts> MemoryStore::DoAggregateBranchReport(const BranchReportQuery& query) {
  std::lock_guard lock(mutex_);
  BranchReportCounts counts;
  for (const auto& [code, rows] : branch_facts_) {
    for (const BranchReportFacts& facts : rows) {
      if (MatchesBranchReportQuery(facts, query)) CountBranchFacts(facts, query.now, counts);
    }
  }
  return counts;
}

Result<std::vector<ReportGroup>> MemoryStore::DoAggregateReport(const ReportQuery& query) {
  std::lock_guard lock(mutex_);
  std::map<std::string, ReportCounts> groups;
  for (const auto& [code, facts] : report_facts_) {
    if (!MatchesReportQuery(facts, query)) continue;
    CountFacts(facts, query.now, groups[ReportGroupKey(facts, query.group_by)]);
  }
  std::vector<ReportGroup> result;
  for (auto& [key, counts] : groups) result.push_back(ReportGroup{key, counts});
  return result;
}

Result<std::vector<std::string>> MemoryStore::DoListDossiersWithoutFacts(
    const std::string& after_code, int limit) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> codes;
  for (auto it = dossiers_.upper_bound(after_code);
       it != dossiers_.end() && static_cast<int>(codes.size()) < limit; ++it) {
    if (report_facts_.count(it->first) == 0) codes.push_back(it->first);
  }
  return codes;
}

Result<bool> MemoryStore::DoAddMissingReportFacts(const ReportFacts& facts) {
  std::lock_guard lock(mutex_);
  if (dossiers_.count(facts.dossier_code) == 0) {
    return Error(ErrorCode::kNotFound, "dossier " + facts.dossier_code + " does not exist");
  }
  return report_facts_.emplace(facts.dossier_code, facts).second;
}

Result<Dossier> MemoryStore::DoGetDossier(const std::string& code) {
  std::lock_guard lock(mutex_);
  auto found = dossiers_.find(code);
  if (found == dossiers_.end()) {
    return Error(ErrorCode::kNotFound, "dossier " + code + " does not exist");
  }
  return found->second.dossier;
}

DossierSummary MemoryStore::SummaryOf(const StoredDossier& stored) {
  const Dossier& d = stored.dossier;
  return DossierSummary{d.code,         d.procedure_code,       d.applicant_id, d.agency,
                        d.state,        stored.national_status, d.version,      d.assignee,
                        d.clock.due_at, stored.updated_at,      std::nullopt};
}

Result<std::vector<DossierSummary>> MemoryStore::DoListQueue(const QueueQuery& query) {
  std::lock_guard lock(mutex_);
  std::tuple<std::int64_t, std::string> after{std::numeric_limits<std::int64_t>::min(), ""};
  if (query.after_code) {
    auto found = dossiers_.find(*query.after_code);
    if (found == dossiers_.end()) {
      return Error(ErrorCode::kInvalidArgument, "after_code names no dossier", ErrorReason::kNone,
                   {FieldError{"/after_code", "unknown dossier " + *query.after_code}});
    }
    after = {DueKey(found->second.dossier), *query.after_code};
  }
  std::vector<std::pair<std::tuple<std::int64_t, std::string>, const StoredDossier*>> matches;
  for (const auto& [code, stored] : dossiers_) {
    const Dossier& d = stored.dossier;
    const auto& roles = stored.queue_roles;
    const bool in_state_queue =
        std::find(roles.begin(), roles.end(), query.role) != roles.end() &&
        (stored.queue_agency.empty() ? d.agency : stored.queue_agency) == query.agency &&
        (!query.state || d.state == *query.state);
    const bool in_branch_queue = std::any_of(
        stored.branch_queues.begin(), stored.branch_queues.end(), [&](const BranchQueueSlot& slot) {
          return slot.agency == query.agency && (!query.state || slot.state == *query.state) &&
                 std::find(slot.roles.begin(), slot.roles.end(), query.role) != slot.roles.end();
        });
    if (!in_state_queue && !in_branch_queue) continue;
    if (query.procedure_code && d.procedure_code != *query.procedure_code) continue;
    std::tuple<std::int64_t, std::string> key{DueKey(d), code};
    if (query.after_code && !(key > after)) continue;
    matches.emplace_back(std::move(key), &stored);
  }
  std::sort(matches.begin(), matches.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<DossierSummary> page_items;
  const std::size_t limit = static_cast<std::size_t>(query.limit);
  for (std::size_t i = 0; i < matches.size() && i < limit; ++i) {
    page_items.push_back(SummaryOf(*matches[i].second));
    if (keep_queue_glances_) page_items.back().glance = GlanceAt(matches[i].second->dossier);
  }
  return page_items;
}

namespace {

bool MatchesFilter(const Dossier& d, const DossierFilter& filter) {
  if (filter.state && d.state != *filter.state) return false;
  if (filter.procedure_code && d.procedure_code != *filter.procedure_code) return false;
  if (filter.received_from || filter.received_to) {
    if (!d.clock.received_at) return false;
    if (filter.received_from && *d.clock.received_at < *filter.received_from) return false;
    if (filter.received_to && !(*d.clock.received_at < *filter.received_to)) return false;
  }
  return true;
}

}  // namespace

std::vector<DossierSummary> MemoryStore::ListNewestLocked(
    const std::optional<std::string>& after_code, int limit, const DossierFilter& filter,
    const std::function<bool(const Dossier&)>& keep) const {
  std::vector<DossierSummary> items;
  const std::size_t max = static_cast<std::size_t>(limit);
  // dossiers_ is ordered by code; walk it backwards for newest first.
  for (auto it = dossiers_.rbegin(); it != dossiers_.rend() && items.size() < max; ++it) {
    const Dossier& d = it->second.dossier;
    if (!keep(d) || !MatchesFilter(d, filter)) continue;
    if (after_code && !(it->first < *after_code)) continue;
    items.push_back(SummaryOf(it->second));
  }
  return items;
}

Result<std::vector<DossierSummary>> MemoryStore::DoListByApplicant(const ApplicantQuery& query) {
  std::lock_guard lock(mutex_);
  return ListNewestLocked(query.after_code, query.limit, query.filter,
                          [&](const Dossier& d) { return d.applicant_id == query.applicant_id; });
}

Result<std::vector<DossierSummary>> MemoryStore::DoListByAgency(const AgencyQuery& query) {
  std::lock_guard lock(mutex_);
  return ListNewestLocked(query.after_code, query.limit, query.filter,
                          [&](const Dossier& d) { return d.agency == query.agency; });
}

Result<std::vector<DossierSummary>> MemoryStore::DoListInState(const StateQuery& query) {
  std::lock_guard lock(mutex_);
  std::vector<const StoredDossier*> found;
  for (const auto& [code, stored] : dossiers_) {
    const bool after_cursor =
        !query.after_entered ||
        std::make_tuple(stored.state_entered_at, stored.dossier.code) >
            std::make_tuple(*query.after_entered, query.after_code.value_or(std::string()));
    if (stored.dossier.procedure_code == query.procedure_code &&
        stored.dossier.state == query.state && stored.state_entered_at <= query.entered_before &&
        after_cursor) {
      found.push_back(&stored);
    }
  }
  std::sort(found.begin(), found.end(), [](const StoredDossier* a, const StoredDossier* b) {
    return std::tie(a->state_entered_at, a->dossier.code) <
           std::tie(b->state_entered_at, b->dossier.code);
  });
  std::vector<DossierSummary> out;
  for (const StoredDossier* stored : found) {
    if (static_cast<int>(out.size()) >= query.limit) break;
    out.push_back(SummaryOf(*stored));
  }
  return out;
}

Result<std::vector<DossierSummary>> MemoryStore::DoListOnVersion(const VersionQuery& query) {
  std::lock_guard lock(mutex_);
  std::vector<DossierSummary> items;
  const std::size_t max = static_cast<std::size_t>(query.limit);
  auto it = query.after_code ? dossiers_.upper_bound(*query.after_code) : dossiers_.begin();
  for (; it != dossiers_.end() && items.size() < max; ++it) {
    const Dossier& d = it->second.dossier;
    if (d.procedure_code != query.procedure_code ||
        d.definition_version != query.definition_version) {
      continue;
    }
    items.push_back(SummaryOf(it->second));
  }
  return items;
}

Result<std::optional<PaymentRecord>> MemoryStore::DoFindPayment(const std::string& transaction_id) {
  std::lock_guard lock(mutex_);
  auto found = payments_.find(transaction_id);
  if (found == payments_.end()) return std::optional<PaymentRecord>();
  return std::optional<PaymentRecord>(found->second);
}

Status MemoryStore::DoPutDocument(const DocumentInfo& info, std::string_view bytes,
                                  const std::string& uploaded_by, Instant) {
  std::lock_guard lock(mutex_);
  documents_.try_emplace(info.id, StoredDocument{info, std::string(bytes)});
  uploads_[{info.id, uploaded_by}] = info.media_type;
  return Status();
}

Result<std::optional<std::string>> MemoryStore::DoUploadedMediaType(const std::string& id,
                                                                    const std::string& user_id) {
  std::lock_guard lock(mutex_);
  auto found = uploads_.find({id, user_id});
  if (found == uploads_.end()) return std::optional<std::string>();
  return std::optional<std::string>(found->second);
}

Result<std::vector<DossierSummary>> MemoryStore::DoListDossiersReferencing(const std::string& id,
                                                                           int limit) {
  std::lock_guard lock(mutex_);
  std::vector<DossierSummary> items;
  auto found = references_.find(id);
  if (found == references_.end()) return items;
  for (const std::string& code : found->second) {
    if (static_cast<int>(items.size()) >= limit) break;
    items.push_back(SummaryOf(dossiers_.at(code)));
  }
  return items;
}

Result<std::optional<IdempotencyRecord>> MemoryStore::ReserveIdempotencyKey(
    const std::string& user_id, const std::string& key, const std::string& fingerprint, Instant at,
    Instant expire_before) {
  std::lock_guard lock(mutex_);
  auto [it, inserted] =
      idempotency_.try_emplace({user_id, key}, IdempotencyRecord{fingerprint, std::nullopt, at});
  if (inserted) return std::optional<IdempotencyRecord>();
  if (it->second.created_at < expire_before) {
    it->second = IdempotencyRecord{fingerprint, std::nullopt, at};
    return std::optional<IdempotencyRecord>();
  }
  return std::optional<IdempotencyRecord>(it->second);
}

Status MemoryStore::CompleteIdempotencyKey(const std::string& user_id, const std::string& key,
                                           const std::string& response) {
  std::lock_guard lock(mutex_);
  auto found = idempotency_.find({user_id, key});
  if (found == idempotency_.end()) {
    return Error(ErrorCode::kNotFound, "idempotency key " + key + " is not reserved");
  }
  found->second.response = response;
  return Status();
}

Status MemoryStore::AbandonIdempotencyKey(const std::string& user_id, const std::string& key) {
  std::lock_guard lock(mutex_);
  auto found = idempotency_.find({user_id, key});
  if (found != idempotency_.end() && !found->second.response) idempotency_.erase(found);
  return Status();
}

Result<DocumentInfo> MemoryStore::DoGetDocumentInfo(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto found = documents_.find(id);
  if (found == documents_.end()) {
    return Error(ErrorCode::kNotFound, "document " + id + " does not exist");
  }
  return found->second.info;
}

Result<std::string> MemoryStore::DoGetDocumentBytes(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto found = documents_.find(id);
  if (found == documents_.end()) {
    return Error(ErrorCode::kNotFound, "document " + id + " does not exist");
  }
  return found->second.bytes;
}

Result<std::vector<AuditRecord>> MemoryStore::DoAuditTrail(const std::string& dossier_code) {
  std::lock_guard lock(mutex_);
  auto found = events_.find(dossier_code);
  if (found == events_.end() || found->second.empty()) {
    return Error(ErrorCode::kNotFound, "dossier " + dossier_code + " has no events");
  }
  return found->second;
}

void MemoryStore::AppendOutboxLocked(const std::vector<OutboxEntry>& outbox,
                                     const std::string& agency, Instant at) {
  for (const OutboxEntry& entry : outbox) {
    const std::int64_t id = ++last_outbox_id_;
    outbox_.emplace(id, StoredOutboxEntry{id, entry.topic, agency,
                                          nlohmann::json::parse(entry.payload_json), at});
  }
}

std::vector<OutboxEntry> MemoryStore::Outbox() const {
  std::lock_guard lock(mutex_);
  std::vector<OutboxEntry> entries;
  for (const auto& [id, stored] : outbox_) {
    entries.push_back(OutboxEntry{stored.topic, stored.payload.dump()});
  }
  return entries;
}

Result<std::vector<StoredOutboxEntry>> MemoryStore::DoListOutbox(const OutboxQuery& query) {
  std::lock_guard lock(mutex_);
  if (query.after_sequence < outbox_pruned_through_) {
    return FeedPrunedError(query.after_sequence, outbox_pruned_through_);
  }
  std::vector<StoredOutboxEntry> entries;
  for (auto it = outbox_.upper_bound(query.after_sequence); it != outbox_.end(); ++it) {
    if (static_cast<int>(entries.size()) >= query.limit) break;
    if (query.agency && it->second.agency != *query.agency) continue;
    entries.push_back(it->second);
  }
  return entries;
}

Result<std::int64_t> MemoryStore::DoOutboxPrunedThrough() {
  std::lock_guard lock(mutex_);
  return outbox_pruned_through_;
}

Result<OutboxPruned> MemoryStore::DoPruneOutbox(const OutboxPruning& pruning) {
  std::lock_guard lock(mutex_);
  const std::int64_t newest = outbox_.empty() ? 0 : outbox_.rbegin()->first;
  std::int64_t end = outbox_pruned_through_;
  int seen = 0;
  bool complete = true;
  for (auto it = outbox_.upper_bound(outbox_pruned_through_);
       it != outbox_.end() && it->first < newest; ++it, ++seen) {
    if (seen == pruning.limit) {
      complete = false;
      break;
    }
    if (it->second.created_at >= pruning.created_before) break;
    if (pruning.keep_after && it->first > *pruning.keep_after) break;
    end = it->first;
  }
  OutboxPruned pruned{0, end, complete};
  for (auto it = outbox_.upper_bound(outbox_pruned_through_);
       it != outbox_.end() && it->first <= end;) {
    if (dead_letters_.count(it->first) != 0) {
      ++it;
      continue;
    }
    it = outbox_.erase(it);
    ++pruned.deleted;
  }
  outbox_pruned_through_ = end;
  return pruned;
}

Result<std::int64_t> MemoryStore::DeliveryCursor() {
  std::lock_guard lock(mutex_);
  return delivery_cursor_;
}

Status MemoryStore::RecordDelivered(std::int64_t entry_id, Instant) {
  std::lock_guard lock(mutex_);
  delivery_cursor_ = std::max(delivery_cursor_, entry_id);
  return Status();
}

Status MemoryStore::RecordDeadLetter(const DeadLetter& letter) {
  std::lock_guard lock(mutex_);
  DeadLetter stored = letter;
  // Like the SQLite store, topic and agency come from the outbox row.
  if (auto found = outbox_.find(letter.entry_id); found != outbox_.end()) {
    const StoredOutboxEntry& entry = found->second;
    stored.topic = entry.topic;
    stored.agency = entry.agency;
  } else {
    stored.topic.clear();
    stored.agency.clear();
  }
  dead_letters_[letter.entry_id] = std::move(stored);
  delivery_cursor_ = std::max(delivery_cursor_, letter.entry_id);
  return Status();
}

Result<std::vector<DeadLetter>> MemoryStore::DoListDeadLetters(
    const std::optional<std::string>& agency, int limit) {
  std::lock_guard lock(mutex_);
  std::vector<DeadLetter> letters;
  for (const auto& [id, letter] : dead_letters_) {
    if (static_cast<int>(letters.size()) >= limit) break;
    if (agency && letter.agency != *agency) continue;
    letters.push_back(letter);
  }
  return letters;
}

}  // namespace motcua
