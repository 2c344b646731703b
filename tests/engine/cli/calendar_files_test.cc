#include "engine/cli/calendar_files.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

namespace motcua::cli {
namespace {

using namespace std::chrono_literals;

TEST_CASE("calendar files: the bundled folder loads as one calendar of both years") {
  Result<WorkingCalendar> calendar =
      LoadCalendarDirectory(std::string(MOTCUA_SOURCE_DIR) + "/workflows/calendars");
  REQUIRE(calendar.ok());
  CHECK(calendar->Covers(2025y / 6 / 1));
  CHECK(calendar->Covers(2026y / 6 / 1));
  CHECK_FALSE(calendar->IsWorkingDay(2026y / 2 / 17));
  CHECK(calendar->IsWorkingDay(2025y / 4 / 26));
}

TEST_CASE("calendar files: an empty folder, a missing folder and a broken file are errors") {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "motcua-calendar-files-XXXXXX").string();
  REQUIRE(mkdtemp(pattern.data()) != nullptr);
  const std::filesystem::path dir = pattern;

  Result<WorkingCalendar> empty = LoadCalendarDirectory(dir.string());
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().code() == ErrorCode::kNotFound);

  CHECK_FALSE(LoadCalendarDirectory((dir / "missing").string()).ok());

  std::ofstream(dir / "VN-2030.json") << "{\n  \"year\": 2030,\n  oops\n}\n";
  Result<WorkingCalendar> broken = LoadCalendarDirectory(dir.string());
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().message().find("VN-2030.json: line 3, column") != std::string::npos);

  std::ofstream(dir / "VN-2030.json") << R"({"year": 2030})";
  Result<WorkingCalendar> incomplete = LoadCalendarDirectory(dir.string());
  REQUIRE_FALSE(incomplete.ok());
  CHECK(incomplete.error().code() == ErrorCode::kInvalidArgument);
  CHECK(incomplete.error().message().find("/0/country") != std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace motcua::cli
