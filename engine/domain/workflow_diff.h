// workflow_diff.h: what changed between two versions of a workflow definition.
//
// A structural diff, by the things an agency reasons about: states, actions,
// roles, documents, form fields, fees, timers, the legal deadline, and the
// rest of the procedure's description. Items of a collection are matched by
// their key (a state's "id", an action's "name", a document's or fee's "key",
// a form field's property name, a timer's state and action, a role's name),
// not by position, so reordering is not a change. Each change names the item
// by JSON pointers into both versions (RFC 6901), and a changed item lists
// the members that differ, as pointers relative to the item (from
// nlohmann's RFC 6902 diff), e.g. "/sla/working_hours".
//
// Contract: DiffWorkflows accepts any two JSON values and never throws; a
// member of the wrong type (states not an array, an item without its key)
// is compared as a whole under its category ("procedure" or the top-level
// member's name), so a malformed definition still yields a diff. Changes
// come in a fixed order: by category (the order of WorkflowChangeCategory),
// then removed before changed before added, then in document order.
//
// Example:
//   std::vector<WorkflowChange> changes = DiffWorkflows(v1, v2);
//   // {kState, "in_review", kChanged, "/states/3", "/states/4", {"/sla/working_days"}}
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace motcua {

enum class WorkflowChangeCategory {
  kProcedure,  // the procedure's description: names, sector, agency, online level, result
  kDeadline,   // procedure.deadline
  kDocument,   // procedure.documents, by "key"
  kFee,        // procedure.fees, by "key"
  kFormField,  // procedure.form.properties, by property name (and the form's
               // "required" list, as a change of the field it names)
  kRole,       // roles, by name
  kState,      // states, by "id"
  kAction,     // actions, by "name"
  kTimer,      // timers, by state and action
  kOther,      // any other top-level member
};

enum class WorkflowChangeKind { kRemoved, kChanged, kAdded };

struct WorkflowChange {
  WorkflowChangeCategory category = WorkflowChangeCategory::kOther;
  // The item's key ("in_review", "declaration", "supplement_requested ->
  // stop_processing" for a timer); for kDeadline and kProcedure the member's
  // name; for kOther the top-level member's name.
  std::string key;
  WorkflowChangeKind kind = WorkflowChangeKind::kChanged;
  std::string from_pointer;  // into the older version; empty for kAdded
  std::string to_pointer;    // into the newer version; empty for kRemoved
  // For kChanged: the members that differ, relative to the item ("" when the
  // item is a scalar that changed as a whole); for a form field, "#required"
  // when the form's "required" list names it in one version only.
  std::vector<std::string> changed_members = std::vector<std::string>();

  friend bool operator==(const WorkflowChange&, const WorkflowChange&) = default;
};

// The wire names: "procedure", "deadline", "document", "fee", "form_field",
// "role", "state", "action", "timer", "other"; "removed", "changed", "added".
std::string_view WorkflowChangeCategoryName(WorkflowChangeCategory category);
std::string_view WorkflowChangeKindName(WorkflowChangeKind kind);

std::vector<WorkflowChange> DiffWorkflows(const nlohmann::json& from, const nlohmann::json& to);

// The changes as JSON: [{"category", "key", "change", "from_pointer" (null
// when added), "to_pointer" (null when removed), "changed_members"}].
nlohmann::json WorkflowChangesJson(const std::vector<WorkflowChange>& changes);

}  // namespace motcua
