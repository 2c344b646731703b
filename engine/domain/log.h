// log.h: structured operator logs, one JSON object per line.
//
// Every line the server writes for an operator is one JSON object on one
// line (JSON lines), so that journald, jq or a log shipper can read it:
//   {"time":"2026-12-04T13:20:00Z","level":"info","event":"http_request",...}
// "time" (RFC 3339, UTC, from the injected Clock), "level" and "event" come
// first; the event's own fields follow. JSON escaping keeps a field's line
// breaks and control characters inside the string, so a value can never start
// a second line or forge fields; invalid UTF-8 is replaced, not thrown on.
//
// What may be logged is the caller's decision, field by field: never a
// secret, a token, a cookie, a form value or a query string (which may carry
// an OAuth code or state). The request log (api/request_log.h) shows the
// shape: it names what it writes and nothing else.
//
// The sink is a port: StreamLogSink writes each line to a stream at once;
// `serve` writes to stderr through engine/cli/buffered_log_sink.h, which
// batches its lines; tests use a sink that keeps the lines.
//
// Thread safety: Logger::Log may be called concurrently when the sink's
// WriteLine and Flush may (StreamLogSink's may).
//
// Example:
//   StreamLogSink sink(std::cerr);
//   Logger logger(sink, clock, LogLevel::kInfo);
//   logger.Log(LogLevel::kWarning, "timers", {{"message", "sweep failed"}});
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "engine/domain/clock.h"

namespace motcua {

// In increasing severity; a logger writes its threshold and above.
enum class LogLevel { kDebug, kInfo, kWarning, kError };

// "debug", "info", "warning", "error".
std::string_view LogLevelName(LogLevel level);
// The level LogLevelName gives `name`; nullopt for any other text.
std::optional<LogLevel> ParseLogLevel(std::string_view name);

// Where finished lines go. `line` is one JSON object without the line break.
// Implementations must be thread-safe.
class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void WriteLine(std::string_view line) = 0;
  // Writes out every line WriteLine held back, if the sink holds any (the
  // server's does: engine/cli/buffered_log_sink.h). Logger calls it after
  // each warning or error line.
  virtual void Flush() {}
};

// Writes each line and a line break to `out` under a lock, in one write,
// flushing it, so lines from different threads never interleave.
class StreamLogSink final : public LogSink {
 public:
  explicit StreamLogSink(std::ostream& out) : out_(out) {}
  void WriteLine(std::string_view line) override;

 private:
  std::mutex mutex_;
  std::ostream& out_;
};

// The fields of one line, built straight into JSON text in the order they
// are added, for lines written on every request (the request log): the
// general Log below builds a JSON tree first. Values are written as Log
// writes them (invalid UTF-8 replaced). A field named "time", "level" or
// "event" is dropped, as by Log. Names are the caller's literals.
//
// Example:
//   logger.Log(LogLevel::kInfo, "http_request",
//              LogFields().Text("route", "/healthz").Integer("status", 200));
class LogFields {
 public:
  LogFields& Text(std::string_view name, std::string_view value);
  LogFields& Integer(std::string_view name, std::int64_t value);
  LogFields& Decimal(std::string_view name, double value);
  LogFields& Null(std::string_view name);
  // Any JSON value, as nlohmann dumps it (what the JSON overload of Log uses).
  LogFields& Json(std::string_view name, const nlohmann::ordered_json& value);

  // The members written so far, each preceded by a comma.
  const std::string& members() const { return members_; }

 private:
  // Writes `,"name":` and returns true, or returns false for a head name.
  bool Begin(std::string_view name);
  std::string members_;
};

class Logger {
 public:
  // `sink` and `clock` must outlive the logger.
  Logger(LogSink& sink, const Clock& clock, LogLevel threshold)
      : sink_(sink), clock_(clock), threshold_(threshold) {}

  bool Enabled(LogLevel level) const { return level >= threshold_; }

  // Writes one line when `level` is enabled. `fields` must be an object (any
  // other value is logged as {"value": fields}); a field named "time",
  // "level" or "event" is dropped, so it cannot contradict the line's own.
  // A warning or error line is flushed (LogSink::Flush) before this returns.
  void Log(LogLevel level, std::string_view event,
           const nlohmann::ordered_json& fields = nlohmann::ordered_json::object()) const;
  // The same line, with fields built as LogFields; the overload above writes
  // through it.
  void Log(LogLevel level, std::string_view event, const LogFields& fields) const;

  // A function writing each free-text line it is given as one event
  // {"message": line} at `level`: for components that report plain lines
  // (problem logs, the feed pusher, timers, sign-in refusals).
  std::function<void(std::string_view)> MessageWriter(LogLevel level, std::string event) const;

 private:
  LogSink& sink_;
  const Clock& clock_;
  LogLevel threshold_;
};

}  // namespace motcua
