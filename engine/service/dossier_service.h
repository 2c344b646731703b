// dossier_service.h: the use cases of dossiers, independent of HTTP.
//
// Every entry point takes the acting user, checks scope (access.h), runs the
// state machine of the exact workflow version the dossier is pinned to, and
// commits through the DossierStore port in one transaction. Handlers in api/
// only parse, call one of these, and render.
//
// Scope failures on reads are reported as kNotFound, never
// kPermissionDenied, so that nobody learns that someone else's dossier exists.
//
// Thread-safe: all state lives in the store and the catalog.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/domain/action_input.h"
#include "engine/domain/agency_roles.h"
#include "engine/domain/calendar.h"
#include "engine/domain/clock.h"
#include "engine/domain/dossier.h"
#include "engine/domain/fork.h"
#include "engine/domain/fully_online.h"
#include "engine/domain/identity_claims.h"
#include "engine/domain/legal_clock.h"
#include "engine/domain/page_limit.h"
#include "engine/domain/payment.h"
#include "engine/domain/status.h"
#include "engine/domain/store.h"
#include "engine/service/result_signing.h"
#include "engine/service/workflow_catalog.h"

namespace motcua {

// An automatic action of the dossier's current state that has not run (the
// agency seal without a seal configured, say), and why. The timer sweep
// retries it (ResumeAutomaticActions); nothing is recorded in the events.
struct AutomaticPending {
  std::string action;
  std::string reason;
};

// How much of a dossier an answer shows (DossierView).
enum class ViewDepth {
  kFull,      // every member of DossierView
  kNextStep,  // what a client needs for its next request: the dossier, its
              // workflow, status and available actions; the judgements,
              // times, branches and pending automatic action stay empty
};

// A dossier as one actor sees it now, to the depth asked for (ViewDepth).
struct DossierView {
  Dossier dossier;
  std::shared_ptr<const RunnableWorkflow> workflow;
  NationalStatus status = NationalStatus::kSubmitted;
  std::vector<std::string> available_actions;  // for this actor, definition order
  std::optional<AutomaticPending> automatic_pending;
  FullyOnlineVerdict fully_online;
  DossierTimeliness timeliness;
  std::optional<WorkingTimeLeft> time_left;  // TimeLeftOn its legal clock, now
  // Where the branches of the dossier's latest fork run stand (fork.h:
  // running, or as they ended once joined), as far as the actor may see them
  // (VisibleBranches).
  BranchPositions branches;
  // The same branches on their own agency's time (BranchTimes, legal_clock.h).
  std::map<std::string, BranchTime> branch_times;
  // The sub-result each of them attached (BranchResultsIn, fork.h).
  std::map<std::string, BranchResult> branch_results;
};

// One dossier of a work queue, with what makes it stand out: the engine
// escalated it during its stay in its current state, and the working time
// until (or past) its due date on the agency's calendar.
struct QueueItem {
  DossierSummary summary;
  bool escalated = false;
  std::optional<WorkingTimeLeft> time_left;  // TimeLeftOn its legal clock, now
};

// The process control slip of a dossier, with the workflow version it is
// pinned to and, for a dossier migrated between versions, every version its
// stays were on (HandOff::definition_version -> the workflow that names
// that stay's state and action).
struct DossierHistory {
  std::vector<HandOff> hand_offs;
  std::shared_ptr<const RunnableWorkflow> workflow;
  std::map<std::int64_t, std::shared_ptr<const RunnableWorkflow>> versions;

