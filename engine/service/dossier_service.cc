#include "engine/service/dossier_service.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "engine/domain/access.h"
#include "engine/domain/dossier_code.h"
#include "engine/domain/fork.h"
#include "engine/domain/identity.h"
#include "engine/domain/national_sync.h"
#include "engine/domain/page_limit.h"
#include "engine/domain/queue_placement.h"
#include "engine/domain/rating.h"
#include "engine/domain/report_facts.h"
#include "engine/domain/result_attachment.h"
#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

// How the DER of detached CMS signatures is stored and served (RFC 5751).
constexpr const char* kSignatureMediaType = "application/pkcs7-signature";

Error NotFound(const std::string& code) {
  return Error(ErrorCode::kNotFound, "dossier " + code + " does not exist",
               ErrorReason::kDossierNotFound);
}

// A feed row for the national portal when the national status changes
// (creation included): the dossier and progress records of national_sync.h.
OutboxEntry StatusChangeEntry(const Workflow& workflow, const Dossier& dossier,
                              const DossierEvent& event) {
  return OutboxEntry{kDossierStatusTopic, NationalSyncPayload(workflow, dossier, event)};
}

// A commit that lost a race with a concurrent change: 412 (stale_version)
// only when the client sent If-Match, whose precondition no longer holds;
// otherwise a plain conflict (409) that says to try again.
Error LostRace(const Error& error, bool if_match_sent) {
  if (error.code() != ErrorCode::kConflict || error.reason() != ErrorReason::kStaleVersion ||
      if_match_sent) {
    return error;
  }
  return Error(ErrorCode::kConflict, "the dossier changed meanwhile; reload it and try again",
               ErrorReason::kConcurrentChange);
}

// The branches of a fork run at once by design, in different agencies: a
// request about one branch that lost the race for the dossier's version to
// another branch's commit is decided again on the new version, up to 4 times.
// `attempt(lost)` makes one try and sets `lost` when it lost such a race. So
// of two branches ending together, the second joins.
template <typename Attempt>
Result<DossierView> RetryWhileBranchesRace(Attempt attempt) {
  constexpr int kAttempts = 4;
  for (int tries = 1;; ++tries) {
    bool lost_to_other_branch = false;
    Result<DossierView> result = attempt(lost_to_other_branch);
    if (!lost_to_other_branch || tries == kAttempts) return result;
  }
}

// The documents a submission's JSON payload names, with their pointers.
NamedDocuments DocumentsNamedIn(const nlohmann::json& payload) {
  NamedDocuments named;
  if (auto docs = payload.find("documents"); docs != payload.end() && docs->is_object()) {
    for (const auto& [key, id] : docs->items()) {
      if (id.is_string()) named.emplace_back("/documents/" + key, id.get<std::string>());
    }
  }
  return named;
}

// The documents an action's input names, with their pointers.
NamedDocuments DocumentsNamedIn(const ActionInput& input) {
  NamedDocuments named;
  for (const auto& [key, id] : input.documents) named.emplace_back("/documents/" + key, id);
  if (input.result_document) named.emplace_back("/result_document", *input.result_document);
  return named;
}

// Notes in `event` which of the documents it attaches were reused.
void RecordReuse(const std::vector<std::string>& reused, DossierEvent& event) {
  if (!reused.empty()) event.payload[kReusedDocumentsField] = reused;
}

// The creating event records the form fields the applicant's provider vouches
// for (identity_claims.h).
void RecordIdentityData(const nlohmann::json& form_schema, const VerifiedIdentity& identity,
                        DossierEvent& event) {
  const auto form = event.payload.find("form");
  if (form == event.payload.end()) return;
  std::vector<std::string> fields = FieldsFromIdentity(form_schema, *form, identity);
  if (!fields.empty()) event.payload[kIdentityDataField] = std::move(fields);
}

// The automatic action the workflow performs from `state`, if any.
const Action* AutomaticActionFrom(const Workflow& workflow, const std::string& state) {
  for (const Action& action : workflow.actions) {
    if (action.automatic && action.AllowedFrom(state)) return &action;
  }
  return nullptr;
}

// Whether the engine halted a loop of automatic actions (kAutomaticHalted-
// Action) since the dossier last entered its current state.
bool AutomaticHaltedInCurrentState(const Dossier& dossier) {
  for (auto it = dossier.history.rbegin(); it != dossier.history.rend(); ++it) {
    if (it->action == kAutomaticHaltedAction && IsBookkeepingEvent(*it)) return true;
    if (!IsBookkeepingEvent(*it)) return false;
  }
  return false;
}

}  // namespace

