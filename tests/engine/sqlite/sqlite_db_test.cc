// What SqliteConnection sets up beyond opening a file.
#include "engine/sqlite/sqlite_db.h"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include "tests/engine/sqlite/temp_directory.h"

namespace motcua {
namespace {

TEST_CASE("sqlite connection: SQLite counts no memory, so its allocations take no global lock") {
  // With memory statistics on (SQLite's default), every sqlite3_malloc and
  // sqlite3_free of every connection takes one process-wide mutex, and
  // sqlite3_memory_used() counts what is held. Off, it stays 0.
  TempDirectory dir;
  auto db =
      SqliteConnection::Open(dir.File("m.db"), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, 1000)
          .value();
  REQUIRE(db->Exec("CREATE TABLE t (x BLOB); INSERT INTO t VALUES (randomblob(100000));").ok());
  auto select = db->Prepare("SELECT length(x) FROM t").value();
  StatementReset reset(select);
  REQUIRE(select->Step().value());
  CHECK(select->ColumnInt(0) == 100000);
  CHECK(sqlite3_memory_used() == 0);
}

}  // namespace
}  // namespace motcua
