// What the connection pool promises beyond the store's contract: the WAL is
// checkpointed by the pool's own thread, never by SQLite inside a COMMIT.
#include "engine/sqlite/sqlite_connection_pool.h"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include "tests/engine/sqlite/temp_directory.h"

namespace motcua {
namespace {

// The size of `path`, or 0 if it does not exist.
std::uintmax_t SizeOf(const std::string& path) {
  std::error_code ignored;
  const std::uintmax_t size = std::filesystem::file_size(path, ignored);
  return ignored ? 0 : size;
}

// A pool as `options` says, on a database holding one table: blobs.
std::unique_ptr<SqliteConnectionPool> OpenBlobPool(const SqliteConnectionOptions& options) {
  SqliteWriterHooks hooks;
  hooks.set_up = [](SqliteConnection& db) {
    return db.Exec("CREATE TABLE blobs (id INTEGER PRIMARY KEY, bytes BLOB NOT NULL)");
  };
  Result<std::unique_ptr<SqliteConnectionPool>> pool = SqliteConnectionPool::Open(options, hooks);
  REQUIRE(pool.ok());
  return std::move(pool).value();
}

// About 50 pages of rows, in 25 commits of one 8,000-byte row each.
void WriteBlobs(SqliteConnectionPool& pool) {
  for (int i = 0; i < 25; ++i) {
    REQUIRE(pool.Write([](SqliteConnection& db) {
                  return db.Exec("INSERT INTO blobs (bytes) VALUES (randomblob(8000))");
                })
                .ok());
  }
}

TEST_CASE("sqlite pool: the checkpoint thread copies the WAL into the database file") {
  TempDirectory dir;
  REQUIRE(!dir.path().empty());
  SqliteConnectionOptions options;
  options.path = dir.File("pool.db");
  options.checkpoint_pages = 20;
  std::unique_ptr<SqliteConnectionPool> pool = OpenBlobPool(options);
  const std::uintmax_t before = SizeOf(options.path);

  // Well past 20 pages, and far short of the 1000 at which SQLite's own
  // automatic checkpoint would copy them.
  WriteBlobs(*pool);
  // Until a checkpoint copies them, the rows are only in the WAL.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (SizeOf(options.path) < before + 100 * 1024 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(SizeOf(options.path) >= before + 100 * 1024);

  // What was copied reads back, through the pool and after it closed.
  Result<std::string> rows = pool->Read<std::string>(
      [](SqliteConnection& db) { return db.QueryText("SELECT COUNT(*) FROM blobs"); });
  REQUIRE(rows.ok());
  CHECK(*rows == "25");
  pool.reset();
  Result<std::unique_ptr<SqliteConnection>> reopened =
      SqliteConnection::Open(options.path, SQLITE_OPEN_READONLY, 1000);
  REQUIRE(reopened.ok());
  CHECK((*reopened)->QueryText("SELECT COUNT(*) FROM blobs").value() == "25");
}

TEST_CASE("sqlite pool: a WAL the checkpoint thread lets grow is checkpointed by the writer") {
  // The thread is asked only at 1,000,000 pages here, so only the writer's
  // own limit can copy the rows.
  TempDirectory dir;
  REQUIRE(!dir.path().empty());
  SqliteConnectionOptions options;
  options.path = dir.File("pool.db");
  options.checkpoint_pages = 1000000;
  options.writer_checkpoint_pages = 20;
  std::unique_ptr<SqliteConnectionPool> pool = OpenBlobPool(options);
  const std::uintmax_t before = SizeOf(options.path);
  WriteBlobs(*pool);
  // The writer's checkpoint ran inside a commit: no waiting needed.
  CHECK(SizeOf(options.path) >= before + 100 * 1024);
  // Below its limit the writer leaves the WAL alone: a fresh pool with
  // both limits out of reach keeps the rows in the WAL.
  SqliteConnectionOptions neither = options;
  neither.path = dir.File("neither.db");
  neither.writer_checkpoint_pages = 1000000;
  std::unique_ptr<SqliteConnectionPool> idle = OpenBlobPool(neither);
  const std::uintmax_t idle_before = SizeOf(neither.path);
  WriteBlobs(*idle);
  CHECK(SizeOf(neither.path) == idle_before);
}

}  // namespace
}  // namespace motcua
