#include "engine/domain/state_machine.h"

#include <algorithm>
#include <chrono>
#include <string_view>
#include <utility>

#include "engine/domain/agency_roles.h"
#include "engine/domain/dossier_contents.h"
#include "engine/domain/legal_clock.h"
#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

using nlohmann::json;

constexpr const char* kReceptionClerkRole = "reception_clerk";

Error InvalidPayload(std::vector<FieldError> fields) {
  return Error(ErrorCode::kInvalidArgument, "the request payload is malformed",
               ErrorReason::kInvalidPayload, std::move(fields));
}

Error MissingRequirements(std::vector<FieldError> fields) {
  return Error(ErrorCode::kFailedPrecondition, "the action needs more input",
               ErrorReason::kMissingRequirement, std::move(fields));
}

// A JSON value naming a document: a string that IsDocumentId accepts.
bool NamesDocument(const json& value) {
  return value.is_string() && IsDocumentId(value.get_ref<const std::string&>());
}

// Prefixes schema violations of the form with the form's place in the payload.
void AddFormErrors(const std::vector<FieldError>& schema_errors, std::vector<FieldError>& out) {
  for (const FieldError& e : schema_errors) out.push_back({"/form" + e.pointer, e.message});
}

// The channel an actor uses when the payload names none: applicants act
// online, staff at the desk, the engine's own timers on no channel at all.
std::optional<Channel> DefaultChannel(const Actor& actor) {
  if (actor.HasRole(kApplicantRole)) return Channel::kOnline;
  if (actor.HasRole(kSystemRole)) return std::nullopt;
  return Channel::kDesk;
}

// Reads an optional "channel" member into `channel`; errors go to `invalid`.
void ReadChannel(const json& payload, std::optional<Channel>& channel,
                 std::vector<FieldError>& invalid) {
  auto it = payload.find("channel");
  if (it == payload.end()) return;
  std::optional<Channel> named;
  if (it->is_string()) named = ChannelFromName(it->get<std::string>());
  if (!named.has_value()) {
    invalid.push_back({"/channel", "must be one of \"online\", \"desk\", \"post\""});
    return;
  }
  channel = named;
}

// Reads an optional "documents" object {key: id} into `documents`, checking
// keys against the procedure and ids for form; errors go to `invalid`.
void ReadDocuments(const Procedure& procedure, const json& payload,
                   std::map<std::string, std::string>& documents,
                   std::vector<FieldError>& invalid) {
  auto it = payload.find("documents");
  if (it == payload.end()) return;
  if (!it->is_object()) {
    invalid.push_back({"/documents", "must be an object of document key to document id"});
    return;
  }
  for (const auto& [key, id] : it->items()) {
    const std::string pointer = "/documents/" + key;
    if (procedure.FindDocument(key) == nullptr) {
      invalid.push_back({pointer, "is not a document of procedure " + procedure.code});
    } else if (!NamesDocument(id)) {
      invalid.push_back({pointer, "must be a SHA-256 document id in lowercase hex"});
    } else {
      documents[key] = id.get<std::string>();
    }
  }
}

bool IsClockPaused(const LegalClock& clock) {
  return !clock.paused.empty() && !clock.paused.back().to.has_value();
}

bool IsClockRunning(const LegalClock& clock) {
  return clock.received_at.has_value() && !clock.finished_at.has_value() && !IsClockPaused(clock);
}

// Brings the legal clock in line with the mode of the state the dossier
// enters, after the action's own effect was applied:
//  - entering a paused state with the clock running (e.g. "receive" with
//    effect start into "awaiting_fee") pauses it;
//  - entering a stopped state with a started, unfinished clock stops it.
// A clock that never started is not stopped: no legal time was counted.
Result<LegalClock> ReconcileClockWithState(const WorkingCalendar& calendar,
                                           const Deadline& deadline, LegalClock clock,
                                           ClockMode target_mode, Instant now) {
  if (target_mode == ClockMode::kPaused && IsClockRunning(clock)) {
    return ApplyClockEffect(calendar, deadline, clock, ClockEffect::kPause, now);
  }
  if (target_mode == ClockMode::kStopped && clock.received_at.has_value() &&
      !clock.finished_at.has_value()) {
    return ApplyClockEffect(calendar, deadline, clock, ClockEffect::kStop, now);
  }
  return clock;
}

