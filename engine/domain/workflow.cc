#include "engine/domain/workflow.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

namespace motcua {
namespace {

using nlohmann::json;

// Collects interpretation problems while walking a document, so that one
// parse reports every value it could not read, not just the first.
class Reader {
 public:
  explicit Reader(std::vector<FieldError>& errors) : errors_(errors) {}

  // The member `key` of `object`, or nullptr (and an error if `required`).
  const json* Member(const json& object, std::string_view key, const std::string& pointer,
                     bool required) {
    if (!object.is_object()) {
      Fail(pointer, "must be an object");
      return nullptr;
    }
    auto it = object.find(key);
    if (it == object.end()) {
      if (required) Fail(pointer + "/" + std::string(key), "is required");
      return nullptr;
    }
    return &*it;
  }

  std::string String(const json& object, std::string_view key, const std::string& pointer,
                     bool required = true) {
    const json* value = Member(object, key, pointer, required);
    if (value == nullptr) return {};
    if (!value->is_string()) {
      Fail(pointer + "/" + std::string(key), "must be a string");
      return {};
    }
    return value->get<std::string>();
  }

  bool Bool(const json& object, std::string_view key, const std::string& pointer,
            bool default_value) {
    const json* value = Member(object, key, pointer, false);
    if (value == nullptr) return default_value;
    if (!value->is_boolean()) {
      Fail(pointer + "/" + std::string(key), "must be true or false");
      return default_value;
    }
    return value->get<bool>();
  }

  std::int64_t Integer(const json& object, std::string_view key, const std::string& pointer,
                       bool required, std::int64_t default_value = 0) {
    const json* value = Member(object, key, pointer, required);
    if (value == nullptr) return default_value;
    if (!value->is_number_integer()) {
      Fail(pointer + "/" + std::string(key), "must be a whole number");
      return default_value;
    }
    return value->get<std::int64_t>();
  }

  std::vector<std::string> Strings(const json& object, std::string_view key,
                                   const std::string& pointer) {
    std::vector<std::string> out;
    const json* value = Member(object, key, pointer, false);
    if (value == nullptr) return out;
    const std::string here = pointer + "/" + std::string(key);
    if (!value->is_array()) {
      Fail(here, "must be an array of strings");
      return out;
    }
    for (std::size_t i = 0; i < value->size(); ++i) {
      const json& item = (*value)[i];
      if (!item.is_string()) {
        Fail(here + "/" + std::to_string(i), "must be a string");
        continue;
      }
      out.push_back(item.get<std::string>());
    }
    return out;
  }

  // Items of the array member `key` with their pointers.
  std::vector<std::pair<const json*, std::string>> Items(const json& object, std::string_view key,
                                                         const std::string& pointer,
                                                         bool required) {
    std::vector<std::pair<const json*, std::string>> out;
    const json* value = Member(object, key, pointer, required);
    if (value == nullptr) return out;
    const std::string here = pointer + "/" + std::string(key);
    if (!value->is_array()) {
      Fail(here, "must be an array");
      return out;
    }
    for (std::size_t i = 0; i < value->size(); ++i) {
      out.emplace_back(&(*value)[i], here + "/" + std::to_string(i));
    }
    return out;
  }

  // Maps a string member onto an enum through a table of names.
  template <typename E, std::size_t N>
  E Enum(const json& object, std::string_view key, const std::string& pointer,
         const std::array<std::pair<std::string_view, E>, N>& names, E default_value,
         bool required = false) {
    const json* value = Member(object, key, pointer, required);
    if (value == nullptr) return default_value;
    if (value->is_string()) {
      const auto& text = value->get_ref<const std::string&>();
      for (const auto& [name, e] : names) {
        if (name == text) return e;
      }
    }
    std::string allowed;
    for (const auto& [name, e] : names) {
      allowed += (allowed.empty() ? "\"" : ", \"") + std::string(name) + "\"";
    }
    Fail(pointer + "/" + std::string(key), "must be one of " + allowed);
    return default_value;
  }

