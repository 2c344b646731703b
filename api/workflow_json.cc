#include "api/workflow_json.h"

#include <mutex>
#include <utility>

namespace motcua {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxEntries = 256;

json ActionJson(const Action& action) {
  const Requirements& needs = action.requirements;
  return {
      {"name", action.name},
      {"title", NamesJson(action.names)},
      {"branch", action.branch.empty() ? json() : json(action.branch)},
      {"step", action.step == ApplicantStep::kNone ? json() : json(ApplicantStepName(action.step))},
      {"requires",
       {{"comment", needs.comment},
        {"result_document", needs.result_document},
        {"appointment_date", needs.appointment_date},
        {"signature", needs.result_signature},
        {"documents", needs.documents},
        {"form_fields", needs.form_fields}}}};
}

std::shared_ptr<const WorkflowJson> Render(const Workflow& workflow) {
  auto rendered = std::make_shared<WorkflowJson>();
  rendered->procedure_title = NamesJson(workflow.procedure.names);
  for (const State& state : workflow.states) {
    rendered->state_titles.emplace(state.id, NamesJson(state.names));
  }
  for (const Action& action : workflow.actions) {
    rendered->action_titles.emplace(action.name, NamesJson(action.names));
    rendered->actions.emplace(action.name, ActionJson(action));
  }
  for (const RequiredDocument& document : workflow.procedure.documents) {
    rendered->document_titles.emplace(document.key, NamesJson(document.names));
  }
  return rendered;
}

json Found(const std::map<std::string, json>& titles, const std::string& id) {
  auto it = titles.find(id);
  return it != titles.end() ? it->second : NamesJson({id, id});
}

struct Entry {
  std::weak_ptr<const RunnableWorkflow> owner;
  std::shared_ptr<const WorkflowJson> rendered;
};

}  // namespace

json NamesJson(const LocalizedText& names) {
  return {{"vi", names.vi}, {"en", names.en}};
}

json WorkflowJson::StateTitle(const std::string& id) const {
  return Found(state_titles, id);
}

json WorkflowJson::ActionTitle(const std::string& name) const {
  return Found(action_titles, name);
}

json WorkflowJson::DocumentTitle(const std::string& key) const {
  return Found(document_titles, key);
}

std::shared_ptr<const WorkflowJson> WorkflowJsonOf(
    const std::shared_ptr<const RunnableWorkflow>& runnable) {
  static std::mutex mutex;
  static std::map<const RunnableWorkflow*, Entry> cache;
  {
    std::lock_guard lock(mutex);
    auto found = cache.find(runnable.get());
    if (found != cache.end() && found->second.owner.lock() == runnable) {
      return found->second.rendered;
    }
  }
  std::shared_ptr<const WorkflowJson> rendered = Render(runnable->workflow);
  std::lock_guard lock(mutex);
  if (cache.size() >= kMaxEntries) cache.clear();
  cache[runnable.get()] = Entry{runnable, rendered};
  return rendered;
}

}  // namespace motcua
