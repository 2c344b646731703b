// pg_pool.h: a fixed pool of PostgreSQL connections that runs each unit of
// work in its own transaction.
//
// Contract:
//  - Thread-safe. A caller waits for a free connection (at most
//    `acquire_timeout`, then kUnavailable "database_busy").
//  - Write(job) runs `job` between BEGIN and COMMIT (READ COMMITTED; jobs lock
//    the rows they change). It returns OK only after COMMIT succeeded, so an
//    OK write is durable as the server's synchronous_commit makes it. A job
//    that returns an error is rolled back. A serialization failure or
//    deadlock (SQLSTATE 40001, 40P01) reruns the whole job, up to
//    kWriteAttempts times: jobs must be safe to rerun (they only touch the
//    database and values they reset themselves).
//  - Read(read) runs `read` in a READ ONLY REPEATABLE READ transaction: one
//    snapshot for all its statements.
//  - A connection the server dropped is reconnected before its next use; the
//    work on it fails with kUnavailable and is not retried (a COMMIT whose
//    answer was lost may have happened).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/domain/status.h"
#include "engine/postgres/pg_connection.h"

namespace motcua {

struct PgPoolOptions {
  std::string conninfo;  // a libpq URI or key=value string
  std::size_t connections = 8;
  std::chrono::milliseconds acquire_timeout{10000};
};

class PgPool {
 public:
  static constexpr int kWriteAttempts = 5;

  // Opens every connection; kUnavailable when the server cannot be reached.
  static Result<std::unique_ptr<PgPool>> Open(const PgPoolOptions& options);

  Status Write(const std::function<Status(PgConnection&)>& job);
  template <typename T>
  Result<T> Read(const std::function<Result<T>(PgConnection&)>& read) {
    std::optional<Result<T>> answer;
    Status done = RunRead([&](PgConnection& connection) -> Status {
      answer.emplace(read(connection));
      if (!answer->ok()) return answer->error();
      return Status();
    });
    if (!done.ok()) return done.error();
    return std::move(*answer);
  }

  // Runs `work` on a connection outside any transaction the pool opens (for
  // session-level work: migrations under an advisory lock).
  Status WithConnection(const std::function<Status(PgConnection&)>& work);

 private:
  explicit PgPool(const PgPoolOptions& options) : options_(options) {}
  Status RunRead(const std::function<Status(PgConnection&)>& read);

  class Lease;
  Result<std::unique_ptr<PgConnection>> Acquire();
  void Release(std::unique_ptr<PgConnection> connection);

  PgPoolOptions options_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
};

}  // namespace motcua
