// json_schema.h: validation of JSON documents against a JSON Schema.
//
// Used for two things: workflow definitions are checked against
// schema/workflow.schema.json before they are parsed, and applicants' forms are
// checked against the form schema embedded in each procedure.
//
// Supports the draft 2020-12 vocabulary that these schemas need (see
// json_schema.cc for the exact keyword list). A keyword it does not support is
// a compile error, never silently ignored, so a schema cannot appear to
// validate something it does not. Formats "date", "date-time" and "email" are
// asserted, not just annotated. Patterns are ECMA-262, run on RE2 in linear
// time (ecma_regex.h says what is translated and what is refused).
//
// Both calls are safe on hostile input: they never throw, and their time and
// memory are bounded by the sizes of the schema and the instance (see the
// limits in json_schema.cc), whatever the schema's patterns, references and
// applicators.
//
// Example:
//   ASSIGN_OR_RETURN(JsonSchema schema, JsonSchema::Compile(schema_json));
//   std::vector<FieldError> problems = schema.Validate(document);
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "engine/domain/status.h"

namespace motcua {

class JsonSchema {
 public:
  // Compiles `schema`. kInvalidArgument, with one FieldError per problem whose
  // pointer locates it inside the schema, when a keyword is unsupported or has
  // a malformed value, a pattern is not a valid regular expression or uses a
  // feature RE2 lacks (backreferences, lookaround) or is too large for it, the
  // schema has more than 64 distinct patterns, or a "$ref" does not resolve
  // inside the schema.
  static Result<JsonSchema> Compile(const nlohmann::json& schema);

  // Every violation of the schema by `instance`, each with the JSON pointer of
  // the offending value in the instance (for a missing required property, the
  // pointer of that property) and a plain sentence. Empty when valid.
  // Bounded: a string of the wrong length is not matched against its pattern,
  // an array over maxItems (object over maxProperties) is reported for its size
  // only, at most 200 problems are listed (then one more at "" says so), and a
  // validation that would take more than a fixed number of steps stops with a
  // problem at "" saying the value is too complex to check. Never empty for an
  // instance it did not fully check.
  // Thread-safe; a compiled schema may be shared.
  std::vector<FieldError> Validate(const nlohmann::json& instance) const;

  struct Compiled;  // implementation detail

 private:
  explicit JsonSchema(std::shared_ptr<const Compiled> compiled) : compiled_(std::move(compiled)) {}
  std::shared_ptr<const Compiled> compiled_;
};

}  // namespace motcua
