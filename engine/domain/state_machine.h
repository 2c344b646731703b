// state_machine.h: runs a dossier through its procedure's workflow.
//
// Pure decisions: given a workflow, a dossier and an actor's request, the
// state machine says what the dossier becomes and which event to record, or
// precisely why not. It never stores anything and takes "now" from the
// injected Clock; the store applies the returned transition atomically.
//
// Errors (Error::reason() in parentheses):
//   kNotFound            unknown action (unknown_action)
//   kFailedPrecondition  not allowed from the current state (not_allowed_from_state),
//                        dossier already ended (terminal_state),
//                        missing requirement (missing_requirement; one FieldError
//                        per missing item, pointer into the payload, e.g.
//                        "/comment", "/documents/declaration", "/form/address",
//                        "/result_document", "/signature", "/seal",
//                        "/appointment_date"),
//                        four-eyes violation (four_eyes),
//                        signature over another document (signature_mismatch)
//   kPermissionDenied    no allowed role (role_not_allowed), staff of another
//                        agency (wrong_agency), applicant not the owner
//                        (not_owner)
//   kInvalidArgument     malformed payload, e.g. a channel name or date that
//                        does not parse, or a form that fails the form schema
//                        (invalid_payload, with FieldErrors)
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/action_input.h"
#include "engine/domain/calendar.h"
#include "engine/domain/clock.h"
#include "engine/domain/dossier.h"
#include "engine/domain/fork.h"
#include "engine/domain/json_schema.h"
#include "engine/domain/status.h"
#include "engine/domain/workflow.h"

namespace motcua {

// A request to create a dossier. Payload fields:
//   "form": object, validated against the procedure's form schema;
//   "documents": {key: document id}, every required document present;
//   "channel": "online" | "desk" | "post" (default: online for applicants,
//              desk for staff submitting on an applicant's behalf).
struct SubmissionRequest {
  // The dossier code (dossier_code.h); may be left empty and assigned by the
  // caller once the submission validated, so that rejections take no number.
  std::string code;
  std::string applicant_id;  // owner of the dossier
  std::string agency;        // receiving agency ID
  std::int64_t definition_version = 0;
  Actor actor;  // the applicant, or a reception clerk at the desk
  nlohmann::json payload = nlohmann::json::object();
  // The agency filling each of the workflow's agency roles for this dossier
  // (ResolveAgencyRoles, agency_roles.h); every declared role must be here.
  // Recorded in the submit event's payload; a client's own "agency_roles"
  // member of `payload` is dropped.
  std::map<std::string, std::string> agency_roles;
};

// A request to perform an action with its typed input (action_input.h),
// each field used only where the action needs or allows it. `input.signature`
// is not read here: `signature` is filled by the signature adapter after it
// verified one: a person's signature (seal = false) meets "result_signature",
// the agency's seal (seal = true) meets "agency_seal". The event's payload is
// ActionInputPayload(input) with the evidence under "signature"
// (SignatureEvidenceToJson).
struct ActionRequest {
  std::string action;
  Actor actor;
  ActionInput input;
  std::optional<SignatureEvidence> signature;
};

// The outcome of an accepted action: the dossier as it is after it (state,
// version + 1 per event, clock, form, documents, history with the action's
// event appended). The event exists once, in the history: the last entry, or
// the one before the engine's join event when the action ended a fork's last
// running branch (fork.h; the join moved the dossier on).
struct Transition {
  Dossier dossier;
  bool joined = false;

  const DossierEvent& event() const { return dossier.history[ActionIndex()]; }
  DossierEvent& event() { return dossier.history.Mutable()[ActionIndex()]; }
  // The join event, or nullptr when the action ended no fork.
  const DossierEvent* join_event() const { return joined ? &dossier.history.back() : nullptr; }

 private:
  std::size_t ActionIndex() const { return dossier.history.size() - (joined ? 2 : 1); }
};

// The decision that an actor may take an action on a dossier as it is now,
// by state, role and scope (StateMachine::Admit). Apply continues from it, so
// that one request decides this once.
struct Admission {
  const Action* action = nullptr;
  // The state the action leaves: the dossier's, or for an action of a fork's
  // branch (fork.h, Action::branch) the state that branch stands in.
  const State* from = nullptr;
  // Four-eyes, decided with the rest but reported by Apply after the payload
  // checks (the order of Apply's errors above).
  Status four_eyes;

  // True when AvailableActions would list the action for the actor.
  bool Available() const { return four_eyes.ok(); }
};

class StateMachine {
 public:
  // The workflow, calendar and clock must outlive the state machine. The
  // form schema is compiled once here; `Create` reports a bad one.
  static Result<StateMachine> Create(const Workflow& workflow, const WorkingCalendar& calendar,
                                     const Clock& clock);

  // A new dossier in the initial state with its "submit" event.
  Result<Dossier> Submit(const SubmissionRequest& request) const;

  // Performs `request.action` on `dossier`: Admit, then Apply as below.
  Result<Transition> Apply(const Dossier& dossier, const ActionRequest& request) const;

  // The first half of Apply: kNotFound unknown_action, kFailedPrecondition
  // terminal_state / not_allowed_from_state, kPermissionDenied as listed above.
  // An action of a fork's branch is allowed from the state that branch stands
  // in (not_allowed_from_state while the dossier runs no such branch or the
  // branch has ended), by the staff of the agency handling that state.
  Result<Admission> Admit(const Dossier& dossier, const std::string& action,
                          const Actor& actor) const;

  // The second half: performs the admitted action on `dossier` (the same
  // dossier and actor `admission` was decided for) with `request`'s payload.
  // The transition's dossier is `dossier` itself, changed: a caller done
  // with the dossier moves it in, so that its events are appended to rather
  // than copied (EventHistory::Mutable).
  Result<Transition> Apply(Dossier dossier, const Admission& admission,
                           const ActionRequest& request) const;

  // The actions `actor` may take on `dossier` now, ignoring payload
  // requirements (what a UI shows as buttons), in definition order.
  std::vector<const Action*> AvailableActions(const Dossier& dossier, const Actor& actor) const;

  // Timers of the dossier's current state with the instant each fires
  // (entry into the state + N working days), earliest first. Claims and
  // releases do not re-enter the state.
  struct DueTimer {
    const Timer* timer;
    Instant fires_at;
  };
  std::vector<DueTimer> PendingTimers(const Dossier& dossier) const;

  const Workflow& workflow() const { return *workflow_; }

 private:
  // After an action of a branch: when every branch of the fork has ended,
  // appends the engine's join event to `transition` and moves the dossier
  // where DecideJoin says (fork.h), reconciling its legal clock.
  Status JoinIfBranchesEnded(Transition& transition, Instant now) const;
  // Admit with the dossier's branch positions already read (BranchPositionsOf).
  Result<Admission> AdmitAmong(const Dossier& dossier, const BranchPositions& branches,
                               const Action& action, const Actor& actor) const;

  StateMachine(const Workflow& workflow, const WorkingCalendar& calendar, const Clock& clock,
               JsonSchema form_schema)
      : workflow_(&workflow),
        calendar_(&calendar),
        clock_(&clock),
        form_schema_(std::move(form_schema)) {}

  const Workflow* workflow_;
  const WorkingCalendar* calendar_;
  const Clock* clock_;
  JsonSchema form_schema_;
};

}  // namespace motcua
