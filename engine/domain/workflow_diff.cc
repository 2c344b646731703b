#include "engine/domain/workflow_diff.h"

#include <algorithm>
#include <array>
#include <functional>
#include <optional>
#include <set>
#include <utility>

#include "engine/domain/json_positions.h"

namespace motcua {
namespace {

using json = nlohmann::json;

// One item of a keyed collection: its key, where it is, and its value.
struct Item {
  std::string key;
  std::string pointer;
  const json* value;
};

using KeyOf = std::function<std::optional<std::string>(const json& item)>;

const json* Member(const json* object, std::string_view name) {
  if (object == nullptr || !object->is_object()) return nullptr;
  auto found = object->find(name);
  return found == object->end() ? nullptr : &*found;
}

std::optional<std::string> StringMember(const json& item, std::string_view name) {
  const json* value = Member(&item, name);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return value->get<std::string>();
}

KeyOf ByMember(std::string_view name) {
  return [name](const json& item) { return StringMember(item, name); };
}

// The items of the array at `pointer` by their keys; none for a missing
// array; nullopt when it is not an array or its keys are missing or repeat.
std::optional<std::vector<Item>> ArrayItems(const json* array, const std::string& pointer,
                                            const KeyOf& key_of) {
  std::vector<Item> items;
  if (array == nullptr) return items;
  if (!array->is_array()) return std::nullopt;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < array->size(); ++i) {
    std::optional<std::string> key = key_of((*array)[i]);
    if (!key || !seen.insert(*key).second) return std::nullopt;
    items.push_back({*key, pointer + "/" + std::to_string(i), &(*array)[i]});
  }
  return items;
}

// The members of the object at `pointer`, except `skipped`, by name; none for
// a missing object; nullopt when it is not an object.
std::optional<std::vector<Item>> ObjectItems(const json* object, const std::string& pointer,
                                             const std::set<std::string>& skipped = {}) {
  std::vector<Item> items;
  if (object == nullptr) return items;
  if (!object->is_object()) return std::nullopt;
  for (const auto& [name, value] : object->items()) {
    if (skipped.count(name) > 0) continue;
    items.push_back({name, pointer + "/" + EscapePointerToken(name), &value});
  }
  return items;
}

// The members that differ between `a` and `b`, relative to them, each once,
// in the order nlohmann's RFC 6902 diff names them.
std::vector<std::string> ChangedMembers(const json& a, const json& b) {
  std::vector<std::string> members;
  for (const json& operation : json::diff(a, b)) {
    std::string path = operation.value("path", "");
    if (std::find(members.begin(), members.end(), path) == members.end()) {
      members.push_back(std::move(path));
    }
  }
  return members;
}

class Differ {
 public:
  // Compares two keyed collections; either side not keyable: compared whole.
  void Collections(WorkflowChangeCategory category, const std::string& whole_key,
                   const std::optional<std::vector<Item>>& from,
                   const std::optional<std::vector<Item>>& to, const json* from_whole,
                   const json* to_whole, const std::string& from_pointer,
                   const std::string& to_pointer) {
    if (!from || !to) {
      Whole(category, whole_key, from_whole, to_whole, from_pointer, to_pointer);
      return;
    }
    auto find = [](const std::vector<Item>& items, const std::string& key) -> const Item* {
      for (const Item& item : items) {
        if (item.key == key) return &item;
      }
      return nullptr;
    };
    for (const Item& old : *from) {
      if (find(*to, old.key) == nullptr) {
        changes_.push_back({category, old.key, WorkflowChangeKind::kRemoved, old.pointer, "", {}});
      }
    }
    for (const Item& now : *to) {
      const Item* old = find(*from, now.key);
      if (old != nullptr && *old->value != *now.value) {
        changes_.push_back({category, now.key, WorkflowChangeKind::kChanged, old->pointer,
                            now.pointer, ChangedMembers(*old->value, *now.value)});
      }
    }
    for (const Item& now : *to) {
      if (find(*from, now.key) == nullptr) {
        changes_.push_back({category, now.key, WorkflowChangeKind::kAdded, "", now.pointer, {}});
      }
    }
  }

  // One value compared as a whole (present in either, both, or neither).
  void Whole(WorkflowChangeCategory category, const std::string& key, const json* from,
             const json* to, const std::string& from_pointer, const std::string& to_pointer) {
    if (from == nullptr && to == nullptr) return;
    if (from == nullptr) {
      changes_.push_back({category, key, WorkflowChangeKind::kAdded, "", to_pointer, {}});
    } else if (to == nullptr) {
      changes_.push_back({category, key, WorkflowChangeKind::kRemoved, from_pointer, "", {}});
    } else if (*from != *to) {
      changes_.push_back({category, key, WorkflowChangeKind::kChanged, from_pointer, to_pointer,
                          ChangedMembers(*from, *to)});
    }
  }

