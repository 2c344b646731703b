// buffered_log_sink.h: the server's log sink, which writes lines in batches.
//
// Under load `serve` logs one line per request. Written one at a time, each
// line is a write(2) on the thread that answered the request. Until
// StartBatching() this sink writes each line at once, as StreamLogSink does,
// so that start-up lines and errors keep their order with what `serve`
// prints directly. After it, the sink holds lines and writes all it holds in
// one write:
//   - every `interval`, from a thread of its own ("motcua-log");
//   - at once when it holds `max_bytes` or more;
//   - at once on Flush(): Logger flushes after every warning or error line,
//     so that problems reach the log when they happen;
//   - when it is destroyed (a clean stop of `serve`).
// Lines keep their order, and a line is never split between two writes.
//
// The cost: a process killed with SIGKILL, or crashing, loses the info and
// debug lines of its last `interval`. Nothing else is lost; the dossiers,
// their events and the audit trail are in the database, not in the log.
//
// Thread safety: WriteLine and Flush may be called from any thread;
// StartBatching once, from the thread that owns the sink.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>

#include "engine/domain/log.h"

namespace motcua {

class BufferedLogSink final : public LogSink {
 public:
  struct Options {
    std::chrono::milliseconds interval{200};
    // About 3,500 request lines: at 10,000 requests a second the sink's own
    // thread writes them all, and the threads answering requests none.
    std::size_t max_bytes = 1024 * 1024;
  };

  // `out` must outlive the sink. `options.interval` above zero.
  BufferedLogSink(std::ostream& out, Options options);
  // Stops the writing thread and writes what is held.
  ~BufferedLogSink() override;
  BufferedLogSink(const BufferedLogSink&) = delete;
  BufferedLogSink& operator=(const BufferedLogSink&) = delete;

  // From now on, holds lines (above). Starts the thread that writes them
  // every interval, which inherits the calling thread's signal mask.
  void StartBatching();

  void WriteLine(std::string_view line) override;
  // Writes what is held, in one write, and flushes `out`.
  void Flush() override;

 private:
  void WriteEvery();

  std::ostream& out_;
  const Options options_;

  // Taken before mutex_ by whoever writes to out_: one batch at a time, in
  // the order they were taken from held_.
  std::mutex write_mutex_;
  std::string writing_;  // the batch being written; under write_mutex_

  std::mutex mutex_;
  std::condition_variable stop_;
  std::string held_;  // lines not yet written, each ending in '\n'
  bool batching_ = false;
  bool stopping_ = false;

  std::thread writer_;  // started by StartBatching
};

}  // namespace motcua
