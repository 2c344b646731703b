// workflow.h: a procedure's workflow definition, as administrators write it.
//
// A definition is one JSON document per procedure (see schema/workflow.schema.json
// for the format and workflows/ for real examples). `ParseWorkflow` turns a
// document that already passed schema validation into this typed model; it
// does not judge whether the workflow makes sense as a whole. That is the job
// of `LintWorkflow` (workflow_lint.h), which every publish path must run.
//
// The model is immutable once parsed and safe to share between threads.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/status.h"

namespace motcua {

// National dossier status codes used by the National Public Service Portal.
enum class NationalStatus : int {
  kSubmitted = 1,  // new, submitted online, awaiting reception
  kReceived = 2,
  kNotReceived = 3,  // refused at reception
  kProcessing = 4,
  kSupplementRequested = 5,
  kFinancialObligation = 6,
  kWithdrawn = 7,
  kStopped = 8,
  kProcessed = 9,  // result ready
  kResultReturned = 10,
};

// True for statuses that end processing nationally: 3, 7, 8, 9, 10.
bool IsEndingStatus(NationalStatus status);

// How a dossier ended, carried by terminal states.
enum class Outcome { kNone, kApproved, kRefused, kWithdrawn, kStopped };

// Where the applicant did an applicant-facing step. Values are the national
// channel codes.
enum class Channel : int { kDesk = 1, kOnline = 2, kPost = 3 };

// The online level a procedure is offered at.
enum class OnlineLevel { kFull, kPartial };

// The legal clock's mode while a dossier sits in a state.
enum class ClockMode {
  kNotStarted,  // before reception: no legal time counts
  kRunning,     // legal time counts
  kPaused,      // waiting for the applicant (supplement, payment): excluded
  kStopped,     // processing has ended (result ready or terminal)
};

// What an action does to the legal clock.
enum class ClockEffect {
  kNone,
  kStart,   // reception of a complete dossier: the deadline starts counting
  kPause,   // the dossier now waits for the applicant
  kResume,  // the applicant answered: counting continues with the time left
  kExtend,  // apology letter: a new appointment date replaces the due date
  kStop,    // processing ended: timeliness is judged now
};

// Applicant-facing steps, whose channel decides the fully-online verdict.
enum class ApplicantStep { kNone, kSubmission, kSupplement, kPayment, kResultReturn };

// A name or title for people, in Vietnamese (the primary language) and English.
// Definitions published with this format carry both ("names" on the procedure,
// states, actions, documents and fees; "title" on form fields). Versions
// published before it have only the legacy single `name` (or an action's
// `title`): ParseWorkflow then serves that text in both languages, so they keep
// loading and rendering unchanged.
struct LocalizedText {
  std::string vi;
  std::string en;

  friend bool operator==(const LocalizedText&, const LocalizedText&) = default;
};

struct Deadline {
  // Either a number of working days from reception, or same-day: a dossier
  // received by `cutoff_minutes` (local time, minutes after midnight) is due at
  // the end of that working day, after it at the end of the next one.
  bool same_day = false;
  int working_days = 0;
  int cutoff_minutes = 15 * 60;
};

struct Fee {
  std::string key;
  std::string name;  // legacy display name; names.en when the document has none
  LocalizedText names;
  std::int64_t desk_amount = 0;    // VND, paid at the desk
  std::int64_t online_amount = 0;  // VND, paid online
  bool per_copy = false;
};

struct RequiredDocument {
  std::string key;
  std::string name;  // legacy display name; names.en when the document has none
  LocalizedText names;
  bool required = true;
  bool electronic_copy_accepted = true;
};

// Another agency's role in a procedure ("agency_roles" in JSON), e.g. the
// police office that registers a newborn's permanent residence. Which agency
// fills it is decided per dossier at submission (agency_roles.h).
struct AgencyRole {
  std::string id;
  LocalizedText names;
  std::string level;  // "commune", "district", "province", "ministry"; may be empty
};

struct Procedure {
  std::string code;  // national code, e.g. "1.004222"
  std::string name;  // legacy display name; names.en when the document has none
  LocalizedText names;
  std::string sector;
  std::string agency_level;  // "commune", "district", "province", "ministry"
  std::string agency_name;   // e.g. "Commune-level police"
  Deadline deadline;
  std::vector<Fee> fees;
  std::vector<RequiredDocument> documents;
  // JSON Schema of the applicant's form. Every object schema in it with
  // "properties" carries "x-order" (form_order.h): the fields in the order
  // the administrator wrote them, which nlohmann::json's sorted objects lose.
  nlohmann::json form_schema;
  OnlineLevel online_level = OnlineLevel::kFull;
  std::string result_kind;               // e.g. "certificate", "confirmation", "licence"
  std::vector<AgencyRole> agency_roles;  // sorted by id

