// sqlite_connection_pool.h: the connections of one SQLite database file: a
// single writer thread that group-commits queued writes, and a pool of
// read-only connections.
//
// Writes. Write(job) queues `job`, a callable Status(SqliteConnection&), and
// blocks until it is answered (on a fiber, parks it instead:
// engine/domain/fiber_parking.h). The writer thread takes up to `max_batch`
// pending jobs, opens one transaction (BEGIN IMMEDIATE), runs them one after
// another on the writer connection, commits, and only then answers every
// waiting caller. Hence:
//  - Durability: a job answered OK is committed (at the configured
//    synchronous level): it survives a crash of the process.
//  - Failure isolation: a job that fails gets its own error and the others
//    of its batch still commit. A job that fails after changing rows makes
//    the writer roll back and replay the batch with a savepoint per job, so
//    that nothing of the failed job remains. A job must therefore be
//    repeatable: it may run twice, and must set its outputs anew each time.
//  - What a job may do: run statements on the connection it is given, inside
//    the writer's transaction. It must not begin, commit or roll back a
//    transaction, keep the connection, or block on another write (the writer
//    would wait for itself). It must not throw.
//  - Writer-thread state: jobs run on the writer thread, one at a time, so
//    state touched only by jobs needs no lock. State that mirrors rows must be
//    dropped in `view_lost` (see SqliteConnectionPoolOptions), which the
//    writer calls whenever rows it saw may be gone: after any rollback (to a
//    savepoint too) and when another connection committed meanwhile.
// A caller's job lives on the caller's stack: queueing and answering
// allocate nothing.
//
// Reads. Read(read) lends a read-only connection to the calling thread (it
// waits while all are lent) and runs `read` inside one read transaction, so
// that a multi-statement read sees one committed snapshot.
//
// Thread safety: Write and Read may be called from any number of threads.
// The destructor finishes every queued write, then closes all connections;
// no call may be running or start once it began.
//
// Checkpoints. The WAL's frames are copied back into the database file by a
// thread of their own, on a connection of its own (a PASSIVE checkpoint:
// it waits for nobody and nobody waits for it), once the WAL holds
// `checkpoint_pages` pages. SQLite's automatic checkpoint would run inside
// a writer's COMMIT instead, and every write of that batch, and of the
// batches queued behind it, would wait for the copy and its fsync. A WAL
// is started again from its beginning only once all of it was copied, which
// a checkpoint racing the writer may keep missing; should the WAL still
// reach `writer_checkpoint_pages`, the writer checkpoints it itself after
// that commit, as SQLite would, so that it cannot grow without bound.
//
// Prepared statements stay cached per connection (SqliteConnection::Prepare):
// a job or read prepares its statements by their constant SQL text.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "engine/domain/status.h"
#include "engine/domain/status_macros.h"
#include "engine/sqlite/sqlite_db.h"

namespace motcua {

// Where the database is and how its connections behave. SqliteStoreOptions
// extends it; SqliteStore::Open checks the values.
struct SqliteConnectionOptions {
  std::string path;                  // the database file; created if absent
  std::string synchronous = "full";  // "full" (durable on power loss) or "normal"
  int max_batch = 256;               // writes per transaction, at most
  int reader_connections = 4;        // size of the read-only pool
  int busy_timeout_ms = 5000;        // wait this long for another process's lock
  // Page cache of the writer connection, in KiB. SQLite's default (2 MiB)
  // makes a writer on a multi-GB database miss on most index pages.
  int writer_cache_kib = 64 * 1024;
  // WAL pages after which the checkpoint thread copies them into the
  // database file (SQLite's own automatic checkpoint uses 1000).
  int checkpoint_pages = 1000;
  // WAL pages at which the writer checkpoints after its commit itself, when
  // the checkpoint thread did not keep the WAL shorter.
  int writer_checkpoint_pages = 16000;
};

// What the pool's owner runs on the writer connection or thread. Each may be
// empty.
struct SqliteWriterHooks {
  // Runs once on the writer connection after it opened (WAL, pragmas set),
  // before the readers open and the writer thread starts: migrations.
  std::function<Status(SqliteConnection& writer)> set_up;
  // Called on the writer thread when rows jobs wrote may be gone (see above).
  std::function<void()> view_lost;
  // Called on the writer thread after each successful COMMIT with the number
  // of writes it committed. Must be cheap.
  std::function<void(std::size_t writes)> batch_committed;
};

class SqliteConnectionPool {
 public:
  // Opens the writer connection (WAL mode, `synchronous`, foreign keys on),
  // runs `set_up`, opens the readers and starts the writer thread.
  // kFailedPrecondition when the database cannot use WAL; `set_up`'s error;
  // kInternal/kUnavailable when SQLite fails. The options are not checked
  // here (the store checks them).
  static Result<std::unique_ptr<SqliteConnectionPool>> Open(const SqliteConnectionOptions& options,
                                                            SqliteWriterHooks hooks);

