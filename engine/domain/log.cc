#include "engine/domain/log.h"

#include <array>
#include <utility>

#include "engine/domain/rfc3339.h"

namespace motcua {
namespace {

constexpr std::array<std::pair<LogLevel, std::string_view>, 4> kLevelNames = {{
    {LogLevel::kDebug, "debug"},
    {LogLevel::kInfo, "info"},
    {LogLevel::kWarning, "warning"},
    {LogLevel::kError, "error"},
}};

}  // namespace

std::string_view LogLevelName(LogLevel level) {
  for (const auto& [known, name] : kLevelNames) {
    if (known == level) return name;
  }
  return "error";
}

std::optional<LogLevel> ParseLogLevel(std::string_view name) {
  for (const auto& [level, known] : kLevelNames) {
    if (known == name) return level;
  }
  return std::nullopt;
}

void StreamLogSink::WriteLine(std::string_view line) {
  std::lock_guard lock(mutex_);
  out_ << line << '\n' << std::flush;
}

void Logger::Log(LogLevel level, std::string_view event,
                 const nlohmann::ordered_json& fields) const {
  if (!Enabled(level)) return;
  nlohmann::ordered_json line;
  line["time"] = FormatRfc3339DateTime(clock_.Now());
  line["level"] = LogLevelName(level);
  line["event"] = event;
  if (fields.is_object()) {
    for (const auto& [name, value] : fields.items()) {
      if (name == "time" || name == "level" || name == "event") continue;
      line[name] = value;
    }
  } else {
    line["value"] = fields;
  }
  sink_.WriteLine(line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

std::function<void(std::string_view)> Logger::MessageWriter(LogLevel level,
                                                            std::string event) const {
  return [this, level, event = std::move(event)](std::string_view message) {
    Log(level, event, {{"message", message}});
  };
}

}  // namespace motcua
