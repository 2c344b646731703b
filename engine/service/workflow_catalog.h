// workflow_catalog.h: published workflow definitions, parsed and ready to run.
//
// Definitions live in the store, versioned and content-hashed. The catalog
// parses each (procedure, version) once into a Workflow with its
// StateMachine and keeps it for the life of the process; published versions
// never change, so entries never go stale. Publishing goes through the
// catalog so that nothing unlinted, or that would not load, ever reaches the
// store.
//
// Thread-safe. The store, calendar and clock must outlive the catalog.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/domain/calendar.h"
#include "engine/domain/clock.h"
#include "engine/domain/json_schema.h"
#include "engine/domain/state_machine.h"
#include "engine/domain/status.h"
#include "engine/domain/store.h"
#include "engine/domain/workflow.h"
#include "engine/domain/workflow_diff.h"
#include "engine/domain/workflow_lint.h"

namespace motcua {

// One published version, parsed. Immutable; shared by every request using it.
struct RunnableWorkflow {
  StoredDefinition definition;
  Workflow workflow;
  std::optional<StateMachine> machine;  // always set; refers to `workflow`

  RunnableWorkflow() = default;
  RunnableWorkflow(const RunnableWorkflow&) = delete;
  RunnableWorkflow& operator=(const RunnableWorkflow&) = delete;
};

class WorkflowCatalog {
 public:
  // `workflow_schema` is the compiled schema/workflow.schema.json.
  WorkflowCatalog(DossierStore& store, JsonSchema workflow_schema, const WorkingCalendar& calendar,
                  const Clock& clock)
      : store_(store),
        workflow_schema_(std::move(workflow_schema)),
        calendar_(calendar),
        clock_(clock) {}

  // Lints `document` and stores it as the next version of its procedure
  // (or returns the latest version when the content is identical), published
  // by `publisher`. kInvalidArgument, reason "validation", with every lint
  // problem as a FieldError when it is not a valid workflow; kInvalidArgument
  // naming "/procedure/code" when `procedure_code` is given and differs from
  // it.
  //
  // Ownership (StoredDefinition::owner_agency) decides who may publish:
  //  - a national definition (no owner): a national admin, or the engine
  //    itself (role system: the bundled workflows at start-up);
  //  - an agency's own procedure: that agency's admins only;
  //  - a procedure not yet published: a national admin or the engine makes
  //    it national; an agency admin makes it their agency's own, but only
  //    under a local code: codes of the national form (1.004222) are the
  //    national catalogue's.
  // Anyone else gets kPermissionDenied, reason "not_your_procedure"; an
  // actor the access policy does not let publish at all (access.h,
  // Operation::kPublishWorkflow) gets it with reason "role_not_allowed" first.
  //
  // With `expected_latest` (an editor's If-Match), publishing happens only
  // if that is still the procedure's latest version: otherwise kConflict,
  // reason "stale_version", after the checks above. The check reads the
  // latest version just before the store publishes, so two publishers in
  // the same instant can both pass it (the store does not compare versions).
  Result<StoredDefinition> Publish(const Actor& publisher, const nlohmann::json& document,
                                   const std::optional<std::string>& procedure_code = {},
                                   std::optional<std::int64_t> expected_latest = std::nullopt);

  // Lints the text of a definition exactly as typed in an editor, without
  // storing anything: LintWorkflowText (workflow_lint.h) under the limits of
  // a request body (kRequestJsonLimits). Only those who may publish some
  // workflow may lint (the checks of Publish before its ownership rules):
  // kPermissionDenied otherwise. Errors: json_too_large, json_too_deep.
  Result<std::vector<LintProblem>> Lint(const Actor& linter, std::string_view text) const;

  // The parsed definition; `version` 0 means the latest. kNotFound when the
  // procedure or version does not exist.
  Result<std::shared_ptr<const RunnableWorkflow>> Get(const std::string& procedure_code,
                                                      std::int64_t version = 0);

  // Every published version of a procedure, oldest first; kNotFound if none.
  // kPermissionDenied unless the access policy lets `reader` list versions
  // (access.h, Operation::kListWorkflowVersions).
  Result<std::vector<StoredDefinition>> Versions(const Actor& reader,
                                                 const std::string& procedure_code);

  // What changed from version `from` to version `to` of a procedure
  // (workflow_diff.h); either may be the older. The same authorization as
  // Versions(); kNotFound "procedure_not_found" naming the missing
  // version, with its field ("/from" or "/to").
  Result<std::vector<WorkflowChange>> Diff(const Actor& reader, const std::string& procedure_code,
                                           std::int64_t from, std::int64_t to);

  // The latest version of every procedure, in code order. A stored version
  // that cannot be loaded (edited in the database by hand, or accepted by an
  // older motcua) is left out, logged once and listed by BrokenDefinitions();
  // Get() answers kInternal for it.
  Result<std::vector<std::shared_ptr<const RunnableWorkflow>>> Latest();

  // Where to say, once per definition, that a stored definition cannot be
  // loaded; one line each. Unset, nothing is said.
  void SetProblemLog(std::function<void(std::string_view)> log);

  // One line for each stored definition found so far that cannot be loaded,
  // e.g. "stored definition T-X v1 cannot run: ...".
  std::vector<std::string> BrokenDefinitions() const;

 private:
  Result<std::shared_ptr<const RunnableWorkflow>> Load(StoredDefinition definition);

  DossierStore& store_;
  JsonSchema workflow_schema_;
  const WorkingCalendar& calendar_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::int64_t>, std::shared_ptr<const RunnableWorkflow>> loaded_;
  std::map<std::pair<std::string, std::int64_t>, Error> broken_;  // never retried
  std::function<void(std::string_view)> log_;
};

}  // namespace motcua
