#include "engine/sqlite/sqlite_connection_pool.h"

#include <semaphore.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <utility>

#include "engine/domain/fiber_parking.h"
#include "engine/domain/status_macros.h"
#include "engine/domain/thread_name.h"

namespace motcua {
namespace {

// How many callers one answered caller wakes (see AnswerBatch).
constexpr std::size_t kWakeFanOut = 4;

// One answerer wakes one waiter, once: a thread blocked on it, or a fiber
// parked on it (fiber_parking.h), whichever waits.
//
// A thread waits on a POSIX semaphore, because std::binary_semaphore in
// libstdc++ 12 calls sched_yield in a loop before it sleeps, which with
// hundreds of waiting callers burns the cores the writer needs. POSIX lets
// the waiter destroy the semaphore as soon as sem_wait returned, even while
// sem_post is still finishing. `state_` says who waits, so that Post touches
// the semaphore only when a thread waits on it, and resumes a fiber only
// once it is parked.
class Wakeup final : public ParkingSpot {
 public:
  Wakeup() { sem_init(&sem_, 0, 0); }
  ~Wakeup() { sem_destroy(&sem_); }
  Wakeup(const Wakeup&) = delete;
  Wakeup& operator=(const Wakeup&) = delete;

  void Wait() {
    if (FiberParker* parker = FiberParker::Current(); parker != nullptr) {
      return parker->ParkOn(*this);
    }
    int expected = kEmpty;
    if (!state_.compare_exchange_strong(expected, kThreadWaits, std::memory_order_acq_rel)) {
      return;  // posted already
    }
    while (sem_wait(&sem_) != 0) {  // EINTR
    }
  }

  void Post() {
    switch (state_.exchange(kPosted, std::memory_order_acq_rel)) {
      case kThreadWaits:
        // The waiter cannot return before this sem_post, so `this` lives.
        sem_post(&sem_);
        break;
      case kParked: {
        // Parked fibers stay suspended until `resume` runs, so `this` lives
        // until then; Park wrote resume_ before it published kParked.
        const FiberResume resume = resume_;
        resume.function(resume.context);
        break;
      }
      default: break;  // the waiter has not waited yet, and will see kPosted
    }
  }

  bool Park(FiberResume resume) override {
    resume_ = resume;
    int expected = kEmpty;
    return state_.compare_exchange_strong(expected, kParked, std::memory_order_acq_rel);
  }

 private:
  enum : int { kEmpty, kThreadWaits, kParked, kPosted };

  std::atomic<int> state_{kEmpty};
  FiberResume resume_;
  sem_t sem_;
};

// Runs `sql` (one statement without parameters) as a prepared statement
// kept by `db`, so that it is not compiled again on every call.
Status RunCached(SqliteConnection& db, const char* sql) {
  ASSIGN_OR_RETURN(SqliteStatement * stmt, db.Prepare(sql));
  StatementReset reset(stmt);
  return stmt->Run();
}

}  // namespace

// A queued write. It lives on the calling thread's stack: queueing and
// answering it allocates nothing, and the writer never frees it.
struct SqliteConnectionPool::PendingWrite {
  WriteCall call = nullptr;
  void* job = nullptr;
  Status result;
  // Set by the writer before the write is answered: the writes this one's
  // caller answers in turn.
  std::array<PendingWrite*, kWakeFanOut> next{};
  Wakeup answered;

