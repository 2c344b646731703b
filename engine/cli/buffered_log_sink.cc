#include "engine/cli/buffered_log_sink.h"

#include <utility>

#include "engine/domain/thread_name.h"

namespace motcua {

BufferedLogSink::BufferedLogSink(std::ostream& out, Options options)
    : out_(out), options_(options) {}

void BufferedLogSink::StartBatching() {
  {
    std::lock_guard lock(mutex_);
    if (batching_) return;
    batching_ = true;
  }
  writer_ = std::thread([this] { WriteEvery(); });
}

BufferedLogSink::~BufferedLogSink() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_one();
  if (writer_.joinable()) writer_.join();
  Flush();
}

void BufferedLogSink::WriteLine(std::string_view line) {
  bool full = false;
  {
    std::lock_guard lock(mutex_);
    held_.append(line).push_back('\n');
    full = !batching_ || held_.size() >= options_.max_bytes;
  }
  if (full) Flush();
}

void BufferedLogSink::Flush() {
  std::lock_guard write_lock(write_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (held_.empty()) return;
    writing_.clear();
    writing_.swap(held_);  // held_ goes on in the last batch's buffer
  }
  out_.write(writing_.data(), static_cast<std::streamsize>(writing_.size()));
  out_.flush();
}

void BufferedLogSink::WriteEvery() {
  NameThisThread("motcua-log");
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    // Not woken by WriteLine: a line costs no system call here.
    if (stop_.wait_for(lock, options_.interval, [this] { return stopping_; })) break;
    if (held_.empty()) continue;
    lock.unlock();
    Flush();
    lock.lock();
  }
}

}  // namespace motcua
