// form_order.h: a form's fields in the order the administrator wrote them.
//
// nlohmann::json keeps object members sorted by name, so a form parsed from
// a workflow text, stored and read back would list its fields alphabetically.
// The order is therefore made explicit in the definition itself, where every
// later step (publishing, the store, a restart, every response) carries it:
// each object schema in a form that has "properties" also has "x-order", the
// names of those properties in display order. An administrator may write
// "x-order" (the linter checks it lists every property once); where the text
// has none, ParseWorkflowText adds it from the order the text writes them in.
// Versions stored before "x-order" existed render alphabetically.
//
// Thread safety: pure functions.
//
// Example:
//   Result<nlohmann::json> document = ParseWorkflowText(text, kFileJsonLimits);
//   nlohmann::ordered_json form = OrderedForm(workflow.procedure.form_schema);
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "engine/domain/json_parse.h"
#include "engine/domain/status.h"

namespace motcua {

// The form keyword holding the display order of an object schema's properties.
inline constexpr const char* kFormOrderKeyword = "x-order";

// ParseJson(text, limits) for a workflow definition: the same value and the
// same errors, with "x-order" added to every object schema under
// "/procedure/form" (through "properties" and "items") that has "properties"
// but no "x-order".
Result<nlohmann::json> ParseWorkflowText(std::string_view text, JsonLimits limits);

// `form` with the members of every "properties" object (through "properties"
// and "items") in "x-order" order; properties "x-order" does not name follow,
// by name. Any other value is returned unchanged.
nlohmann::ordered_json OrderedForm(const nlohmann::json& form);

}  // namespace motcua
