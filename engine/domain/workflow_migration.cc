#include "engine/domain/workflow_migration.h"

#include <algorithm>

#include "engine/domain/agency_roles.h"
#include "engine/domain/json_positions.h"
#include "engine/domain/rfc3339.h"

namespace motcua {
namespace {

using nlohmann::json;

Error Invalid(std::vector<FieldError> fields) {
  return Error(ErrorCode::kInvalidArgument, "the migration plan is not valid",
               ErrorReason::kValidation, std::move(fields));
}

std::optional<std::int64_t> PositiveVersion(const json& body, const char* name,
                                            std::vector<FieldError>& invalid) {
  auto it = body.find(name);
  if (it == body.end()) {
    invalid.push_back({std::string("/") + name, "is required: a version number, 1, 2, ..."});
    return std::nullopt;
  }
  if (!it->is_number_integer() || it->get<std::int64_t>() < 1) {
    invalid.push_back({std::string("/") + name, "must be a version number: 1, 2, ..."});
    return std::nullopt;
  }
  return it->get<std::int64_t>();
}

std::optional<Instant> TimeMember(const json& filter, const char* name,
                                  std::vector<FieldError>& invalid) {
  auto it = filter.find(name);
  if (it == filter.end()) return std::nullopt;
  std::optional<Instant> parsed;
  if (it->is_string()) parsed = ParseRfc3339DateTime(it->get<std::string>());
  if (!parsed) {
    invalid.push_back({std::string("/filter/") + name,
                       "must be an RFC 3339 date-time with an offset, e.g. "
                       "\"2026-03-02T08:00:00+07:00\""});
  }
  return parsed;
}

void ParseFilter(const json& filter, MigrationFilter& out, std::vector<FieldError>& invalid) {
  if (!filter.is_object()) {
    invalid.push_back({"/filter", "must be an object"});
    return;
  }
  for (const auto& [name, value] : filter.items()) {
    if (name != "states" && name != "agency" && name != "submitted_before" &&
        name != "submitted_after") {
      invalid.push_back({"/filter/" + EscapePointerToken(name), "is not a member of a filter"});
    }
  }
  if (auto states = filter.find("states"); states != filter.end()) {
    if (!states->is_array()) {
      invalid.push_back({"/filter/states", "must be an array of state ids"});
    } else if (states->size() > kMaxMigrationFilterStates) {
      invalid.push_back(
          {"/filter/states",
           "must name at most " + std::to_string(kMaxMigrationFilterStates) + " states"});
    } else {
      for (std::size_t i = 0; i < states->size(); ++i) {
        const json& state = (*states)[i];
        if (!state.is_string() || state.get<std::string>().empty()) {
          invalid.push_back({"/filter/states/" + std::to_string(i), "must be a state id"});
        } else {
          out.states.push_back(state.get<std::string>());
        }
      }
      std::sort(out.states.begin(), out.states.end());
      out.states.erase(std::unique(out.states.begin(), out.states.end()), out.states.end());
    }
  }
  if (auto agency = filter.find("agency"); agency != filter.end()) {
    if (!agency->is_string() || agency->get<std::string>().empty()) {
      invalid.push_back({"/filter/agency", "must be an agency id, e.g. \"000.00.01.H26\""});
    } else {
      out.agency = agency->get<std::string>();
    }
  }
  out.submitted_before = TimeMember(filter, "submitted_before", invalid);
  out.submitted_after = TimeMember(filter, "submitted_after", invalid);
  if (out.submitted_before && out.submitted_after &&
      !(*out.submitted_after < *out.submitted_before)) {
    invalid.push_back({"/filter/submitted_after", "must be before submitted_before"});
  }
}

const State* StateOf(const Workflow& workflow, const std::string& id) {
  return workflow.FindState(id);
}

}  // namespace

Result<MigrationPlan> ParseMigrationPlan(const json& body, const std::string& procedure_code) {
  if (!body.is_object()) return Invalid({{"", "must be a JSON object: the migration plan"}});
  std::vector<FieldError> invalid;
  for (const auto& [name, value] : body.items()) {
    if (name != "procedure_code" && name != "from_version" && name != "to_version" &&
        name != "mapping" && name != "filter") {
      invalid.push_back({"/" + EscapePointerToken(name), "is not a member of a migration plan"});
    }
  }
  MigrationPlan plan;
  plan.procedure_code = procedure_code;
  if (auto code = body.find("procedure_code"); code != body.end()) {
    if (!code->is_string() || code->get<std::string>() != procedure_code) {
      invalid.push_back({"/procedure_code", "must be \"" + procedure_code + "\", or left out"});
    }
  }
  std::optional<std::int64_t> from = PositiveVersion(body, "from_version", invalid);
  std::optional<std::int64_t> to = PositiveVersion(body, "to_version", invalid);
  if (from && to && *from == *to) {
    invalid.push_back({"/to_version", "must differ from from_version"});
  }
  plan.from_version = from.value_or(0);
  plan.to_version = to.value_or(0);
  if (auto mapping = body.find("mapping"); mapping != body.end()) {
    if (!mapping->is_object()) {
      invalid.push_back({"/mapping", "must be an object: old state id -> new state id"});
    } else if (mapping->size() > kMaxMigrationMappings) {
      invalid.push_back(
          {"/mapping", "must have at most " + std::to_string(kMaxMigrationMappings) + " entries"});
    } else {
      for (const auto& [old_state, new_state] : mapping->items()) {
        if (old_state.empty()) {
          invalid.push_back({"/mapping/", "names no state"});
        } else if (!new_state.is_string() || new_state.get<std::string>().empty()) {
          invalid.push_back({"/mapping/" + EscapePointerToken(old_state),
                             "must be the id of a state of the new version"});
        } else {
          plan.mapping.emplace(old_state, new_state.get<std::string>());
        }
      }
    }
  }
  if (auto filter = body.find("filter"); filter != body.end()) {
    ParseFilter(*filter, plan.filter, invalid);
  }
  if (!invalid.empty()) return Invalid(std::move(invalid));
  return plan;
}

json MigrationPlanJson(const MigrationPlan& plan) {
  json filter = json::object();
  if (!plan.filter.states.empty()) filter["states"] = plan.filter.states;
  if (plan.filter.agency) filter["agency"] = *plan.filter.agency;
  if (plan.filter.submitted_before) {
    filter["submitted_before"] = FormatRfc3339DateTime(*plan.filter.submitted_before);
  }
  if (plan.filter.submitted_after) {
    filter["submitted_after"] = FormatRfc3339DateTime(*plan.filter.submitted_after);
  }
  json mapping = json::object();
  for (const auto& [old_state, new_state] : plan.mapping) mapping[old_state] = new_state;
  return {{"procedure_code", plan.procedure_code},
          {"from_version", plan.from_version},
          {"to_version", plan.to_version},
          {"mapping", mapping},
          {"filter", filter}};
}

Status CheckPlanAgainst(const MigrationPlan& plan, const Workflow& from, const Workflow&) {
  std::vector<FieldError> invalid;
  for (const auto& [old_state, new_state] : plan.mapping) {
    if (StateOf(from, old_state) == nullptr) {
      invalid.push_back({"/mapping/" + EscapePointerToken(old_state),
                         "names no state of version " + std::to_string(plan.from_version)});
    }
  }
  for (std::size_t i = 0; i < plan.filter.states.size(); ++i) {
    if (StateOf(from, plan.filter.states[i]) == nullptr) {
      invalid.push_back({"/filter/states/" + std::to_string(i),
                         "names no state of version " + std::to_string(plan.from_version)});
    }
  }
  if (!invalid.empty()) return Invalid(std::move(invalid));
  return Status();
}

std::string_view MigrationBlockName(MigrationBlock block) {
  switch (block) {
    case MigrationBlock::kNone: return "";
    case MigrationBlock::kAlreadyMigrated: return "already_migrated";
    case MigrationBlock::kChangedSincePlan: return "changed_since_plan";
    case MigrationBlock::kClaimed: return "claimed";
    case MigrationBlock::kStateUnmapped: return "state_unmapped";
    case MigrationBlock::kTargetStateUnknown: return "target_state_unknown";
    case MigrationBlock::kStatusNotAllowed: return "status_not_allowed";
    case MigrationBlock::kMissingDocument: return "missing_document";
    case MigrationBlock::kMissingFormField: return "missing_form_field";
    case MigrationBlock::kAgencyRoleUnresolved: return "agency_role_unresolved";
    case MigrationBlock::kBranchesRunning: return "branches_running";
  }
  return "";
}

bool SelectedByPlan(const MigrationPlan& plan, const Workflow& from, const Dossier& dossier) {
  if (dossier.procedure_code != plan.procedure_code ||
      dossier.definition_version != plan.from_version) {
    return false;
  }
  const State* state = StateOf(from, dossier.state);
  if (state != nullptr && state->terminal) return false;
  const MigrationFilter& filter = plan.filter;
  if (!filter.states.empty() &&
      !std::binary_search(filter.states.begin(), filter.states.end(), dossier.state)) {
    return false;
  }
  if (filter.agency && dossier.agency != *filter.agency) return false;
  if (filter.submitted_before || filter.submitted_after) {
    if (dossier.history.empty()) return false;
    const Instant submitted = dossier.history.front().at;
    if (filter.submitted_before && !(submitted < *filter.submitted_before)) return false;
    if (filter.submitted_after && submitted < *filter.submitted_after) return false;
  }
  return true;
}

std::optional<std::pair<std::string, bool>> TargetStateOf(const MigrationPlan& plan,
                                                          const Workflow& to,
                                                          const std::string& state) {
  if (auto it = plan.mapping.find(state); it != plan.mapping.end()) {
    return std::make_pair(it->second, true);
  }
  if (StateOf(to, state) != nullptr) return std::make_pair(state, false);
  return std::nullopt;
}

MigrationVerdict JudgeMigration(const MigrationPlan& plan, const Workflow& from, const Workflow& to,
                                const JsonSchema& to_form, const Dossier& dossier,
                                std::optional<std::int64_t> expected_version) {
  MigrationVerdict verdict;
  verdict.code = dossier.code;
  verdict.version = dossier.version;
  verdict.state = dossier.state;
  auto block = [&](MigrationBlock why, std::string detail) {
    verdict.block = why;
    verdict.detail = std::move(detail);
    return verdict;
  };
  const std::string to_name = "version " + std::to_string(plan.to_version);
  if (dossier.definition_version == plan.to_version) {
    return block(MigrationBlock::kAlreadyMigrated, "The dossier is already on " + to_name + ".");
  }
  if (expected_version && *expected_version != dossier.version) {
    return block(MigrationBlock::kChangedSincePlan,
                 "The dossier is at version " + std::to_string(dossier.version) +
                     ", but the dry run saw version " + std::to_string(*expected_version) + ".");
  }
  if (dossier.assignee) {
    return block(MigrationBlock::kClaimed,
                 "The dossier is claimed by " + *dossier.assignee + "; it must be released first.");
  }
  std::optional<std::pair<std::string, bool>> target = TargetStateOf(plan, to, dossier.state);
  if (!target) {
    return block(
        MigrationBlock::kStateUnmapped,
        "State " + dossier.state + " has no mapping, and " + to_name + " has no state of that id.");
  }
  verdict.target_state = target->first;
  const State* new_state = StateOf(to, target->first);
  if (new_state == nullptr) {
    return block(MigrationBlock::kTargetStateUnknown, "The mapping sends state " + dossier.state +
                                                          " to " + target->first + ", which " +
                                                          to_name + " does not have.");
  }
  const State* old_state = StateOf(from, dossier.state);
  const int old_status = old_state == nullptr ? 0 : static_cast<int>(old_state->status);
  const int new_status = static_cast<int>(new_state->status);
  if (old_state == nullptr || old_status != new_status || new_state->terminal) {
    return block(MigrationBlock::kStatusNotAllowed,
                 "State " + target->first + " has national status " + std::to_string(new_status) +
                     (new_state->terminal ? " and ends processing" : "") +
                     ", but the dossier's state " + dossier.state + " has status " +
                     std::to_string(old_status) + "; a migration keeps the status.");
  }
  if (old_state->fork || new_state->fork) {
    return block(MigrationBlock::kBranchesRunning,
                 "State " + (old_state->fork ? dossier.state : target->first) +
                     " runs parallel branches at other agencies; a migration would start them "
                     "anew. Let the branches end first.");
  }
  std::vector<std::string> missing;
  for (const RequiredDocument& document : to.procedure.documents) {
    if (document.required && dossier.documents.count(document.key) == 0) {
      missing.push_back(document.key);
    }
  }
  if (!missing.empty()) {
    std::string keys;
    for (const std::string& key : missing) keys += (keys.empty() ? "" : ", ") + key;
    return block(MigrationBlock::kMissingDocument,
                 "Version " + std::to_string(plan.to_version) + " requires " +
                     (missing.size() == 1 ? "document " : "documents ") + keys +
                     ", which the dossier lacks.");
  }
  const json form = dossier.form.is_object() ? dossier.form : json::object();
  std::vector<FieldError> problems = to_form.Validate(form);
  if (!problems.empty()) {
    std::string where;
    for (const FieldError& problem : problems) {
      where += (where.empty() ? "" : "; ") +
               (problem.pointer.empty() ? std::string("the form") : problem.pointer) + ": " +
               problem.message;
    }
    return block(MigrationBlock::kMissingFormField,
                 "The form does not satisfy the form of " + to_name + " (" + where + ").");
  }
  const std::map<std::string, std::string> recorded = RecordedAgencyRoles(dossier);
  for (const AgencyRole& role : to.procedure.agency_roles) {
    if (recorded.count(role.id) == 0) {
      return block(MigrationBlock::kAgencyRoleUnresolved,
                   "Version " + std::to_string(plan.to_version) + " names the agency role " +
                       role.id + ", which the dossier did not record at submission.");
    }
  }
  return verdict;
}

Dossier MigratedDossier(const Dossier& dossier, const MigrationPlan& plan,
                        const MigrationVerdict& verdict, const std::string& plan_etag,
                        const Actor& actor, Instant at) {
  Dossier after = dossier;
  after.definition_version = plan.to_version;
  after.state = verdict.target_state;
  after.version = dossier.version + 1;
  DossierEvent event;
  event.action = kMigrateAction;
  event.from_state = dossier.state;
  event.to_state = verdict.target_state;
  event.actor = actor;
  event.at = at;
  event.payload = {{"from_version", plan.from_version},
                   {"to_version", plan.to_version},
                   {"mapping",
                    {{"from", dossier.state},
                     {"to", verdict.target_state},
                     {"explicit", plan.mapping.count(dossier.state) != 0}}},
                   {"plan", MigrationPlanJson(plan)},
                   {"plan_etag", plan_etag},
                   {"dossier_version", dossier.version}};
  after.history.push_back(std::move(event));
  return after;
}

const DossierEvent* FindMigrateEvent(const Dossier& dossier, const std::string& plan_etag) {
  for (const DossierEvent& event : dossier.history) {
    if (event.action != kMigrateAction || !event.payload.is_object()) continue;
    auto etag = event.payload.find("plan_etag");
    if (etag != event.payload.end() && etag->is_string() && etag->get<std::string>() == plan_etag) {
      return &event;
    }
  }
  return nullptr;
}

Result<MigrationSelection> ParseMigrationSelection(const json& selection) {
  if (!selection.is_array()) {
    return Invalid({{"/selection",
                     "is required: the dry run's selection, [{\"code\": ..., \"version\": ...}]"}});
  }
  if (selection.size() > kMaxMigrationSelection) {
    return Invalid({{"/selection", "must list at most " + std::to_string(kMaxMigrationSelection) +
                                       " dossiers: narrow the plan's filter"}});
  }
  std::vector<FieldError> invalid;
  MigrationSelection parsed;
  parsed.reserve(selection.size());
  for (std::size_t i = 0; i < selection.size() && invalid.size() < kMaxSelectionErrors; ++i) {
    const json& item = selection[i];
    const std::string at = "/selection/" + std::to_string(i);
    if (!item.is_object()) {
      invalid.push_back({at, "must be an object: {\"code\": ..., \"version\": ...}"});
      continue;
    }
    for (const auto& [name, value] : item.items()) {
      if (name != "code" && name != "version") {
        invalid.push_back(
            {at + "/" + EscapePointerToken(name), "is not a member of a selection item"});
      }
    }
    auto code = item.find("code");
    auto version = item.find("version");
    const bool code_ok =
        code != item.end() && code->is_string() && !code->get<std::string>().empty();
    const bool version_ok =
        version != item.end() && version->is_number_integer() && version->get<std::int64_t>() >= 0;
    if (!code_ok) invalid.push_back({at + "/code", "must be a dossier code"});
    if (!version_ok)
      invalid.push_back({at + "/version", "must be the dossier's version: 0, 1, ..."});
    if (code_ok && version_ok) {
      parsed.emplace_back(code->get<std::string>(), version->get<std::int64_t>());
    }
  }
  if (!invalid.empty()) return Invalid(std::move(invalid));
  std::sort(parsed.begin(), parsed.end());
  for (std::size_t i = 1; i < parsed.size(); ++i) {
    if (parsed[i].first == parsed[i - 1].first) {
      return Invalid({{"/selection", "names dossier " + parsed[i].first + " twice"}});
    }
  }
  return parsed;
}

json MigrationSelectionJson(const MigrationSelection& selection) {
  json items = json::array();
  for (const auto& [code, version] : selection) {
    items.push_back({{"code", code}, {"version", version}});
  }
  return items;
}

std::string MigrationEtagText(const MigrationPlan& plan, const MigrationSelection& dossiers) {
  std::string text = MigrationPlanJson(plan).dump();
  text += '\n';
  for (const auto& [code, version] : dossiers) {
    text += code;
    text += ' ';
    text += std::to_string(version);
    text += '\n';
  }
  return text;
}

}  // namespace motcua
