// memory_log_sink.h: a LogSink that keeps every line, for tests that assert
// on what the server logs (fields present, secrets absent).
#pragma once

#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "engine/domain/log.h"

namespace motcua {

class MemoryLogSink final : public LogSink {
 public:
  void WriteLine(std::string_view line) override {
    std::lock_guard lock(mutex_);
    lines_.emplace_back(line);
  }

  std::vector<std::string> Lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }

  // Each line parsed; a line that is not one JSON object fails the parse.
  std::vector<nlohmann::json> Records() const {
    std::vector<nlohmann::json> records;
    for (const std::string& line : Lines()) records.push_back(nlohmann::json::parse(line));
    return records;
  }

  // The records whose "event" is `event`.
  std::vector<nlohmann::json> Events(std::string_view event) const {
    std::vector<nlohmann::json> found;
    for (nlohmann::json& record : Records()) {
      if (record.value("event", "") == event) found.push_back(std::move(record));
    }
    return found;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

}  // namespace motcua
