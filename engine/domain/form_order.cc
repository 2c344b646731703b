#include "engine/domain/form_order.h"

#include <string>
#include <utility>

#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// Adds "x-order" to `schema` and the object schemas below it, from the order
// in `as_written` (the same schema, parsed keeping member order).
void RecordOrder(const ordered_json& as_written, json& schema) {
  if (!as_written.is_object() || !schema.is_object()) return;
  auto properties = as_written.find("properties");
  if (properties != as_written.end() && properties->is_object()) {
    if (!schema.contains(kFormOrderKeyword)) {
      json order = json::array();
      for (const auto& [name, unused] : properties->items()) order.push_back(name);
      schema[kFormOrderKeyword] = std::move(order);
    }
    for (const auto& [name, property] : properties->items()) {
      RecordOrder(property, schema["properties"][name]);
    }
  }
  auto items = as_written.find("items");
  if (items != as_written.end()) RecordOrder(*items, schema["items"]);
}

}  // namespace

Result<json> ParseWorkflowText(std::string_view text, JsonLimits limits) {
  ASSIGN_OR_RETURN(ordered_json as_written, ParseOrderedJson(text, limits));
  json document = as_written;
  if (const auto procedure = as_written.find("procedure");
      as_written.is_object() && procedure != as_written.end() && procedure->is_object()) {
    if (const auto form = procedure->find("form"); form != procedure->end()) {
      RecordOrder(*form, document["procedure"]["form"]);
    }
  }
  return document;
}

ordered_json OrderedForm(const json& form) {
  if (!form.is_object()) return form;
  ordered_json ordered = ordered_json::object();
  for (const auto& [keyword, value] : form.items()) {
    if (keyword == "items") {
      ordered[keyword] = OrderedForm(value);
    } else if (keyword != "properties" || !value.is_object()) {
      ordered[keyword] = value;
    } else {
      ordered_json properties = ordered_json::object();
      const auto order = form.find(kFormOrderKeyword);
      if (order != form.end() && order->is_array()) {
        for (const json& name : *order) {
          if (!name.is_string()) continue;
          const auto property = value.find(name.get<std::string>());
          if (property != value.end()) properties[property.key()] = OrderedForm(*property);
        }
      }
      for (const auto& [name, property] : value.items()) {
        if (!properties.contains(name)) properties[name] = OrderedForm(property);
      }
      ordered[keyword] = std::move(properties);
    }
  }
  return ordered;
}

}  // namespace motcua
