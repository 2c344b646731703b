// workflow_lint.h: checks that a workflow definition makes sense.
//
// Linting runs in two stages. First the document is validated against the
// workflow JSON Schema (schema/workflow.schema.json). Only a document that
// passes is parsed and checked semantically: every referenced state, role,
// document and form field exists; every state is reachable from the initial
// state; every non-terminal state has a way out; terminal states map to an
// ending status (3, 7, 8, 9, 10) and carry an outcome; no action leaves a
// terminal state; timers name real actions the system may take from their
// state; ids and codes are unique; clock effects agree with the states' clock
// modes; four-eyes rules name real actions; the procedure's form schema
// compiles (its keywords are supported and its patterns run on RE2), with
// problems at "/procedure/form/...".
//
// The form's fields must carry what a form generator needs: a localized
// "title" {"vi", "en"} (both non-empty), an optional localized "description",
// an "x-widget" among kFormWidgets that fits the field ("select" needs "enum";
// "date", "citizen-id" and "textarea" a string), and an "x-order"
// (form_order.h) that names every property once. A field may name the
// verified identity claim that pre-fills it ("x-identity-claim",
// identity_claims.h): a known claim, on a top-level field of type string.
//
// All problems are reported, each with a JSON pointer into the document and
// a plain sentence, ordered by pointer.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "engine/domain/json_parse.h"
#include "engine/domain/json_schema.h"
#include "engine/domain/status.h"
#include "engine/domain/workflow.h"

namespace motcua {

// The form keyword naming how a field is entered when its JSON type is not
// enough: "date", "citizen-id" (12 digits), "textarea" (several lines) or
// "select" (one of the field's "enum" values).
inline constexpr const char* kWidgetKeyword = "x-widget";

// One problem found in the text of a definition, for an editor.
struct LintProblem {
  std::string pointer;  // JSON pointer to the value at fault ("" for the whole text)
  // 1-based line and column (json_positions.h) of that value, or of its nearest
  // ancestor the text has when the value is missing; of the byte at fault for
  // a syntax error.
  std::size_t line = 0;
  std::size_t column = 0;
  std::string message;
  // The check that found it: "json_syntax" (not JSON), "schema" (the shape,
  // schema/workflow.schema.json), "definition" (a value the model cannot
  // read), "semantics" (references, reachability, clock, roles...),
  // "form_schema" (the form does not compile), "form_field" (titles, widgets
  // and order of the form's fields).
  std::string rule;
};

// Every problem found in `document`; empty when it is a valid workflow.
// `workflow_schema` is the compiled schema/workflow.schema.json.
std::vector<FieldError> LintWorkflow(const JsonSchema& workflow_schema,
                                     const nlohmann::json& document);

// Lint a set of definitions together: each one's own problems, plus national
// procedure codes used by more than one (pointer "/procedure/code").
// Returns one list per document, in input order.
std::vector<std::vector<FieldError>> LintWorkflows(const JsonSchema& workflow_schema,
                                                   const std::vector<nlohmann::json>& documents);

// Lints the text of one definition exactly as typed in an editor, parsed with
// ParseWorkflowText(text, limits) (form_order.h). A text that is not JSON is
// one problem, rule "json_syntax", at the byte the parser refused; otherwise
// LintWorkflow's problems, each located in `text`. Errors: the limits'
// json_too_large and json_too_deep (json_parse.h); nothing else.
Result<std::vector<LintProblem>> LintWorkflowText(const JsonSchema& workflow_schema,
                                                  std::string_view text, JsonLimits limits);

// ParseJson(text, kFileJsonLimits) (engine/domain/json_parse.h): a syntax
// error is kInvalidArgument whose message names the line and column, e.g.
// "line 3, column 14: ...", and nesting or size over the limits is refused.
Result<nlohmann::json> ParseJsonText(const std::string& text);

}  // namespace motcua