  Status Apply(SqliteConnection& db) { return call(job, db); }
};

SqliteConnectionPool::SqliteConnectionPool(const SqliteConnectionOptions& options,
                                           SqliteWriterHooks hooks)
    : options_(options), hooks_(std::move(hooks)) {}

Result<std::unique_ptr<SqliteConnectionPool>> SqliteConnectionPool::Open(
    const SqliteConnectionOptions& options, SqliteWriterHooks hooks) {
  std::unique_ptr<SqliteConnectionPool> pool(new SqliteConnectionPool(options, std::move(hooks)));
  const SqliteConnectionOptions& o = pool->options_;
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> writer,
                   SqliteConnection::Open(o.path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                          o.busy_timeout_ms));
  pool->writer_ = std::move(writer);
  ASSIGN_OR_RETURN(std::string mode, pool->writer_->QueryText("PRAGMA journal_mode=WAL"));
  if (mode != "wal") {
    return Error(ErrorCode::kFailedPrecondition,
                 "database " + o.path + " cannot use WAL mode (got " + mode + ")");
  }
  RETURN_IF_ERROR(pool->writer_->Exec(
      std::string("PRAGMA synchronous=") + (o.synchronous == "full" ? "FULL" : "NORMAL") +
      "; PRAGMA foreign_keys=ON; PRAGMA cache_size=-" + std::to_string(o.writer_cache_kib)));
  if (pool->hooks_.set_up) {
    RETURN_IF_ERROR(pool->hooks_.set_up(*pool->writer_));
  }
  for (int i = 0; i < o.reader_connections; ++i) {
    ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> reader,
                     SqliteConnection::Open(o.path, SQLITE_OPEN_READONLY, o.busy_timeout_ms));
    pool->idle_readers_.push_back(std::move(reader));
  }
  ASSIGN_OR_RETURN(pool->checkpointer_,
                   SqliteConnection::Open(o.path, SQLITE_OPEN_READWRITE, o.busy_timeout_ms));
  // A connection that has not read the database does not know it is in WAL
  // mode yet, and its checkpoints would do nothing.
  RETURN_IF_ERROR(pool->checkpointer_->Exec("PRAGMA journal_mode"));
  SqliteConnectionPool* raw = pool.get();
  // Replaces SQLite's automatic checkpoint (itself a WAL hook) on the writer.
  sqlite3_wal_hook(pool->writer_->handle(), &SqliteConnectionPool::AfterWalCommit, raw);
  pool->checkpoint_thread_ = std::thread([raw] {
    NameThisThread("motcua-wal");
    raw->CheckpointLoop();
  });
  pool->writer_thread_ = std::thread([raw] {
    NameThisThread("motcua-writer");
    raw->WriterLoop();
  });
  return pool;
}

int SqliteConnectionPool::AfterWalCommit(void* pool, sqlite3* db, const char* /*name*/,
                                         int wal_pages) {
  auto* self = static_cast<SqliteConnectionPool*>(pool);
  if (wal_pages >= self->options_.writer_checkpoint_pages) {
    // Between two of the writer's transactions nothing is appended, so this
    // copies the whole WAL unless a reader still needs part of it.
    (void)sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return SQLITE_OK;
  }
  if (wal_pages >= self->options_.checkpoint_pages && !self->checkpoint_asked_.exchange(true)) {
    // Taking the lock orders the store before the thread's wait, so the
    // wake-up cannot fall between its test and its sleep.
    { std::lock_guard lock(self->checkpoint_mutex_); }
    self->checkpoint_wanted_.notify_one();
  }
  return SQLITE_OK;
}

// Runs a PASSIVE checkpoint whenever the writer asks for one. It copies the
// frames no reader still needs and never blocks the writer; a WAL fully
// copied is started again from its beginning by the writer's next
// transaction. A failed checkpoint (another process checkpointing, say) is
// simply tried again at the next request.
void SqliteConnectionPool::CheckpointLoop() {
  std::unique_lock lock(checkpoint_mutex_);
  for (;;) {
    checkpoint_wanted_.wait(lock, [this] { return checkpoint_asked_ || checkpoint_stopping_; });
    if (checkpoint_stopping_) return;
    lock.unlock();
    (void)sqlite3_wal_checkpoint_v2(checkpointer_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                    nullptr, nullptr);
    checkpoint_asked_.store(false);
    lock.lock();
  }
}

SqliteConnectionPool::~SqliteConnectionPool() {
  {
    std::lock_guard lock(write_mutex_);
    stopping_ = true;
  }
  write_ready_.notify_all();
  if (writer_thread_.joinable()) writer_thread_.join();
  {
    std::lock_guard lock(checkpoint_mutex_);
    checkpoint_stopping_ = true;
  }
  checkpoint_wanted_.notify_all();
  if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
}

SqliteConnectionPool::ReaderLease::ReaderLease(SqliteConnectionPool& pool) : pool_(pool) {
  std::unique_lock lock(pool_.reader_mutex_);
  pool_.reader_free_.wait(lock, [this] { return !pool_.idle_readers_.empty(); });
  connection_ = std::move(pool_.idle_readers_.back());
  pool_.idle_readers_.pop_back();
}

SqliteConnectionPool::ReaderLease::~ReaderLease() {
  {
    std::lock_guard lock(pool_.reader_mutex_);
    pool_.idle_readers_.push_back(std::move(connection_));
  }
  pool_.reader_free_.notify_one();
}

