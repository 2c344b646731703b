#include "engine/postgres/pg_connection.h"

#include <charconv>
#include <optional>
#include <utility>

namespace motcua {

void AppendCopyText(std::string& buffer, std::string_view text) {
  std::size_t run = 0;  // the start of the bytes not yet appended
  for (std::size_t i = 0; i < text.size(); ++i) {
    char escaped = 0;
    switch (text[i]) {
      case '\\': escaped = '\\'; break;
      case '\n': escaped = 'n'; break;
      case '\r': escaped = 'r'; break;
      case '\t': escaped = 't'; break;
      default: continue;
    }
    buffer.append(text.substr(run, i - run));
    buffer += '\\';
    buffer += escaped;
    run = i + 1;
  }
  buffer.append(text.substr(run));
}

namespace {

std::string ServerMessage(const PGconn* connection) {
  std::string message = PQerrorMessage(connection);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

}  // namespace

PgParams& PgParams::Text(std::string_view value) {
  values_.emplace_back(std::string(value));
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::Int(std::int64_t value) {
  values_.emplace_back(std::to_string(value));
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::Null() {
  values_.emplace_back(std::nullopt);
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::OptionalText(const std::optional<std::string>& value) {
  return value ? Text(*value) : Null();
}

PgParams& PgParams::OptionalInt(const std::optional<std::int64_t>& value) {
  return value ? Int(*value) : Null();
}

PgParams& PgParams::Bytes(std::string_view value) {
  values_.emplace_back(std::string(value));
  formats_.push_back(1);
  return *this;
}

int PgResult::Rows() const {
  return result_ ? PQntuples(result_.get()) : 0;
}

bool PgResult::IsNull(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

std::string PgResult::Text(int row, int column) const {
  const char* value = PQgetvalue(result_.get(), row, column);
  return std::string(value, static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

std::optional<std::string> PgResult::OptionalText(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return Text(row, column);
}

std::int64_t PgResult::Int(int row, int column) const {
  const char* value = PQgetvalue(result_.get(), row, column);
  const char* end = value + PQgetlength(result_.get(), row, column);
  std::int64_t number = 0;
  std::from_chars(value, end, number);
  return number;
}

std::optional<std::int64_t> PgResult::OptionalInt(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return Int(row, column);
}

std::string PgResult::Bytes(int row, int column) const {
  return Text(row, column);
}

std::int64_t PgResult::Affected() const {
  const char* tuples = PQcmdTuples(result_.get());
  std::int64_t count = 0;
  std::from_chars(tuples, tuples + std::char_traits<char>::length(tuples), count);
  return count;
}

Result<std::unique_ptr<PgConnection>> PgConnection::Connect(const std::string& conninfo) {
  PGconn* connection = PQconnectdb(conninfo.c_str());
  if (connection == nullptr) {
    return Error(ErrorCode::kUnavailable, "PostgreSQL: out of memory connecting");
  }
  if (PQstatus(connection) != CONNECTION_OK) {
    std::string message = ServerMessage(connection);
    PQfinish(connection);
    return Error(ErrorCode::kUnavailable, "PostgreSQL: cannot connect: " + message);
  }
  // The server's notices ("relation ... already exists, skipping") are not
  // the operator's business; errors come back as values.
  PQsetNoticeProcessor(
      connection, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<PgConnection>(new PgConnection(connection));
}

PgConnection::~PgConnection() {
  PQfinish(connection_);
}

bool PgConnection::Healthy() const {
  return PQstatus(connection_) == CONNECTION_OK;
}

Status PgConnection::Reset() {
  prepared_.clear();
  PQreset(connection_);
  if (!Healthy()) {
    return Error(ErrorCode::kUnavailable,
                 "PostgreSQL: cannot reconnect: " + ServerMessage(connection_));
  }
  return Status();
}

Result<PgResult> PgConnection::Check(PGresult* result, const std::string& sql) {
  const ExecStatusType status = result == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    last_sql_state_.clear();
    return PgResult(result);
  }
  const char* state = result == nullptr ? nullptr : PQresultErrorField(result, PG_DIAG_SQLSTATE);
  last_sql_state_ = state == nullptr ? "" : state;
  std::string message =
      result == nullptr ? ServerMessage(connection_) : std::string(PQresultErrorMessage(result));
  while (!message.empty() && message.back() == '\n') message.pop_back();
  PQclear(result);
  const std::string what = "PostgreSQL: " + message + " (in: " + sql.substr(0, 80) + ")";
  if (!Healthy() || last_sql_state_.rfind("08", 0) == 0) {
    return Error(ErrorCode::kUnavailable, what);
  }
  // Integrity constraint violations (class 23), as SQLite's SQLITE_CONSTRAINT.
  if (last_sql_state_.rfind("23", 0) == 0) {
    return Error(ErrorCode::kConflict, what, ErrorReason::kConstraint);
  }
  return Error(ErrorCode::kInternal, what);
}

Result<PgResult> PgConnection::Exec(const std::string& sql, const PgParams& params,
                                    bool binary_results) {
  auto found = prepared_.find(sql);
  if (found == prepared_.end()) {
    std::string name = "s" + std::to_string(prepared_.size() + 1);
    PGresult* prepared = PQprepare(connection_, name.c_str(), sql.c_str(), 0, nullptr);
    Result<PgResult> checked = Check(prepared, sql);
    if (!checked.ok()) return checked.error();
    found = prepared_.emplace(sql, std::move(name)).first;
  }
  std::vector<const char*> values;
  std::vector<int> lengths;
  values.reserve(params.values_.size());
  lengths.reserve(params.values_.size());
  for (const std::optional<std::string>& value : params.values_) {
    values.push_back(value ? value->data() : nullptr);
    lengths.push_back(value ? static_cast<int>(value->size()) : 0);
  }
  PGresult* result =
      PQexecPrepared(connection_, found->second.c_str(), params.size(), values.data(),
                     lengths.data(), params.formats_.data(), binary_results ? 1 : 0);
  return Check(result, sql);
}

Status PgConnection::Run(const std::string& sql, const PgParams& params) {
  Result<PgResult> result = Exec(sql, params);
  if (!result.ok()) return result.error();
  return Status();
}

Status PgConnection::RunScript(const std::string& sql) {
  Result<PgResult> result = Check(PQexec(connection_, sql.c_str()), sql);
  if (!result.ok()) return result.error();
  return Status();
}

Result<std::int64_t> PgConnection::CopyIn(
    const std::string& copy_statement,
    const std::function<Result<bool>(std::string& buffer)>& next_rows) {
  PGresult* started = PQexec(connection_, copy_statement.c_str());
  if (started == nullptr || PQresultStatus(started) != PGRES_COPY_IN) {
    Result<PgResult> checked = Check(started, copy_statement);
    if (!checked.ok()) return checked.error();
    return Error(ErrorCode::kInternal,
                 "PostgreSQL: not a COPY FROM STDIN (in: " + copy_statement.substr(0, 80) + ")");
  }
  PQclear(started);
  std::optional<Error> failure;
  bool sent = true;
  std::string buffer;
  for (bool more = true; more && sent;) {
    buffer.clear();
    Result<bool> next = next_rows(buffer);
    if (!next.ok()) {
      failure = next.error();
      break;
    }
    more = *next;
    if (!buffer.empty()) {
      sent = PQputCopyData(connection_, buffer.data(), static_cast<int>(buffer.size())) == 1;
    }
  }
  // Ending the COPY (with an error message when it is abandoned) makes the
  // server answer; a refused PQputCopyData or PQputCopyEnd leaves the reason
  // in the connection's message, and PQgetResult reports it.
  const std::string abandoned = failure ? failure->message() : std::string();
  if (sent) (void)PQputCopyEnd(connection_, failure ? abandoned.c_str() : nullptr);
  Result<PgResult> outcome = Error(
      ErrorCode::kUnavailable, "PostgreSQL: the COPY got no answer: " + ServerMessage(connection_));
  while (PGresult* result = PQgetResult(connection_)) {
    if (PQresultStatus(result) == PGRES_COPY_IN) {
      // Still copying: the data could not be sent. End the COPY and go on.
      PQclear(result);
      if (PQputCopyEnd(connection_, "the data could not be sent") != 1) {
        outcome = Error(ErrorCode::kUnavailable, "PostgreSQL: the COPY's data could not be sent: " +
                                                     ServerMessage(connection_));
        break;
      }
      continue;
    }
    outcome = Check(result, copy_statement);
  }
  if (failure) return *failure;
  if (!outcome.ok()) return outcome.error();
  return outcome->Affected();
}

}  // namespace motcua