  void Fail(std::string pointer, std::string message) {
    errors_.push_back({std::move(pointer), std::move(message)});
  }

 private:
  std::vector<FieldError>& errors_;
};

constexpr std::array<std::pair<std::string_view, Channel>, 3> kChannelNames{{
    {"desk", Channel::kDesk},
    {"online", Channel::kOnline},
    {"post", Channel::kPost},
}};
constexpr std::array<std::pair<std::string_view, Outcome>, 4> kOutcomeNames{{
    {"approved", Outcome::kApproved},
    {"refused", Outcome::kRefused},
    {"withdrawn", Outcome::kWithdrawn},
    {"stopped", Outcome::kStopped},
}};
constexpr std::array<std::pair<std::string_view, RefusedBranchRule>, 2> kRefusedBranchRuleNames{{
    {"refuse_all", RefusedBranchRule::kRefuseAll},
    {"continue_partial", RefusedBranchRule::kContinuePartial},
}};
constexpr std::array<std::pair<std::string_view, ClockMode>, 4> kClockModeNames{{
    {"not_started", ClockMode::kNotStarted},
    {"running", ClockMode::kRunning},
    {"paused", ClockMode::kPaused},
    {"stopped", ClockMode::kStopped},
}};
constexpr std::array<std::pair<std::string_view, ClockEffect>, 5> kClockEffectNames{{
    {"start", ClockEffect::kStart},
    {"pause", ClockEffect::kPause},
    {"resume", ClockEffect::kResume},
    {"extend", ClockEffect::kExtend},
    {"stop", ClockEffect::kStop},
}};
constexpr std::array<std::pair<std::string_view, ApplicantStep>, 4> kStepNames{{
    {"submission", ApplicantStep::kSubmission},
    {"supplement", ApplicantStep::kSupplement},
    {"payment", ApplicantStep::kPayment},
    {"result_return", ApplicantStep::kResultReturn},
}};
constexpr std::array<std::pair<std::string_view, OnlineLevel>, 2> kOnlineLevelNames{{
    {"full", OnlineLevel::kFull},
    {"partial", OnlineLevel::kPartial},
}};

template <typename E, std::size_t N>
const char* NameOf(const std::array<std::pair<std::string_view, E>, N>& names, E value,
                   const char* fallback) {
  for (const auto& [name, e] : names) {
    if (e == value) return name.data();
  }
  return fallback;
}

// "HH:MM" -> minutes after midnight, or -1.
int ParseClockTime(const std::string& text) {
  if (text.size() != 5 || text[2] != ':') return -1;
  for (std::size_t i : {0u, 1u, 3u, 4u}) {
    if (text[i] < '0' || text[i] > '9') return -1;
  }
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (hours > 23 || minutes > 59) return -1;
  return hours * 60 + minutes;
}

// The localized member "names" of `object`, or, in a version published before
// localized names existed, `legacy` in both languages.
LocalizedText ReadNames(Reader& r, const json& object, const std::string& pointer,
                        const std::string& legacy) {
  const json* names = r.Member(object, "names", pointer, false);
  if (names == nullptr) return {.vi = legacy, .en = legacy};
  const std::string here = pointer + "/names";
  return {.vi = r.String(*names, "vi", here), .en = r.String(*names, "en", here)};
}

Deadline ReadDeadline(Reader& r, const json& procedure, const std::string& pointer) {
  Deadline deadline;
  const json* value = r.Member(procedure, "deadline", pointer, true);
  if (value == nullptr) return deadline;
  const std::string here = pointer + "/deadline";
  deadline.same_day = r.Bool(*value, "same_day", here, false);
  if (deadline.same_day) {
    const std::string cutoff = r.String(*value, "cutoff", here, false);
    if (!cutoff.empty()) {
      deadline.cutoff_minutes = ParseClockTime(cutoff);
      if (deadline.cutoff_minutes < 0) {
        r.Fail(here + "/cutoff", "must be a time of day written HH:MM");
        deadline.cutoff_minutes = 15 * 60;
      }
    }
  } else {
    deadline.working_days = static_cast<int>(r.Integer(*value, "working_days", here, true));
  }
  return deadline;
}

Procedure ReadProcedure(Reader& r, const json& document) {
  Procedure p;
  const json* value = r.Member(document, "procedure", "", true);
  if (value == nullptr) return p;
  const json& procedure = *value;
  const std::string here = "/procedure";
  p.code = r.String(procedure, "code", here);
  p.name = r.String(procedure, "name", here, /*required=*/false);
  p.names = ReadNames(r, procedure, here, p.name);
  if (p.name.empty()) p.name = p.names.en;
  p.sector = r.String(procedure, "sector", here);
  if (const json* agency = r.Member(procedure, "agency", here, true)) {
    p.agency_level = r.String(*agency, "level", here + "/agency");
    p.agency_name = r.String(*agency, "name", here + "/agency");
  }
  p.deadline = ReadDeadline(r, procedure, here);
  for (const auto& [fee, at] : r.Items(procedure, "fees", here, false)) {
    Fee& read = p.fees.emplace_back(Fee{.key = r.String(*fee, "key", at),
                                        .name = r.String(*fee, "name", at, /*required=*/false),
                                        .names = {},
                                        .desk_amount = r.Integer(*fee, "desk", at, true),
                                        .online_amount = r.Integer(*fee, "online", at, true),
                                        .per_copy = r.Bool(*fee, "per_copy", at, false)});
    read.names = ReadNames(r, *fee, at, read.name);
    if (read.name.empty()) read.name = read.names.en;
  }
  for (const auto& [doc, at] : r.Items(procedure, "documents", here, false)) {
    RequiredDocument& read = p.documents.emplace_back(
        RequiredDocument{.key = r.String(*doc, "key", at),
                         .name = r.String(*doc, "name", at, /*required=*/false),
                         .names = {},
                         .required = r.Bool(*doc, "required", at, true),
                         .electronic_copy_accepted = r.Bool(*doc, "electronic_copy", at, true)});
    read.names = ReadNames(r, *doc, at, read.name);
    if (read.name.empty()) read.name = read.names.en;
  }
  if (const json* form = r.Member(procedure, "form", here, true)) {
    if (form->is_object()) {
      p.form_schema = *form;
    } else {
      r.Fail(here + "/form", "must be a JSON Schema object");
    }
  }
  p.online_level = r.Enum(procedure, "online_level", here, kOnlineLevelNames, OnlineLevel::kFull,
                          /*required=*/true);
  if (const json* result = r.Member(procedure, "result", here, true)) {
    p.result_kind = r.String(*result, "kind", here + "/result");
  }
  if (const json* roles = r.Member(procedure, "agency_roles", here, false)) {
    if (!roles->is_object()) {
      r.Fail(here + "/agency_roles", "must be an object of agency roles");
    } else {
      for (const auto& [id, role] : roles->items()) {
        const std::string at = here + "/agency_roles/" + id;
        AgencyRole& read =
            p.agency_roles.emplace_back(AgencyRole{.id = id, .names = {}, .level = {}});
        read.names = ReadNames(r, role, at, std::string());
        read.level = r.String(role, "level", at, /*required=*/false);
      }
    }
  }
  return p;
}

State ReadState(Reader& r, const json& value, const std::string& at) {
  State s;
  s.id = r.String(value, "id", at);
  s.name = r.String(value, "name", at, /*required=*/false);
  s.names = ReadNames(r, value, at, s.name);
  if (s.name.empty()) s.name = s.names.en;
  const std::int64_t status = r.Integer(value, "status", at, true, 1);
  if (status < 1 || status > 10) {
    r.Fail(at + "/status", "must be a national status code from 1 to 10");
  } else {
    s.status = static_cast<NationalStatus>(status);
  }
  s.queue_roles = r.Strings(value, "queue", at);
  if (r.Member(value, "agency", at, false) != nullptr) s.agency = r.String(value, "agency", at);
  if (r.Member(value, "agency_role", at, false) != nullptr) {
    s.agency_role = r.String(value, "agency_role", at);
  }
  if (const json* sla = r.Member(value, "sla", at, false)) {
    const std::string here = at + "/sla";
    Sla parsed;
    if (sla->is_object() && sla->contains("working_hours")) {
      parsed.in_hours = true;
      parsed.amount = static_cast<int>(r.Integer(*sla, "working_hours", here, true));
    } else {
      parsed.amount = static_cast<int>(r.Integer(*sla, "working_days", here, true));
    }
    s.sla = parsed;
  }
  s.clock = r.Enum(value, "clock", at, kClockModeNames, ClockMode::kRunning);
  s.terminal = r.Bool(value, "terminal", at, false);
  s.outcome = r.Enum(value, "outcome", at, kOutcomeNames, Outcome::kNone);
  if (r.Member(value, "branch", at, false) != nullptr) s.branch = r.String(value, "branch", at);
  if (const json* fork = r.Member(value, "fork", at, false)) {
    const std::string here = at + "/fork";
    Fork parsed;
    for (const auto& [branch, branch_at] : r.Items(*fork, "branches", here, true)) {
      parsed.branches.push_back({.id = r.String(*branch, "id", branch_at),
                                 .initial = r.String(*branch, "initial", branch_at),
                                 .when = r.String(*branch, "when", branch_at, false)});
    }
    parsed.join = r.String(*fork, "join", here);
    parsed.refused = r.String(*fork, "refused", here);
    parsed.on_refused =
        r.Enum(*fork, "on_refused", here, kRefusedBranchRuleNames, RefusedBranchRule::kRefuseAll);
    s.fork = std::move(parsed);
  }
  return s;
}

Action ReadAction(Reader& r, const json& value, const std::string& at) {
  Action a;
  a.name = r.String(value, "name", at);
  a.title = r.String(value, "title", at, /*required=*/false);
  a.names = ReadNames(r, value, at, a.title.empty() ? a.name : a.title);
  if (a.title.empty() && value.contains("names")) a.title = a.names.en;
  a.from = r.Strings(value, "from", at);
  a.to = r.String(value, "to", at);
  a.roles = r.Strings(value, "roles", at);
  if (const json* req = r.Member(value, "requires", at, false)) {
    const std::string here = at + "/requires";
    a.requirements.comment = r.Bool(*req, "comment", here, false);
    a.requirements.documents = r.Strings(*req, "documents", here);
    a.requirements.form_fields = r.Strings(*req, "form_fields", here);
    a.requirements.result_document = r.Bool(*req, "result_document", here, false);
    a.requirements.result_signature = r.Bool(*req, "result_signature", here, false);
    a.requirements.appointment_date = r.Bool(*req, "appointment_date", here, false);
    a.requirements.agency_seal = r.Bool(*req, "agency_seal", here, false);
  }
  a.four_eyes = r.Strings(value, "four_eyes", at);
  a.clock = r.Enum(value, "clock", at, kClockEffectNames, ClockEffect::kNone);
  a.step = r.Enum(value, "step", at, kStepNames, ApplicantStep::kNone);
  a.automatic = r.Bool(value, "automatic", at, false);
  return a;
}

}  // namespace

bool IsEndingStatus(NationalStatus status) {
  switch (status) {
    case NationalStatus::kNotReceived:
    case NationalStatus::kWithdrawn:
    case NationalStatus::kStopped:
    case NationalStatus::kProcessed:
    case NationalStatus::kResultReturned: return true;
    default: return false;
  }
}

const RequiredDocument* Procedure::FindDocument(const std::string& key) const {
  auto it = std::find_if(documents.begin(), documents.end(),
                         [&](const RequiredDocument& d) { return d.key == key; });
  return it == documents.end() ? nullptr : &*it;
}

const AgencyRole* Procedure::FindAgencyRole(const std::string& id) const {
  auto it = std::find_if(agency_roles.begin(), agency_roles.end(),
                         [&](const AgencyRole& role) { return role.id == id; });
  return it == agency_roles.end() ? nullptr : &*it;
}

bool Action::AllowsRole(const std::string& role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

bool Action::AllowedFrom(const std::string& state) const {
  return std::find(from.begin(), from.end(), state) != from.end();
}

const State* Workflow::FindState(const std::string& id) const {
  auto it = std::find_if(states.begin(), states.end(), [&](const State& s) { return s.id == id; });
  return it == states.end() ? nullptr : &*it;
}

const ForkBranch* Fork::FindBranch(const std::string& id) const {
  auto it = std::find_if(branches.begin(), branches.end(),
                         [&](const ForkBranch& b) { return b.id == id; });
  return it == branches.end() ? nullptr : &*it;
}

const Action* Workflow::FindAction(const std::string& name) const {
  auto it =
      std::find_if(actions.begin(), actions.end(), [&](const Action& a) { return a.name == name; });
  return it == actions.end() ? nullptr : &*it;
}

Result<Workflow> ParseWorkflow(const nlohmann::json& document) {
  std::vector<FieldError> errors;
  Reader r(errors);
  Workflow wf;
  if (!document.is_object()) {
    return Error(ErrorCode::kInvalidArgument, "a workflow definition must be a JSON object",
                 ErrorReason::kInvalidWorkflow, {{"", "must be an object"}});
  }
  wf.procedure = ReadProcedure(r, document);
  wf.roles = r.Strings(document, "roles", "");
  wf.initial_state = r.String(document, "initial_state", "");
  wf.supervisor_role = r.String(document, "supervisor_role", "", false);
  for (const auto& [state, at] : r.Items(document, "states", "", true)) {
    wf.states.push_back(ReadState(r, *state, at));
  }
  for (const auto& [action, at] : r.Items(document, "actions", "", true)) {
    wf.actions.push_back(ReadAction(r, *action, at));
  }
  for (Action& action : wf.actions) {
    for (const std::string& from : action.from) {
      const State* state = wf.FindState(from);
      if (state == nullptr || !state->branch) continue;
      action.branch = *state->branch;
      break;
    }
  }
  for (const auto& [timer, at] : r.Items(document, "timers", "", false)) {
    wf.timers.push_back(
        {.state = r.String(*timer, "state", at),
         .after_working_days = static_cast<int>(r.Integer(*timer, "after_working_days", at, true)),
         .action = r.String(*timer, "action", at)});
  }
  if (!errors.empty()) {
    return Error(ErrorCode::kInvalidArgument, "the workflow definition cannot be read",
                 ErrorReason::kInvalidWorkflow, std::move(errors));
  }
  return wf;
}

const char* ChannelName(Channel channel) {
  return NameOf(kChannelNames, channel, "online");
}

std::optional<Channel> ChannelFromName(const std::string& name) {
  for (const auto& [text, channel] : kChannelNames) {
    if (text == name) return channel;
  }
  return std::nullopt;
}

const char* OutcomeName(Outcome outcome) {
  return NameOf(kOutcomeNames, outcome, "none");
}
const char* ClockModeName(ClockMode mode) {
  return NameOf(kClockModeNames, mode, "running");
}
const char* ClockEffectName(ClockEffect effect) {
  return NameOf(kClockEffectNames, effect, "none");
}
const char* ApplicantStepName(ApplicantStep step) {
  return NameOf(kStepNames, step, "none");
}

}  // namespace motcua
