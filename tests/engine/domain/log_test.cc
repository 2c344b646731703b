#include "engine/domain/log.h"

#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "tests/fakes/memory_log_sink.h"

namespace motcua {
namespace {

using std::chrono::sys_days;
using namespace std::chrono_literals;

FakeClock ClockAt2026() {
  return FakeClock(sys_days{2026y / 12 / 4} + 13h + 20min);
}

TEST_CASE("log: a line is one JSON object with time, level and event first") {
  MemoryLogSink sink;
  FakeClock clock = ClockAt2026();
  Logger logger(sink, clock, LogLevel::kInfo);
  logger.Log(LogLevel::kWarning, "timers", {{"message", "sweep failed"}, {"count", 2}});
  REQUIRE(sink.Lines().size() == 1);
  CHECK(sink.Lines()[0] == R"({"time":"2026-12-04T13:20:00Z","level":"warning","event":"timers",)"
                           R"("message":"sweep failed","count":2})");
}

TEST_CASE("log: levels below the threshold are not written") {
  MemoryLogSink sink;
  FakeClock clock = ClockAt2026();
  Logger logger(sink, clock, LogLevel::kWarning);
  logger.Log(LogLevel::kDebug, "a");
  logger.Log(LogLevel::kInfo, "b");
  logger.Log(LogLevel::kWarning, "c");
  logger.Log(LogLevel::kError, "d");
  REQUIRE(sink.Records().size() == 2);
  CHECK(sink.Records()[0]["event"] == "c");
  CHECK(sink.Records()[1]["level"] == "error");
  CHECK_FALSE(logger.Enabled(LogLevel::kInfo));
}

TEST_CASE("log: a message with line breaks, quotes or bad UTF-8 stays on one line") {
  MemoryLogSink sink;
  FakeClock clock = ClockAt2026();
  Logger logger(sink, clock, LogLevel::kDebug);
  const std::string forged =
      "x\"}\n{\"level\":\"error\",\"event\":\"forged\"}\r\n\x01 \xff\xfe end";
  logger.MessageWriter(LogLevel::kInfo, "pusher")(forged);
  REQUIRE(sink.Lines().size() == 1);
  CHECK(sink.Lines()[0].find('\n') == std::string::npos);
  CHECK(sink.Lines()[0].find('\r') == std::string::npos);
  nlohmann::json record = nlohmann::json::parse(sink.Lines()[0]);
  CHECK(record["event"] == "pusher");
  CHECK(record["level"] == "info");
  CHECK(record["message"].get<std::string>().find("forged") != std::string::npos);
}

TEST_CASE("log: fields cannot override time, level or event") {
  MemoryLogSink sink;
  FakeClock clock = ClockAt2026();
  Logger logger(sink, clock, LogLevel::kInfo);
  logger.Log(LogLevel::kInfo, "real", {{"event", "fake"}, {"level", "debug"}, {"time", "never"}});
  nlohmann::json record = sink.Records().at(0);
  CHECK(record["event"] == "real");
  CHECK(record["level"] == "info");
  CHECK(record["time"] == "2026-12-04T13:20:00Z");
  logger.Log(LogLevel::kInfo, "scalar", 7);
  CHECK(sink.Records().at(1)["value"] == 7);
  logger.Log(LogLevel::kInfo, "mixed", {{"route", "/a"}, {"time", "never"}, {"status", 200}});
  const std::string mixed = sink.Lines().at(2);
  CHECK(
      mixed ==
      R"({"time":"2026-12-04T13:20:00Z","level":"info","event":"mixed","route":"/a","status":200})");
}

TEST_CASE("log: the fields follow time, level and event in their own order") {
  MemoryLogSink sink;
  FakeClock clock = ClockAt2026();
  Logger logger(sink, clock, LogLevel::kInfo);
  logger.Log(LogLevel::kWarning, "http_request", {{"status", 503}, {"route", nullptr}});
  logger.Log(LogLevel::kWarning, "bare", nlohmann::ordered_json::object());
  CHECK(
      sink.Lines().at(0) ==
      R"({"time":"2026-12-04T13:20:00Z","level":"warning","event":"http_request","status":503,"route":null})");
  CHECK(sink.Lines().at(1) ==
        R"({"time":"2026-12-04T13:20:00Z","level":"warning","event":"bare"})");
}

TEST_CASE("log: fields built as LogFields write the line the JSON fields write") {
  MemoryLogSink sink;
  FakeClock clock = ClockAt2026();
  Logger logger(sink, clock, LogLevel::kInfo);
  const std::string awkward = "x\"}\n{\"level\":\"error\"}\\ \x01 Nguy\xe1\xbb\x85n \xff\xfe end";
  const std::string event = "ev\"ent";
  logger.Log(LogLevel::kInfo, event,
             nlohmann::ordered_json{{"plain", "req-1.a_b:c"},
                                    {"awkward", awkward},
                                    {"empty", ""},
                                    {"none", nullptr},
                                    {"count", -42},
                                    {"big", 9007199254740993},
                                    {"ms", 0.125},
                                    {"whole", 12.0}});
  logger.Log(LogLevel::kInfo, event,
             LogFields()
                 .Text("plain", "req-1.a_b:c")
                 .Text("awkward", awkward)
                 .Text("time", "forged")
                 .Text("empty", "")
                 .Null("none")
                 .Null("level")
                 .Integer("count", -42)
                 .Integer("big", 9007199254740993)
                 .Decimal("ms", 0.125)
                 .Decimal("whole", 12.0)
                 .Integer("event", 1));
  logger.Log(LogLevel::kDebug, event, LogFields().Text("dropped", "below the threshold"));
  REQUIRE(sink.Lines().size() == 2);
  CHECK(sink.Lines()[1] == sink.Lines()[0]);
  CHECK(sink.Lines()[1].find('\n') == std::string::npos);
  CHECK(sink.Records()[1]["awkward"].get<std::string>().find("\xef\xbf\xbd") != std::string::npos);
  CHECK(sink.Records()[1]["time"] == "2026-12-04T13:20:00Z");
}

TEST_CASE("log: level names round-trip and unknown names are refused") {
  for (LogLevel level : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarning, LogLevel::kError}) {
    CHECK(ParseLogLevel(LogLevelName(level)) == level);
  }
  for (const char* bad : {"", "INFO", "warn", "trace", "info "}) {
    CHECK_FALSE(ParseLogLevel(bad).has_value());
  }
}

TEST_CASE("log: the stream sink writes one line per record") {
  std::ostringstream out;
  StreamLogSink sink(out);
  FakeClock clock = ClockAt2026();
  Logger logger(sink, clock, LogLevel::kInfo);
  logger.Log(LogLevel::kInfo, "one");
  logger.Log(LogLevel::kInfo, "two");
  CHECK(out.str() ==
        "{\"time\":\"2026-12-04T13:20:00Z\",\"level\":\"info\",\"event\":\"one\"}\n"
        "{\"time\":\"2026-12-04T13:20:00Z\",\"level\":\"info\",\"event\":\"two\"}\n");
}

}  // namespace
}  // namespace motcua
