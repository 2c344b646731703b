// workflow_lint.cc: the schema stage and the semantic rules of the workflow linter.
//
// The semantic stage runs on the typed model but reports pointers into the
// original document. That is sound because ParseWorkflow keeps array order:
// wf.states[i] came from "/states/i", wf.actions[i] from "/actions/i", and so on.
//
// The clock rule, kept deliberately simple:
//   - "start" leads to a running or paused state, "pause" to a paused one,
//     "resume" to a running one, "stop" to a stopped one;
//   - an action that takes a dossier from a running or paused state into a
//     stopped state must say clock "stop", except into a terminal state whose
//     outcome is "refused" with status 3 (refused at reception: timeliness is
//     never judged). Sources whose clock is not_started or already stopped
//     need no clock effect;
//   - the initial state's clock is "not_started".
#include "engine/domain/workflow_lint.h"

#include <algorithm>
#include <cstddef>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "engine/domain/dossier.h"
#include "engine/domain/fork.h"
#include "engine/domain/form_order.h"
#include "engine/domain/identity_claims.h"
#include "engine/domain/json_parse.h"
#include "engine/domain/json_positions.h"
#include "engine/domain/workflow_migration.h"

namespace motcua {
namespace {

using nlohmann::json;

std::string Quote(const std::string& text) {
  return "\"" + text + "\"";
}

std::string Index(std::size_t i) {
  return std::to_string(i);
}

bool IsAllDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Orders JSON pointers segment by segment, numeric segments by value, so that
// "/actions/2" comes before "/actions/10".
bool PointerLess(const std::string& a, const std::string& b) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    const std::size_t a_end = std::min(a.find('/', i + 1), a.size());
    const std::size_t b_end = std::min(b.find('/', j + 1), b.size());
    const std::string_view a_segment(a.data() + i + 1, a_end - i - 1);
    const std::string_view b_segment(b.data() + j + 1, b_end - j - 1);
    if (a_segment != b_segment) {
      if (IsAllDigits(a_segment) && IsAllDigits(b_segment) &&
          a_segment.size() != b_segment.size()) {
        return a_segment.size() < b_segment.size();
      }
      return a_segment < b_segment;
    }
    i = a_end;
    j = b_end;
  }
  return a.size() - i < b.size() - j;
}

void SortByPointer(std::vector<FieldError>& errors) {
  std::stable_sort(errors.begin(), errors.end(), [](const FieldError& a, const FieldError& b) {
    return PointerLess(a.pointer, b.pointer);
  });
}

bool IsBuiltInRole(const std::string& role) {
  return role == kApplicantRole || role == kSystemRole;
}

// The semantic rules over one parsed workflow. Each Check* method adds its
// findings to `errors_`; none stops at the first problem.
class SemanticLinter {
 public:
  explicit SemanticLinter(const Workflow& wf) : wf_(wf) {
    for (std::size_t i = 0; i < wf_.states.size(); ++i) state_index_.emplace(wf_.states[i].id, i);
    for (const Action& action : wf_.actions) action_names_.insert(action.name);
    for (const std::string& role : wf_.roles) roles_.insert(role);
    for (const RequiredDocument& document : wf_.procedure.documents) {
      document_keys_.insert(document.key);
    }
    const json& form = wf_.procedure.form_schema;
    if (form.is_object()) {
      auto properties = form.find("properties");
      if (properties != form.end() && properties->is_object()) {
        for (const auto& [field, unused] : properties->items()) form_fields_.insert(field);
      }
    }
  }

  std::vector<FieldError> Run() {
    CheckDuplicates();
    CheckInitialState();
    CheckSupervisorRole();
    CheckStates();
    CheckAgencyRoles();
    CheckActions();
    CheckTimers();
    CheckForks();
    CheckBranchActions();
    CheckReachability();
    CheckTermination();
    CheckAutomaticLoops();
    return std::move(errors_);
  }

 private:
  // The first state with `id`, or nullptr.
  const State* FindState(const std::string& id) const {
    auto it = state_index_.find(id);
    return it == state_index_.end() ? nullptr : &wf_.states[it->second];
  }

  bool IsKnownRole(const std::string& role) const {
    return IsBuiltInRole(role) || roles_.count(role) > 0;
  }

  void Fail(std::string pointer, std::string message) {
    errors_.push_back({std::move(pointer), std::move(message)});
  }

