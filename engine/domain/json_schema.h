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
// asserted, not just annotated.
//
// Example:
//   Result<JsonSchema> schema = JsonSchema::Compile(schema_json);
//   if (!schema.ok()) return schema.error();
//   std::vector<FieldError> problems = schema->Validate(document);
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
  // a malformed value, a pattern is not a valid regular expression, or a
  // "$ref" does not resolve inside the schema.
  static Result<JsonSchema> Compile(const nlohmann::json& schema);

  // Every violation of the schema by `instance`, each with the JSON pointer of
  // the offending value in the instance (for a missing required property, the
  // pointer of that property) and a plain sentence. Empty when valid.
  // Thread-safe; a compiled schema may be shared.
  std::vector<FieldError> Validate(const nlohmann::json& instance) const;

  struct Compiled;  // implementation detail

 private:
  explicit JsonSchema(std::shared_ptr<const Compiled> compiled) : compiled_(std::move(compiled)) {}
  std::shared_ptr<const Compiled> compiled_;
};

}  // namespace motcua
