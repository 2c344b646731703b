#include "engine/domain/log.h"

#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "engine/domain/json_text.h"
#include "engine/domain/rfc3339.h"

namespace motcua {
namespace {

constexpr std::array<std::pair<LogLevel, std::string_view>, 4> kLevelNames = {{
    {LogLevel::kDebug, "debug"},
    {LogLevel::kInfo, "info"},
    {LogLevel::kWarning, "warning"},
    {LogLevel::kError, "error"},
}};

bool IsHeadName(std::string_view name) {
  return name == "time" || name == "level" || name == "event";
}

}  // namespace

bool LogFields::Begin(std::string_view name) {
  if (IsHeadName(name)) return false;
  members_ += ',';
  AppendJsonString(members_, name);
  members_ += ':';
  return true;
}

LogFields& LogFields::Text(std::string_view name, std::string_view value) {
  if (Begin(name)) AppendJsonString(members_, value);
  return *this;
}

LogFields& LogFields::Integer(std::string_view name, std::int64_t value) {
  if (Begin(name)) members_ += std::to_string(value);
  return *this;
}

LogFields& LogFields::Decimal(std::string_view name, double value) {
  return Json(name, value);
}

LogFields& LogFields::Json(std::string_view name, const nlohmann::ordered_json& value) {
  if (Begin(name))
    members_ += value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  return *this;
}

LogFields& LogFields::Null(std::string_view name) {
  if (Begin(name)) members_ += "null";
  return *this;
}

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
  LogFields members;
  if (!fields.is_object()) {
    members.Json("value", fields);
  } else {
    for (const auto& [name, value] : fields.items()) members.Json(name, value);
  }
  Log(level, event, members);
}

void Logger::Log(LogLevel level, std::string_view event, const LogFields& fields) const {
  if (!Enabled(level)) return;
  std::string line;
  line.reserve(72 + event.size() + fields.members().size());
  line += "{\"time\":";
  AppendJsonString(line, FormatRfc3339DateTime(clock_.Now()));
  line += ",\"level\":";
  AppendJsonString(line, LogLevelName(level));
  line += ",\"event\":";
  AppendJsonString(line, event);
  line += fields.members();
  line += '}';
  sink_.WriteLine(line);
  if (level >= LogLevel::kWarning) sink_.Flush();
}

std::function<void(std::string_view)> Logger::MessageWriter(LogLevel level,
                                                            std::string event) const {
  return [this, level, event = std::move(event)](std::string_view message) {
    Log(level, event, {{"message", message}});
  };
}

}  // namespace motcua