  // Reports every value after the first among `values`, each located by `pointer_of(index)`.
  template <typename PointerOf>
  void ReportDuplicates(const std::vector<std::string>& values, std::string_view what,
                        PointerOf pointer_of) {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (!seen.insert(values[i]).second) {
        Fail(pointer_of(i), std::string(what) + " " + Quote(values[i]) + " is declared twice");
      }
    }
  }

  void CheckDuplicates() {
    std::vector<std::string> values;
    for (const State& state : wf_.states) values.push_back(state.id);
    ReportDuplicates(values, "state id",
                     [](std::size_t i) { return "/states/" + Index(i) + "/id"; });
    values.clear();
    for (const Action& action : wf_.actions) values.push_back(action.name);
    ReportDuplicates(values, "action name",
                     [](std::size_t i) { return "/actions/" + Index(i) + "/name"; });
    values.clear();
    for (const Fee& fee : wf_.procedure.fees) values.push_back(fee.key);
    ReportDuplicates(values, "fee key",
                     [](std::size_t i) { return "/procedure/fees/" + Index(i) + "/key"; });
    values.clear();
    for (const RequiredDocument& document : wf_.procedure.documents) {
      values.push_back(document.key);
    }
    ReportDuplicates(values, "document key",
                     [](std::size_t i) { return "/procedure/documents/" + Index(i) + "/key"; });
    ReportDuplicates(wf_.roles, "role", [](std::size_t i) { return "/roles/" + Index(i); });
  }

  void CheckSupervisorRole() {
    if (wf_.supervisor_role.empty()) return;
    if (IsBuiltInRole(wf_.supervisor_role) || roles_.count(wf_.supervisor_role) == 0) {
      Fail("/supervisor_role", "supervisor role " + Quote(wf_.supervisor_role) +
                                   " is not one of the workflow's declared staff roles");
    }
  }

  void CheckInitialState() {
    const State* initial = FindState(wf_.initial_state);
    if (initial == nullptr) {
      Fail("/initial_state",
           "initial state " + Quote(wf_.initial_state) + " is not a declared state");
      return;
    }
    if (initial->clock != ClockMode::kNotStarted) {
      Fail("/states/" + Index(state_index_.at(initial->id)) + "/clock",
           "initial state " + Quote(initial->id) + " has clock " +
               Quote(ClockModeName(initial->clock)) + "; it must be \"not_started\"");
    }
  }

  void CheckStates() {
    std::set<std::string> states_with_way_out;
    for (const Action& action : wf_.actions) {
      states_with_way_out.insert(action.from.begin(), action.from.end());
    }
    for (const State& state : wf_.states) {
      if (state.fork) states_with_way_out.insert(state.id);  // the join leaves it
    }
    for (std::size_t i = 0; i < wf_.states.size(); ++i) {
      const State& state = wf_.states[i];
      const std::string at = "/states/" + Index(i);
      for (std::size_t r = 0; r < state.queue_roles.size(); ++r) {
        if (!IsKnownRole(state.queue_roles[r])) {
          Fail(at + "/queue/" + Index(r), "state " + Quote(state.id) +
                                              " is queued for unknown role " +
                                              Quote(state.queue_roles[r]));
        }
      }
      CheckAgencyRoleOf(state, at);
      if (state.terminal) {
        if (!IsEndingStatus(state.status)) {
          Fail(at + "/status", "terminal state " + Quote(state.id) + " has status " +
                                   std::to_string(static_cast<int>(state.status)) +
                                   ", which does not end processing (use 3, 7, 8, 9 or 10)");
        }
        if (state.outcome == Outcome::kNone) {
          Fail(at + "/outcome", "terminal state " + Quote(state.id) + " has no outcome");
        }
      } else {
        if (state.outcome != Outcome::kNone) {
          Fail(at + "/outcome", "state " + Quote(state.id) + " is not terminal but has outcome " +
                                    Quote(OutcomeName(state.outcome)));
        }
        if (states_with_way_out.count(state.id) == 0) {
          Fail(at, "state " + Quote(state.id) + " is not terminal but no action leaves it");
        }
      }
    }
  }

  // A state names its handling agency at most once, by a declared role.
  void CheckAgencyRoleOf(const State& state, const std::string& at) {
    if (!state.agency_role) return;
    if (state.agency) {
      Fail(at + "/agency_role", "state " + Quote(state.id) +
                                    " names its agency both by ID (agency) and by role "
                                    "(agency_role); keep one");
    }
    if (wf_.procedure.FindAgencyRole(*state.agency_role) == nullptr) {
      Fail(at + "/agency_role", "state " + Quote(state.id) + " is handled by agency role " +
                                    Quote(*state.agency_role) +
                                    ", which procedure.agency_roles does not declare");
    }
  }

  // Every declared agency role handles some state: the submission resolves
  // each one, so an unused role would only refuse dossiers for nothing.
  void CheckAgencyRoles() {
    for (const AgencyRole& role : wf_.procedure.agency_roles) {
      const bool used = std::any_of(wf_.states.begin(), wf_.states.end(), [&](const State& s) {
        return s.agency_role && *s.agency_role == role.id;
      });
      if (!used) {
        Fail("/procedure/agency_roles/" + role.id,
             "agency role " + Quote(role.id) + " is declared but no state names it");
      }
    }
  }

  void CheckActions() {
    for (std::size_t i = 0; i < wf_.actions.size(); ++i) {
      const Action& action = wf_.actions[i];
      const std::string at = "/actions/" + Index(i);
      const std::string named = "action " + Quote(action.name);
      for (const char* reserved :
           {"submit", kClaimAction, kReleaseAction, kRateAction, kEscalateAction,
            kAutomaticHaltedAction, kMigrateAction, kJoinAction}) {
        if (action.name == reserved) {
          Fail(at + "/name", named + " uses a name the engine reserves for its own events");
        }
      }
      for (std::size_t f = 0; f < action.from.size(); ++f) {
        const State* from = FindState(action.from[f]);
        if (from == nullptr) {
          Fail(at + "/from/" + Index(f),
               named + " starts from unknown state " + Quote(action.from[f]));
        } else if (from->terminal) {
          Fail(at + "/from/" + Index(f),
               named + " starts from terminal state " + Quote(action.from[f]));
        }
      }
      const State* to = FindState(action.to);
      if (to == nullptr) Fail(at + "/to", named + " goes to unknown state " + Quote(action.to));
      bool has_staff_role = false;
      for (std::size_t r = 0; r < action.roles.size(); ++r) {
        const std::string& role = action.roles[r];
        if (!IsKnownRole(role)) {
          Fail(at + "/roles/" + Index(r), named + " names unknown role " + Quote(role));
        }
        if (!IsBuiltInRole(role)) has_staff_role = true;
      }
      const Requirements& needs = action.requirements;
      for (std::size_t d = 0; d < needs.documents.size(); ++d) {
        if (document_keys_.count(needs.documents[d]) == 0) {
          Fail(at + "/requires/documents/" + Index(d),
               named + " requires unknown document " + Quote(needs.documents[d]));
        }
      }
      for (std::size_t f = 0; f < needs.form_fields.size(); ++f) {
        if (form_fields_.count(needs.form_fields[f]) == 0) {
          Fail(at + "/requires/form_fields/" + Index(f),
               named + " requires form field " + Quote(needs.form_fields[f]) +
                   ", which is not a top-level property of the procedure's form");
        }
      }
      if (needs.result_signature && !has_staff_role) {
        Fail(at + "/requires/result_signature",
             named + " requires a result signature but no staff role may perform it");
      }
      const bool system_may = action.AllowsRole(kSystemRole);
      if (needs.agency_seal && !system_may) {
        Fail(at + "/requires/agency_seal",
             named + " requires the agency seal, which only the role \"system\" applies");
      }
      if (action.automatic) CheckAutomatic(action, system_may, named, at);
      for (std::size_t e = 0; e < action.four_eyes.size(); ++e) {
        if (action_names_.count(action.four_eyes[e]) == 0) {
          Fail(at + "/four_eyes/" + Index(e),
               named + " has a four-eyes rule naming unknown action " + Quote(action.four_eyes[e]));
        }
      }
      if (to != nullptr) CheckClock(action, *to, at + "/clock");
    }
  }

  // An automatic action runs without a person: role "system", nothing a person
  // supplies, and no other automatic action from the same state.
  void CheckAutomatic(const Action& action, bool system_may, const std::string& named,
                      const std::string& at) {
    if (!system_may)
      Fail(at + "/automatic", named + " is automatic but role \"system\" may not perform it");
    const Requirements& needs = action.requirements;
    if (needs.comment || !needs.documents.empty() || !needs.form_fields.empty() ||
        needs.result_document || needs.result_signature || needs.appointment_date) {
      Fail(at + "/requires", named +
                                 " is automatic but requires input only a person can give (only "
                                 "agency_seal is allowed)");
    }
    for (const std::string& from : action.from) {
      auto [it, fresh] = automatic_from_.emplace(from, action.name);
      if (!fresh) {
        Fail(at + "/automatic",
             named + " and " + Quote(it->second) + " are both automatic from state " + Quote(from));
      }
    }
  }

  void CheckClock(const Action& action, const State& to, const std::string& at) {
    const std::string effect = Quote(ClockEffectName(action.clock));
    const std::string target =
        "state " + Quote(to.id) + " whose clock is " + Quote(ClockModeName(to.clock));
    const std::string named = "action " + Quote(action.name);
    switch (action.clock) {
      case ClockEffect::kStart:
        if (to.clock != ClockMode::kRunning && to.clock != ClockMode::kPaused) {
          Fail(at, named + " has clock " + effect + " but goes to " + target +
                       " (expected \"running\" or \"paused\")");
        }
        return;
      case ClockEffect::kPause:
      case ClockEffect::kResume:
      case ClockEffect::kStop: {
        const ClockMode expected = action.clock == ClockEffect::kPause    ? ClockMode::kPaused
                                   : action.clock == ClockEffect::kResume ? ClockMode::kRunning
                                                                          : ClockMode::kStopped;
        if (to.clock != expected) {
          Fail(at, named + " has clock " + effect + " but goes to " + target + " (expected " +
                       Quote(ClockModeName(expected)) + ")");
        }
        return;
      }
      case ClockEffect::kNone:
      case ClockEffect::kExtend: break;
    }
    if (to.clock != ClockMode::kStopped) return;
    const bool refused_at_reception =
        to.terminal && to.outcome == Outcome::kRefused && to.status == NationalStatus::kNotReceived;
    if (refused_at_reception) return;
    for (const std::string& from_id : action.from) {
      const State* from = FindState(from_id);
      if (from != nullptr &&
          (from->clock == ClockMode::kRunning || from->clock == ClockMode::kPaused)) {
        Fail(at, named + " goes from state " + Quote(from_id) + " whose clock is " +
                     Quote(ClockModeName(from->clock)) + " to stopped-clock state " + Quote(to.id) +
                     " without clock \"stop\"");
        return;
      }
    }
  }

  void CheckTimers() {
    for (std::size_t i = 0; i < wf_.timers.size(); ++i) {
      const Timer& timer = wf_.timers[i];
      const std::string at = "/timers/" + Index(i);
      const bool state_known = FindState(timer.state) != nullptr;
      if (!state_known) {
        Fail(at + "/state", "timer watches unknown state " + Quote(timer.state));
      }
      const Action* action = wf_.FindAction(timer.action);
      if (action == nullptr) {
        Fail(at + "/action", "timer names unknown action " + Quote(timer.action));
        continue;
      }
      if (!action->AllowsRole(kSystemRole)) {
        Fail(at + "/action", "timer action " + Quote(timer.action) +
                                 " does not allow role \"system\" to perform it");
      }
      if (state_known && !action->AllowedFrom(timer.state)) {
        Fail(at + "/action", "timer action " + Quote(timer.action) +
                                 " is not allowed from the timer's state " + Quote(timer.state));
      }
    }
  }

  bool IsBooleanFormField(const std::string& field) const {
    const json& form = wf_.procedure.form_schema;
    if (!form.is_object() || !form.contains("properties") || !form["properties"].is_object()) {
      return false;
    }
    auto it = form["properties"].find(field);
    return it != form["properties"].end() && it->is_object() && it->value("type", "") == "boolean";
  }

  // The states a fork leads to without an action: its branches' initial
  // states, its join and its refusal.
  std::vector<std::string> ForkSuccessors(const std::string& state_id) const {
    const State* state = FindState(state_id);
    if (state == nullptr || !state->fork) return {};
    std::vector<std::string> next{state->fork->join, state->fork->refused};
    for (const ForkBranch& branch : state->fork->branches) next.push_back(branch.initial);
    return next;
  }

  // A fork's branches are its own, start in states of their branch, and end
  // (approved or refused); its join and refusal lead out of every branch.
  // Branch states belong to a declared branch, and run with the dossier's
  // legal clock: no timers, no clock of their own.
  void CheckForks() {
    std::map<std::string, std::string> fork_of_branch;  // branch id -> fork state id
    for (std::size_t i = 0; i < wf_.states.size(); ++i) {
      const State& state = wf_.states[i];
      if (!state.fork) continue;
      const std::string at = "/states/" + Index(i) + "/fork";
      const std::string named = "the fork of state " + Quote(state.id);
      if (state.id == wf_.initial_state) {
        Fail(at, named + " is the initial state; a dossier must be received before it forks");
      }
      if (state.terminal) Fail(at, named + " is on a terminal state");
      if (state.branch) Fail(at, named + " is inside branch " + Quote(*state.branch));
      for (std::size_t b = 0; b < state.fork->branches.size(); ++b) {
        const ForkBranch& branch = state.fork->branches[b];
        const std::string here = at + "/branches/" + Index(b);
        auto [it, fresh] = fork_of_branch.emplace(branch.id, state.id);
        if (!fresh) {
          Fail(here + "/id", "branch " + Quote(branch.id) + " is declared twice (also by state " +
                                 Quote(it->second) + ")");
        }
        if (!branch.when.empty() && !IsBooleanFormField(branch.when)) {
          Fail(here + "/when", "branch " + Quote(branch.id) + " runs when form field " +
                                   Quote(branch.when) +
                                   " is true, but the form has no such top-level boolean field");
        }
        const State* initial = FindState(branch.initial);
        if (initial == nullptr) {
          Fail(here + "/initial", named + " starts branch " + Quote(branch.id) +
                                      " in unknown state " + Quote(branch.initial));
        } else if (initial->branch != branch.id) {
          Fail(here + "/initial", named + " starts branch " + Quote(branch.id) + " in state " +
                                      Quote(branch.initial) + ", which is not of that branch");
        }
      }
      if (std::all_of(state.fork->branches.begin(), state.fork->branches.end(),
                      [](const ForkBranch& b) { return !b.when.empty(); })) {
        Fail(at + "/branches", named +
                                   " has only branches the form chooses; at least one must "
                                   "always run (no \"when\")");
      }
      for (const auto& [member, target] :
           {std::pair<const char*, const std::string*>{"join", &state.fork->join},
            {"refused", &state.fork->refused}}) {
        const State* to = FindState(*target);
        if (to == nullptr) {
          Fail(at + "/" + member, named + " goes to unknown state " + Quote(*target));
        } else if (to->branch) {
          Fail(at + "/" + member,
               named + " goes to state " + Quote(*target) + " inside branch " + Quote(*to->branch));
        }
      }
      if (const State* refused = FindState(state.fork->refused);
          refused != nullptr && refused->terminal && refused->outcome != Outcome::kRefused) {
        Fail(at + "/refused", named + " refuses into terminal state " + Quote(refused->id) +
                                  ", whose outcome is not \"refused\"");
      }
    }
    for (std::size_t i = 0; i < wf_.states.size(); ++i) {
      const State& state = wf_.states[i];
      if (!state.branch) continue;
      const std::string at = "/states/" + Index(i);
      if (fork_of_branch.count(*state.branch) == 0) {
        Fail(at + "/branch", "state " + Quote(state.id) + " is in branch " + Quote(*state.branch) +
                                 ", which no fork declares");
      }
      if (state.terminal && state.outcome != Outcome::kApproved &&
          state.outcome != Outcome::kRefused) {
        Fail(at + "/outcome", "state " + Quote(state.id) + " ends branch " + Quote(*state.branch) +
                                  "; a branch ends \"approved\" or \"refused\"");
      }
      if (state.clock != ClockMode::kRunning) {
        Fail(at + "/clock", "state " + Quote(state.id) + " of branch " + Quote(*state.branch) +
                                " has a clock of its own; branches run on the dossier's clock");
      }
    }
    for (std::size_t i = 0; i < wf_.timers.size(); ++i) {
      const State* watched = FindState(wf_.timers[i].state);
      if (watched != nullptr && watched->branch) {
        Fail("/timers/" + Index(i) + "/state", "timer watches state " + Quote(watched->id) +
                                                   " of branch " + Quote(*watched->branch) +
                                                   "; timers watch the dossier's own states");
      }
    }
  }

  // An action stays in one branch, or outside every branch: its from-states
  // and its target are all of the same branch (or of none). Actions of a
  // branch are performed by people, without clock effects.
  void CheckBranchActions() {
    for (std::size_t i = 0; i < wf_.actions.size(); ++i) {
      const Action& action = wf_.actions[i];
      const std::string at = "/actions/" + Index(i);
      const std::string named = "action " + Quote(action.name);
      std::optional<std::string> lane;
      bool lane_known = false;
      for (std::size_t f = 0; f < action.from.size(); ++f) {
        const State* from = FindState(action.from[f]);
        if (from == nullptr) continue;
        if (!lane_known) {
          lane = from->branch;
          lane_known = true;
        } else if (from->branch != lane) {
          Fail(at + "/from/" + Index(f),
               named + " starts from states of different branches (or outside them)");
        }
      }
      const State* to = FindState(action.to);
      if (!lane_known || to == nullptr) continue;
      if (to->branch != lane) {
        Fail(at + "/to",
             named + " leaves " +
                 (lane ? "branch " + Quote(*lane) : std::string("the dossier's states")) +
                 " for state " + Quote(to->id) +
                 (to->branch ? " of branch " + Quote(*to->branch) : std::string()) +
                 "; only a fork enters a branch, and only its join leaves one");
      }
      if (!lane) continue;
      if (action.automatic) {
        Fail(at + "/automatic", named + " is automatic inside branch " + Quote(*lane) +
                                    "; the engine performs automatic actions on the dossier's "
                                    "own states only");
      }
      if (action.clock != ClockEffect::kNone) {
        Fail(at + "/clock", named + " changes the legal clock inside branch " + Quote(*lane) +
                                "; branches run on the dossier's clock");
      }
      if (action.requirements.agency_seal) {
        Fail(at + "/requires/agency_seal",
             named + " requires the agency seal inside branch " + Quote(*lane) +
                 "; the engine seals the dossier's own result only (a branch's sub-result is "
                 "signed by its agency's staff: result_signature)");
      }
    }
  }

  void CheckReachability() {
    if (FindState(wf_.initial_state) == nullptr) return;  // reported by CheckInitialState
    std::set<std::string> reached{wf_.initial_state};
    std::deque<std::string> pending{wf_.initial_state};
    while (!pending.empty()) {
      const std::string current = pending.front();
      pending.pop_front();
      for (const Action& action : wf_.actions) {
        if (action.AllowedFrom(current) && reached.insert(action.to).second) {
          pending.push_back(action.to);
        }
      }
      for (const std::string& next : ForkSuccessors(current)) {
        if (reached.insert(next).second) pending.push_back(next);
      }
    }
    for (std::size_t i = 0; i < wf_.states.size(); ++i) {
      if (reached.count(wf_.states[i].id) == 0) {
        Fail("/states/" + Index(i), "state " + Quote(wf_.states[i].id) +
                                        " cannot be reached from initial state " +
                                        Quote(wf_.initial_state));
      }
    }
  }

  // Every state must lead to a terminal state by some sequence of actions;
  // otherwise a dossier that enters it can never finish (e.g. two states that
  // only hand the dossier to each other). States with no way out at all are
  // reported by CheckStates and skipped here.
  void CheckTermination() {
    std::set<std::string> finishing;
    std::deque<std::string> pending;
    for (const State& state : wf_.states) {
      if (state.terminal && finishing.insert(state.id).second) pending.push_back(state.id);
    }
    while (!pending.empty()) {
      const std::string current = pending.front();
      pending.pop_front();
      for (const Action& action : wf_.actions) {
        if (action.to != current) continue;
        for (const std::string& from : action.from) {
          if (finishing.insert(from).second) pending.push_back(from);
        }
      }
      // A fork finishes when its join (or refusal) does; its branches' own
      // ends are checked state by state like any other.
      for (const State& state : wf_.states) {
        if (state.fork && (state.fork->join == current || state.fork->refused == current) &&
            finishing.insert(state.id).second) {
          pending.push_back(state.id);
        }
      }
    }
    std::set<std::string> has_way_out;
    for (const Action& action : wf_.actions)
      has_way_out.insert(action.from.begin(), action.from.end());
    for (const State& state : wf_.states) {
      if (state.fork) has_way_out.insert(state.id);
    }
    std::set<std::string> reported;
    for (std::size_t i = 0; i < wf_.states.size(); ++i) {
      const State& state = wf_.states[i];
      if (state.terminal || finishing.count(state.id) > 0 || has_way_out.count(state.id) == 0 ||
          !reported.insert(state.id).second) {
        continue;
      }
      Fail("/states/" + Index(i), "state " + Quote(state.id) +
                                      " has no path to a terminal state: a dossier there can "
                                      "never finish");
    }
  }

  // The engine performs a state's automatic action as soon as a dossier
  // enters it, so automatic actions that lead back to where they started
  // would append events forever. Each loop is reported once, at its action
  // declared first. (At most one automatic action leaves a state; a second
  // one is reported by CheckAutomatic and ignored here.)
  void CheckAutomaticLoops() {
    std::map<std::string, std::size_t> automatic_index;  // state -> index of its automatic action
    for (const auto& [state, name] : automatic_from_) {
      for (std::size_t i = 0; i < wf_.actions.size(); ++i) {
        if (wf_.actions[i].name == name) {
          automatic_index.emplace(state, i);
          break;
        }
      }
    }
    std::set<std::string> done;
    for (const auto& [start, unused] : automatic_index) {
      std::vector<std::string> path;
      std::string current = start;
      bool looped = false;
      while (done.count(current) == 0) {
        if (std::find(path.begin(), path.end(), current) != path.end()) {
          looped = true;
          break;
        }
        path.push_back(current);
        auto next = automatic_index.find(current);
        if (next == automatic_index.end()) break;
        current = wf_.actions[next->second].to;
      }
      if (looped) {
        std::size_t first_action = wf_.actions.size();
        std::string states;
        for (auto it = std::find(path.begin(), path.end(), current); it != path.end(); ++it) {
          first_action = std::min(first_action, automatic_index.at(*it));
          states += Quote(*it) + " -> ";
        }
        Fail("/actions/" + Index(first_action) + "/automatic",
             "automatic actions loop through states " + states + Quote(current) +
                 "; the engine would perform them forever");
      }
      done.insert(path.begin(), path.end());
    }
  }

  const Workflow& wf_;
  std::map<std::string, std::size_t> state_index_;  // id -> index of its first declaration
  std::set<std::string> action_names_;
  std::map<std::string, std::string> automatic_from_;  // state -> its automatic action
  std::set<std::string> roles_;
  std::set<std::string> document_keys_;
  std::set<std::string> form_fields_;
  std::vector<FieldError> errors_;
};