// Whether `actor` may perform `action` on `dossier` in `state` by role and
// scope. An actor passes when one of the action's roles it holds passes its
// scope: "system" always, "applicant" on their own dossier, a staff role in
// the responsible agency.
Status CheckActor(const Workflow& workflow, const Action& action, const State& state,
                  const Dossier& dossier, const Actor& actor) {
  const std::string& responsible = HandlingAgency(workflow, dossier, state.id);
  bool has_role = false;
  bool staff_role = false;
  for (const std::string& role : action.roles) {
    if (!actor.HasRole(role)) continue;
    has_role = true;
    if (role == kSystemRole) return {};
    if (role == kApplicantRole) {
      if (actor.user_id == dossier.applicant_id) return {};
    } else {
      staff_role = true;
      if (actor.agency == responsible) return {};
    }
  }
  if (!has_role) {
    return Error(ErrorCode::kPermissionDenied,
                 "the actor has none of the roles that may perform " + action.name,
                 ErrorReason::kRoleNotAllowed);
  }
  if (staff_role) {
    return Error(ErrorCode::kPermissionDenied, "the dossier is handled by agency " + responsible,
                 ErrorReason::kWrongAgency);
  }
  return Error(ErrorCode::kPermissionDenied, "the dossier belongs to another applicant",
               ErrorReason::kNotOwner);
}

// Four-eyes: the actor must differ from whoever last performed each of the
// action's named actions.
Status CheckFourEyes(const Action& action, const Dossier& dossier, const Actor& actor) {
  for (const std::string& other : action.four_eyes) {
    for (auto it = dossier.history.rbegin(); it != dossier.history.rend(); ++it) {
      if (it->action != other) continue;
      if (it->actor.user_id == actor.user_id) {
        return Error(ErrorCode::kFailedPrecondition,
                     "the same person may not perform both " + other + " and " + action.name,
                     ErrorReason::kFourEyes);
      }
      break;
    }
  }
  return {};
}

}  // namespace

Result<StateMachine> StateMachine::Create(const Workflow& workflow, const WorkingCalendar& calendar,
                                          const Clock& clock) {
  Result<JsonSchema> schema = JsonSchema::Compile(workflow.procedure.form_schema);
  if (!schema.ok()) {
    std::vector<FieldError> fields;
    for (const FieldError& e : schema.error().fields()) {
      fields.push_back({"/procedure/form" + e.pointer, e.message});
    }
    return Error(ErrorCode::kInvalidArgument,
                 "the form schema of procedure " + workflow.procedure.code + " does not compile",
                 schema.error().reason(), std::move(fields));
  }
  return StateMachine(workflow, calendar, clock, std::move(schema).value());
}

Result<Dossier> StateMachine::Submit(const SubmissionRequest& request) const {
  const Workflow& wf = *workflow_;
  const Actor& actor = request.actor;
  if (actor.HasRole(kApplicantRole)) {
    if (actor.user_id != request.applicant_id) {
      return Error(ErrorCode::kPermissionDenied, "applicants may only submit for themselves",
                   ErrorReason::kNotOwner);
    }
  } else if (!actor.HasRole(kReceptionClerkRole)) {
    return Error(ErrorCode::kPermissionDenied,
                 "only the applicant or a reception clerk may submit a dossier",
                 ErrorReason::kRoleNotAllowed);
  } else if (actor.agency != request.agency) {
    return Error(ErrorCode::kPermissionDenied,
                 "the clerk may only receive dossiers for their own agency",
                 ErrorReason::kWrongAgency);
  }

  const json& payload = request.payload;
  if (!payload.is_object()) return InvalidPayload({{"", "must be an object"}});

  std::vector<FieldError> invalid;
  json form = json::object();
  if (auto it = payload.find("form"); it != payload.end()) {
    if (it->is_object()) {
      form = *it;
    } else {
      invalid.push_back({"/form", "must be an object"});
    }
  }
  if (form.is_object()) AddFormErrors(form_schema_.Validate(form), invalid);

  std::map<std::string, std::string> documents;
  ReadDocuments(wf.procedure, payload, documents, invalid);
  std::optional<Channel> channel = DefaultChannel(actor);
  ReadChannel(payload, channel, invalid);
  if (!invalid.empty()) return InvalidPayload(std::move(invalid));

  std::vector<FieldError> missing;
  for (const RequiredDocument& doc : wf.procedure.documents) {
    if (doc.required && documents.count(doc.key) == 0) {
      missing.push_back({"/documents/" + doc.key, "the document \"" + doc.name + "\" is required"});
    }
  }
  if (!missing.empty()) return MissingRequirements(std::move(missing));

  for (const AgencyRole& role : wf.procedure.agency_roles) {
    if (request.agency_roles.count(role.id) == 0) {
      return Error(
          ErrorCode::kInvalidArgument,
          "no agency was resolved for the role " + role.id + " of procedure " + wf.procedure.code,
          ErrorReason::kValidation,
          {{"/agency", "has no agency configured for the role " + role.id}});
    }
  }

  const State* initial = wf.FindState(wf.initial_state);
  if (initial == nullptr) {
    return Error(ErrorCode::kInternal, "initial state " + wf.initial_state + " does not exist");
  }

  const Instant now = clock_->Now();
  Dossier dossier;
  dossier.code = request.code;
  dossier.procedure_code = wf.procedure.code;
  dossier.definition_version = request.definition_version;
  dossier.applicant_id = request.applicant_id;
  dossier.agency = request.agency;
  dossier.state = initial->id;
  dossier.version = 1;

  // Normally the initial state is not_started and nothing happens; a workflow
  // whose dossiers start counting at submission gets a started clock.
  if (initial->clock == ClockMode::kRunning || initial->clock == ClockMode::kPaused) {
    ASSIGN_OR_RETURN(LegalClock started, ApplyClockEffect(*calendar_, wf.procedure.deadline,
                                                          dossier.clock, ClockEffect::kStart, now));
    ASSIGN_OR_RETURN(LegalClock reconciled,
                     ReconcileClockWithState(*calendar_, wf.procedure.deadline, std::move(started),
                                             initial->clock, now));
    dossier.clock = std::move(reconciled);
  }

  DossierEvent event;
  event.action = "submit";
  event.to_state = initial->id;
  event.actor = actor;
  event.at = now;
  event.step = ApplicantStep::kSubmission;
  event.channel = channel;
  event.payload = payload;
  // Only the engine records agency roles: a client's "agency_roles" is dropped.
  event.payload.erase(kAgencyRolesField);
  if (!request.agency_roles.empty()) event.payload[kAgencyRolesField] = request.agency_roles;
  dossier.history.push_back(std::move(event));
  // The form and documents are those the event records (dossier_contents.h).
  RETURN_IF_ERROR(FoldEventContents(dossier.history.back(), 0, dossier));
  return dossier;
}

