// json_workflow_fuzzer: a workflow definition as untrusted bytes, the way
// `motcua lint`, `motcua serve --workflows` and PUT .../workflow take it.
//
// Input: WORKFLOW_JSON [ "\0" FORM_JSON ]. The workflow text goes through
// ParseJsonText, LintWorkflow (schema and semantic checks) and ParseWorkflow;
// its form schema (procedure.form), when it is an object, is compiled with
// JsonSchema::Compile whether or not the lint passed, and FORM_JSON (or the
// workflow document itself) is validated against it. Any crash, sanitizer
// report or escaping exception is a finding.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "engine/domain/json_schema.h"
#include "engine/domain/workflow.h"
#include "engine/domain/workflow_lint.h"
#include "tests/fuzz/fuzz_support.h"

namespace motcua::fuzz {
namespace {

void ValidateAgainstForm(const nlohmann::json& form_schema, const nlohmann::json& instance) {
  Result<JsonSchema> compiled = JsonSchema::Compile(form_schema);
  if (!compiled.ok()) return;
  std::vector<FieldError> problems = compiled->Validate(instance);
  (void)problems;
}

}  // namespace
}  // namespace motcua::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)motcua::fuzz::WorkflowSchemaOnce();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace motcua;
  std::vector<std::string_view> parts = fuzz::SplitAtNul(data, size);
  Result<nlohmann::json> document = ParseJsonText(std::string(parts[0]));
  if (!document.ok()) return 0;
  std::vector<FieldError> problems = LintWorkflow(fuzz::WorkflowSchemaOnce(), *document);
  Result<Workflow> workflow = ParseWorkflow(*document);
  (void)problems;
  (void)workflow;

  const nlohmann::json* form = nullptr;
  if (document->is_object()) {
    auto procedure = document->find("procedure");
    if (procedure != document->end() && procedure->is_object()) {
      auto found = procedure->find("form");
      if (found != procedure->end() && found->is_object()) form = &*found;
    }
  }
  if (form == nullptr) return 0;
  if (parts.size() > 1) {
    Result<nlohmann::json> instance = ParseJsonText(std::string(parts[1]));
    if (instance.ok()) fuzz::ValidateAgainstForm(*form, *instance);
  } else {
    fuzz::ValidateAgainstForm(*form, *document);
  }
  return 0;
}
