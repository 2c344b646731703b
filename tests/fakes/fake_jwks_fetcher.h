// fake_jwks_fetcher.h: a JwksFetcher that serves one settable document (or
// an error) and counts its fetches, optionally taking a while to answer so
// that concurrent callers overlap. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

#include "engine/service/jwks_fetcher.h"

namespace motcua {

class FakeJwksFetcher final : public JwksFetcher {
 public:
  void Serve(std::string document) {
    std::lock_guard lock(mutex_);
    document_ = std::move(document);
    failing_ = false;
  }
  void Fail() {
    std::lock_guard lock(mutex_);
    failing_ = true;
  }
  void SetDelay(std::chrono::milliseconds delay) { delay_ms_ = delay.count(); }
  int fetches() const { return fetches_; }

  Result<std::string> Fetch(const std::string& jwks_uri) const override {
    ++fetches_;
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_.load()));
    std::lock_guard lock(mutex_);
    if (failing_) return Error(ErrorCode::kUnavailable, "connection refused by " + jwks_uri);
    return document_;
  }

 private:
  mutable std::mutex mutex_;
  std::string document_ = R"({"keys":[]})";
  bool failing_ = false;
  std::atomic<long long> delay_ms_{0};
  mutable std::atomic<int> fetches_{0};
};

}  // namespace motcua
