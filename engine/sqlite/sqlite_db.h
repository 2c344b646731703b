// sqlite_db.h: small RAII wrappers over the SQLite C API for the adapter.
//
// `SqliteConnection` owns one sqlite3* and caches its prepared statements by
// SQL text; `SqliteStatement` owns one sqlite3_stmt*. A connection and its
// statements are used by one thread at a time (the store hands connections to
// threads, see sqlite_store.h). Failures come back as Status/Result with the
// SQLite message; nothing throws.
//
// Example:
//   ASSIGN_OR_RETURN(SqliteStatement * stmt,
//                    connection.Prepare("SELECT version FROM dossiers WHERE code = ?1"));
//   StatementReset reset(stmt);  // resets when the scope ends
//   stmt->BindText(1, code);
//   ASSIGN_OR_RETURN(bool row, stmt->Step());  // true: a row is ready
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>

#include "engine/domain/status.h"
#include "engine/domain/status_macros.h"

namespace motcua {

// An Error for SQLite result code `rc`, naming what was being done. Busy and
// locked databases map to kUnavailable, constraint violations to kConflict,
// everything else to kInternal.
Error SqliteError(int rc, std::string_view what, sqlite3* db);

class SqliteStatement {
 public:
  SqliteStatement(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  sqlite3_stmt* handle() const { return stmt_; }

  // Parameters count from 1. Text and blobs are copied by SQLite.
  void BindInt(int index, std::int64_t value);
  void BindText(int index, std::string_view value);
  // Binds without copying: `value` must stay valid and unchanged until the
  // statement is reset (StatementReset). For the writer's hot path.
  void BindTextNoCopy(int index, std::string_view value);
  void BindBlob(int index, std::string_view bytes);
  void BindNull(int index);
  void BindOptionalInt(int index, const std::optional<std::int64_t>& value);
  void BindOptionalText(int index, const std::optional<std::string>& value);

  // One step: true when a row is ready, false when done.
  Result<bool> Step();
  // Steps to completion, for statements that return no rows.
  Status Run();
  // Steps through every row, calling `on_row(*this)` for each. `on_row`
  // returns void, or a Status that stops the walk when it is an error.
  // Returns the first error, SQLite's or `on_row`'s.
  template <typename OnRow>
  Status ForEachRow(OnRow&& on_row);
  // Clears the statement for reuse (bindings too) and ends its read, if any.
  void Reset();

  // Columns count from 0.
  bool IsNull(int column) const;
  bool IsBlob(int column) const;  // the value's storage class is BLOB
  std::int64_t ColumnInt(int column) const;
  std::string ColumnText(int column) const;
  std::string ColumnBlob(int column) const;
  std::optional<std::int64_t> ColumnOptionalInt(int column) const;
  std::optional<std::string> ColumnOptionalText(int column) const;

 private:
  sqlite3_stmt* stmt_;
  sqlite3* db_;
};

template <typename OnRow>
Status SqliteStatement::ForEachRow(OnRow&& on_row) {
  for (;;) {
    ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status();
    if constexpr (std::is_void_v<std::invoke_result_t<OnRow&, SqliteStatement&>>) {
      on_row(*this);
    } else if (Status status = on_row(*this); !status.ok()) {
      return status;
    }
  }
}

// Resets a cached statement when the scope ends, so no statement keeps a read
// transaction open after use.
class StatementReset {
 public:
  explicit StatementReset(SqliteStatement* stmt) : stmt_(stmt) {}
  ~StatementReset() { stmt_->Reset(); }
  StatementReset(const StatementReset&) = delete;
  StatementReset& operator=(const StatementReset&) = delete;

 private:
  SqliteStatement* stmt_;
};

class SqliteConnection {
 public:
  // Opens `path` with sqlite3_open_v2 `flags` (SQLITE_OPEN_NOMUTEX is added)
  // and sets the busy timeout.
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path, int flags,
                                                        int busy_timeout_ms);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  sqlite3* handle() const { return db_; }

  // Runs one or more statements without results (pragmas, BEGIN, DDL).
  Status Exec(const std::string& sql);
  // The cached statement for `sql`, prepared on first use. Owned by the
  // connection; valid until it closes. Reset after use (see StatementReset).
  Result<SqliteStatement*> Prepare(const std::string& sql);
  // The same for SQL text in a string constant: found by its address (and
  // checked against the statement's text), so a hit neither copies nor
  // hashes the text.
  Result<SqliteStatement*> Prepare(const char* sql);
  // The value of a single-value query such as "PRAGMA integrity_check".
  Result<std::string> QueryText(const std::string& sql);

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<SqliteStatement>> statements_;
  std::unordered_map<const char*, SqliteStatement*> statements_by_address_;
};

}  // namespace motcua
