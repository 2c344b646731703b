#include "engine/domain/workflow_diff.h"

#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace motcua {
namespace {

using json = nlohmann::json;

json TemporaryResidence() {
  std::ifstream in(std::string(MOTCUA_SOURCE_DIR) + "/workflows/1.004194-temporary-residence.json");
  REQUIRE(in.good());
  return json::parse(in);
}

// The index of the array item whose `member` is `value`.
std::size_t IndexOf(const json& array, const std::string& member, const std::string& value) {
  for (std::size_t i = 0; i < array.size(); ++i) {
    if (array[i].value(member, "") == value) return i;
  }
  FAIL("no item with " << member << " = " << value);
  return 0;
}

TEST_CASE("workflow diff: a version against itself, or with its items reordered, has no changes") {
  const json v1 = TemporaryResidence();
  CHECK(DiffWorkflows(v1, v1).empty());
  json reordered = v1;
  std::reverse(reordered["states"].begin(), reordered["states"].end());
  std::reverse(reordered["actions"].begin(), reordered["actions"].end());
  std::reverse(reordered["procedure"]["documents"].begin(),
               reordered["procedure"]["documents"].end());
  CHECK(DiffWorkflows(v1, reordered).empty());
}

TEST_CASE("workflow diff: each kind of change is named by category, key and pointers into both") {
  const json v1 = TemporaryResidence();
  json v2 = v1;
  // A state's SLA changes, and the states are reordered (the pointers differ).
  const std::size_t review = IndexOf(v1["states"], "id", "in_review");
  v2["states"][review]["sla"] = {{"working_days", 1}};
  std::rotate(v2["states"].begin(), v2["states"].begin() + 1, v2["states"].end());
  // An action is removed, a role and a document added, the deadline moved,
  // a timer's delay changed, a fee changed, a form field added and another
  // made optional.
  v2["actions"].erase(IndexOf(v1["actions"], "name", "extend_deadline"));
  v2["roles"].push_back("archivist");
  v2["procedure"]["documents"].push_back({{"key", "photo"},
                                          {"name", "Photo"},
                                          {"names", {{"vi", "Ảnh"}, {"en", "Photo"}}},
                                          {"required", false}});
  v2["procedure"]["deadline"] = {{"working_days", 2}};
  v2["timers"][0]["after_working_days"] = 20;
  v2["procedure"]["fees"][0]["online"] = 0;
  v2["procedure"]["form"]["properties"]["zalo_contact"] = {{"type", "string"}};
  json& required = v2["procedure"]["form"]["required"];
  REQUIRE(required.size() > 0);
  const std::string made_optional = required.back().get<std::string>();
  required.erase(required.size() - 1);

  const std::vector<WorkflowChange> changes = DiffWorkflows(v1, v2);
  const json listed = WorkflowChangesJson(changes);
  CAPTURE(listed.dump(1));
  auto find = [&](WorkflowChangeCategory category,
                  const std::string& key) -> const WorkflowChange* {
    for (const WorkflowChange& c : changes) {
      if (c.category == category && c.key == key) return &c;
    }
    return nullptr;
  };

  const WorkflowChange* state = find(WorkflowChangeCategory::kState, "in_review");
  REQUIRE(state != nullptr);
  CHECK(state->kind == WorkflowChangeKind::kChanged);
  CHECK(state->from_pointer == "/states/" + std::to_string(review));
  CHECK(state->to_pointer == "/states/" + std::to_string(review - 1));
  CHECK(std::find(state->changed_members.begin(), state->changed_members.end(),
                  "/sla/working_days") != state->changed_members.end());

  const WorkflowChange* action = find(WorkflowChangeCategory::kAction, "extend_deadline");
  REQUIRE(action != nullptr);
  CHECK(action->kind == WorkflowChangeKind::kRemoved);
  CHECK(action->to_pointer.empty());
  CHECK(v1.at(json::json_pointer(action->from_pointer)).at("name") == "extend_deadline");

  const WorkflowChange* role = find(WorkflowChangeCategory::kRole, "archivist");
  REQUIRE(role != nullptr);
  CHECK(role->kind == WorkflowChangeKind::kAdded);
  CHECK(v2.at(json::json_pointer(role->to_pointer)) == "archivist");

  const WorkflowChange* document = find(WorkflowChangeCategory::kDocument, "photo");
  REQUIRE(document != nullptr);
  CHECK(document->kind == WorkflowChangeKind::kAdded);

  const WorkflowChange* deadline = find(WorkflowChangeCategory::kDeadline, "deadline");
  REQUIRE(deadline != nullptr);
  CHECK(deadline->changed_members == std::vector<std::string>{"/working_days"});

  const std::string timer_key = v1["timers"][0]["state"].get<std::string>() + " -> " +
                                v1["timers"][0]["action"].get<std::string>();
  const WorkflowChange* timer = find(WorkflowChangeCategory::kTimer, timer_key);
  REQUIRE(timer != nullptr);
  CHECK(timer->changed_members == std::vector<std::string>{"/after_working_days"});

  const WorkflowChange* fee = find(WorkflowChangeCategory::kFee, "registration");
  REQUIRE(fee != nullptr);
  CHECK(fee->changed_members == std::vector<std::string>{"/online"});

  const WorkflowChange* added_field = find(WorkflowChangeCategory::kFormField, "zalo_contact");
  REQUIRE(added_field != nullptr);
  CHECK(added_field->kind == WorkflowChangeKind::kAdded);
  CHECK(added_field->to_pointer == "/procedure/form/properties/zalo_contact");
  const WorkflowChange* optional_field = find(WorkflowChangeCategory::kFormField, made_optional);
  REQUIRE(optional_field != nullptr);
  CHECK(optional_field->changed_members == std::vector<std::string>{"#required"});

  // Nothing else changed, and every pointer names what it says.
  CHECK(changes.size() == 9);
  for (const WorkflowChange& c : changes) {
    if (!c.from_pointer.empty() || c.kind != WorkflowChangeKind::kAdded) {
      CHECK_NOTHROW(v1.at(json::json_pointer(c.from_pointer)));
    }
    if (!c.to_pointer.empty() || c.kind != WorkflowChangeKind::kRemoved) {
      CHECK_NOTHROW(v2.at(json::json_pointer(c.to_pointer)));
    }
  }
  // Ordered by category, then removed, changed, added.
  CHECK(std::is_sorted(changes.begin(), changes.end(),
                       [](const WorkflowChange& a, const WorkflowChange& b) {
                         return std::pair(a.category, a.kind) < std::pair(b.category, b.kind);
                       }));
  CHECK(listed[0].at("category") == "deadline");
  CHECK(listed.back().at("category") == "timer");
}

TEST_CASE("workflow diff: a malformed definition is compared whole where it cannot be keyed") {
  const json v1 = TemporaryResidence();
  json v2 = v1;
  v2["states"] = "not a list";
  v2["actions"][0].erase("name");  // an action without its key
  const std::vector<WorkflowChange> changes = DiffWorkflows(v1, v2);
  REQUIRE(changes.size() == 2);
  CHECK(changes[0].category == WorkflowChangeCategory::kState);
  CHECK(changes[0].key == "states");
  CHECK(changes[0].from_pointer == "/states");
  CHECK(changes[1].category == WorkflowChangeCategory::kAction);
  CHECK(changes[1].key == "actions");
  CHECK(DiffWorkflows(json(), json()).empty());
  CHECK(DiffWorkflows(json(42), json::array()).size() == 1);
  CHECK(DiffWorkflows(json::object(), v1).size() > 5);
}

}  // namespace
}  // namespace motcua