// The procedure's form schema must compile, as StateMachine::Create will
// compile it: a form with an invalid or unsupported pattern (or keyword)
// would otherwise be published and then fail every load of the definition.
void CheckFormSchema(const Workflow& wf, std::vector<FieldError>& errors) {
  Result<JsonSchema> form = JsonSchema::Compile(wf.procedure.form_schema);
  if (form.ok()) return;
  for (const FieldError& e : form.error().fields()) {
    errors.push_back({"/procedure/form" + e.pointer, e.message});
  }
}

// A title or description a form generator can show in both languages.
void CheckLocalizedText(const json& schema, const char* keyword, bool required,
                        const std::string& at, std::vector<FieldError>& errors) {
  const std::string here = at + "/" + keyword;
  const auto text = schema.find(keyword);
  if (text == schema.end()) {
    if (required) {
      errors.push_back({here, "is required: an object {\"vi\": .., \"en\": ..} naming the field"});
    }
    return;
  }
  if (!text->is_object()) {
    errors.push_back({here, "must be an object {\"vi\": .., \"en\": ..}"});
    return;
  }
  for (const char* language : {"vi", "en"}) {
    const auto value = text->find(language);
    if (value == text->end() || !value->is_string() ||
        value->get_ref<const std::string&>().find_first_not_of(" \t\r\n") == std::string::npos) {
      errors.push_back({here + "/" + language, "must be a non-empty string"});
    }
  }
}

