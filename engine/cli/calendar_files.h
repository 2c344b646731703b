// calendar_files.h: loads the working-day calendar from a folder of year files.
#pragma once

#include <string>

#include "engine/domain/calendar.h"
#include "engine/domain/status.h"

namespace motcua::cli {

// Every "*.json" file in `directory` (e.g. workflows/calendars), in name
// order, as one calendar. kNotFound when the folder has no calendar file;
// other errors name the file.
Result<WorkingCalendar> LoadCalendarDirectory(const std::string& directory);

}  // namespace motcua::cli
