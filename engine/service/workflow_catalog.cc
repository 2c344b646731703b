#include "engine/service/workflow_catalog.h"

#include "engine/domain/workflow_lint.h"

namespace motcua {

Result<StoredDefinition> WorkflowCatalog::Publish(
    const nlohmann::json& document, const std::string& published_by,
    const std::optional<std::string>& procedure_code) {
  std::vector<FieldError> problems = LintWorkflow(workflow_schema_, document);
  if (!problems.empty()) {
    return Error(ErrorCode::kInvalidArgument, "the workflow definition is not valid", "validation",
                 std::move(problems));
  }
  const std::string code = document.at("procedure").at("code").get<std::string>();
  if (procedure_code && *procedure_code != code) {
    return Error(ErrorCode::kInvalidArgument,
                 "the definition is for procedure " + code + ", not " + *procedure_code,
                 "validation",
                 {{"/procedure/code", "must be \"" + *procedure_code + "\" to publish it here"}});
  }
  return store_.PublishDefinition(code, document, published_by, clock_.Now());
}

Result<std::shared_ptr<const RunnableWorkflow>> WorkflowCatalog::Get(
    const std::string& procedure_code, std::int64_t version) {
  // Asking the store for the latest version's number only, and taking the
  // parsed definition from `loaded_`, avoids parsing its JSON on every call.
  if (version == 0) {
    Result<std::int64_t> latest = store_.LatestDefinitionVersion(procedure_code);
    if (!latest.ok()) return latest.error();
    version = *latest;
  }
  {
    std::lock_guard lock(mutex_);
    auto found = loaded_.find({procedure_code, version});
    if (found != loaded_.end()) return found->second;
  }
  Result<StoredDefinition> definition = store_.GetDefinition(procedure_code, version);
  if (!definition.ok()) return definition.error();
  return Load(std::move(definition).value());
}

Result<std::vector<StoredDefinition>> WorkflowCatalog::Versions(const std::string& procedure_code) {
  Result<std::vector<StoredDefinition>> versions = store_.ListDefinitionVersions(procedure_code);
  if (versions.ok() && versions->empty()) {
    return Error(ErrorCode::kNotFound, "procedure " + procedure_code + " has no published workflow",
                 "procedure_not_found");
  }
  return versions;
}

Result<std::vector<std::shared_ptr<const RunnableWorkflow>>> WorkflowCatalog::Latest() {
  Result<std::vector<StoredDefinition>> definitions = store_.ListLatestDefinitions();
  if (!definitions.ok()) return definitions.error();
  std::vector<std::shared_ptr<const RunnableWorkflow>> result;
  for (StoredDefinition& definition : *definitions) {
    Result<std::shared_ptr<const RunnableWorkflow>> loaded = Load(std::move(definition));
    if (!loaded.ok()) return loaded.error();
    result.push_back(std::move(loaded).value());
  }
  return result;
}

Result<std::shared_ptr<const RunnableWorkflow>> WorkflowCatalog::Load(StoredDefinition definition) {
  const std::pair<std::string, std::int64_t> key{definition.procedure_code, definition.version};
  {
    std::lock_guard lock(mutex_);
    auto found = loaded_.find(key);
    if (found != loaded_.end()) return found->second;
  }
  // Stored definitions were linted when published; a failure here means the
  // database was edited by hand or the format changed incompatibly.
  auto runnable = std::make_shared<RunnableWorkflow>();
  Result<Workflow> workflow = ParseWorkflow(definition.document);
  if (!workflow.ok()) {
    return Error(ErrorCode::kInternal, "stored definition " + key.first + " v" +
                                           std::to_string(key.second) +
                                           " does not parse: " + workflow.error().message());
  }
  runnable->definition = std::move(definition);
  runnable->workflow = std::move(workflow).value();
  Result<StateMachine> machine = StateMachine::Create(runnable->workflow, calendar_, clock_);
  if (!machine.ok()) {
    return Error(ErrorCode::kInternal, "stored definition " + key.first + " v" +
                                           std::to_string(key.second) +
                                           " cannot run: " + machine.error().message());
  }
  runnable->machine.emplace(std::move(machine).value());

  std::lock_guard lock(mutex_);
  auto [it, inserted] = loaded_.emplace(key, std::move(runnable));
  return it->second;
}

}  // namespace motcua
