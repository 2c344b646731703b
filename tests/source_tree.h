// source_tree.h: files of the source tree that tests read (bundled workflows,
// calendars, the workflow schema), for tests of every layer. Paths are
// relative to the repository root (MOTCUA_SOURCE_DIR).
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "engine/domain/calendar.h"
#include "engine/domain/json_schema.h"
#include "engine/domain/workflow.h"

namespace motcua {

// A JSON file of the source tree, e.g. "workflows/1.004222-permanent-residence.json".
inline nlohmann::json LoadJson(const std::string& relative) {
  std::ifstream in(std::string(MOTCUA_SOURCE_DIR) + "/" + relative);
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

// The bundled 2025 and 2026 working-day calendars.
inline WorkingCalendar BundledCalendar() {
  Result<WorkingCalendar> parsed = WorkingCalendar::FromJson(
      {LoadJson("workflows/calendars/VN-2025.json"), LoadJson("workflows/calendars/VN-2026.json"),
       LoadJson("workflows/calendars/VN-2027.json")});
  REQUIRE(parsed.ok());
  return std::move(parsed).value();
}

inline JsonSchema WorkflowSchema() {
  Result<JsonSchema> schema = JsonSchema::Compile(LoadJson("schema/workflow.schema.json"));
  REQUIRE(schema.ok());
  return std::move(schema).value();
}

// A bundled workflow file, parsed.
inline Workflow BundledWorkflow(const std::string& relative) {
  Result<Workflow> parsed = ParseWorkflow(LoadJson(relative));
  REQUIRE(parsed.ok());
  return std::move(parsed).value();
}

}  // namespace motcua
