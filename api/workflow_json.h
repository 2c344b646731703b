// workflow_json.h: the JSON of what a dossier's answer takes from its
// workflow version alone (titles and available-action descriptions),
// rendered once per loaded version instead of on every answer.
//
// A dossier answer (DossierJson) names its procedure, its state and
// documents in both languages and describes each action it may take. Those
// depend only on the workflow version, which never changes once published,
// so WorkflowJsonOf renders them the first time a RunnableWorkflow is seen
// and answers copy them.
//
// Thread-safe. Entries are found by the RunnableWorkflow's identity (a weak
// reference, so that a version the catalog dropped is never mistaken for a
// new one at the same address); at most kMaxEntries are kept.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/service/workflow_catalog.h"

namespace motcua {

struct WorkflowJson {
  nlohmann::json procedure_title;                       // {"vi", "en"}
  std::map<std::string, nlohmann::json> state_titles;   // by state id
  std::map<std::string, nlohmann::json> action_titles;  // by action name
  // By action name: {name, title, branch, step, requires}, the items of a
  // dossier's "actions".
  std::map<std::string, nlohmann::json> actions;
  std::map<std::string, nlohmann::json> document_titles;  // by document key

  // The title of a state or action; an id the definition does not know (an
  // engine event such as "join") is its own title.
  nlohmann::json StateTitle(const std::string& id) const;
  nlohmann::json ActionTitle(const std::string& name) const;
  nlohmann::json DocumentTitle(const std::string& key) const;
};

// {"vi": ..., "en": ...}
nlohmann::json NamesJson(const LocalizedText& names);

// The rendered JSON of `runnable` (never null).
std::shared_ptr<const WorkflowJson> WorkflowJsonOf(
    const std::shared_ptr<const RunnableWorkflow>& runnable);

}  // namespace motcua