  std::vector<WorkflowChange>& changes() { return changes_; }

 private:
  std::vector<WorkflowChange> changes_;
};

// The names the form's "required" list gives, when it is a list of strings.
std::set<std::string> RequiredNames(const json* form) {
  std::set<std::string> names;
  const json* required = Member(form, "required");
  if (required == nullptr || !required->is_array()) return names;
  for (const json& name : *required) {
    if (name.is_string()) names.insert(name.get<std::string>());
  }
  return names;
}

// Form fields: the properties by name; a field that the required list names
// in one version only is changed, with "#required" among its members.
void DiffForm(Differ& differ, const json* from_form, const json* to_form) {
  const std::string from_pointer = "/procedure/form/properties";
  const std::string to_pointer = from_pointer;
  const json* from_properties = Member(from_form, "properties");
  const json* to_properties = Member(to_form, "properties");
  const std::size_t before = differ.changes().size();
  differ.Collections(WorkflowChangeCategory::kFormField, "properties",
                     ObjectItems(from_properties, from_pointer),
                     ObjectItems(to_properties, to_pointer), from_properties, to_properties,
                     from_pointer, to_pointer);
  if (from_properties == nullptr || to_properties == nullptr || !from_properties->is_object() ||
      !to_properties->is_object()) {
    differ.Whole(WorkflowChangeCategory::kFormField, "required", Member(from_form, "required"),
                 Member(to_form, "required"), "/procedure/form/required",
                 "/procedure/form/required");
    return;
  }
  const std::set<std::string> was = RequiredNames(from_form);
  const std::set<std::string> now = RequiredNames(to_form);
  for (const auto& [name, value] : to_properties->items()) {
    if (!from_properties->contains(name) || was.count(name) == now.count(name)) continue;
    const std::string pointer = to_pointer + "/" + EscapePointerToken(name);
    auto& changes = differ.changes();
    auto existing =
        std::find_if(changes.begin() + static_cast<std::ptrdiff_t>(before), changes.end(),
                     [&name = name](const WorkflowChange& c) { return c.key == name; });
    if (existing != changes.end()) {
      existing->changed_members.push_back("#required");
    } else {
      changes.push_back({WorkflowChangeCategory::kFormField,
                         name,
                         WorkflowChangeKind::kChanged,
                         pointer,
                         pointer,
                         {"#required"}});
    }
  }
}

}  // namespace

std::string_view WorkflowChangeCategoryName(WorkflowChangeCategory category) {
  switch (category) {
    case WorkflowChangeCategory::kProcedure: return "procedure";
    case WorkflowChangeCategory::kDeadline: return "deadline";
    case WorkflowChangeCategory::kDocument: return "document";
    case WorkflowChangeCategory::kFee: return "fee";
    case WorkflowChangeCategory::kFormField: return "form_field";
    case WorkflowChangeCategory::kRole: return "role";
    case WorkflowChangeCategory::kState: return "state";
    case WorkflowChangeCategory::kAction: return "action";
    case WorkflowChangeCategory::kTimer: return "timer";
    case WorkflowChangeCategory::kOther: return "other";
  }
  return "other";
}

std::string_view WorkflowChangeKindName(WorkflowChangeKind kind) {
  switch (kind) {
    case WorkflowChangeKind::kRemoved: return "removed";
    case WorkflowChangeKind::kChanged: return "changed";
    case WorkflowChangeKind::kAdded: return "added";
  }
  return "changed";
}