  ~SqliteConnectionPool();
  SqliteConnectionPool(const SqliteConnectionPool&) = delete;
  SqliteConnectionPool& operator=(const SqliteConnectionPool&) = delete;

  // Queues `job` and waits until its batch committed (see the contract
  // above). kUnavailable when the pool is closing.
  template <typename Job>
  Status Write(Job&& job) {
    return RunOnWriter(
        [](void* target, SqliteConnection& db) -> Status {
          return (*static_cast<std::remove_reference_t<Job>*>(target))(db);
        },
        const_cast<void*>(static_cast<const void*>(&job)));
  }

  // Runs `read` on a lent read-only connection, in one read transaction.
  template <typename T>
  Result<T> Read(const std::function<Result<T>(SqliteConnection&)>& read) {
    ReaderLease lease(*this);
    RETURN_IF_ERROR(lease.Begin());
    Result<T> result = read(lease.connection());
    lease.End();
    return result;
  }

 private:
  struct PendingWrite;
  using WriteCall = Status (*)(void* job, SqliteConnection& db);

  // A read-only connection lent to one thread; returned on scope exit.
  class ReaderLease {
   public:
    explicit ReaderLease(SqliteConnectionPool& pool);
    ~ReaderLease();
    ReaderLease(const ReaderLease&) = delete;
    ReaderLease& operator=(const ReaderLease&) = delete;
    SqliteConnection& connection() { return *connection_; }
    Status Begin();
    void End();

   private:
    SqliteConnectionPool& pool_;
    std::unique_ptr<SqliteConnection> connection_;
  };

  SqliteConnectionPool(const SqliteConnectionOptions& options, SqliteWriterHooks hooks);

  Status RunOnWriter(WriteCall call, void* job);
  void WriterLoop();
  void RunBatch(std::vector<PendingWrite*>& batch);
  void RunBatchWithSavepoints(std::vector<PendingWrite*>& batch);
  void AnswerBatch(std::vector<PendingWrite*>& batch, std::vector<Status>& results);
  Status BeginBatch();
  Error TransactionLost(const Status& cause);
  std::optional<Error> Commit();
  void ViewLost();
  // sqlite3_wal_hook of the writer connection: after each commit.
  static int AfterWalCommit(void* pool, sqlite3* db, const char* name, int wal_pages);
  void CheckpointLoop();

  const SqliteConnectionOptions options_;
  const SqliteWriterHooks hooks_;

  std::unique_ptr<SqliteConnection> writer_;
  std::string data_version_;  // of the writer connection when last checked (writer thread)
  std::mutex write_mutex_;
  std::condition_variable write_ready_;
  std::deque<PendingWrite*> pending_;
  bool stopping_ = false;
  std::size_t expected_writes_ = 1;  // the batch size the writer waits for (see WriterLoop)
  // While the writer sleeps: the number of pending writes that should wake
  // it; 0 while it runs a batch (nobody needs to wake it then).
  std::size_t writer_waits_for_ = 0;
  std::chrono::steady_clock::duration last_commit_time_{};  // writer thread only
  std::thread writer_thread_;

  std::unique_ptr<SqliteConnection> checkpointer_;  // the checkpoint thread's
  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_wanted_;
  bool checkpoint_stopping_ = false;  // guarded by checkpoint_mutex_
  // Set by the writer when it asks for a checkpoint, cleared once one ran:
  // the writer asks (and wakes the thread) at most once per checkpoint.
  std::atomic<bool> checkpoint_asked_{false};
  std::thread checkpoint_thread_;

  std::mutex reader_mutex_;
  std::condition_variable reader_free_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_readers_;
};

}  // namespace motcua