Result<Admission> StateMachine::Admit(const Dossier& dossier, const std::string& action_name,
                                      const Actor& actor) const {
  const Workflow& wf = *workflow_;
  const Action* action = wf.FindAction(action_name);
  if (action == nullptr) {
    return Error(ErrorCode::kNotFound,
                 "procedure " + wf.procedure.code + " has no action " + action_name,
                 ErrorReason::kUnknownAction);
  }
  return AdmitAmong(dossier, BranchPositionsOf(wf, dossier), *action, actor);
}

Result<Admission> StateMachine::AdmitAmong(const Dossier& dossier, const BranchPositions& branches,
                                           const Action& action, const Actor& actor) const {
  const Workflow& wf = *workflow_;
  const State* state = wf.FindState(dossier.state);
  if (state == nullptr || wf.FindState(action.to) == nullptr) {
    return Error(ErrorCode::kInternal, "the dossier or the action names an unknown state");
  }
  if (state->terminal) {
    return Error(ErrorCode::kFailedPrecondition, "the dossier has ended in state " + state->id,
                 ErrorReason::kTerminalState);
  }
  Admission admission;
  admission.action = &action;
  admission.from = state;
  if (!action.branch.empty()) {
    auto position = branches.find(action.branch);
    const State* at = position == branches.end() ? nullptr : wf.FindState(position->second.state);
    if (at == nullptr) {
      return Error(ErrorCode::kFailedPrecondition,
                   action.name + " belongs to branch " + action.branch +
                       ", which the dossier does not run in state " + state->id,
                   ErrorReason::kNotAllowedFromState);
    }
    if (at->terminal) {
      return Error(ErrorCode::kFailedPrecondition,
                   "branch " + action.branch + " has ended in state " + at->id,
                   ErrorReason::kNotAllowedFromState);
    }
    admission.from = at;
  }
  if (!action.AllowedFrom(admission.from->id)) {
    return Error(ErrorCode::kFailedPrecondition,
                 action.name + " is not allowed from state " + admission.from->id,
                 ErrorReason::kNotAllowedFromState);
  }
  if (Status allowed = CheckActor(wf, action, *admission.from, dossier, actor); !allowed.ok()) {
    return allowed.error();
  }
  admission.four_eyes = CheckFourEyes(action, dossier, actor);
  return admission;
}

Result<Transition> StateMachine::Apply(const Dossier& dossier, const ActionRequest& request) const {
  ASSIGN_OR_RETURN(Admission admission, Admit(dossier, request.action, request.actor));
  return Apply(dossier, admission, request);
}

