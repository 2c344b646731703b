#include "engine/domain/store.h"

#include <algorithm>

#include "engine/domain/fork.h"
#include "engine/domain/page_limit.h"
#include "engine/domain/result_attachment.h"
#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

// Runs `list` on `query` under kStoreReadRule: a limit below 1 is refused;
// one above the ceiling is cut to it (on a copy of the query, made only then).
template <typename Query, typename List>
auto ListPage(const Query& query, const List& list) -> decltype(list(query)) {
  ASSIGN_OR_RETURN(const int limit, CapPageLimit(query.limit, kStoreReadRule));
  if (limit == query.limit) return list(query);
  Query capped = query;
  capped.limit = limit;
  return list(capped);
}

Status CheckDossierCode(const std::string& code) {
  if (code.empty()) {
    return Error(ErrorCode::kInvalidArgument, "a dossier needs a code", ErrorReason::kNone,
                 {FieldError{"/code", "must not be empty"}});
  }
  return Status();
}

// Report facts must be those of the dossier written with them.
Status CheckFactsCode(const std::optional<ReportFacts>& facts, const std::string& code) {
  if (facts && facts->dossier_code != code) {
    return Error(ErrorCode::kInvalidArgument, "report facts of another dossier", ErrorReason::kNone,
                 {FieldError{"/facts/dossier_code", "must be " + code}});
  }
  return Status();
}

}  // namespace

Error SignatureAlreadyUsed(const std::string& other_dossier) {
  return Error(ErrorCode::kConflict,
               "this signature is already recorded for dossier " + other_dossier +
                   "; sign this dossier's result separately",
               ErrorReason::kSignatureAlreadyUsed,
               {{"/signature", "is already recorded for dossier " + other_dossier}});
}

Status CheckDocumentInfo(const DocumentInfo& info, std::string_view bytes, bool id_matches) {
  if (!id_matches) {
    return Error(ErrorCode::kInvalidArgument, "document id is not the SHA-256 of its bytes",
                 ErrorReason::kNone, {FieldError{"/id", "does not match the content"}});
  }
  if (info.size != static_cast<std::int64_t>(bytes.size())) {
    return Error(ErrorCode::kInvalidArgument, "document size does not match its bytes",
                 ErrorReason::kNone, {FieldError{"/size", "does not match the content"}});
  }
  return Status();
}

Status DossierStore::CheckDocument(const DocumentInfo& info, std::string_view bytes) const {
  return CheckDocumentInfo(info, bytes, DocumentIdMatches(info, bytes));
}

Result<StoredDefinition> DossierStore::PublishDefinition(const std::string& procedure_code,
                                                         const nlohmann::json& document,
                                                         const std::string& published_by,
                                                         Instant at,
                                                         const std::string& owner_agency) {
  if (procedure_code.empty()) {
    return Error(ErrorCode::kInvalidArgument, "a definition needs a procedure code");
  }
  std::string text;
  try {
    text = document.dump();
  } catch (const nlohmann::json::exception& e) {
    return Error(ErrorCode::kInvalidArgument,
                 std::string("definition is not storable: ") + e.what());
  }
  return DoPublishDefinition(procedure_code, document, text, published_by, at, owner_agency);
}

Result<StoredDefinition> DossierStore::GetDefinition(const std::string& procedure_code,
                                                     std::int64_t version) {
  return DoGetDefinition(procedure_code, version);
}

Result<std::vector<StoredDefinition>> DossierStore::ListDefinitionVersions(
    const std::string& procedure_code) {
  return DoListDefinitionVersions(procedure_code);
}

Result<std::vector<StoredDefinition>> DossierStore::ListLatestDefinitions() {
  return DoListLatestDefinitions();
}

Result<std::int64_t> DossierStore::LatestDefinitionVersion(const std::string& procedure_code) {
  return DoLatestDefinitionVersion(procedure_code);
}

Result<std::int64_t> DossierStore::DoLatestDefinitionVersion(const std::string& procedure_code) {
  ASSIGN_OR_RETURN(StoredDefinition latest, DoGetDefinition(procedure_code, 0));
  return latest.version;
}