Status SqliteConnectionPool::ReaderLease::Begin() {
  return RunCached(*connection_, "BEGIN");
}

void SqliteConnectionPool::ReaderLease::End() {
  (void)RunCached(*connection_, "COMMIT");
}

Status SqliteConnectionPool::RunOnWriter(WriteCall call, void* job) {
  PendingWrite write;
  write.call = call;
  write.job = job;
  bool wake_writer = false;
  {
    std::lock_guard lock(write_mutex_);
    if (stopping_) return Error(ErrorCode::kUnavailable, "the store is closing");
    pending_.push_back(&write);
    // Wake the writer only when what it waits for is there: waking it on
    // every write while it lingers for a batch costs a context switch each.
    wake_writer = writer_waits_for_ != 0 && pending_.size() >= writer_waits_for_;
  }
  if (wake_writer) write_ready_.notify_one();
  write.answered.Wait();
  // Pass the answer on before using it (see AnswerBatch).
  for (PendingWrite* next : write.next) {
    if (next != nullptr) next->answered.Post();
  }
  return std::move(write.result);
}

// Gives every write of `batch` its result and wakes its caller. Waking a
// thread costs the waker a system call, and the writer is the bottleneck:
// it wakes only the first kWakeFanOut callers, and every woken caller wakes
// kWakeFanOut more before it returns (a tree, so the last caller of a batch
// of 256 is four wake-ups away). A write is only touched by the thread that
// wakes it, before it is woken, so no thread touches a write that returned.
void SqliteConnectionPool::AnswerBatch(std::vector<PendingWrite*>& batch,
                                       std::vector<Status>& results) {
  const std::size_t n = batch.size();
  {
    std::lock_guard lock(write_mutex_);
    // Writes that came while this batch ran show callers outpacing the
    // commits; with none, the writer keeps up and waits for nobody.
    expected_writes_ = pending_.empty() ? 1 : n + pending_.size();
  }
  for (std::size_t i = 0; i < n; ++i) {
    batch[i]->result = std::move(results[i]);
    for (std::size_t k = 0; k < kWakeFanOut; ++k) {
      const std::size_t child = kWakeFanOut * (i + 1) + k;
      batch[i]->next[k] = child < n ? batch[child] : nullptr;
    }
  }
  for (std::size_t i = 0; i < n && i < kWakeFanOut; ++i) batch[i]->answered.Post();
}

// Group commit. Callers block until their batch commits, so right after a
// commit they come back together: taking only the first one to arrive would
// alternate tiny and large batches (an fsync each). The writer therefore
// waits, briefly, until as many writes are pending as it expects: the
// callers of the previous batch plus the writes that arrived while it ran
// (counted before its callers were answered, see AnswerBatch). Counting
// both lets callers that took turns in two groups (each paying an fsync)
// merge into one batch. It waits at most half the last COMMIT's time (at
// least kLinger, at most kMaxLinger): when fsync is slow, merging saves
// the most. When fewer come, it takes what came, so a lone caller never
// waits. It waits only when writes arrived while the previous batch ran:
// otherwise the writer is keeping up with callers who arrive on their own
// (citizens and clerks, not a closed benchmark loop), and a wait would
// only add its length to each of their writes.
void SqliteConnectionPool::WriterLoop() {
  constexpr auto kLinger = std::chrono::microseconds(500);
  constexpr auto kMaxLinger = std::chrono::microseconds(5000);
  std::vector<PendingWrite*> batch;
  const std::size_t max_batch = static_cast<std::size_t>(options_.max_batch);
  for (;;) {
    {
      std::unique_lock lock(write_mutex_);
      writer_waits_for_ = 1;
      write_ready_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
      if (pending_.empty()) return;  // stopping, and everything is written
      const std::size_t wanted = std::min(expected_writes_, max_batch);
      if (pending_.size() < wanted) {
        const auto linger =
            std::clamp(std::chrono::duration_cast<std::chrono::microseconds>(last_commit_time_ / 2),
                       kLinger, kMaxLinger);
        writer_waits_for_ = wanted;
        write_ready_.wait_for(lock, linger, [&] { return stopping_ || pending_.size() >= wanted; });
      }
      writer_waits_for_ = 0;
      while (!pending_.empty() && batch.size() < max_batch) {
        batch.push_back(pending_.front());
        pending_.pop_front();
      }
    }
    RunBatch(batch);
    batch.clear();
  }
}

