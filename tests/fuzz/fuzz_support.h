// fuzz_support.h: what the libFuzzer targets of tests/fuzz share: files of
// the source tree (the workflow schema, bundled workflows and calendars),
// loaded once per process, and splitting one input into parts.
//
// Fuzzers are not doctest suites: a missing or broken source file aborts the
// process with a message instead of failing a test. Paths are relative to the
// repository root (MOTCUA_SOURCE_DIR).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/domain/calendar.h"
#include "engine/domain/json_schema.h"
#include "engine/domain/status.h"

namespace motcua::fuzz {

[[noreturn]] inline void Die(const std::string& message) {
  std::fprintf(stderr, "fuzz set-up: %s\n", message.c_str());
  std::abort();
}

// The bytes of a file of the source tree, e.g. "schema/workflow.schema.json".
inline std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(std::string(MOTCUA_SOURCE_DIR) + "/" + relative, std::ios::binary);
  if (!in.good()) Die("cannot read " + relative);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline nlohmann::json LoadSourceJson(const std::string& relative) {
  return nlohmann::json::parse(ReadSourceFile(relative));
}

// The compiled schema of workflow definitions (schema/workflow.schema.json).
inline const JsonSchema& WorkflowSchemaOnce() {
  static const JsonSchema schema = [] {
    Result<JsonSchema> compiled =
        JsonSchema::Compile(LoadSourceJson("schema/workflow.schema.json"));
    if (!compiled.ok()) Die("workflow schema: " + compiled.error().message());
    return std::move(compiled).value();
  }();
  return schema;
}

// The bundled VN-2025 and VN-2026 calendars.
inline const WorkingCalendar& BundledCalendarOnce() {
  static const WorkingCalendar calendar = [] {
    Result<WorkingCalendar> parsed =
        WorkingCalendar::FromJson({LoadSourceJson("workflows/calendars/VN-2025.json"),
                                   LoadSourceJson("workflows/calendars/VN-2026.json"),
                                   LoadSourceJson("workflows/calendars/VN-2027.json")});
    if (!parsed.ok()) Die("bundled calendars: " + parsed.error().message());
    return std::move(parsed).value();
  }();
  return calendar;
}

// The input split at every NUL byte: seeds separate their parts with "\0"
// (e.g. a workflow and a form to validate), and libFuzzer's mutations move,
// add and drop separators freely.
inline std::vector<std::string_view> SplitAtNul(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string_view> parts;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (true) {
    const std::size_t nul = rest.find('\0');
    parts.push_back(rest.substr(0, nul));
    if (nul == std::string_view::npos) break;
    rest.remove_prefix(nul + 1);
  }
  return parts;
}

}  // namespace motcua::fuzz