// Where the procedure's form schema is in a definition.
constexpr const char* kFormPointer = "/procedure/form";

bool HasType(const json& schema, const char* type) {
  const auto declared = schema.find("type");
  return declared != schema.end() && declared->is_string() && *declared == type;
}

// What a form generator needs of every field: a localized title, at most a
// localized description, a widget it knows that fits the field, and an
// "x-order" (form_order.h) naming each property once.
void CheckFormFields(const json& schema, const std::string& at, std::vector<FieldError>& errors) {
  if (!schema.is_object()) return;
  const auto properties = schema.find("properties");
  if (properties != schema.end() && properties->is_object()) {
    if (const auto order = schema.find(kFormOrderKeyword); order != schema.end()) {
      const std::string here = at + "/" + kFormOrderKeyword;
      std::set<std::string> listed;
      bool valid = order->is_array();
      for (const json& name : valid ? *order : json::array()) {
        valid = valid && name.is_string() && properties->contains(name.get<std::string>()) &&
                listed.insert(name.get<std::string>()).second;
      }
      if (!valid || listed.size() != properties->size()) {
        errors.push_back({here, "must list every property of \"properties\" exactly once"});
      }
    }
    for (const auto& [name, field] : properties->items()) {
      const std::string field_at = at + "/properties/" + EscapePointerToken(name);
      if (!field.is_object()) continue;
      CheckLocalizedText(field, "title", /*required=*/true, field_at, errors);
      CheckLocalizedText(field, "description", /*required=*/false, field_at, errors);
      if (const auto widget = field.find(kWidgetKeyword); widget != field.end()) {
        const std::string here = field_at + "/" + kWidgetKeyword;
        const std::string kind = widget->is_string() ? widget->get<std::string>() : "";
        if (kind == "select") {
          if (!field.contains("enum")) {
            errors.push_back({here, "widget \"select\" needs the field's \"enum\" as its choices"});
          }
        } else if (kind == "date" || kind == "citizen-id" || kind == "textarea") {
          if (!HasType(field, "string")) {
            errors.push_back({here, "widget " + Quote(kind) + " needs a field of type \"string\""});
          }
        } else {
          errors.push_back(
              {here, "must be one of \"date\", \"citizen-id\", \"textarea\", \"select\""});
        }
      }
      if (const auto claim = field.find(kIdentityClaimKeyword); claim != field.end()) {
        const std::string here = field_at + "/" + kIdentityClaimKeyword;
        if (!claim->is_string() || !ParseIdentityClaim(claim->get_ref<const std::string&>())) {
          errors.push_back(
              {here, "must be one of \"name\", \"id_number\", \"birthdate\", \"address\""});
        } else if (at != kFormPointer) {
          errors.push_back({here, "only the form's own fields take an identity claim"});
        } else if (!HasType(field, "string")) {
          errors.push_back({here, "an identity claim needs a field of type \"string\""});
        }
      }
      CheckFormFields(field, field_at, errors);
    }
  }
  if (const auto items = schema.find("items"); items != schema.end()) {
    CheckFormFields(*items, at + "/items", errors);
  }
}