std::vector<WorkflowChange> DiffWorkflows(const json& from, const json& to) {
  Differ differ;
  const json* from_procedure = Member(&from, "procedure");
  const json* to_procedure = Member(&to, "procedure");

  // The procedure's description, member by member.
  const std::set<std::string> kParts = {"deadline", "documents", "fees", "form"};
  const bool procedures_are_objects = (from_procedure == nullptr || from_procedure->is_object()) &&
                                      (to_procedure == nullptr || to_procedure->is_object());
  if (procedures_are_objects) {
    differ.Collections(WorkflowChangeCategory::kProcedure, "procedure",
                       ObjectItems(from_procedure, "/procedure", kParts),
                       ObjectItems(to_procedure, "/procedure", kParts), from_procedure,
                       to_procedure, "/procedure", "/procedure");
  } else {
    differ.Whole(WorkflowChangeCategory::kProcedure, "procedure", from_procedure, to_procedure,
                 "/procedure", "/procedure");
    return std::move(differ.changes());
  }
  differ.Whole(WorkflowChangeCategory::kDeadline, "deadline", Member(from_procedure, "deadline"),
               Member(to_procedure, "deadline"), "/procedure/deadline", "/procedure/deadline");
  const json* from_documents = Member(from_procedure, "documents");
  const json* to_documents = Member(to_procedure, "documents");
  differ.Collections(WorkflowChangeCategory::kDocument, "documents",
                     ArrayItems(from_documents, "/procedure/documents", ByMember("key")),
                     ArrayItems(to_documents, "/procedure/documents", ByMember("key")),
                     from_documents, to_documents, "/procedure/documents", "/procedure/documents");
  const json* from_fees = Member(from_procedure, "fees");
  const json* to_fees = Member(to_procedure, "fees");
  differ.Collections(WorkflowChangeCategory::kFee, "fees",
                     ArrayItems(from_fees, "/procedure/fees", ByMember("key")),
                     ArrayItems(to_fees, "/procedure/fees", ByMember("key")), from_fees, to_fees,
                     "/procedure/fees", "/procedure/fees");
  const json* from_form = Member(from_procedure, "form");
  const json* to_form = Member(to_procedure, "form");
  DiffForm(differ, from_form, to_form);
  // The form's other members (its type, field order, ...) describe the form.
  const std::set<std::string> kFields = {"properties", "required"};
  if ((from_form == nullptr || from_form->is_object()) &&
      (to_form == nullptr || to_form->is_object())) {
    const std::size_t before = differ.changes().size();
    differ.Collections(WorkflowChangeCategory::kProcedure, "form",
                       ObjectItems(from_form, "/procedure/form", kFields),
                       ObjectItems(to_form, "/procedure/form", kFields), from_form, to_form,
                       "/procedure/form", "/procedure/form");
    for (auto it = differ.changes().begin() + static_cast<std::ptrdiff_t>(before);
         it != differ.changes().end(); ++it) {
      it->key = "form/" + it->key;
    }
  } else {
    differ.Whole(WorkflowChangeCategory::kProcedure, "form", from_form, to_form, "/procedure/form",
                 "/procedure/form");
  }

  const KeyOf role_name = [](const json& role) -> std::optional<std::string> {
    if (!role.is_string()) return std::nullopt;
    return role.get<std::string>();
  };
  const KeyOf timer_key = [](const json& timer) -> std::optional<std::string> {
    std::optional<std::string> state = StringMember(timer, "state");
    if (!state) return std::nullopt;
    return *state + " -> " + StringMember(timer, "action").value_or("");
  };
  struct Collection {
    const char* member;
    WorkflowChangeCategory category;
    KeyOf key_of;
  };
  const std::array<Collection, 4> kCollections = {{
      {"roles", WorkflowChangeCategory::kRole, role_name},
      {"states", WorkflowChangeCategory::kState, ByMember("id")},
      {"actions", WorkflowChangeCategory::kAction, ByMember("name")},
      {"timers", WorkflowChangeCategory::kTimer, timer_key},
  }};
  for (const Collection& c : kCollections) {
    const json* a = Member(&from, c.member);
    const json* b = Member(&to, c.member);
    const std::string pointer = std::string("/") + c.member;
    differ.Collections(c.category, c.member, ArrayItems(a, pointer, c.key_of),
                       ArrayItems(b, pointer, c.key_of), a, b, pointer, pointer);
  }

  // Anything else at the top level ("initial_state", "$schema", ...).
  std::set<std::string> known = {"procedure"};
  for (const Collection& c : kCollections) known.insert(c.member);
  if ((from.is_object() || from.is_null()) && (to.is_object() || to.is_null())) {
    differ.Collections(WorkflowChangeCategory::kOther, "", ObjectItems(&from, "", known),
                       ObjectItems(&to, "", known), &from, &to, "", "");
  } else {
    differ.Whole(WorkflowChangeCategory::kOther, "", &from, &to, "", "");
  }

  std::vector<WorkflowChange> changes = std::move(differ.changes());
  std::stable_sort(changes.begin(), changes.end(),
                   [](const WorkflowChange& a, const WorkflowChange& b) {
                     return std::pair(a.category, a.kind) < std::pair(b.category, b.kind);
                   });
  return changes;
}

json WorkflowChangesJson(const std::vector<WorkflowChange>& changes) {
  json items = json::array();
  for (const WorkflowChange& change : changes) {
    items.push_back(
        {{"category", WorkflowChangeCategoryName(change.category)},
         {"key", change.key},
         {"change", WorkflowChangeKindName(change.kind)},
         {"from_pointer", change.from_pointer.empty() && change.kind == WorkflowChangeKind::kAdded
                              ? json()
                              : json(change.from_pointer)},
         {"to_pointer", change.to_pointer.empty() && change.kind == WorkflowChangeKind::kRemoved
                            ? json()
                            : json(change.to_pointer)},
         {"changed_members", change.changed_members}});
  }
  return items;
}

}  // namespace motcua
