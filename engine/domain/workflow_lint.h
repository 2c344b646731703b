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
// All problems are reported, each with a JSON pointer into the document and
// a plain sentence, ordered by pointer.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/domain/json_schema.h"
#include "engine/domain/status.h"
#include "engine/domain/workflow.h"

namespace motcua {

// Every problem found in `document`; empty when it is a valid workflow.
// `workflow_schema` is the compiled schema/workflow.schema.json.
std::vector<FieldError> LintWorkflow(const JsonSchema& workflow_schema,
                                     const nlohmann::json& document);

// Lint a set of definitions together: each one's own problems, plus national
// procedure codes used by more than one (pointer "/procedure/code").
// Returns one list per document, in input order.
std::vector<std::vector<FieldError>> LintWorkflows(const JsonSchema& workflow_schema,
                                                   const std::vector<nlohmann::json>& documents);

// ParseJson(text, kFileJsonLimits) (engine/domain/json_parse.h): a syntax
// error is kInvalidArgument whose message names the line and column, e.g.
// "line 3, column 14: ...", and nesting or size over the limits is refused.
Result<nlohmann::json> ParseJsonText(const std::string& text);

}  // namespace motcua