Result<Transition> StateMachine::Apply(Dossier dossier, const Admission& admission,
                                       const ActionRequest& request) const {
  const Workflow& wf = *workflow_;
  const Actor& actor = request.actor;
  const Action* action = admission.action;
  const State* state = admission.from;
  const State* target = wf.FindState(action->to);
  if (state == nullptr || target == nullptr) {
    return Error(ErrorCode::kInternal, "the dossier or the action names an unknown state");
  }

  // Malformed values, whatever the action requires: the parser's, then
  // those only the procedure can tell.
  const ActionInput& input = request.input;
  std::vector<FieldError> invalid = input.malformed;
  const std::string comment = input.comment.value_or("");

  std::map<std::string, std::string> documents = dossier.documents;
  for (const auto& [key, id] : input.documents) {
    if (wf.procedure.FindDocument(key) == nullptr) {
      invalid.push_back(
          {"/documents/" + key, "is not a document of procedure " + wf.procedure.code});
    } else {
      documents[key] = id;
    }
  }

  json form = dossier.form.is_object() ? dossier.form : json::object();
  if (input.form) {
    for (const auto& [field, value] : input.form->items()) form[field] = value;
    AddFormErrors(form_schema_.Validate(form), invalid);
  }

  // A branch's action works on its branch's sub-result, never the dossier's.
  const bool in_branch = !action->branch.empty();
  const std::optional<std::string> current_result =
      in_branch ? BranchResultDocument(wf, dossier, action->branch) : dossier.result_document;
  std::optional<std::string> result_document =
      input.result_document ? input.result_document : current_result;
  const std::optional<Instant>& appointment = input.appointment;
  const bool appointment_given = input.appointment_date.has_value();

  std::optional<Channel> channel;
  if (action->step != ApplicantStep::kNone) {
    if (input.malformed_channel) invalid.push_back(*input.malformed_channel);
    channel = input.channel ? input.channel : DefaultChannel(actor);
  }
  if (!invalid.empty()) return InvalidPayload(std::move(invalid));

  // Requirements, all missing items together.
  const Requirements& needs = action->requirements;
  std::vector<FieldError> missing;
  if (needs.comment && comment.empty()) missing.push_back({"/comment", "a comment is required"});
  for (const std::string& key : needs.documents) {
    if (documents.count(key) == 0) {
      missing.push_back({"/documents/" + key, "the document is required"});
    }
  }
  for (const std::string& field : needs.form_fields) {
    if (!form.contains(field)) missing.push_back({"/form/" + field, "the field is required"});
  }
  if (needs.result_document && !result_document.has_value()) {
    missing.push_back({"/result_document", "the result document is required"});
  }
  const bool has_personal_signature = request.signature.has_value() && !request.signature->seal;
  const bool has_seal = request.signature.has_value() && request.signature->seal;
  if (needs.result_signature && !has_personal_signature) {
    missing.push_back({"/signature", "a verified signature on the result is required"});
  }
  if (needs.agency_seal && !has_seal) {
    missing.push_back({"/seal", "the agency's seal on the result is required"});
  }
  if (needs.appointment_date && !appointment_given) {
    missing.push_back({"/appointment_date", "a new appointment date is required"});
  }
  if (!missing.empty()) return MissingRequirements(std::move(missing));

  if (request.signature.has_value() &&
      (!result_document.has_value() || request.signature->document_id != *result_document)) {
    return Error(
        ErrorCode::kFailedPrecondition,
        in_branch ? "the signature does not cover branch " + action->branch + "'s result document"
                  : std::string("the signature does not cover the dossier's result document"),
        ErrorReason::kSignatureMismatch,
        {{"/signature", "signs another document than the result"}});
  }
  RETURN_IF_ERROR(admission.four_eyes);

  const Instant now = clock_->Now();
  // A branch's actions leave the dossier's legal clock to the fork's state
  // (lint gives them no clock effect); the dossier's state stays the fork's.
  LegalClock reconciled = dossier.clock;
  if (!in_branch) {
    LegalClock clock = dossier.clock;
    // Stopping a clock that never started (e.g. withdrawing before reception)
    // has nothing to judge, so it is left untouched.
    const bool stop_unstarted =
        action->clock == ClockEffect::kStop && !clock.received_at.has_value();
    if (action->clock != ClockEffect::kNone && !stop_unstarted) {
      ClockEffectArgs args;
      args.new_due = appointment;
      args.reason = comment;
      ASSIGN_OR_RETURN(LegalClock applied, ApplyClockEffect(*calendar_, wf.procedure.deadline,
                                                            clock, action->clock, now, args));
      clock = std::move(applied);
    }
    ASSIGN_OR_RETURN(reconciled, ReconcileClockWithState(*calendar_, wf.procedure.deadline,
                                                         std::move(clock), target->clock, now));
  }

  DossierEvent event;
  event.action = action->name;
  event.from_state = state->id;
  event.to_state = target->id;
  event.actor = actor;
  event.at = now;
  event.step = action->step;
  event.channel = channel;
  event.payload = ActionInputPayload(input);
  // The audit trail covers what was verified, never the raw signature bytes.
  std::optional<SignatureEvidence> signature = request.signature;
  if (signature) {
    signature->branch = action->branch;
    event.payload["signature"] = SignatureEvidenceToJson(*signature);
  }
  if (in_branch) event.payload[kBranchField] = action->branch;
  // Entering a fork's state from another one starts its branches: those the
  // form chooses, recorded with the event that started them.
  if (!in_branch && target->fork && target->id != state->id) {
    event.payload[kStartedBranchesField] = ChosenBranches(*target->fork, form);
  }

  Transition transition{std::move(dossier)};
  Dossier& next = transition.dossier;
  if (!in_branch) next.state = target->id;
  next.version += 1;
  next.clock = std::move(reconciled);
  if (!in_branch && target->id != state->id) next.assignee.reset();
  next.history.push_back(std::move(event));
  // The form, documents, result and signatures change as the event records
  // (dossier_contents.h): what a later read folds from the history.
  RETURN_IF_ERROR(FoldEventContents(next.history.back(), next.history.size() - 1, next));
  if (in_branch) RETURN_IF_ERROR(JoinIfBranchesEnded(transition, now));
  return transition;
}

