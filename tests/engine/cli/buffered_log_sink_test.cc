#include "engine/cli/buffered_log_sink.h"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <ostream>
#include <streambuf>
#include <string>
#include <thread>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/log.h"

namespace motcua {
namespace {

using std::chrono::milliseconds;

// A stream the sink's thread may write while the test reads it.
class LockedText final : public std::streambuf {
 public:
  std::string Text() {
    std::lock_guard lock(mutex_);
    return text_;
  }
  int Writes() {
    std::lock_guard lock(mutex_);
    return writes_;
  }

 protected:
  std::streamsize xsputn(const char* data, std::streamsize size) override {
    std::lock_guard lock(mutex_);
    text_.append(data, static_cast<std::size_t>(size));
    ++writes_;
    return size;
  }
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    const char ch = traits_type::to_char_type(c);
    xsputn(&ch, 1);
    return c;
  }

 private:
  std::mutex mutex_;
  std::string text_;
  int writes_ = 0;
};

class FixedClock final : public Clock {
 public:
  Instant Now() const override { return Instant{}; }
};

// Long enough that the sink's own thread never writes during a check.
constexpr milliseconds kNever{3'600'000};

// A sink writing into `text`, batching from the start.
struct Batching {
  explicit Batching(BufferedLogSink::Options options) : sink(out, options) { sink.StartBatching(); }
  LockedText text;
  std::ostream out{&text};
  BufferedLogSink sink;
};

TEST_CASE("buffered log sink: before batching each line is written at once") {
  LockedText text;
  std::ostream out(&text);
  BufferedLogSink sink(out, {kNever, 64 * 1024});
  sink.WriteLine("{\"a\":1}");
  CHECK(text.Text() == "{\"a\":1}\n");
  sink.WriteLine("{\"b\":2}");
  CHECK(text.Text() == "{\"a\":1}\n{\"b\":2}\n");
  CHECK(text.Writes() == 2);
}

TEST_CASE("buffered log sink: once batching, lines are held and written in one write, in order") {
  Batching batching({kNever, 64 * 1024});
  LockedText& text = batching.text;
  BufferedLogSink& sink = batching.sink;
  sink.WriteLine("one");
  sink.WriteLine("two");
  sink.WriteLine("three");
  CHECK(text.Text().empty());
  sink.Flush();
  CHECK(text.Text() == "one\ntwo\nthree\n");
  CHECK(text.Writes() == 1);
  sink.Flush();  // nothing held: no empty write
  CHECK(text.Writes() == 1);
  sink.WriteLine("four");
  sink.Flush();
  CHECK(text.Text() == "one\ntwo\nthree\nfour\n");
}

TEST_CASE("buffered log sink: holding max_bytes writes them out at once") {
  Batching batching({kNever, 100});
  LockedText& text = batching.text;
  BufferedLogSink& sink = batching.sink;
  const std::string line(60, 'x');
  sink.WriteLine(line);
  CHECK(text.Text().empty());
  sink.WriteLine(line);  // 122 bytes held
  CHECK(text.Text() == line + "\n" + line + "\n");
}

TEST_CASE("buffered log sink: its thread writes held lines within the interval") {
  Batching batching({milliseconds(20), 64 * 1024});
  LockedText& text = batching.text;
  batching.sink.WriteLine("late");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (text.Text().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  CHECK(text.Text() == "late\n");
}

TEST_CASE("buffered log sink: destroying it writes what it holds") {
  LockedText text;
  std::ostream out(&text);
  {
    BufferedLogSink sink(out, {kNever, 64 * 1024});
    sink.StartBatching();
    sink.WriteLine("last words");
    CHECK(text.Text().empty());
  }
  CHECK(text.Text() == "last words\n");
}

TEST_CASE("buffered log sink: a logger's warning writes it and the lines held before it") {
  Batching batching({kNever, 64 * 1024});
  LockedText& text = batching.text;
  FixedClock clock;
  Logger logger(batching.sink, clock, LogLevel::kDebug);
  logger.Log(LogLevel::kInfo, "http_request", LogFields().Integer("status", 200));
  logger.Log(LogLevel::kDebug, "http_request", LogFields().Integer("status", 204));
  CHECK(text.Text().empty());
  logger.Log(LogLevel::kWarning, "dossiers", LogFields().Text("message", "odd"));
  const std::string written = text.Text();
  const std::size_t info = written.find("\"status\":200");
  const std::size_t debug = written.find("\"status\":204");
  const std::size_t warning = written.find("\"message\":\"odd\"");
  REQUIRE(info != std::string::npos);
  REQUIRE(debug != std::string::npos);
  REQUIRE(warning != std::string::npos);
  CHECK(info < debug);
  CHECK(debug < warning);
  logger.Log(LogLevel::kError, "http_server", LogFields().Text("message", "broken"));
  CHECK(text.Text().find("\"message\":\"broken\"") != std::string::npos);
}

TEST_CASE("buffered log sink: concurrent writers lose no line and split none") {
  LockedText text;
  std::ostream out(&text);
  constexpr int kThreads = 4;
  constexpr int kLines = 2000;
  {
    BufferedLogSink sink(out, {milliseconds(1), 512});
    sink.StartBatching();
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t) {
      writers.emplace_back([&sink, t] {
        for (int i = 0; i < kLines; ++i) {
          sink.WriteLine("{\"thread\":" + std::to_string(t) + ",\"line\":" + std::to_string(i) +
                         "}");
          if (i % 500 == 0) sink.Flush();
        }
      });
    }
    for (std::thread& writer : writers) writer.join();
  }
  // Every line whole, once, and each thread's lines in the order it wrote them.
  const std::string written = text.Text();
  std::vector<int> next(kThreads, 0);
  std::size_t start = 0;
  int lines = 0;
  bool whole = true;
  while (start < written.size()) {
    const std::size_t end = written.find('\n', start);
    REQUIRE(end != std::string::npos);
    const std::string line = written.substr(start, end - start);
    int thread = -1;
    int index = -1;
    if (std::sscanf(line.c_str(), "{\"thread\":%d,\"line\":%d}", &thread, &index) != 2 ||
        thread < 0 || thread >= kThreads || index != next[static_cast<std::size_t>(thread)]) {
      whole = false;
      break;
    }
    ++next[static_cast<std::size_t>(thread)];
    ++lines;
    start = end + 1;
  }
  CHECK(whole);
  CHECK(lines == kThreads * kLines);
}

}  // namespace
}  // namespace motcua