// Tags each problem in `found` with `rule` and appends it to `out`.
void AddFindings(std::vector<FieldError> found, const char* rule, std::vector<LintProblem>& out) {
  for (FieldError& problem : found) {
    out.push_back({.pointer = std::move(problem.pointer),
                   .line = 0,
                   .column = 0,
                   .message = std::move(problem.message),
                   .rule = rule});
  }
}

std::vector<LintProblem> Findings(const JsonSchema& workflow_schema, const json& document) {
  std::vector<LintProblem> findings;
  std::vector<FieldError> shape = workflow_schema.Validate(document);
  if (!shape.empty()) {
    AddFindings(std::move(shape), "schema", findings);
    return findings;
  }
  Result<Workflow> wf = ParseWorkflow(document);
  if (!wf.ok()) {
    std::vector<FieldError> unread = wf.error().fields();
    if (unread.empty()) unread.push_back({"", wf.error().message()});
    AddFindings(std::move(unread), "definition", findings);
    return findings;
  }
  AddFindings(SemanticLinter(wf.value()).Run(), "semantics", findings);
  std::vector<FieldError> form;
  CheckFormSchema(wf.value(), form);
  AddFindings(std::move(form), "form_schema", findings);
  std::vector<FieldError> fields;
  CheckFormFields(wf->procedure.form_schema, kFormPointer, fields);
  AddFindings(std::move(fields), "form_field", findings);
  std::stable_sort(
      findings.begin(), findings.end(),
      [](const LintProblem& a, const LintProblem& b) { return PointerLess(a.pointer, b.pointer); });
  return findings;
}

}  // namespace