Status StateMachine::JoinIfBranchesEnded(Transition& transition, Instant now) const {
  const Workflow& wf = *workflow_;
  Dossier& next = transition.dossier;
  const State* fork_state = wf.FindState(next.state);
  if (fork_state == nullptr || !fork_state->fork) return {};
  const std::optional<JoinDecision> decision =
      DecideJoin(wf, *fork_state->fork, BranchPositionsOf(wf, next));
  if (!decision) return {};
  const State* target = wf.FindState(decision->target);
  if (target == nullptr) {
    return Error(ErrorCode::kInternal, "the fork of state " + fork_state->id +
                                           " joins to unknown state " + decision->target);
  }
  ASSIGN_OR_RETURN(LegalClock clock, ReconcileClockWithState(*calendar_, wf.procedure.deadline,
                                                             next.clock, target->clock, now));
  DossierEvent join;
  join.action = kJoinAction;
  join.from_state = fork_state->id;
  join.to_state = target->id;
  join.actor = Actor{kSystemRole, {kSystemRole}, next.agency};
  join.at = now;
  join.payload = JoinPayload(*decision);
  next.state = target->id;
  next.version += 1;
  next.clock = std::move(clock);
  next.assignee.reset();
  next.history.push_back(std::move(join));
  transition.joined = true;
  return {};
}

std::vector<const Action*> StateMachine::AvailableActions(const Dossier& dossier,
                                                          const Actor& actor) const {
  std::vector<const Action*> out;
  const State* state = workflow_->FindState(dossier.state);
  if (state == nullptr || state->terminal) return out;
  const BranchPositions branches = BranchPositionsOf(*workflow_, dossier);
  auto leaves_where_dossier_stands = [&](const Action& action) {
    if (action.AllowedFrom(state->id)) return true;
    for (const auto& [branch, position] : branches) {
      if (action.AllowedFrom(position.state)) return true;
    }
    return false;
  };
  for (const Action& action : workflow_->actions) {
    if (!leaves_where_dossier_stands(action)) continue;
    Result<Admission> admission = AdmitAmong(dossier, branches, action, actor);
    if (admission.ok() && admission->Available()) out.push_back(&action);
  }
  return out;
}

std::vector<StateMachine::DueTimer> StateMachine::PendingTimers(const Dossier& dossier) const {
  std::vector<DueTimer> out;
  const std::optional<Instant> entered = EnteredCurrentState(dossier);
  if (!entered.has_value()) return out;
  const std::int64_t minutes_per_day = calendar_->WorkingMinutesPerDay();
  for (const Timer& timer : workflow_->timers) {
    if (timer.state != dossier.state) continue;
    out.push_back({&timer, calendar_->AddWorkingMinutes(
                               *entered, timer.after_working_days * minutes_per_day)});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const DueTimer& a, const DueTimer& b) { return a.fires_at < b.fires_at; });
  return out;
}

}  // namespace motcua