bool IsApplicantIdentifier(std::string_view id) {
  if (IsValidCitizenId(id)) return true;
  auto digits = [](std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (id.size() == 10) return digits(id);
  return id.size() == 14 && id[10] == '-' && digits(id.substr(0, 10)) && digits(id.substr(11));
}

Result<DossierView> DossierService::Submit(const Actor& actor, const NewDossier& request) {
  if (Status allowed = Authorize(actor, Operation::kSubmitDossier); !allowed.ok()) {
    return allowed.error();
  }
  ASSIGN_OR_RETURN(std::shared_ptr<const RunnableWorkflow> workflow,
                   catalog_.Get(request.procedure_code));
  const RunnableWorkflow& runnable = *workflow;

  SubmissionRequest submission;
  submission.actor = actor;
  submission.definition_version = runnable.definition.version;
  submission.payload = request.payload;
  if (IsApplicantOnly(actor)) {
    submission.applicant_id = actor.user_id;
    submission.agency = request.agency;
  } else {
    const nlohmann::json& applicant = request.payload.contains("applicant_id")
                                          ? request.payload.at("applicant_id")
                                          : nlohmann::json();
    if (!applicant.is_string()) {
      return Error(ErrorCode::kInvalidArgument, "staff must name the applicant",
                   ErrorReason::kValidation,
                   {{"/applicant_id", "is required when staff submit on an applicant's behalf"}});
    }
    submission.applicant_id = applicant.get<std::string>();
    if (!IsApplicantIdentifier(submission.applicant_id)) {
      return Error(ErrorCode::kInvalidArgument, "the applicant is not a citizen or an enterprise",
                   ErrorReason::kValidation,
                   {{"/applicant_id",
                     "must be a 12-digit citizen ID or a 10-digit tax code (with an optional "
                     "-NNN branch suffix)"}});
    }
    submission.agency = request.agency.empty() ? actor.agency : request.agency;
    if (submission.agency != actor.agency) {
      return Error(ErrorCode::kPermissionDenied, "staff can only receive for their own agency",
                   ErrorReason::kWrongAgency);
    }
    submission.payload.erase("applicant_id");
  }
  if (!IsValidAgencyId(submission.agency)) {
    return Error(ErrorCode::kInvalidArgument, "the receiving agency is not a valid agency ID",
                 ErrorReason::kValidation,
                 {{"/agency", "must be an agency ID such as 000.00.01.H26"}});
  }
  // An agency's own procedure runs at that agency only (its admins change it).
  if (const std::string& owner = runnable.definition.owner_agency;
      !owner.empty() && submission.agency != owner) {
    return Error(ErrorCode::kInvalidArgument,
                 "procedure " + request.procedure_code + " is agency " + owner + "'s own",
                 ErrorReason::kValidation,
                 {{"/agency", "must be " + owner + " for this procedure"}});
  }
  if (agencies_) {
    ASSIGN_OR_RETURN(bool known, agencies_(submission.agency));
    if (!known) {
      return Error(ErrorCode::kInvalidArgument,
                   "agency " + submission.agency + " is not served here", ErrorReason::kValidation,
                   {{"/agency", "names no agency known to this server"}});
    }
  }

  ASSIGN_OR_RETURN(submission.agency_roles,
                   ResolveAgencyRoles(runnable.workflow, submission.agency, agency_roles_));

  ASSIGN_OR_RETURN(Dossier dossier, runnable.machine->Submit(submission));
  // After the state machine, so that who-may-submit errors come first.
  for (const char* recorded_by_engine :
       {kReusedDocumentsField, kIdentityDataField, kAgencyRolesField}) {
    if (request.payload.is_object() && request.payload.contains(recorded_by_engine)) {
      return Error(ErrorCode::kInvalidArgument,
                   std::string("the engine records ") + recorded_by_engine + " itself",
                   ErrorReason::kValidation,
                   {{std::string("/") + recorded_by_engine, "is not a field you may send"}});
    }
  }
  ASSIGN_OR_RETURN(std::vector<std::string> reused,
                   CheckDocumentsUsable(actor, DocumentsNamedIn(request.payload), nullptr));
  if (!dossier.history.empty()) {
    RecordReuse(reused, dossier.history.Mutable().back());
    if (submission.applicant_id == actor.user_id) {
      RecordIdentityData(runnable.workflow.procedure.form_schema, request.verified_identity,
                         dossier.history.Mutable().back());
    }
  }
  const NationalStatus status = StatusOf(runnable.workflow, dossier.state);
  // Only a submission that validated takes a daily number. Another writer
  // of the same database may have stored the number meanwhile (store.h):
  // then the next one is asked for, a few times at most.
  const LocalDate today = calendar_.LocalDateOf(clock_.Now());
  constexpr int kNumberAttempts = 4;
  for (int attempt = 1;; ++attempt) {
    ASSIGN_OR_RETURN(std::int64_t sequence, store_.NextDossierSequence(submission.agency, today));
    ASSIGN_OR_RETURN(dossier.code, FormatDossierCode({submission.agency, today, sequence}));
    std::vector<OutboxEntry> outbox;
    if (!dossier.history.empty()) {
      outbox.push_back(StatusChangeEntry(runnable.workflow, dossier, dossier.history.back()));
    }
    Status created = store_.CreateDossier(dossier, QueueRolesOf(runnable.workflow, dossier.state),
                                          static_cast<int>(status), outbox,
                                          ComputeReportFacts(runnable.workflow, dossier, calendar_),
                                          QueueAgencyOf(runnable.workflow, dossier, dossier.state));
    if (created.ok()) break;
    if (created.error().reason() != ErrorReason::kDossierExists || attempt == kNumberAttempts) {
      return created.error();
    }
  }
  return ViewOf(actor, RunAutomaticActions(Loaded{std::move(dossier), workflow}));
}

Result<DossierView> DossierService::Get(const Actor& actor, const std::string& code) {
  ASSIGN_OR_RETURN(Loaded loaded, LoadVisible(actor, code));
  return ViewOf(actor, std::move(loaded));
}

Result<DossierView> DossierService::Act(const Actor& actor, const ActionCall& call) {
  return RetryWhileBranchesRace(
      [&](bool& lost_to_other_branch) { return ActOnce(actor, call, lost_to_other_branch); });
}

Result<DossierView> DossierService::ActOnce(const Actor& actor, const ActionCall& call,
                                            bool& lost_to_other_branch) {
  ASSIGN_OR_RETURN(Loaded loaded, LoadVisibleToChange(actor, call.code));
  const Dossier& before = loaded.dossier;
  if (call.expected_version && *call.expected_version != before.version) {
    return Error(ErrorCode::kConflict,
                 "dossier " + call.code + " is at version " + std::to_string(before.version) +
                     ", not " + std::to_string(*call.expected_version),
                 ErrorReason::kStaleVersion);
  }
  const StateMachine& machine = *loaded.workflow->machine;
  if (const Action* action = loaded.workflow->workflow.FindAction(call.action);
      action != nullptr && action->step == ApplicantStep::kPayment) {
    return Error(ErrorCode::kFailedPrecondition,
                 "fees are settled by recording the payment: POST /v1/dossiers/" + call.code +
                     "/payments at the desk, or the payment gateway's confirmation",
                 ErrorReason::kPaymentRequired);
  }
  // Decided once: whether the actor may take the action now.
  ASSIGN_OR_RETURN(Admission admission, machine.Admit(before, call.action, actor));
  ActionRequest request{call.action, actor, call.input, std::nullopt};
  std::vector<NewDocument> documents;
  // Verify only for an actor who may take the action now; otherwise Apply
  // below says why not (four-eyes), without any cryptography.
  if (call.input.signature) {
    if (admission.Available()) {
      ASSIGN_OR_RETURN(AcceptedSignature accepted,
                       AcceptSignature(actor, loaded.workflow->workflow, before,
                                       admission.action->branch, *call.input.signature));
      request.signature = accepted.evidence;
      documents.push_back(NewDocument{
          DocumentInfo{accepted.evidence.signature_id,
                       static_cast<std::int64_t>(accepted.der.size()), kSignatureMediaType},
          std::move(accepted.der), actor.user_id});
    }
  }
  const NamedDocuments named = DocumentsNamedIn(call.input);
  const Prior prior = Prior::Of(before);
  // Unless documents named are checked against the dossier as it was, the
  // dossier moves into the transition and `before` is not read again: its
  // events, this request's own (LoadVisibleToChange), are appended to in
  // place instead of copied.
  ASSIGN_OR_RETURN(Transition transition,
                   named.empty() ? machine.Apply(std::move(loaded.dossier), admission, request)
                                 : machine.Apply(before, admission, request));
  if (!named.empty()) {
    ASSIGN_OR_RETURN(std::vector<std::string> reused, CheckDocumentsUsable(actor, named, &before));
    RecordReuse(reused, transition.event());
  }
  // An automatic action the new state runs at once (the agency's seal after
  // a leader's signature) commits with the action when it can: one commit,
  // not two. A conflict (another commit of the dossier first) is the
  // action's own; after any other failure the action is tried alone, and
  // the automatic action runs after it as ever.
  std::optional<AutomaticStep> following = FoldableAutomatic(transition.dossier, *loaded.workflow);
  Status committed = Status();
  if (following) {
    committed = CommitAccepted(prior, transition, loaded.workflow->workflow, documents,
                               std::nullopt, &*following);
    if (committed.ok()) {
      return ViewOf(actor,
                    RunAutomaticActions(Loaded{std::move(following->transition).dossier,
                                               std::move(loaded.workflow)}),
                    call.depth);
    }
  }
  if (!following || committed.error().code() != ErrorCode::kConflict) {
    committed = CommitAccepted(prior, transition, loaded.workflow->workflow, std::move(documents));
  }
  if (!committed.ok()) {
    lost_to_other_branch = !admission.action->branch.empty() && !call.expected_version &&
                           committed.error().reason() == ErrorReason::kStaleVersion;
    return LostRace(committed.error(), call.expected_version.has_value());
  }
  Loaded after =
      RunAutomaticActions(Loaded{std::move(transition).dossier, std::move(loaded.workflow)});
  return ViewOf(actor, std::move(after), call.depth);
}

Result<DossierView> DossierService::ResumeAutomaticActions(const std::string& code) {
  const Actor system{kSystemRole, {kSystemRole}, ""};
  ASSIGN_OR_RETURN(Loaded loaded, LoadVisible(system, code));
  return ViewOf(system, RunAutomaticActions(std::move(loaded), LogFailure::kNo));
}

Result<DossierService::FactsBackfill> DossierService::BackfillReportFacts(
    const std::string& after_code, int limit) {
  ASSIGN_OR_RETURN(std::vector<std::string> codes,
                   store_.ListDossiersWithoutFacts(after_code, limit));
  FactsBackfill backfill;
  backfill.next_after = after_code;
  auto add_facts = [&](const std::string& code) -> Result<bool> {
    ASSIGN_OR_RETURN(Dossier dossier, store_.GetDossier(code));
    ASSIGN_OR_RETURN(std::shared_ptr<const RunnableWorkflow> workflow,
                     catalog_.Get(dossier.procedure_code, dossier.definition_version));
    return store_.AddMissingReportFacts(ComputeReportFacts(workflow->workflow, dossier, calendar_));
  };
  for (const std::string& code : codes) {
    ++backfill.examined;
    backfill.next_after = code;
    Result<bool> added = add_facts(code);
    if (!added.ok()) {
      backfill.failures.push_back(code + ": " + added.error().message());
    } else if (*added) {
      ++backfill.added;
    }
  }
  return backfill;
}

Result<DossierView> DossierService::PayFee(const Actor& actor, const std::string& code,
                                           PaymentRecord payment) {
  ASSIGN_OR_RETURN(Loaded loaded, LoadVisible(actor, code));
  const Dossier& before = loaded.dossier;
  const RunnableWorkflow& runnable = *loaded.workflow;
  const Action* pay = nullptr;
  for (const Action* action : runnable.machine->AvailableActions(before, actor)) {
    if (action->step == ApplicantStep::kPayment) {
      pay = action;
      break;
    }
  }
  if (pay == nullptr) {
    return Error(ErrorCode::kFailedPrecondition,
                 "dossier " + code + " does not wait for a payment you may record",
                 ErrorReason::kNotAwaitingPayment);
  }
  const std::int64_t due = AmountDue(runnable.workflow.procedure, before, payment.channel);
  if (payment.amount != due) {
    return Error(
        ErrorCode::kInvalidArgument,
        "the amount due is " + std::to_string(due) + " VND, not " + std::to_string(payment.amount),
        ErrorReason::kAmountMismatch, {{"/amount", "must be " + std::to_string(due)}});
  }
  payment.dossier_code = code;
  payment.recorded_at = clock_.Now();
  payment.recorded_by = actor.user_id;
  ActionInput input;
  input.channel = payment.channel;
  input.payment = PaymentNote{payment.transaction_id, payment.amount};
  ASSIGN_OR_RETURN(Transition transition,
                   runnable.machine->Apply(
                       before, ActionRequest{pay->name, actor, std::move(input), std::nullopt}));
  Status committed =
      CommitAccepted(Prior::Of(before), transition, runnable.workflow, {}, std::move(payment));
  if (!committed.ok()) return LostRace(committed.error(), /*if_match_sent=*/false);
  return ViewOf(actor, RunAutomaticActions(
                           Loaded{std::move(transition).dossier, std::move(loaded.workflow)}));
}

namespace {

// The outbox rows of `transition` from `before`: a branch's progress (the
// handling agency's own record for the national portal, under the one
// dossier code), and the dossier's status when it changed.
void AddStatusChanges(const Workflow& workflow, const std::string& state_before,
                      const Transition& transition, std::vector<OutboxEntry>& outbox) {
  if (!EventBranch(transition.event()).empty()) {
    outbox.push_back(StatusChangeEntry(workflow, transition.dossier, transition.event()));
  }
  if (StatusOf(workflow, transition.dossier.state) != StatusOf(workflow, state_before)) {
    const DossierEvent* join = transition.join_event();
    outbox.push_back(StatusChangeEntry(workflow, transition.dossier,
                                       join != nullptr ? *join : transition.event()));
  }
}

}  // namespace

Status DossierService::CommitAccepted(const Prior& before, const Transition& transition,
                                      const Workflow& workflow, std::vector<NewDocument> documents,
                                      std::optional<PaymentRecord> payment,
                                      AutomaticStep* following) {
  const Dossier& last = following != nullptr ? following->transition.dossier : transition.dossier;
  DossierStore::TransitionCommit commit;
  commit.after = &last;
  commit.expected_version = before.version;
  commit.event = &transition.event();
  commit.join = transition.join_event();
  commit.queue_roles = QueueRolesOf(workflow, last.state);
  commit.queue_agency = QueueAgencyOf(workflow, last, last.state);
  commit.branch_queues = BranchQueueSlots(workflow, last);
  commit.national_status = static_cast<int>(StatusOf(workflow, last.state));
  AddStatusChanges(workflow, before.state, transition, commit.outbox);
  commit.documents = std::move(documents);
  if (following != nullptr) {
    commit.then.push_back(&following->transition.event());
    AddStatusChanges(workflow, transition.dossier.state, following->transition, commit.outbox);
    for (NewDocument& document : following->documents) {
      commit.documents.push_back(std::move(document));
    }
    following->documents.clear();
  }
  commit.payment = std::move(payment);
  commit.facts = ComputeReportFacts(workflow, last, calendar_);
  commit.branch_facts = ComputeBranchReportFacts(workflow, last, calendar_);
  return store_.CommitTransition(commit);
}

Result<DossierService::AutomaticStep> DossierService::PrepareAutomatic(
    const Action& automatic, const Dossier& before, const RunnableWorkflow& runnable) {
  auto refused = [](std::string why) {
    return Error(ErrorCode::kFailedPrecondition, std::move(why));
  };
  ActionRequest request{automatic.name, Actor{kSystemRole, {kSystemRole}, before.agency},
                        ActionInput{}, std::nullopt};
  AutomaticStep step;
  if (std::optional<std::string> blocked = AutomaticBlocker(automatic, before)) {
    return refused(std::move(*blocked));
  }
  if (automatic.requirements.agency_seal) {
    Result<std::string> bytes = store_.GetDocumentBytes(*before.result_document);
    if (!bytes.ok()) {
      return refused("the result document cannot be read: " + bytes.error().message());
    }
    Result<AcceptedSignature> seal = signing_->Seal(*bytes);
    if (!seal.ok()) return refused("the agency seal failed: " + seal.error().message());
    request.signature = seal->evidence;
    step.documents.push_back(
        NewDocument{DocumentInfo{seal->evidence.signature_id,
                                 static_cast<std::int64_t>(seal->der.size()), kSignatureMediaType},
                    std::move(seal->der), kSystemRole});
  }
  Result<Transition> transition = runnable.machine->Apply(before, request);
  if (!transition.ok()) return refused(transition.error().message());
  step.transition = std::move(transition).value();
  return step;
}

std::optional<DossierService::AutomaticStep> DossierService::FoldableAutomatic(
    const Dossier& after, const RunnableWorkflow& runnable) {
  const Workflow& workflow = runnable.workflow;
  if (AutomaticHaltedInCurrentState(after)) return std::nullopt;
  const Action* automatic = AutomaticActionFrom(workflow, after.state);
  if (automatic == nullptr || automatic->to == after.state) return std::nullopt;
  Result<AutomaticStep> step = PrepareAutomatic(*automatic, after, runnable);
  if (!step.ok() || step->transition.join_event() != nullptr ||
      AutomaticActionFrom(workflow, step->transition.dossier.state) != nullptr) {
    return std::nullopt;
  }
  return std::move(step).value();
}

Result<AcceptedSignature> DossierService::AcceptSignature(const Actor& actor,
                                                          const Workflow& workflow,
                                                          const Dossier& dossier,
                                                          const std::string& branch,
                                                          const std::string& value) {
  if (signing_ == nullptr) {
    return Error(ErrorCode::kUnavailable, "this server does not accept signatures",
                 ErrorReason::kSignaturesUnavailable, {{"/signature", "cannot be verified here"}});
  }
  // A branch's action signs its branch's sub-result; any other, the dossier's.
  std::optional<std::string> result = dossier.result_document;
  std::optional<Instant> attached;
  if (branch.empty()) {
    attached = ResultAttachedAt(dossier);
  } else if (std::optional<BranchResult> sub_result = BranchResultOf(workflow, dossier, branch)) {
    result = sub_result->document;
    attached = sub_result->attached_at;
  } else {
    result.reset();
  }
  if (!result) {
    return Error(ErrorCode::kFailedPrecondition,
                 branch.empty() ? std::string("the dossier has no result document to sign")
                                : "branch " + branch + " has no result document to sign",
                 ErrorReason::kNoResult, {{"/signature", "there is no result to sign yet"}});
  }
  ASSIGN_OR_RETURN(std::string bytes, store_.GetDocumentBytes(*result));
  const SigningMoment moment{clock_.Now(), attached};
  ASSIGN_OR_RETURN(AcceptedSignature accepted,
                   signing_->AcceptUploaded(actor, value, bytes, moment));
  // A signature belongs to the dossier it was made for: the same CMS (by its
  // SHA-256) that another dossier records, now or earlier in its history, is
  // refused, even when both results have the same bytes. Checked here for a
  // clear early answer; the store checks again atomically with the commit.
  ASSIGN_OR_RETURN(std::vector<DossierSummary> users,
                   store_.ListDossiersReferencing(accepted.evidence.signature_id, 2));
  for (const DossierSummary& other : users) {
    if (other.code != dossier.code) return SignatureAlreadyUsed(other.code);
  }
  return accepted;
}

std::optional<std::string> DossierService::AutomaticBlocker(const Action& automatic,
                                                            const Dossier& dossier) const {
  if (!automatic.requirements.agency_seal) return std::nullopt;
  if (signing_ == nullptr) return "this server has no agency seal configured";
  if (!dossier.result_document) return "the dossier has no result document to seal";
  return std::nullopt;
}

DossierService::Loaded DossierService::RunAutomaticActions(Loaded loaded, LogFailure log) {
  loaded.automatic_failure.reset();
  const Action* stopped_at = nullptr;
  auto stop = [&](const Action& automatic, std::string reason) {
    stopped_at = &automatic;
    loaded.automatic_failure = std::move(reason);
  };
  // Lint refuses loops of automatic actions, but a definition stored before
  // it did may hold one. One run enters each state at most once: the action
  // that would lead back into a state the run already left is refused with an
  // "automatic_halted" event instead of looping, and a dossier halted in its
  // current state is left to people (later sweeps do not try again).
  if (AutomaticHaltedInCurrentState(loaded.dossier)) return loaded;
  std::set<std::string> entered{loaded.dossier.state};
  for (;;) {
    const Workflow& workflow = loaded.workflow->workflow;
    const Action* automatic = AutomaticActionFrom(workflow, loaded.dossier.state);
    if (automatic == nullptr) break;
    if (entered.count(automatic->to) > 0) {
      Dossier after = loaded.dossier;
      DossierEvent event;
      event.action = kAutomaticHaltedAction;
      event.from_state = after.state;
      event.to_state = after.state;
      event.actor = Actor{kSystemRole, {kSystemRole}, after.agency};
      event.at = clock_.Now();
      event.payload = {{"action", automatic->name},
                       {"reason", "automatic action " + automatic->name + " would lead back to " +
                                      automatic->to + ": the workflow loops"}};
      if (CommitBookkeeping(loaded.dossier, loaded.dossier, event, workflow, FactsChange::kNo)
              .ok()) {
        after.version = loaded.dossier.version + 1;
        after.history.push_back(std::move(event));
        loaded.dossier = std::move(after);
      }
      break;
    }
    const Dossier& before = loaded.dossier;
    Result<AutomaticStep> step = PrepareAutomatic(*automatic, before, *loaded.workflow);
    if (!step.ok()) {
      stop(*automatic, step.error().message());
      break;
    }
    if (Status committed = CommitAccepted(Prior::Of(before), step->transition, workflow,
                                          std::move(step->documents));
        !committed.ok()) {
      stop(*automatic, committed.error().message());
      break;
    }
    loaded.dossier = std::move(step->transition).dossier;
    entered.insert(loaded.dossier.state);
  }
  if (stopped_at != nullptr && log == LogFailure::kYes && log_) {
    log_("dossier " + loaded.dossier.code + ": automatic action " + stopped_at->name +
         " waits in state " + loaded.dossier.state + ": " + *loaded.automatic_failure);
  }
  return loaded;
}

Result<DossierView> DossierService::Claim(const Actor& actor, const std::string& code) {
  return RetryWhileBranchesRace(
      [&](bool& lost_to_other_branch) { return ClaimOnce(actor, code, lost_to_other_branch); });
}

Result<DossierView> DossierService::ClaimOnce(const Actor& actor, const std::string& code,
                                              bool& lost_to_other_branch) {
  ASSIGN_OR_RETURN(Loaded loaded, LoadVisible(actor, code));
  const Dossier& before = loaded.dossier;
  const Workflow& workflow = loaded.workflow->workflow;
  auto queues_to_actor = [&](const State* state) {
    return state != nullptr && !state->terminal && !IsApplicantOnly(actor) &&
           std::any_of(
               state->queue_roles.begin(), state->queue_roles.end(),
               [&](const std::string& r) { return r != kApplicantRole && actor.HasRole(r); }) &&
           actor.agency == HandlingAgency(workflow, before, state->id);
  };
  // The dossier's own state, else the first running branch in the actor's
  // queue: a branch is claimed on its own, by its agency.
  const BranchPositions branches = BranchPositionsOf(workflow, before);
  const BranchPositions::value_type* branch = nullptr;
  std::optional<std::string> holder = before.assignee;
  if (!queues_to_actor(workflow.FindState(before.state))) {
    for (const auto& running : branches) {
      if (queues_to_actor(workflow.FindState(running.second.state))) {
        branch = &running;
        holder = running.second.assignee;
        break;
      }
    }
    if (branch == nullptr) {
      return Error(ErrorCode::kPermissionDenied,
                   "the dossier is not in the queue of any of your roles in your agency",
                   ErrorReason::kNotInYourQueue);
    }
  }
  if (holder == actor.user_id) return ViewOf(actor, std::move(loaded));
  if (holder) {
    return Error(ErrorCode::kConflict, "the dossier is already claimed by " + *holder,
                 ErrorReason::kAlreadyClaimed);
  }
  Status committed = CommitAssignment(before, actor, kClaimAction, actor.user_id, workflow, branch);
  if (!committed.ok()) {
    if (committed.error().code() != ErrorCode::kConflict) return committed.error();
    // Someone changed the dossier in between: perhaps this actor's own
    // concurrent claim (then this claim changes nothing and succeeds), or
    // another branch that moved (then the branch is tried again).
    Result<Loaded> now = LoadVisible(actor, code);
    if (now.ok()) {
      const std::optional<std::string> held_now =
          branch == nullptr ? now->dossier.assignee
                            : BranchPositionsOf(workflow, now->dossier)[branch->first].assignee;
      if (held_now == actor.user_id) return ViewOf(actor, std::move(now).value());
      lost_to_other_branch = branch != nullptr && !held_now;
    }
    return Error(ErrorCode::kConflict, "another user claimed the dossier first",
                 ErrorReason::kAlreadyClaimed);
  }
  return Get(actor, code);
}

Result<DossierView> DossierService::Release(const Actor& actor, const std::string& code) {
  ASSIGN_OR_RETURN(Loaded loaded, LoadVisible(actor, code));
  const Dossier& before = loaded.dossier;
  const BranchPositions branches = BranchPositionsOf(loaded.workflow->workflow, before);
  const BranchPositions::value_type* branch = nullptr;
  if (before.assignee != actor.user_id) {
    for (const auto& running : branches) {
      if (running.second.assignee == actor.user_id) branch = &running;
    }
    if (branch == nullptr) {
      return Error(ErrorCode::kPermissionDenied, "only the assignee can release the dossier",
                   ErrorReason::kNotAssignee);
    }
  }
  RETURN_IF_ERROR(CommitAssignment(before, actor, kReleaseAction, std::nullopt,
                                   loaded.workflow->workflow, branch));
  return Get(actor, code);
}

Status DossierService::CommitAssignment(const Dossier& before, const Actor& actor,
                                        const char* action,
                                        const std::optional<std::string>& assignee,
                                        const Workflow& workflow,
                                        const BranchPositions::value_type* branch) {
  Dossier after = before;
  DossierEvent event;
  event.action = action;
  event.from_state = before.state;
  event.to_state = before.state;
  event.actor = actor;
  event.at = clock_.Now();
  if (branch == nullptr) {
    after.assignee = assignee;
  } else {
    // The branch's holder follows from this event (BranchPositionsOf).
    event.from_state = branch->second.state;
    event.to_state = branch->second.state;
    event.payload[kBranchField] = branch->first;
  }
  return CommitBookkeeping(before, std::move(after), std::move(event), workflow, FactsChange::kNo);
}

Status DossierService::CommitBookkeeping(const Dossier& before, Dossier after, DossierEvent event,
                                         const Workflow& workflow, FactsChange facts_change,
                                         const std::vector<std::string>& extra_queue_roles) {
  after.version = before.version + 1;
  after.history.push_back(std::move(event));
  DossierStore::TransitionCommit commit;
  commit.after = &after;
  commit.expected_version = before.version;
  commit.event = &after.history.back();
  commit.queue_roles = QueueRolesOf(workflow, before.state);
  commit.queue_agency = QueueAgencyOf(workflow, before, before.state);
  commit.queue_roles.insert(commit.queue_roles.end(), extra_queue_roles.begin(),
                            extra_queue_roles.end());
  commit.branch_queues = BranchQueueSlots(workflow, after);
  commit.national_status = static_cast<int>(StatusOf(workflow, before.state));
  if (facts_change == FactsChange::kYes) {
    commit.facts = ComputeReportFacts(workflow, after, calendar_);
  }
  return store_.CommitTransition(commit);
}

Result<bool> DossierService::EscalateIfOverdue(const std::string& code) {
  const Actor system{kSystemRole, {kSystemRole}, ""};
  ASSIGN_OR_RETURN(Loaded loaded, LoadVisible(system, code));
  const Dossier& before = loaded.dossier;
  const Workflow& workflow = loaded.workflow->workflow;
  const State* state = workflow.FindState(before.state);
  if (workflow.supervisor_role.empty() || state == nullptr || state->terminal || !state->sla) {
    return false;
  }
  const std::optional<Instant> entered = EnteredCurrentState(before);
  if (!entered || EscalationDuringStay(before) != nullptr) return false;
  const Instant due = SlaDeadline(calendar_, *state->sla, *entered);
  const Instant now = clock_.Now();
  if (now < due) return false;
  DossierEvent event;
  event.action = kEscalateAction;
  event.from_state = before.state;
  event.to_state = before.state;
  event.actor = Actor{kSystemRole, {kSystemRole}, before.agency};
  event.at = now;
  event.payload = {
      {"to_role", workflow.supervisor_role},
      {"state", before.state},
      {"sla_due",
       std::chrono::duration_cast<std::chrono::seconds>(due.time_since_epoch()).count()}};
  RETURN_IF_ERROR(CommitBookkeeping(before, before, std::move(event), workflow, FactsChange::kNo,
                                    {workflow.supervisor_role}));
  return true;
}

Result<DossierView> DossierService::Rate(const Actor& actor, const std::string& code,
                                         const nlohmann::json& payload) {
  ASSIGN_OR_RETURN(Loaded loaded, LoadVisible(actor, code));
  const Dossier& before = loaded.dossier;
  ASSIGN_OR_RETURN(DossierEvent event,
                   RateDossier(loaded.workflow->workflow, before, actor, payload, clock_.Now()));
  Status committed = CommitBookkeeping(before, before, std::move(event), loaded.workflow->workflow,
                                       FactsChange::kYes);
  if (!committed.ok()) {
    // A concurrent change of the same dossier; no If-Match was sent.
    return LostRace(committed.error(), /*if_match_sent=*/false);
  }
  return Get(actor, code);
}

Result<std::string> DossierService::ResultBytes(const Actor& actor, const std::string& code) {
  ASSIGN_OR_RETURN(Loaded loaded, LoadVisible(actor, code));
  if (!loaded.dossier.result_document) {
    return Error(ErrorCode::kNotFound, "dossier " + code + " has no result document yet",
                 ErrorReason::kNoResult);
  }
  return store_.GetDocumentBytes(*loaded.dossier.result_document);
}

std::vector<ResultSignatureView> DossierService::SignatureViews(const Workflow& workflow,
                                                                const Dossier& dossier) {
  std::vector<ResultSignatureView> views;
  // Most signatures cover the same result: read each signed document once.
  std::map<std::string, Result<std::string>> signed_documents;
  for (const SignatureEvidence& evidence : dossier.result_signatures) {
    ResultSignatureView view;
    view.evidence = evidence;
    view.covers_current_result = CoversCurrentResult(workflow, dossier, evidence);
    Result<std::string> der = store_.GetDocumentBytes(evidence.signature_id);
    auto signed_bytes = signed_documents.find(evidence.document_id);
    if (signed_bytes == signed_documents.end()) {
      signed_bytes =
          signed_documents
              .emplace(evidence.document_id, store_.GetDocumentBytes(evidence.document_id))
              .first;
    }
    if (!der.ok() || !signed_bytes->second.ok()) {
      view.status = "signature_missing";
    } else if (signing_ == nullptr) {
      view.status = "signatures_unavailable";
    } else {
      view.status = signing_->CurrentStatus(*der, *signed_bytes->second);
    }
    views.push_back(std::move(view));
  }
  return views;
}

Result<std::vector<ResultSignatureView>> DossierService::Signatures(const Actor& actor,
                                                                    const std::string& code) {
  ASSIGN_OR_RETURN(Loaded loaded, LoadVisible(actor, code));
  const std::set<std::string> branches = VisibleBranches(actor, loaded);
  std::vector<ResultSignatureView> views;
  for (ResultSignatureView& view : SignatureViews(loaded.workflow->workflow, loaded.dossier)) {
    // Another agency's staff see the dossier's signatures and their branch's.
    if (!view.evidence.branch.empty() && branches.count(view.evidence.branch) == 0) continue;
    views.push_back(std::move(view));
  }
  return views;
}

Result<std::string> DossierService::SignatureBytes(const Actor& actor, const std::string& code,
                                                   const std::string& signature_id) {
  ASSIGN_OR_RETURN(Loaded loaded, LoadVisible(actor, code));
  const std::vector<SignatureEvidence>& signatures = loaded.dossier.result_signatures;
  const std::set<std::string> branches = VisibleBranches(actor, loaded);
  const bool recorded =
      std::any_of(signatures.begin(), signatures.end(), [&](const SignatureEvidence& s) {
        return s.signature_id == signature_id && (s.branch.empty() || branches.count(s.branch) > 0);
      });
  if (!recorded || signature_id.empty()) {
    return Error(ErrorCode::kNotFound, "dossier " + code + " has no signature " + signature_id,
                 ErrorReason::kSignatureNotFound);
  }
  return store_.GetDocumentBytes(signature_id);
}

Result<PublishedResultCheck> DossierService::VerifyPublishedResult(std::string_view result_bytes) {
  const Error unknown(ErrorCode::kNotFound,
                      "these bytes are not a signed result issued by this system",
                      ErrorReason::kUnknownResult);
  if (signing_ == nullptr) return unknown;
  const std::string id = signing_->Hash(result_bytes);
  constexpr int kMaxCandidates = 20;
  ASSIGN_OR_RETURN(std::vector<DossierSummary> candidates,
                   store_.ListDossiersReferencing(id, kMaxCandidates));
  for (const DossierSummary& summary : candidates) {
    ASSIGN_OR_RETURN(Dossier dossier, store_.GetDossier(summary.code));
    Result<std::shared_ptr<const RunnableWorkflow>> workflow =
        catalog_.Get(dossier.procedure_code, dossier.definition_version);
    if (!workflow.ok()) continue;
    // The dossier's result, or one of its branches' sub-results.
    PublishedResultCheck check;
    for (ResultSignatureView& view : SignatureViews((*workflow)->workflow, dossier)) {
      if (view.covers_current_result && view.evidence.document_id == id) {
        check.signatures.push_back(std::move(view));
      }
    }
    if (check.signatures.empty()) continue;
    check.all_valid = std::all_of(check.signatures.begin(), check.signatures.end(),
                                  [](const ResultSignatureView& v) { return v.status == "valid"; });
    check.dossier_code = dossier.code;
    // A branch's sub-result was issued by the agency that handled the branch.
    check.agency = dossier.agency;
    const std::string& branch = check.signatures.front().evidence.branch;
    if (!branch.empty()) {
      if (const std::optional<ForkRun> run = LatestForkRun((*workflow)->workflow, dossier)) {
        const BranchPositions positions = BranchPositionsIn(dossier, *run);
        if (auto at = positions.find(branch); at != positions.end()) {
          check.agency = HandlingAgency((*workflow)->workflow, dossier, at->second.state);
        }
      }
    }
    check.procedure_code = dossier.procedure_code;
    check.procedure_name = (*workflow)->workflow.procedure.name;
    check.result_kind = (*workflow)->workflow.procedure.result_kind;
    return check;
  }
  return unknown;
}

const Workflow& DossierHistory::WorkflowOf(const HandOff& hand_off) const {
  auto found = versions.find(hand_off.definition_version);
  return found != versions.end() ? found->second->workflow : workflow->workflow;
}

Result<DossierHistory> DossierService::History(const Actor& actor, const std::string& code) {
  ASSIGN_OR_RETURN(Loaded loaded, LoadVisible(actor, code));
  DossierHistory history;
  history.versions[loaded.dossier.definition_version] = loaded.workflow;
  // A migrated dossier's earlier stays are judged and named by their own
  // version; a version that cannot be loaded leaves them unjudged.
  const WorkflowOfVersion workflow_of = [&](std::int64_t version) -> const Workflow* {
    auto found = history.versions.find(version);
    if (found == history.versions.end()) {
      Result<std::shared_ptr<const RunnableWorkflow>> loaded_version =
          catalog_.Get(loaded.dossier.procedure_code, version);
      if (!loaded_version.ok()) return nullptr;
      found = history.versions.emplace(version, std::move(loaded_version).value()).first;
    }
    return &found->second->workflow;
  };
  history.hand_offs = ProcessControlSlip(calendar_, workflow_of, loaded.dossier, clock_.Now());
  history.workflow = std::move(loaded.workflow);
  return history;
}

Result<std::vector<AuditRecord>> DossierService::Audit(const Actor& actor,
                                                       const std::string& code) {
  if (Status allowed = Authorize(actor, Operation::kReadAuditTrail); !allowed.ok()) {
    return allowed.error();
  }
  RETURN_IF_ERROR(LoadVisible(actor, code));
  return store_.AuditTrail(code);
}

Result<std::vector<DossierSummary>> DossierService::List(const Actor& actor,
                                                         DossierListRequest request) {
  ASSIGN_OR_RETURN(const AccessScope scope, AuthorizedScope(actor, Operation::kListDossiers));
  RETURN_IF_ERROR(CheckPageLimit(request.limit, kDossierPageRule));
  if (scope == AccessScope::kOwn) {
    return store_.ListByApplicant(ApplicantQuery{actor.user_id, std::move(request.after_code),
                                                 request.limit, std::move(request.filter)});
  }
  return store_.ListByAgency(AgencyQuery{actor.agency, std::move(request.after_code), request.limit,
                                         std::move(request.filter)});
}

Result<std::vector<std::string>> DossierService::CheckDocumentsUsable(const Actor& actor,
                                                                      const NamedDocuments& named,
                                                                      const Dossier* before) {
  std::vector<std::string> reused;
  std::vector<FieldError> unusable;
  const std::vector<std::string> branch_results =
      before != nullptr ? AttachedBranchResults(*before) : std::vector<std::string>();
  for (const auto& [pointer, id] : named) {
    if (before != nullptr) {
      const bool attached =
          std::any_of(before->documents.begin(), before->documents.end(),
                      // Not [&]: clang 14 cannot capture a structured binding.
                      [&id = id](const auto& entry) { return entry.second == id; }) ||
          before->result_document == id ||
          std::find(branch_results.begin(), branch_results.end(), id) != branch_results.end();
      if (attached) continue;
    }
    ASSIGN_OR_RETURN(bool uploaded, store_.IsDocumentUploader(id, actor.user_id));
    if (uploaded) {
      // Uploaded by the actor and already attached to another dossier.
      ASSIGN_OR_RETURN(std::vector<DossierSummary> elsewhere,
                       store_.ListDossiersReferencing(id, 1));
      if (!elsewhere.empty()) reused.push_back(id);
      continue;
    }
    ASSIGN_OR_RETURN(bool own_result, IsResultIssuedTo(actor, id));
    if (own_result) {
      reused.push_back(id);
    } else {
      unusable.push_back(
          {pointer, "names no document you uploaded or result issued to you; upload it first"});
    }
  }
  if (unusable.empty()) return reused;
  return Error(ErrorCode::kInvalidArgument, "some documents are unknown", ErrorReason::kValidation,
               std::move(unusable));
}

Result<bool> DossierService::IsResultIssuedTo(const Actor& actor, const std::string& id) {
  if (!IsApplicantOnly(actor) || !IsDocumentId(id)) return false;
  constexpr int kMaxReferences = 50;
  ASSIGN_OR_RETURN(std::vector<DossierSummary> referencing,
                   store_.ListDossiersReferencing(id, kMaxReferences));
  for (const DossierSummary& summary : referencing) {
    if (summary.applicant_id != actor.user_id) continue;
    ASSIGN_OR_RETURN(Dossier dossier, store_.GetDossier(summary.code));
    Result<std::shared_ptr<const RunnableWorkflow>> workflow =
        catalog_.Get(dossier.procedure_code, dossier.definition_version);
    if (!workflow.ok()) continue;
    // Issued: the current result, or a branch's sub-result, of a dossier
    // that carries a signature on it.
    if (IsSignedCurrentResult((*workflow)->workflow, dossier, id)) return true;
  }
  return false;
}

Result<std::vector<QueueItem>> DossierService::Queue(const Actor& actor, QueueQuery query) {
  RETURN_IF_ERROR(Authorize(actor, Operation::kWorkInQueue));
  // The queue asked for is one of the actor's own roles that works in queues.
  const Actor in_that_role{actor.user_id, {query.role}, actor.agency};
  if (query.role.empty() || !actor.HasRole(query.role) ||
      !ScopeOf(in_that_role, Operation::kWorkInQueue)) {
    return Error(ErrorCode::kPermissionDenied, "you do not work in the queue of this role",
                 ErrorReason::kRoleNotAllowed, {{"/role", "must be one of your staff roles"}});
  }
  query.agency = actor.agency;
  RETURN_IF_ERROR(CheckPageLimit(query.limit, kDossierPageRule));
  ASSIGN_OR_RETURN(std::vector<DossierSummary> page, store_.ListQueue(query));
  const Instant now = clock_.Now();
  std::vector<QueueItem> items;
  items.reserve(page.size());
  for (DossierSummary& summary : page) {
    QueueItem item;
    if (!summary.glance) {  // an entry written before the store kept glances
      ASSIGN_OR_RETURN(Dossier dossier, store_.GetDossier(summary.code));
      summary.glance = GlanceAt(dossier);
    }
    item.escalated = summary.glance->escalated;
    item.time_left = TimeLeftOn(calendar_, *summary.glance, now);
    item.summary = std::move(summary);
    items.push_back(std::move(item));
  }
  return items;
}

Result<DossierService::Loaded> DossierService::LoadVisible(const Actor& actor,
                                                           const std::string& code) {
  return OnlyIfVisible(actor, code, store_.GetDossier(code));
}

Result<DossierService::Loaded> DossierService::LoadVisibleToChange(const Actor& actor,
                                                                   const std::string& code) {
  return OnlyIfVisible(actor, code, store_.GetDossierToChange(code));
}

Result<DossierService::Loaded> DossierService::OnlyIfVisible(const Actor& actor,
                                                             const std::string& code,
                                                             Result<Dossier> dossier) {
  if (!dossier.ok()) {
    if (dossier.error().code() == ErrorCode::kNotFound) return NotFound(code);
    return dossier.error();
  }
  ASSIGN_OR_RETURN(std::shared_ptr<const RunnableWorkflow> workflow,
                   catalog_.Get(dossier->procedure_code, dossier->definition_version));
  if (!CanSeeDossier(actor, *dossier, workflow->workflow)) return NotFound(code);
  return Loaded{std::move(dossier).value(), std::move(workflow)};
}

bool DossierService::SeesBranch(const Actor& actor, const Loaded& loaded,
                                const BranchPosition& position) {
  return actor.HasRole(kSystemRole) || IsApplicantOnly(actor) ||
         actor.agency == loaded.dossier.agency ||
         HandlingAgency(loaded.workflow->workflow, loaded.dossier, position.state) == actor.agency;
}

std::set<std::string> DossierService::VisibleBranches(const Actor& actor, const Loaded& loaded) {
  std::set<std::string> visible;
  const std::optional<ForkRun> run = LatestForkRun(loaded.workflow->workflow, loaded.dossier);
  if (!run) return visible;
  for (const auto& [branch, position] : BranchPositionsIn(loaded.dossier, *run)) {
    if (SeesBranch(actor, loaded, position)) visible.insert(branch);
  }
  return visible;
}

DossierView DossierService::ViewOf(const Actor& actor, Loaded loaded, ViewDepth depth) const {
  DossierView view;
  const RunnableWorkflow& runnable = *loaded.workflow;
  view.status = StatusOf(runnable.workflow, loaded.dossier.state);
  for (const Action* action : runnable.machine->AvailableActions(loaded.dossier, actor)) {
    view.available_actions.push_back(action->name);
  }
  if (depth == ViewDepth::kNextStep) {
    view.dossier = std::move(loaded.dossier);
    view.workflow = std::move(loaded.workflow);
    return view;
  }
  if (const Action* automatic = AutomaticActionFrom(runnable.workflow, loaded.dossier.state);
      automatic != nullptr && !AutomaticHaltedInCurrentState(loaded.dossier)) {
    std::optional<std::string> reason = loaded.automatic_failure;
    if (!reason) reason = AutomaticBlocker(*automatic, loaded.dossier);
    view.automatic_pending = AutomaticPending{
        automatic->name, reason.value_or("not performed yet; the timer sweep retries it")};
  }
  // Staff of an agency that handles branches only see their own branches.
  if (const std::optional<ForkRun> run = LatestForkRun(runnable.workflow, loaded.dossier)) {
    for (auto& [branch, position] : BranchPositionsIn(loaded.dossier, *run)) {
      if (SeesBranch(actor, loaded, position)) view.branches.emplace(branch, std::move(position));
    }
    const auto visible = [&](const std::string& branch) { return view.branches.count(branch) > 0; };
    for (auto& [branch, result] : BranchResultsIn(loaded.dossier, *run)) {
      if (visible(branch)) view.branch_results.emplace(branch, std::move(result));
    }
    for (auto& [branch, time] :
         BranchTimes(calendar_, runnable.workflow, loaded.dossier, clock_.Now())) {
      if (visible(branch)) view.branch_times.emplace(branch, time);
    }
  }
  view.fully_online = JudgeFullyOnline(runnable.workflow, loaded.dossier);
  view.timeliness = JudgeDossier(calendar_, runnable.workflow, loaded.dossier, clock_.Now());
  view.time_left = TimeLeftOn(calendar_, loaded.dossier.clock, clock_.Now());
  view.dossier = std::move(loaded.dossier);
  view.workflow = std::move(loaded.workflow);
  return view;
}

}  // namespace motcua