Result<std::int64_t> DossierStore::NextDossierSequence(const std::string& agency, LocalDate date) {
  if (agency.empty() || !date.ok()) {
    return Error(ErrorCode::kInvalidArgument, "a sequence needs an agency and a valid date");
  }
  return DoNextDossierSequence(agency, date);
}

Status DossierStore::CreateDossier(const Dossier& dossier,
                                   const std::vector<std::string>& queue_roles, int national_status,
                                   const std::vector<OutboxEntry>& outbox,
                                   const std::optional<ReportFacts>& facts,
                                   const std::string& queue_agency) {
  RETURN_IF_ERROR(CheckDossierCode(dossier.code));
  RETURN_IF_ERROR(CheckFactsCode(facts, dossier.code));
  return DoCreateDossier(dossier, queue_roles, national_status, outbox, facts, queue_agency);
}

bool DossierStore::TransitionCommit::EntersState() const {
  return join != nullptr || !then.empty() ||
         (!IsBookkeepingEvent(*event) && EventBranch(*event).empty());
}

std::vector<const DossierEvent*> DossierStore::TransitionCommit::AppendedEvents() const {
  std::vector<const DossierEvent*> events{event};
  if (join != nullptr) events.push_back(join);
  events.insert(events.end(), then.begin(), then.end());
  return events;
}

Status DossierStore::CommitTransition(const TransitionCommit& commit) {
  if (commit.after == nullptr || commit.event == nullptr) {
    return Error(ErrorCode::kInvalidArgument,
                 "a transition needs the dossier after it and its event");
  }
  if (std::find(commit.then.begin(), commit.then.end(), nullptr) != commit.then.end()) {
    return Error(ErrorCode::kInvalidArgument, "an automatic action's event is missing");
  }
  RETURN_IF_ERROR(CheckDossierCode(commit.after->code));
  for (const NewDocument& document : commit.documents) {
    if (Status checked = CheckDocument(document.info, document.bytes); !checked.ok()) {
      return checked;
    }
  }
  if (Status checked = CheckFactsCode(commit.facts, commit.after->code); !checked.ok()) {
    return checked;
  }
  for (const BranchReportFacts& facts : commit.branch_facts) {
    if (facts.dossier_code != commit.after->code) {
      return Error(ErrorCode::kInvalidArgument, "branch report facts of another dossier",
                   ErrorReason::kNone,
                   {FieldError{"/branch_facts/dossier_code", "must be " + commit.after->code}});
    }
  }
  return DoCommitTransition(commit);
}

Result<Dossier> DossierStore::GetDossier(const std::string& code) {
  return DoGetDossier(code);
}

Result<Dossier> DossierStore::GetDossierToChange(const std::string& code) {
  return DoGetDossierToChange(code);
}

Result<Dossier> DossierStore::DoGetDossierToChange(const std::string& code) {
  return DoGetDossier(code);
}

Result<std::vector<DossierSummary>> DossierStore::ListQueue(const QueueQuery& query) {
  return ListPage(query, [this](const QueueQuery& page) { return DoListQueue(page); });
}

Result<std::vector<DossierSummary>> DossierStore::ListByApplicant(const ApplicantQuery& query) {
  return ListPage(query, [this](const ApplicantQuery& page) { return DoListByApplicant(page); });
}

Result<std::vector<DossierSummary>> DossierStore::ListByAgency(const AgencyQuery& query) {
  return ListPage(query, [this](const AgencyQuery& page) { return DoListByAgency(page); });
}

Result<std::vector<DossierSummary>> DossierStore::ListInState(const StateQuery& query) {
  return ListPage(query, [this](const StateQuery& page) { return DoListInState(page); });
}

Result<std::vector<DossierSummary>> DossierStore::ListOnVersion(const VersionQuery& query) {
  return ListPage(query, [this](const VersionQuery& page) { return DoListOnVersion(page); });
}

Status DossierStore::PutDocument(const DocumentInfo& info, std::string_view bytes,
                                 const std::string& uploaded_by, Instant at) {
  RETURN_IF_ERROR(CheckDocument(info, bytes));
  return DoPutDocument(info, bytes, uploaded_by, at);
}

Result<DocumentInfo> DossierStore::GetDocumentInfo(const std::string& id) {
  return DoGetDocumentInfo(id);
}

Result<std::string> DossierStore::GetDocumentBytes(const std::string& id) {
  return DoGetDocumentBytes(id);
}

