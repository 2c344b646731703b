#include "engine/domain/log.h"

#include <array>
#include <string>
#include <string_view>
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
  // The line and its break in one write: on an unbuffered stream (stderr)
  // every insertion is a system call of its own.
  std::string text;
  text.reserve(line.size() + 1);
  text.append(line).push_back('\n');
  std::lock_guard lock(mutex_);
  out_.write(text.data(), static_cast<std::streamsize>(text.size()));
  out_.flush();
}

void Logger::Log(LogLevel level, std::string_view event,
                 const nlohmann::ordered_json& fields) const {
  if (!Enabled(level)) return;
  nlohmann::ordered_json head;
  head["time"] = FormatRfc3339DateTime(clock_.Now());
  head["level"] = LogLevelName(level);
  head["event"] = event;
  constexpr auto kReplace = nlohmann::ordered_json::error_handler_t::replace;
  std::string line = head.dump(-1, ' ', false, kReplace);
  if (!fields.is_object()) {
    line.pop_back();  // '}'
    line += ",\"value\":";
    line += fields.dump(-1, ' ', false, kReplace);
    line += '}';
  } else if (!fields.empty()) {
    // The fields follow the head in their order, without copying them; a
    // field named like a head member is left out.
    const bool clashes =
        fields.contains("time") || fields.contains("level") || fields.contains("event");
    line.pop_back();
    if (!clashes) {
      line += ',';
      line += std::string_view(fields.dump(-1, ' ', false, kReplace)).substr(1);
    } else {
      for (const auto& [name, value] : fields.items()) {
        if (name == "time" || name == "level" || name == "event") continue;
        line += ',';
        line += nlohmann::ordered_json(name).dump(-1, ' ', false, kReplace);
        line += ':';
        line += value.dump(-1, ' ', false, kReplace);
      }
      line += '}';
    }
  }
  sink_.WriteLine(line);
}

std::function<void(std::string_view)> Logger::MessageWriter(LogLevel level,
                                                            std::string event) const {
  return [this, level, event = std::move(event)](std::string_view message) {
    Log(level, event, {{"message", message}});
  };
}

}  // namespace motcua
