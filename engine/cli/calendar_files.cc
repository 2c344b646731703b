#include "engine/cli/calendar_files.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <vector>

#include "engine/cli/files.h"
#include "engine/domain/status_macros.h"

namespace motcua::cli {

Result<WorkingCalendar> LoadCalendarDirectory(const std::string& directory) {
  std::error_code error;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  if (error) {
    return Error(ErrorCode::kNotFound, directory + ": cannot list calendars: " + error.message());
  }
  if (files.empty()) {
    return Error(ErrorCode::kNotFound, directory + ": no calendar files (*.json)");
  }
  std::sort(files.begin(), files.end());

  std::vector<nlohmann::json> years;
  for (const auto& file : files) {
    ASSIGN_OR_RETURN(nlohmann::json year, ReadJsonFile(file.string()));
    years.push_back(std::move(year));
  }
  Result<WorkingCalendar> calendar = WorkingCalendar::FromJson(years);
  if (!calendar.ok()) {
    std::string message = directory + ": invalid calendar";
    for (const FieldError& field : calendar.error().fields()) {
      // The pointer starts with the index of the document in `files`.
      message += "; " + field.pointer + ": " + field.message;
    }
    return Error(ErrorCode::kInvalidArgument, message, ErrorReason::kNone,
                 calendar.error().fields());
  }
  return calendar;
}

}  // namespace motcua::cli