  // The workflow of `hand_off`'s version; the pinned one when not stored.
  const Workflow& WorkflowOf(const HandOff& hand_off) const;
};

// A new dossier. `agency` is the receiving agency's ID; staff submitting at
// the desk may leave it empty to use their own agency. `payload` is the
// state machine's SubmissionRequest payload (form, documents, channel), plus
// "applicant_id" when staff submit on an applicant's behalf.
struct NewDossier {
  std::string procedure_code;
  std::string agency;
  nlohmann::json payload = nlohmann::json::object();
  // What the submitter's identity provider verified at sign-in (their browser
  // session's; empty for bearer tokens, staff and the demo). Submit records
  // which form fields hold it unchanged (identity_claims.h).
  VerifiedIdentity verified_identity;
};

struct ActionCall {
  std::string code;
  std::string action;
  // If set, the caller's view of the dossier: a different stored version is
  // kConflict with reason "stale_version" (HTTP 412 for If-Match).
  std::optional<std::int64_t> expected_version;
  // What the action carries (action_input.h); `input.signature` is checked
  // by ResultSigning on signing actions.
  ActionInput input;
  // How much of the dossier the answer shows.
  ViewDepth depth = ViewDepth::kFull;
};

// One signature on a dossier's result as the API lists it.
struct ResultSignatureView {
  SignatureEvidence evidence;
  bool covers_current_result = false;  // false once the result was replaced
  std::string status;                  // ResultSigning::CurrentStatus, now
};

// What public verification of a result document establishes. It names the
// dossier, agency and procedure and nothing about the applicant.
struct PublishedResultCheck {
  std::string dossier_code;
  std::string agency;  // that issued it: the branch's for a branch's sub-result
  std::string procedure_code;
  std::string procedure_name;
  std::string result_kind;
  std::vector<ResultSignatureView> signatures;
  bool all_valid = false;  // at least one signature, every one "valid"
};

// The documents a request names, each as (pointer into the request, id),
// e.g. {"/documents/declaration", ID}.
using NamedDocuments = std::vector<std::pair<std::string, std::string>>;

// A page of a dossier listing (see DossierService::List).
struct DossierListRequest {
  std::optional<std::string> after_code;
  int limit = kDossierPageRule.default_limit;  // refused outside kDossierPageRule
  DossierFilter filter;
};

// Whether an agency ID names an agency this server serves (true/false), or
// an error when that cannot be told now.
using AgencyDirectory = std::function<Result<bool>(const std::string& agency)>;

// True for an identifier a dossier can be submitted for: a 12-digit citizen
// ID (IsValidCitizenId), or an enterprise tax code of 10 digits, optionally
// with a 3-digit branch suffix ("0101234567-001").
bool IsApplicantIdentifier(std::string_view id);

class DossierService {
 public:
  // Without `signing` (null), signing actions fail with kUnavailable
  // "signatures_unavailable" and automatic seals do not happen. Without
  // `agencies` (empty), any well-formed agency ID is accepted at submission.
  DossierService(DossierStore& store, WorkflowCatalog& catalog, const WorkingCalendar& calendar,
                 const Clock& clock, const ResultSigning* signing = nullptr,
                 AgencyDirectory agencies = {})
      : store_(store),
        catalog_(catalog),
        calendar_(calendar),
        clock_(clock),
        signing_(signing),
        agencies_(std::move(agencies)) {}

  // Documents named in a payload ("documents" values, "result_document")
  // must have been uploaded by the actor, be a signed result issued to the
  // applicant on an earlier dossier (reuse of digitized papers without
  // uploading again), or already belong to the dossier;
  // otherwise kInvalidArgument with a pointer per unusable document, worded
  // the same whether the document is absent or someone else's. The engine
  // records the ids of reused documents in the event's payload under
  // kReusedDocumentsField; a payload that names that field itself is
  // kInvalidArgument. Likewise, when the applicant submits in their own
  // session, the form fields that hold request.verified_identity's values
  // unchanged are recorded under kIdentityDataField (FieldsFromIdentity), and
  // a payload may not name that field either.
  // Staff name the applicant in "applicant_id": an IsApplicantIdentifier
  // (kInvalidArgument "validation" at "/applicant_id" otherwise; "", "system"
  // or a login name are not applicants). The agency must be a well-formed ID
  // that the AgencyDirectory knows, and fill every agency role of the
  // procedure through the AgencyRoleDirectory (kInvalidArgument "validation"
  // at "/agency" otherwise); the agencies found are recorded on the dossier
  // (kAgencyRolesField), which a payload may not name. When receiving would set a due date beyond
  // the working-day calendar: kUnavailable "calendar_exhausted" (legal_clock.h).
  Result<DossierView> Submit(const Actor& actor, const NewDossier& request);
  Result<DossierView> Get(const Actor& actor, const std::string& code);