std::vector<FieldError> LintWorkflow(const JsonSchema& workflow_schema,
                                     const nlohmann::json& document) {
  std::vector<FieldError> errors;
  for (LintProblem& problem : Findings(workflow_schema, document)) {
    errors.push_back({std::move(problem.pointer), std::move(problem.message)});
  }
  return errors;
}

Result<std::vector<LintProblem>> LintWorkflowText(const JsonSchema& workflow_schema,
                                                  std::string_view text, JsonLimits limits) {
  Result<json> document = ParseWorkflowText(text, limits);
  if (!document.ok() && document.error().reason() != ErrorReason::kInvalidJson) {
    return document.error();
  }
  const JsonPositions positions = JsonPositions::Index(text);
  if (!document.ok()) {
    const JsonPositions::SyntaxError fallback{{}, document.error().message()};
    const JsonPositions::SyntaxError& error = positions.syntax_error().value_or(fallback);
    return std::vector<LintProblem>{{.pointer = "",
                                     .line = error.at.line,
                                     .column = error.at.column,
                                     .message = error.reason,
                                     .rule = "json_syntax"}};
  }
  std::vector<LintProblem> problems = Findings(workflow_schema, *document);
  for (LintProblem& problem : problems) {
    const TextPosition at = positions.Locate(problem.pointer);
    problem.line = at.line;
    problem.column = at.column;
  }
  return problems;
}

