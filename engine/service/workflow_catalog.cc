#include "engine/service/workflow_catalog.h"

#include <algorithm>

#include "engine/domain/access.h"
#include "engine/domain/identity.h"
#include "engine/domain/status_macros.h"
#include "engine/domain/workflow_lint.h"
#include "engine/service/procedure_ownership.h"

namespace motcua {
namespace {

// The parsed workflow and its state machine, as every load of a stored
// definition builds them; the error names the definition by `what`.
Result<std::shared_ptr<RunnableWorkflow>> BuildRunnable(StoredDefinition definition,
                                                        const WorkingCalendar& calendar,
                                                        const Clock& clock,
                                                        const std::string& what) {
  auto runnable = std::make_shared<RunnableWorkflow>();
  Result<Workflow> workflow = ParseWorkflow(definition.document);
  if (!workflow.ok()) {
    return Error(ErrorCode::kInternal, what + " does not parse: " + workflow.error().message(),
                 workflow.error().reason(), workflow.error().fields());
  }
  runnable->definition = std::move(definition);
  runnable->workflow = std::move(workflow).value();
  Result<StateMachine> machine = StateMachine::Create(runnable->workflow, calendar, clock);
  if (!machine.ok()) {
    return Error(ErrorCode::kInternal, what + " cannot run: " + machine.error().message(),
                 machine.error().reason(), machine.error().fields());
  }
  runnable->machine.emplace(std::move(machine).value());
  return runnable;
}

// "1.004222": the form of codes in the national procedure database.
bool IsNationalCode(const std::string& code) {
  return code.size() == 8 && code[0] >= '0' && code[0] <= '9' && code[1] == '.' &&
         std::all_of(code.begin() + 2, code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool PublishesNationally(const Actor& publisher) {
  return ActsNationally(publisher);
}

Error NotYourProcedure(const std::string& message) {
  return Error(ErrorCode::kPermissionDenied, message, ErrorReason::kNotYourProcedure);
}

// The owner the next version of `code` gets when `publisher` publishes it,
// given the owner of its latest version (nullopt: never published).
Result<std::string> OwnerFor(const Actor& publisher, const std::string& code,
                             const std::optional<std::string>& current_owner) {
  if (current_owner) {
    RETURN_IF_ERROR(MayChangeProcedure(publisher, code, *current_owner));
    return *current_owner;
  }
  if (PublishesNationally(publisher)) return std::string();
  if (!IsAgencyAdmin(publisher)) return NotYourProcedure("only admins publish workflows");
  if (IsNationalCode(code)) {
    return Error(ErrorCode::kPermissionDenied,
                 code + " is a national procedure code: only a national admin publishes it",
                 ErrorReason::kNotYourProcedure,
                 {{"/procedure/code", "must be a local code (e.g. " + code +
                                          "-LOCAL) for an "
                                          "agency's own procedure"}});
  }
  return publisher.agency;
}

// Whether `publisher` may publish some workflow, before asking which.
Status MayPublish(const Actor& publisher) {
  RETURN_IF_ERROR(Authorize(publisher, Operation::kPublishWorkflow));
  if (!PublishesNationally(publisher) && !IsAgencyAdmin(publisher)) {
    return NotYourProcedure("only admins publish workflows");
  }
  return Status();
}

}  // namespace

Result<std::vector<LintProblem>> WorkflowCatalog::Lint(const Actor& linter,
                                                       std::string_view text) const {
  RETURN_IF_ERROR(MayPublish(linter));
  return LintWorkflowText(workflow_schema_, text, kRequestJsonLimits);
}

Result<StoredDefinition> WorkflowCatalog::Publish(const Actor& publisher,
                                                  const nlohmann::json& document,
                                                  const std::optional<std::string>& procedure_code,
                                                  std::optional<std::int64_t> expected_latest) {
  RETURN_IF_ERROR(MayPublish(publisher));
  std::vector<FieldError> problems = LintWorkflow(workflow_schema_, document);
  if (!problems.empty()) {
    return Error(ErrorCode::kInvalidArgument, "the workflow definition is not valid",
                 ErrorReason::kValidation, std::move(problems));
  }
  const std::string code = document.at("procedure").at("code").get<std::string>();
  if (procedure_code && *procedure_code != code) {
    return Error(ErrorCode::kInvalidArgument,
                 "the definition is for procedure " + code + ", not " + *procedure_code,
                 ErrorReason::kValidation,
                 {{"/procedure/code", "must be \"" + *procedure_code + "\" to publish it here"}});
  }
  std::optional<std::string> current_owner;
  Result<StoredDefinition> latest = store_.GetDefinition(code);
  if (latest.ok()) {
    current_owner = latest->owner_agency;
  } else if (latest.error().code() != ErrorCode::kNotFound) {
    return latest.error();
  }
  ASSIGN_OR_RETURN(std::string owner, OwnerFor(publisher, code, current_owner));
  if (expected_latest) {
    const std::int64_t latest_version = latest.ok() ? latest->version : 0;
    if (latest_version != *expected_latest) {
      return Error(ErrorCode::kConflict,
                   "procedure " + code + " is at version " + std::to_string(latest_version) +
                       ", not " + std::to_string(*expected_latest) +
                       ": someone published meanwhile",
                   ErrorReason::kStaleVersion);
    }
  }
  // Built once now as every load will build it, so that nothing that cannot
  // run is ever stored (lint already compiles the form schema; this is the net).
  StoredDefinition candidate;
  candidate.document = document;
  Result<std::shared_ptr<RunnableWorkflow>> runnable =
      BuildRunnable(std::move(candidate), calendar_, clock_, "the definition");
  if (!runnable.ok()) {
    std::vector<FieldError> fields = runnable.error().fields();
    if (fields.empty()) fields.push_back({"", runnable.error().message()});
    return Error(ErrorCode::kInvalidArgument, runnable.error().message(), ErrorReason::kValidation,
                 std::move(fields));
  }
  return store_.PublishDefinition(code, document, publisher.user_id, clock_.Now(), owner);
}

Result<std::shared_ptr<const RunnableWorkflow>> WorkflowCatalog::Get(
    const std::string& procedure_code, std::int64_t version) {
  // Asking the store for the latest version's number only, and taking the
  // parsed definition from `loaded_`, avoids parsing its JSON on every call.
  if (version == 0) {
    ASSIGN_OR_RETURN(std::int64_t latest, store_.LatestDefinitionVersion(procedure_code));
    version = latest;
  }
  {
    std::lock_guard lock(mutex_);
    auto found = loaded_.find({procedure_code, version});
    if (found != loaded_.end()) return found->second;
  }
  ASSIGN_OR_RETURN(StoredDefinition definition, store_.GetDefinition(procedure_code, version));
  return Load(std::move(definition));
}

Result<std::vector<StoredDefinition>> WorkflowCatalog::Versions(const Actor& reader,
                                                                const std::string& procedure_code) {
  if (Status allowed = Authorize(reader, Operation::kListWorkflowVersions); !allowed.ok()) {
    return allowed.error();
  }
  Result<std::vector<StoredDefinition>> versions = store_.ListDefinitionVersions(procedure_code);
  if (versions.ok() && versions->empty()) {
    return Error(ErrorCode::kNotFound, "procedure " + procedure_code + " has no published workflow",
                 ErrorReason::kProcedureNotFound);
  }
  return versions;
}

Result<std::vector<WorkflowChange>> WorkflowCatalog::Diff(const Actor& reader,
                                                          const std::string& procedure_code,
                                                          std::int64_t from, std::int64_t to) {
  RETURN_IF_ERROR(Authorize(reader, Operation::kListWorkflowVersions));
  // The stored version `number`; a missing one is named by its field.
  auto version = [&](std::int64_t number, const char* field) -> Result<StoredDefinition> {
    if (number >= 1) {
      Result<StoredDefinition> stored = store_.GetDefinition(procedure_code, number);
      if (stored.ok() || stored.error().code() != ErrorCode::kNotFound) return stored;
    }
    return Error(
        ErrorCode::kNotFound,
        "procedure " + procedure_code + " has no published version " + std::to_string(number),
        ErrorReason::kProcedureNotFound,
        {{field, "names no published version of " + procedure_code}});
  };
  ASSIGN_OR_RETURN(StoredDefinition older, version(from, "/from"));
  ASSIGN_OR_RETURN(StoredDefinition newer, version(to, "/to"));
  return DiffWorkflows(older.document, newer.document);
}

Result<std::vector<std::shared_ptr<const RunnableWorkflow>>> WorkflowCatalog::Latest() {
  ASSIGN_OR_RETURN(std::vector<StoredDefinition> definitions, store_.ListLatestDefinitions());
  std::vector<std::shared_ptr<const RunnableWorkflow>> result;
  for (StoredDefinition& definition : definitions) {
    Result<std::shared_ptr<const RunnableWorkflow>> loaded = Load(std::move(definition));
    // One broken definition (logged by Load) must not hide every other one.
    if (loaded.ok()) result.push_back(std::move(loaded).value());
  }
  return result;
}

void WorkflowCatalog::SetProblemLog(std::function<void(std::string_view)> log) {
  std::lock_guard lock(mutex_);
  log_ = std::move(log);
}

std::vector<std::string> WorkflowCatalog::BrokenDefinitions() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> lines;
  for (const auto& [key, error] : broken_) lines.push_back(error.message());
  return lines;
}

Result<std::shared_ptr<const RunnableWorkflow>> WorkflowCatalog::Load(StoredDefinition definition) {
  const std::pair<std::string, std::int64_t> key{definition.procedure_code, definition.version};
  {
    std::lock_guard lock(mutex_);
    auto found = loaded_.find(key);
    if (found != loaded_.end()) return found->second;
    auto failed = broken_.find(key);
    if (failed != broken_.end()) return failed->second;
  }
  // Stored definitions were linted when published; a failure here means the
  // database was edited by hand, or an older motcua accepted what this one
  // refuses (a form pattern RE2 cannot run). Remembered, and logged once.
  Result<std::shared_ptr<RunnableWorkflow>> runnable =
      BuildRunnable(std::move(definition), calendar_, clock_,
                    "stored definition " + key.first + " v" + std::to_string(key.second));
  std::lock_guard lock(mutex_);
  if (!runnable.ok()) {
    auto [it, inserted] = broken_.emplace(key, runnable.error());
    if (inserted && log_) log_("workflow catalog: " + it->second.message() + " (left out)");
    return it->second;
  }
  auto [it, inserted] = loaded_.emplace(key, std::move(runnable).value());
  return it->second;
}

}  // namespace motcua