  // Performs one action. An action of a fork's branch that loses the race
  // to another commit is decided again on the new version, unless the call
  // names the expected version (If-Match). Payment actions go through PayFee only (kFailed-
  // Precondition "payment_required" here). A "signature" in the payload is checked by
  // ResultSigning::AcceptUploaded (when the actor may take the action at
  // all; otherwise the state machine's error comes first; its signingTime
  // must lie in the SignatureWindow around the result's attachment and now,
  // else kInvalidArgument "signing_time_implausible"); the same CMS recorded
  // by another dossier is kConflict "signature_already_used"; its DER is
  // stored with the transition. After the action, the automatic actions of
  // the new state run as "system" (e.g. the agency seal); if one cannot
  // (no seal configured), the dossier waits in that state. One run enters
  // each state at most once: an automatic action leading back into a state
  // the run left is not performed but recorded as a kAutomaticHaltedAction
  // event, and the dossier waits for people from then on.
  Result<DossierView> Act(const Actor& actor, const ActionCall& call);

  // Settles the fee: performs the workflow's payment action (the action with
  // step "payment" the actor may take now) with `payment.channel`, recording
  // `payment` in the same transaction. Errors: kFailedPrecondition
  // "not_awaiting_payment"; kInvalidArgument "amount_mismatch" (/amount)
  // unless payment.amount is AmountDue for its channel; kConflict
  // "duplicate_payment" if its transaction id is already recorded.
  // `payment.dossier_code`, `recorded_at` and `recorded_by` are filled here.
  Result<DossierView> PayFee(const Actor& actor, const std::string& code, PaymentRecord payment);

  // The owner's satisfaction rating, once processing has ended (rating.h
  // RateDossier lists the errors); recorded as a "rate" event.
  Result<DossierView> Rate(const Actor& actor, const std::string& code,
                           const nlohmann::json& payload);

  // Records an "escalate" event (as "system") when the dossier has stayed in
  // its state past the state's SLA and its workflow names a supervisor
  // role; once per stay in a state. The dossier then also queues to that
  // role in its agency. True when it escalated now; kNotFound if unknown.
  Result<bool> EscalateIfOverdue(const std::string& code);

  // Runs the automatic actions still pending in the dossier's state (after
  // one could not run, e.g. the seal was unavailable); kNotFound for an
  // unknown dossier. Returns the dossier as it is afterwards; its
  // automatic_pending says why one still did not run. Unlike Act, Submit
  // and PayFee, this does not write to the problem log: the timer sweep
  // reports its own failures.
  Result<DossierView> ResumeAutomaticActions(const std::string& code);

  // Where Act, Submit and PayFee say, one line each, that an automatic action
  // after them could not run (e.g. "dossier C: automatic action seal_result
  // waits in state sealing: ..."). Unset, nothing is said. Set before use.
  void SetProblemLog(std::function<void(std::string_view)> log) { log_ = std::move(log); }

  // Which agency fills each agency role (agency_roles.h) for dossiers
  // submitted from now on. Unset, the directory is empty: a procedure that
  // names agency roles is refused at submission (kInvalidArgument
  // "validation" at /agency). Set before use.
  void SetAgencyRoles(AgencyRoleDirectory directory) { agency_roles_ = std::move(directory); }

  // Report facts for dossiers created before the engine kept them: computes
  // and adds the facts (DossierStore::AddMissingReportFacts) of up to
  // `limit` dossiers without any, with codes after `after_code`. `next_after`
  // is the last code examined; nothing examined means none are left after
  // `after_code`. A dossier that fails goes to `failures` and is skipped.
  struct FactsBackfill {
    int examined = 0;
    int added = 0;
    std::string next_after;
    std::vector<std::string> failures;  // "CODE: reason"
  };
  Result<FactsBackfill> BackfillReportFacts(const std::string& after_code, int limit);

  // Takes the dossier from the queue of one of the actor's roles (the current
  // state must queue to it, in the actor's agency). Of concurrent claimers
  // exactly one wins; the others get kConflict "already_claimed". Claiming a
  // dossier one already holds changes nothing. In a fork (fork.h), a running
  // branch that queues to the actor is claimed on its own: its agency's staff
  // hold the branch, not the dossier; a branch claim that lost the race to
  // another branch's commit is tried again, as Act does. Release puts back
  // either.
  Result<DossierView> Claim(const Actor& actor, const std::string& code);
  // Puts it back; only its assignee may (kPermissionDenied "not_assignee").
  Result<DossierView> Release(const Actor& actor, const std::string& code);