Result<bool> DossierStore::IsDocumentUploader(const std::string& id, const std::string& user_id) {
  ASSIGN_OR_RETURN(std::optional<std::string> uploaded, DoUploadedMediaType(id, user_id));
  return uploaded.has_value();
}

Result<std::optional<std::string>> DossierStore::UploadedMediaType(const std::string& id,
                                                                   const std::string& user_id) {
  return DoUploadedMediaType(id, user_id);
}

Result<std::vector<DossierSummary>> DossierStore::ListDossiersReferencing(const std::string& id,
                                                                          int limit) {
  ASSIGN_OR_RETURN(const int capped, CapPageLimit(limit, kStoreReadRule));
  return DoListDossiersReferencing(id, capped);
}

Result<std::optional<PaymentRecord>> DossierStore::FindPayment(const std::string& transaction_id) {
  return DoFindPayment(transaction_id);
}

Result<std::vector<AuditRecord>> DossierStore::AuditTrail(const std::string& dossier_code) {
  return DoAuditTrail(dossier_code);
}

Result<std::vector<StoredOutboxEntry>> DossierStore::ListOutbox(const OutboxQuery& query) {
  RETURN_IF_ERROR(CheckPageLimit(query.limit, kFeedPageRule));
  return DoListOutbox(query);
}

Error FeedPrunedError(std::int64_t after_sequence, std::int64_t pruned_through) {
  const std::string message = "entries " + std::to_string(after_sequence + 1) + " to " +
                              std::to_string(pruned_through) +
                              " were deleted after the feed's retention period; re-read the "
                              "dossiers you follow, then continue after " +
                              std::to_string(pruned_through);
  return Error(ErrorCode::kFailedPrecondition, message, ErrorReason::kFeedPruned,
               {FieldError{"/after", message}});
}

Result<std::int64_t> DossierStore::OutboxPrunedThrough() {
  return DoOutboxPrunedThrough();
}

Result<OutboxPruned> DossierStore::PruneOutbox(const OutboxPruning& pruning) {
  if (pruning.limit < 1 || pruning.limit > kMaxPruneBatch) {
    return Error(ErrorCode::kInvalidArgument,
                 "a pruning batch is 1 to " + std::to_string(kMaxPruneBatch) + " rows");
  }
  return DoPruneOutbox(pruning);
}

Result<std::vector<ReportGroup>> DossierStore::AggregateReport(const ReportQuery& query) {
  if (query.to <= query.from) {
    return Error(ErrorCode::kInvalidArgument, "the report period is empty",
                 ErrorReason::kValidation, {FieldError{"/to", "must be after from"}});
  }
  return DoAggregateReport(query);
}

Result<BranchReportCounts> DossierStore::AggregateBranchReport(const BranchReportQuery& query) {
  if (query.to <= query.from) {
    return Error(ErrorCode::kInvalidArgument, "the report period is empty",
                 ErrorReason::kValidation, {FieldError{"/to", "must be after from"}});
  }
  return DoAggregateBranchReport(query);
}

Result<std::vector<std::string>> DossierStore::ListDossiersWithoutFacts(
    const std::string& after_code, int limit) {
  ASSIGN_OR_RETURN(const int capped, CapPageLimit(limit, kStoreReadRule));
  return DoListDossiersWithoutFacts(after_code, capped);
}

Result<bool> DossierStore::AddMissingReportFacts(const ReportFacts& facts) {
  return DoAddMissingReportFacts(facts);
}

Result<std::int64_t> DossierStore::FoldReportChanges() {
  return DoFoldReportChanges();
}

Result<std::int64_t> DossierStore::DoFoldReportChanges() {
  return 0;
}

std::vector<std::string> ReferencedDocumentIds(const Dossier& dossier) {
  std::vector<std::string> ids;
  for (const auto& [key, id] : dossier.documents) ids.push_back(id);
  if (dossier.result_document) ids.push_back(*dossier.result_document);
  for (std::string& id : AttachedBranchResults(dossier)) ids.push_back(std::move(id));
  for (const SignatureEvidence& signature : dossier.result_signatures) {
    if (!signature.signature_id.empty()) ids.push_back(signature.signature_id);
  }
  return ids;
}

}  // namespace motcua