void SqliteConnectionPool::ViewLost() {
  if (hooks_.view_lost) hooks_.view_lost();
}

// Commits `batch` in one transaction and answers every write.
//
// Writes run back to back without per-write savepoints. A write that fails
// before changing any row (the usual case: a stale version, a duplicate
// code) simply gets its error while the others go on. A write that fails
// after changing rows would leave half a write in the transaction, so the
// whole batch is rolled back and replayed one write per savepoint.
void SqliteConnectionPool::RunBatch(std::vector<PendingWrite*>& batch) {
  std::vector<Status> results(batch.size());
  std::optional<Error> aborted;
  bool partial_failure = false;
  Status begun = BeginBatch();
  if (!begun.ok()) aborted = begun.error();
  for (std::size_t i = 0; i < batch.size() && !aborted && !partial_failure; ++i) {
    const int changes_before = sqlite3_total_changes(writer_->handle());
    results[i] = batch[i]->Apply(*writer_);
    if (sqlite3_get_autocommit(writer_->handle()) != 0) {
      aborted = TransactionLost(results[i]);
    } else if (!results[i].ok() && sqlite3_total_changes(writer_->handle()) != changes_before) {
      partial_failure = true;
    }
  }
  if (partial_failure) {
    (void)writer_->Exec("ROLLBACK");
    ViewLost();
    RunBatchWithSavepoints(batch);
    return;
  }
  if (!aborted) aborted = Commit();
  if (!aborted && hooks_.batch_committed) hooks_.batch_committed(batch.size());
  if (aborted) std::fill(results.begin(), results.end(), Status(*aborted));
  AnswerBatch(batch, results);
}

// The slow path of RunBatch: each write in its own savepoint, so a failing
// write is undone alone.
void SqliteConnectionPool::RunBatchWithSavepoints(std::vector<PendingWrite*>& batch) {
  std::vector<Status> results(batch.size());
  std::optional<Error> aborted;
  Status begun = BeginBatch();
  if (!begun.ok()) aborted = begun.error();
  for (std::size_t i = 0; i < batch.size() && !aborted; ++i) {
    Status savepoint = RunCached(*writer_, "SAVEPOINT write");
    results[i] = savepoint.ok() ? batch[i]->Apply(*writer_) : savepoint;
    if (sqlite3_get_autocommit(writer_->handle()) != 0) {
      aborted = TransactionLost(results[i]);
      break;
    }
    if (!results[i].ok()) {
      (void)RunCached(*writer_, "ROLLBACK TO write");
      ViewLost();
    }
    (void)RunCached(*writer_, "RELEASE write");
  }
  if (!aborted) aborted = Commit();
  if (!aborted && hooks_.batch_committed) hooks_.batch_committed(batch.size());
  if (aborted) std::fill(results.begin(), results.end(), Status(*aborted));
  AnswerBatch(batch, results);
}

// BEGIN IMMEDIATE, and the view dropped if another connection committed
// since the writer last looked (the write lock now keeps others out).
Status SqliteConnectionPool::BeginBatch() {
  RETURN_IF_ERROR(RunCached(*writer_, "BEGIN IMMEDIATE"));
  Result<std::string> version = writer_->QueryText("PRAGMA data_version");
  if (!version.ok() || *version != data_version_) {
    ViewLost();
    data_version_ = version.ok() ? *version : std::string();
  }
  return Status();
}

// SQLite rolled the whole transaction back (I/O error, disk full): every
// write of the batch is lost.
Error SqliteConnectionPool::TransactionLost(const Status& cause) {
  ViewLost();
  return Error(ErrorCode::kUnavailable,
               "the write transaction was aborted: " +
                   (cause.ok() ? std::string("unknown") : cause.error().message()));
}

// COMMIT, or the error that made it fail (after rolling back).
std::optional<Error> SqliteConnectionPool::Commit() {
  const auto start = std::chrono::steady_clock::now();
  Status committed = RunCached(*writer_, "COMMIT");
  last_commit_time_ = std::chrono::steady_clock::now() - start;
  if (committed.ok()) return std::nullopt;
  (void)writer_->Exec("ROLLBACK");
  ViewLost();
  return Error(committed.error().code(),
               "the write transaction failed to commit: " + committed.error().message());
}

}  // namespace motcua