  // The exact bytes of a visible dossier's result document (what a leader
  // signs); kNotFound "no_result" while the dossier has none.
  Result<std::string> ResultBytes(const Actor& actor, const std::string& code);

  // The signatures recorded on a visible dossier's results, oldest first,
  // each re-verified now; and one signature's DER (kNotFound
  // "signature_not_found" if the dossier has no signature with that id).
  Result<std::vector<ResultSignatureView>> Signatures(const Actor& actor, const std::string& code);
  Result<std::string> SignatureBytes(const Actor& actor, const std::string& code,
                                     const std::string& signature_id);

  // Public verification, no actor: which dossier's result `result_bytes` is,
  // and whether its signatures are valid. kNotFound "unknown_result" unless
  // the bytes are the current result of a dossier with at least one
  // signature on it (drafts reveal nothing).
  Result<PublishedResultCheck> VerifyPublishedResult(std::string_view result_bytes);

  // The process control slip and the audit trail of a visible dossier. The
  // audit trail needs Operation::kReadAuditTrail (access.h): kPermissionDenied
  // "role_not_allowed" before any lookup otherwise.
  Result<DossierHistory> History(const Actor& actor, const std::string& code);
  Result<std::vector<AuditRecord>> Audit(const Actor& actor, const std::string& code);

  // Dossiers in the actor's scope, newest first: an applicant's own, or the
  // dossiers the staff member's agency received. kPermissionDenied for an
  // actor with neither (the system actor). A limit outside kDossierPageRule
  // is refused (page_limit.h).
  Result<std::vector<DossierSummary>> List(const Actor& actor, DossierListRequest request);

  // The actor's queue for one of their roles in their agency (kPermissionDenied
  // if they do not hold `query.role`; the agency is always the actor's own).
  // A limit outside kDossierPageRule is refused. Each item says whether it
  // was escalated (reading each dossier's events: a page costs one dossier
  // read per item).
  Result<std::vector<QueueItem>> Queue(const Actor& actor, QueueQuery query);

