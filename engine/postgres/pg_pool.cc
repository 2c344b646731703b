#include "engine/postgres/pg_pool.h"

#include <utility>

#include "engine/domain/status_macros.h"

namespace motcua {

Result<std::unique_ptr<PgPool>> PgPool::Open(const PgPoolOptions& options) {
  if (options.connections < 1) {
    return Error(ErrorCode::kInvalidArgument, "the PostgreSQL pool needs at least 1 connection");
  }
  std::unique_ptr<PgPool> pool(new PgPool(options));
  for (std::size_t i = 0; i < options.connections; ++i) {
    ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> connection,
                     PgConnection::Connect(options.conninfo));
    pool->idle_.push_back(std::move(connection));
  }
  return pool;
}

Result<std::unique_ptr<PgConnection>> PgPool::Acquire() {
  std::unique_lock lock(mutex_);
  if (!available_.wait_for(lock, options_.acquire_timeout, [this] { return !idle_.empty(); })) {
    return Error(ErrorCode::kUnavailable, "no PostgreSQL connection became free in time",
                 ErrorReason::kDatabaseBusy);
  }
  std::unique_ptr<PgConnection> connection = std::move(idle_.back());
  idle_.pop_back();
  lock.unlock();
  if (!connection->Healthy()) {
    if (Status reset = connection->Reset(); !reset.ok()) {
      Release(std::move(connection));
      return reset.error();
    }
  }
  return connection;
}

void PgPool::Release(std::unique_ptr<PgConnection> connection) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(connection));
  }
  available_.notify_one();
}

// Returns the connection to the pool however the work ends.
class PgPool::Lease {
 public:
  Lease(PgPool& pool, std::unique_ptr<PgConnection> connection)
      : pool_(pool), connection_(std::move(connection)) {}
  ~Lease() { pool_.Release(std::move(connection_)); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  PgConnection& operator*() { return *connection_; }

 private:
  PgPool& pool_;
  std::unique_ptr<PgConnection> connection_;
};

namespace {

// Runs `work` in a transaction opened with `begin`; rolls back on error.
// `failed_state` is the SQLSTATE of the statement that failed, if any.
Status InTransaction(PgConnection& connection, const std::string& begin,
                     const std::function<Status(PgConnection&)>& work,
                     std::string* failed_state = nullptr) {
  RETURN_IF_ERROR(connection.RunScript(begin));
  Status done = work(connection);
  if (done.ok()) done = connection.RunScript("COMMIT");
  if (done.ok()) return done;
  if (failed_state != nullptr) *failed_state = connection.LastSqlState();
  if (connection.Healthy()) (void)connection.RunScript("ROLLBACK");
  return done;
}

}  // namespace

Status PgPool::Write(const std::function<Status(PgConnection&)>& job) {
  for (int attempt = 1;; ++attempt) {
    ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> acquired, Acquire());
    Lease lease(*this, std::move(acquired));
    std::string state;
    Status done = InTransaction(*lease, "BEGIN ISOLATION LEVEL READ COMMITTED", job, &state);
    if (done.ok()) return done;
    const bool retry = state == kPgSerializationFailure || state == kPgDeadlockDetected;
    if (!retry || attempt >= kWriteAttempts) return done;
  }
}

Status PgPool::RunRead(const std::function<Status(PgConnection&)>& read) {
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> acquired, Acquire());
  Lease lease(*this, std::move(acquired));
  return InTransaction(*lease, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", read);
}

Status PgPool::WithConnection(const std::function<Status(PgConnection&)>& work) {
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> acquired, Acquire());
  Lease lease(*this, std::move(acquired));
  return work(*lease);
}

}  // namespace motcua