std::vector<std::vector<FieldError>> LintWorkflows(const JsonSchema& workflow_schema,
                                                   const std::vector<nlohmann::json>& documents) {
  std::vector<std::vector<FieldError>> results;
  results.reserve(documents.size());
  std::map<std::string, std::vector<std::size_t>> users_of_code;
  for (std::size_t i = 0; i < documents.size(); ++i) {
    results.push_back(LintWorkflow(workflow_schema, documents[i]));
    const json& document = documents[i];
    if (!document.is_object()) continue;
    auto procedure = document.find("procedure");
    if (procedure == document.end() || !procedure->is_object()) continue;
    auto code = procedure->find("code");
    if (code == procedure->end() || !code->is_string()) continue;
    users_of_code[code->get<std::string>()].push_back(i);
  }
  for (const auto& [code, users] : users_of_code) {
    for (std::size_t user : users) {
      for (std::size_t other : users) {
        if (other == user) continue;
        results[user].push_back(
            {"/procedure/code",
             "procedure code " + Quote(code) + " is also used by document " + Index(other)});
      }
    }
  }
  for (std::vector<FieldError>& errors : results) SortByPointer(errors);
  return results;
}

Result<nlohmann::json> ParseJsonText(const std::string& text) {
  return ParseJson(text, kFileJsonLimits);
}

}  // namespace motcua