  const RequiredDocument* FindDocument(const std::string& key) const;
  const AgencyRole* FindAgencyRole(const std::string& id) const;
};

struct Sla {
  bool in_hours = false;  // working hours if true, else working days
  int amount = 0;
};

// What a fork does when one of its branches ends refused (fork.h).
enum class RefusedBranchRule {
  kRefuseAll,        // the whole dossier is refused: the join goes to Fork::refused
  kContinuePartial,  // the join goes on to Fork::join with a partial result, unless
                     // every branch was refused (then to Fork::refused)
};

// One parallel branch of a fork: its id, unique in the workflow, and the
// state its dossiers start in. The branch's states name it (State::branch).
// A branch with `when` is the applicant's choice: it runs only for dossiers
// whose form has that top-level boolean field true when they enter the fork
// (e.g. "request_funeral_allowance"); without it, the branch always runs.
struct ForkBranch {
  std::string id;
  std::string initial;
  std::string when;
};

// A state whose dossiers run parallel branches, each in its own agency's
// queue ("fork" in JSON). The dossier stays in this state until every branch
// has reached one of its terminal states; the engine then joins: to `join`,
// or to `refused` as `on_refused` says. See fork.h.
struct Fork {
  std::vector<ForkBranch> branches;
  std::string join;     // state id after the branches
  std::string refused;  // state id when the branches' refusals refuse the dossier
  RefusedBranchRule on_refused = RefusedBranchRule::kRefuseAll;

  const ForkBranch* FindBranch(const std::string& id) const;
};

struct State {
  std::string id;
  std::string name;  // legacy display name; names.en when the document has none
  LocalizedText names;
  NationalStatus status = NationalStatus::kSubmitted;
  std::vector<std::string> queue_roles;    // roles whose queue shows this state
  std::optional<std::string> agency;       // set when another agency, named by ID, handles it
  std::optional<std::string> agency_role;  // set when another agency, named by role, handles it
  std::optional<Sla> sla;
  ClockMode clock = ClockMode::kRunning;
  bool terminal = false;
  Outcome outcome = Outcome::kNone;  // set exactly on terminal states
  // Set on the states of a fork's branch: the branch id. A terminal state of
  // a branch ends that branch only (its outcome: approved or refused).
  std::optional<std::string> branch;
  std::optional<Fork> fork;  // set on a state whose dossiers run branches
};

struct Requirements {
  bool comment = false;
  std::vector<std::string> documents;    // keys of Procedure::documents
  std::vector<std::string> form_fields;  // top-level properties of the form
  bool result_document = false;          // the result document must be attached
  bool result_signature = false;         // a verified signature on the result
  bool agency_seal = false;              // the engine seals the result with the agency's key
  bool appointment_date = false;         // a new appointment date (extensions)
};

struct Action {
  std::string name;
  std::string title;  // legacy display title; names.en when the document has none
  LocalizedText names;
  std::vector<std::string> from;   // state ids
  std::string to;                  // state id
  std::vector<std::string> roles;  // may include "applicant" and "system"
  Requirements requirements;       // "requires" in JSON
  // Four-eyes: the actor must differ from whoever last performed each of these.
  std::vector<std::string> four_eyes;
  ClockEffect clock = ClockEffect::kNone;
  ApplicantStep step = ApplicantStep::kNone;
  // The engine performs it as role "system" as soon as a dossier enters one
  // of its `from` states (e.g. sealing a signed result).
  bool automatic = false;
  // The fork's branch whose states the action leaves (State::branch of its
  // first from-state the workflow has); empty for the dossier's own actions.
  // Set by ParseWorkflow; lint keeps an action's from-states in one branch.
  std::string branch;

  bool AllowsRole(const std::string& role) const;
  bool AllowedFrom(const std::string& state) const;
};

// In `state`, after `after_working_days`, the engine performs `action` as the
// `system` role.
struct Timer {
  std::string state;
  int after_working_days = 0;
  std::string action;
};

struct Workflow {
  Procedure procedure;
  std::vector<std::string> roles;  // staff roles used; "applicant" and "system" are built in
  std::string initial_state;
  std::vector<State> states;
  std::vector<Action> actions;
  std::vector<Timer> timers;
  // The staff role told when a dossier stays in a state longer than the
  // state's SLA (an "escalate" event puts it in that role's queue); empty:
  // no escalation.
  std::string supervisor_role;

  const State* FindState(const std::string& id) const;
  const Action* FindAction(const std::string& name) const;
};

// Built-in roles every workflow may name without declaring them.
inline constexpr const char* kApplicantRole = "applicant";
inline constexpr const char* kSystemRole = "system";

// Builds the model from a JSON document. Expects a document that passed the
// workflow JSON Schema; reports kInvalidArgument with a JSON pointer for any
// value it cannot interpret all the same. Does no cross-reference checks.
Result<Workflow> ParseWorkflow(const nlohmann::json& document);

// Names used in the JSON format, for messages and serialisation.
const char* ChannelName(Channel channel);  // "desk", "online", "post"
std::optional<Channel> ChannelFromName(const std::string& name);
const char* OutcomeName(Outcome outcome);           // "approved", ...
const char* ClockModeName(ClockMode mode);          // "not_started", ...
const char* ClockEffectName(ClockEffect effect);    // "start", ...
const char* ApplicantStepName(ApplicantStep step);  // "submission", ...

}  // namespace motcua