 private:
  // The dossier and its pinned workflow, if `actor` may see it (else kNotFound).
  struct Loaded {
    Dossier dossier;
    std::shared_ptr<const RunnableWorkflow> workflow;
    // Why the last run of automatic actions stopped short, if it did.
    std::optional<std::string> automatic_failure = std::nullopt;
  };
  Result<Loaded> LoadVisible(const Actor& actor, const std::string& code);
  // LoadVisible for a caller that commits a transition of the dossier next
  // (DossierStore::GetDossierToChange).
  Result<Loaded> LoadVisibleToChange(const Actor& actor, const std::string& code);
  Result<Loaded> OnlyIfVisible(const Actor& actor, const std::string& code,
                               Result<Dossier> dossier);
  DossierView ViewOf(const Actor& actor, Loaded loaded, ViewDepth depth = ViewDepth::kFull) const;
  // The branches of the dossier's latest fork run (fork.h) `actor` may see:
  // all for the engine, the applicant and the receiving agency's staff; for
  // another agency's staff, those it handles (HandlingAgency of where each
  // stands). Empty when the dossier never forked.
  static std::set<std::string> VisibleBranches(const Actor& actor, const Loaded& loaded);
  // Whether `actor` may see the branch standing at `position` (as above).
  static bool SeesBranch(const Actor& actor, const Loaded& loaded, const BranchPosition& position);
  // True when `id` is the signed current result, or a branch's signed
  // sub-result, of a dossier `actor` (an applicant) owns.
  Result<bool> IsResultIssuedTo(const Actor& actor, const std::string& id);
  // See Submit: checks the documents named, each with its pointer into the
  // request, e.g. {"/documents/declaration", ID} (`before` may be null).
  // Returns the ids of newly attached documents that are reused: a result
  // issued to the applicant, or an upload already attached to another
  // dossier (report_facts.h counts them).
  Result<std::vector<std::string>> CheckDocumentsUsable(const Actor& actor,
                                                        const NamedDocuments& named,
                                                        const Dossier* before);
  // Act's one attempt; sets `lost_to_other_branch` when a branch's action
  // lost the race to a commit of the same dossier (see Act).
  Result<DossierView> ActOnce(const Actor& actor, const ActionCall& call,
                              bool& lost_to_other_branch);
  // Claim's one attempt, as ActOnce is Act's.
  Result<DossierView> ClaimOnce(const Actor& actor, const std::string& code,
                                bool& lost_to_other_branch);
  // Commits a claim or release: same state, new assignee, an audit event.
  // With `branch` (a running branch of the dossier's fork, by id and where
  // it stands), of that branch only.
  Status CommitAssignment(const Dossier& before, const Actor& actor, const char* action,
                          const std::optional<std::string>& assignee, const Workflow& workflow,
                          const BranchPositions::value_type* branch = nullptr);
  // Commits an event that does not move the dossier (claim, release,
  // rating, escalation): `after` is `before` with the event's changes,
  // versioned here. Only a rating changes the report facts; the others leave
  // the stored row as it is (kNo), which spares recomputing them.
  enum class FactsChange { kNo, kYes };
  Status CommitBookkeeping(const Dossier& before, Dossier after, DossierEvent event,
                           const Workflow& workflow, FactsChange facts_change,
                           const std::vector<std::string>& extra_queue_roles = {});
  // An automatic action decided and prepared (its seal made), not committed.
  struct AutomaticStep {
    Transition transition;
    std::vector<NewDocument> documents;
  };
  // What committing a transition needs of the dossier as it was loaded: the
  // version the commit expects, and the state it left (for the status change
  // reported to the national index).
  struct Prior {
    std::int64_t version = 0;
    std::string state;
    static Prior Of(const Dossier& dossier) { return Prior{dossier.version, dossier.state}; }
  };
  // Commits an accepted transition with its outbox row, documents and payment,
  // and `following` (when set: the automatic action on the state the
  // transition led to) in the same commit.
  Status CommitAccepted(const Prior& before, const Transition& transition, const Workflow& workflow,
                        std::vector<NewDocument> documents,
                        std::optional<PaymentRecord> payment = std::nullopt,
                        AutomaticStep* following = nullptr);
  // `automatic` performed on `before` as the system, its seal made when it
  // needs one; kFailedPrecondition saying why it cannot run now.
  Result<AutomaticStep> PrepareAutomatic(const Action& automatic, const Dossier& before,
                                         const RunnableWorkflow& runnable);
  // The automatic action that will run on `after` (a transition's dossier,
  // not yet committed), prepared so that it commits with that transition:
  // when one applies, can run now, does not lead back into `after`'s state,
  // joins no fork and is the last of its run (no automatic action follows
  // it). Otherwise nullopt, and RunAutomaticActions runs it after the commit
  // as ever.
  std::optional<AutomaticStep> FoldableAutomatic(const Dossier& after,
                                                 const RunnableWorkflow& runnable);
  // The signature in `value` over the result it must cover, checked: the
  // sub-result of `branch` (fork.h) for a branch's action, else the
  // dossier's result.
  Result<AcceptedSignature> AcceptSignature(const Actor& actor, const Workflow& workflow,
                                            const Dossier& dossier, const std::string& branch,
                                            const std::string& value);
  // Runs the automatic actions of the dossier's state until none applies or
  // one cannot be performed; returns the dossier as it is then, with the
  // reason it stopped short (also written to the problem log when `log` is
  // kYes).
  enum class LogFailure { kNo, kYes };
  Loaded RunAutomaticActions(Loaded loaded, LogFailure log = LogFailure::kYes);
  // Why `automatic` cannot run on `dossier` before trying it, if known.
  std::optional<std::string> AutomaticBlocker(const Action& automatic,
                                              const Dossier& dossier) const;
  std::vector<ResultSignatureView> SignatureViews(const Workflow& workflow, const Dossier& dossier);

  DossierStore& store_;
  WorkflowCatalog& catalog_;
  const WorkingCalendar& calendar_;
  const Clock& clock_;
  const ResultSigning* signing_;
  AgencyDirectory agencies_;
  AgencyRoleDirectory agency_roles_;
  std::function<void(std::string_view)> log_;
};

}  // namespace motcua
