// pg_connection.h: one libpq connection to PostgreSQL, its parameters and
// results, with every failure as a value.
//
// Statements run with PQexecPrepared: each distinct SQL text is prepared
// once per connection (by the text, so callers pass constant SQL) and
// reused. Parameters go as text, except Bytes (bytea, binary). Results come
// as text unless a call asks for binary (for bytea columns).
//
// Failures are kUnavailable when the connection is lost or the server
// refuses it, kConflict (reason kConstraint) for a violated constraint
// (SQLSTATE class 23, as SQLite's SQLITE_CONSTRAINT), kInternal otherwise; LastSqlState() says
// which SQLSTATE the last failed statement had ("40001" serialization failure, "23505" unique
// violation, ...), so that callers can tell a retryable conflict apart.
// Not thread-safe: one thread uses a connection at a time (pg_pool.h).
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/domain/status.h"

namespace motcua {

// The parameters of one statement, $1, $2, ... in the order added.
class PgParams {
 public:
  PgParams& Text(std::string_view value);
  PgParams& Int(std::int64_t value);
  PgParams& Bool(bool value) { return Int(value ? 1 : 0); }
  PgParams& Null();
  PgParams& OptionalText(const std::optional<std::string>& value);
  PgParams& OptionalInt(const std::optional<std::int64_t>& value);
  // A bytea value, sent in binary.
  PgParams& Bytes(std::string_view value);

  int size() const { return static_cast<int>(values_.size()); }

 private:
  friend class PgConnection;
  std::vector<std::optional<std::string>> values_;
  std::vector<int> formats_;  // 0 text, 1 binary
};

// The rows of a statement that succeeded. Columns are read by index; Int
// parses a text integer column (kInternal for anything else goes unnoticed:
// callers select integer columns only), Bytes reads a binary-format column.
class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(PGresult* result) : result_(result) {}

  int Rows() const;
  bool IsNull(int row, int column) const;
  std::string Text(int row, int column) const;
  std::optional<std::string> OptionalText(int row, int column) const;
  std::int64_t Int(int row, int column) const;
  std::optional<std::int64_t> OptionalInt(int row, int column) const;
  std::string Bytes(int row, int column) const;
  // The number of rows an INSERT, UPDATE or DELETE touched.
  std::int64_t Affected() const;

 private:
  struct Clear {
    void operator()(PGresult* result) const { PQclear(result); }
  };
  std::unique_ptr<PGresult, Clear> result_;
};

// Appends `text` to `buffer` as one value of COPY's text format (CopyIn):
// backslash, newline, carriage return and tab escaped, every other byte as
// it is. NULL is the caller's "\\N".
void AppendCopyText(std::string& buffer, std::string_view text);

class PgConnection {
 public:
  // Connects with a libpq connection string or URI (postgresql://...);
  // kUnavailable with the server's message when it cannot.
  static Result<std::unique_ptr<PgConnection>> Connect(const std::string& conninfo);

  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one statement with `params` ($1...). `binary_results` returns every
  // column in binary (only for statements that select bytea alone).
  Result<PgResult> Exec(const std::string& sql, const PgParams& params = {},
                        bool binary_results = false);
  // Exec for statements whose rows, if any, do not matter.
  Status Run(const std::string& sql, const PgParams& params = {});
  // Runs SQL text that may hold several statements and no parameters
  // (migrations, BEGIN/COMMIT), without preparing it.
  Status RunScript(const std::string& sql);
  // Runs `copy_statement`, a COPY ... FROM STDIN, and streams its data: calls
  // `next_rows` with an empty `buffer` until it returns false, sending what
  // each call appended (rows in the COPY's format, whole or not; ~1 MiB a
  // call keeps memory flat and the round trips few). Returns the number of
  // rows the server copied. An error from `next_rows` aborts the COPY
  // (PQputCopyEnd with its message; the server rolls the statement back) and
  // is returned as it was; the server's failures (a row it cannot parse, a
  // violated constraint: reported when the data ends) come back as Exec's.
  // Like any failed statement, a failed COPY inside a transaction aborts it.
  Result<std::int64_t> CopyIn(const std::string& copy_statement,
                              const std::function<Result<bool>(std::string& buffer)>& next_rows);

  // The SQLSTATE of the last statement that failed ("" when it succeeded or
  // failed without reaching the server).
  const std::string& LastSqlState() const { return last_sql_state_; }
  // Whether the connection is usable; Reset reconnects a broken one.
  bool Healthy() const;
  Status Reset();

 private:
  explicit PgConnection(PGconn* connection) : connection_(connection) {}
  Result<PgResult> Check(PGresult* result, const std::string& sql);

  PGconn* connection_ = nullptr;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
  std::string last_sql_state_;
};

// SQLSTATEs callers act on.
inline constexpr std::string_view kPgUniqueViolation = "23505";
inline constexpr std::string_view kPgSerializationFailure = "40001";
inline constexpr std::string_view kPgDeadlockDetected = "40P01";

}  // namespace motcua
