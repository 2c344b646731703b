#include "engine/cli/copy_command.h"

#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "engine/cli/database.h"
#include "engine/cli/options.h"
#include "engine/cli/system_clock.h"
#include "engine/crypto/hex.h"
#include "engine/domain/status_macros.h"
#include "engine/postgres/pg_connection.h"
#include "engine/postgres/pg_migrations.h"
#include "engine/sqlite/feed_payload_codec.h"
#include "engine/sqlite/sqlite_db.h"

namespace motcua::cli {
namespace {

constexpr std::string_view kUsage =
    "Usage: motcua copy --from PATH --to URI\n"
    "\n"
    "Copies the SQLite database PATH into the PostgreSQL database URI\n"
    "(postgresql://[user@]host[:port]/dbname[?param=value...], without a\n"
    "password: libpq reads it from a password file, passfile= in the URI or\n"
    "PGPASSFILE), to move a deployment to PostgreSQL. PATH may be in use: the\n"
    "copy is one snapshot of it. Both must be at the same schema version\n"
    "(upgrade one side first). The target gets the schema if it has none and\n"
    "must hold no rows: a copy never merges. Everything is copied in one\n"
    "transaction, committed only when every table has as many rows on both\n"
    "sides (the counts are printed), so a failed copy leaves the target empty.\n"
    "Progress goes to standard error.\n"
    "\n"
    "Exit status: 0 copied, 1 refused (schema versions differ, the target is\n"
    "not empty, the counts differ; nothing copied), 2 usage error, 3 failed\n"
    "(unreadable file, database error; nothing copied).\n";

// What COPY receives per call: large enough to keep round trips few, small
// enough to keep memory flat.
constexpr std::size_t kChunkBytes = std::size_t{1} << 20;
constexpr auto kProgressInterval = std::chrono::seconds(2);

// The copied tables, each after the tables its foreign keys name (users
// before tokens and sessions, documents before document_uploads). A table
// both schemas have that is not listed here is copied after these.
constexpr const char* kTableOrder[] = {
    "definitions",
    "dossier_sequences",
    "dossiers",
    "queue_entries",
    "documents",
    "document_uploads",
    "dossier_documents",
    "events",
    "outbox",
    "outbox_retention",
    "feed_delivery",
    "feed_dead_letters",
    "idempotency_keys",
    "payments",
    "report_facts",
    "report_branch_facts",
    "users",
    "tokens",
    "sessions",
    "login_attempts",
    "external_identities",
};

// SQLite tables whose rows are not copied: each side records its own
// migrations; the identity generation's one row exists on both sides and is
// updated (SetCounters). report_daily is copied (both stores sum the same
// counts per day, engine/storage/report_rollup.h); PostgreSQL's
// report_daily_changes starts empty.
constexpr const char* kNotCopied[] = {"schema_migrations", "identity_generation"};

// Rows the copy refuses to write, or whose counts differ: exit 1.
Error Refusal(std::string message) {
  return Error(ErrorCode::kFailedPrecondition, std::move(message));
}

Error WithContext(const Error& error, const std::string& context) {
  return Error(error.code(), context + ": " + error.message(), error.reason());
}

std::string Quoted(std::string_view identifier) {
  std::string quoted = "\"";
  for (char c : identifier) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

// 1234567 -> "1,234,567".
std::string Thousands(std::int64_t number) {
  std::string digits = std::to_string(number < 0 ? -number : number);
  std::string grouped;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return number < 0 ? "-" + grouped : grouped;
}

std::string Seconds(std::chrono::steady_clock::duration elapsed) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", std::chrono::duration<double>(elapsed).count());
  return text;
}

// bytea's hex input "\x0a1b..." with its backslash escaped for COPY.
void AppendHexBytes(std::string& out, const unsigned char* bytes, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  const std::size_t at = out.size();
  out.resize(at + 3 + 2 * size);
  char* write = out.data() + at;
  *write++ = '\\';
  *write++ = '\\';
  *write++ = 'x';
  for (std::size_t i = 0; i < size; ++i) {
    *write++ = kDigits[bytes[i] >> 4];
    *write++ = kDigits[bytes[i] & 0x0f];
  }
}

// How a BLOB that SQLite keeps in a column PostgreSQL holds as text is
// written there (the stored feed payloads, feed_payload_codec.h); null for a
// column that holds no such BLOBs.
using BlobAsText = Result<std::string> (*)(std::string_view blob);

// The BlobAsText of SQLite's `table`.`column`: the compressed feed payloads
// (feed_payload_codec.h) and the events' hashes (32 bytes, dossier_codec.h)
// are JSON and hex text in PostgreSQL.
BlobAsText BlobAsTextOf(const std::string& table, const std::string& column) {
  if (table == "outbox" && column == "payload") return &DecompressFeedPayload;
  if (table == "events" && column == "hash") {
    return [](std::string_view bytes) -> Result<std::string> { return LowerHex(bytes); };
  }
  return nullptr;
}

// Column `column` of the current row of `row` in text COPY format: NULL as
// \N, integers in decimal, text escaped, BLOBs (any value of a bytea column)
// as hex, and a BLOB in a text column as `blob_as_text` makes it.
Status AppendValue(std::string& out, sqlite3_stmt* row, int column, bool bytea,
                   BlobAsText blob_as_text) {
  const int type = sqlite3_column_type(row, column);
  if (type == SQLITE_NULL) {
    out += "\\N";
    return Status();
  }
  if (bytea) {
    const auto* bytes = static_cast<const unsigned char*>(sqlite3_column_blob(row, column));
    AppendHexBytes(out, bytes, static_cast<std::size_t>(sqlite3_column_bytes(row, column)));
    return Status();
  }
  if (type == SQLITE_BLOB && blob_as_text != nullptr) {
    const auto* bytes = static_cast<const char*>(sqlite3_column_blob(row, column));
    ASSIGN_OR_RETURN(std::string text,
                     blob_as_text(std::string_view(
                         bytes, static_cast<std::size_t>(sqlite3_column_bytes(row, column)))));
    AppendCopyText(out, text);
    return Status();
  }
  if (type == SQLITE_INTEGER) {
    char digits[24];
    const auto written =
        std::to_chars(digits, digits + sizeof digits, sqlite3_column_int64(row, column));
    out.append(digits, written.ptr);
    return Status();
  }
  if (type == SQLITE_FLOAT) {
    char digits[32];
    const int size =
        std::snprintf(digits, sizeof digits, "%.17g", sqlite3_column_double(row, column));
    out.append(digits, static_cast<std::size_t>(size));
    return Status();
  }
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(row, column));
  AppendCopyText(
      out, std::string_view(text, static_cast<std::size_t>(sqlite3_column_bytes(row, column))));
  return Status();
}

struct PgColumn {
  std::string type;  // information_schema's data_type: "bigint", "text", "bytea"
  bool generated = false;
};

// One table to copy.
struct Table {
  std::string name;
  std::vector<std::string> columns;  // in SQLite's order
  std::vector<bool> bytea;           // per column: PostgreSQL's type is bytea
  std::vector<BlobAsText> blob_as_text;  // per column: how its BLOBs become text
  std::string order_by;              // a column, or empty for SQLite's order
  std::int64_t sqlite_rows = 0;
  std::int64_t postgres_rows = 0;
};

// The progress lines of one table on the operator's terminal.
class Progress {
 public:
  Progress(std::ostream& err, const Table& table) : err_(err), table_(table) {
    err_ << table_.name << ": copying " << Thousands(table_.sqlite_rows) << " rows\n" << std::flush;
  }

  // Prints how far it got, at most once per kProgressInterval.
  void Tick(std::int64_t rows) {
    const auto now = std::chrono::steady_clock::now();
    if (now < next_) return;
    next_ = now + kProgressInterval;
    err_ << table_.name << ": " << Thousands(rows) << " of " << Thousands(table_.sqlite_rows)
         << " rows";
    if (table_.sqlite_rows > 0) err_ << " (" << rows * 100 / table_.sqlite_rows << "%)";
    err_ << '\n' << std::flush;
  }

  void Done(std::int64_t rows) {
    err_ << table_.name << ": " << Thousands(rows) << " rows copied in "
         << Seconds(std::chrono::steady_clock::now() - start_) << " s\n"
         << std::flush;
  }

 private:
  std::ostream& err_;
  const Table& table_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point next_ = start_ + kProgressInterval;
};

class Copier {
 public:
  Copier(std::string from, std::string to, CommandIo io)
      : from_(std::move(from)), to_(std::move(to)), io_(io) {}

  // The whole copy; a Refusal or another error, with the target as it was
  // (but for the schema migrations).
  Status Run() {
    const auto start = std::chrono::steady_clock::now();
    RETURN_IF_ERROR(OpenSnapshot());
    ASSIGN_OR_RETURN(std::int64_t version, SqliteVersion());
    const std::vector<Migration>& migrations = EmbeddedPostgresMigrations();
    const std::int64_t newest = migrations.empty() ? 0 : migrations.back().version;
    if (version != newest) {
      return Refusal("the SQLite database is at schema version " + std::to_string(version) +
                     ", this motcua's PostgreSQL schema at " + std::to_string(newest) +
                     ": upgrade one side first (" +
                     (version < newest ? "start this motcua's `serve` on the SQLite file once"
                                       : "use a motcua as new as the SQLite database") +
                     ")");
    }
    ASSIGN_OR_RETURN(auto sqlite_tables, SqliteTables());
    ASSIGN_OR_RETURN(sqlite_generation_, SqliteIdentityGeneration());

    ASSIGN_OR_RETURN(postgres_, PgConnection::Connect(to_));
    // Client text is UTF-8 as SQLite's; a copy of gigabytes may take longer
    // than the server's (or the role's) statement timeout allows.
    RETURN_IF_ERROR(
        postgres_->RunScript("SET client_encoding = 'UTF8'; SET statement_timeout = 0; "
                             "SET idle_in_transaction_session_timeout = 0"));
    SystemClock clock;
    ASSIGN_OR_RETURN(std::int64_t target_version,
                     ApplyPostgresMigrations(*postgres_, migrations, clock.Now()));
    if (target_version != version) {
      return Refusal("the PostgreSQL database is at schema version " +
                     std::to_string(target_version) + ", the SQLite database at " +
                     std::to_string(version) + ": upgrade one side first");
    }
    ASSIGN_OR_RETURN(auto postgres_tables, PostgresTables());
    RETURN_IF_ERROR(Plan(sqlite_tables, postgres_tables));

    RETURN_IF_ERROR(postgres_->RunScript("BEGIN"));
    Status copied = CopyAll(version);
    if (copied.ok()) copied = postgres_->RunScript("COMMIT");
    if (!copied.ok()) {
      (void)postgres_->RunScript("ROLLBACK");
      return copied;
    }
    (void)sqlite_->Exec("COMMIT");
    std::int64_t rows = 0;
    for (const Table& table : tables_) rows += table.postgres_rows;
    io_.out << "copied " << Thousands(rows) << " rows in "
            << Seconds(std::chrono::steady_clock::now() - start) << " s; now run: motcua audit "
            << "verify --db " << DatabaseLabel(to_) << " and compare with --db " << from_ << '\n';
    return Status();
  }

 private:
  Status OpenSnapshot() {
    ASSIGN_OR_RETURN(sqlite_, SqliteConnection::Open(from_, SQLITE_OPEN_READONLY, 5000));
    // One read transaction for everything: its snapshot starts at the first
    // read and holds until COMMIT, whatever a server writes meanwhile.
    return sqlite_->Exec("BEGIN");
  }

  Result<std::int64_t> SqliteVersion() {
    Result<SqliteStatement*> statement =
        sqlite_->Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!statement.ok()) {
      return WithContext(statement.error(), from_ + " is not a motcua database");
    }
    StatementReset reset(*statement);
    ASSIGN_OR_RETURN(bool row, (*statement)->Step());
    if (!row) return Error(ErrorCode::kInternal, "schema_migrations: no answer");
    return (*statement)->ColumnInt(0);
  }

  // Every SQLite table but SQLite's own, with its columns in order.
  Result<std::map<std::string, std::vector<std::string>>> SqliteTables() {
    std::map<std::string, std::vector<std::string>> tables;
    {
      ASSIGN_OR_RETURN(SqliteStatement * names,
                       sqlite_->Prepare("SELECT name FROM sqlite_master WHERE type = 'table' "
                                        "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"));
      StatementReset reset(names);
      RETURN_IF_ERROR(
          names->ForEachRow([&](SqliteStatement& row) { tables[row.ColumnText(0)] = {}; }));
    }
    ASSIGN_OR_RETURN(SqliteStatement * columns,
                     sqlite_->Prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid"));
    for (auto& [name, list] : tables) {
      StatementReset reset(columns);
      columns->BindText(1, name);
      // Named, not captured as a structured binding (Clang 14 refuses that).
      std::vector<std::string>& names_of_columns = list;
      RETURN_IF_ERROR(columns->ForEachRow(
          [&](SqliteStatement& row) { names_of_columns.push_back(row.ColumnText(0)); }));
    }
    return tables;
  }

  Result<std::int64_t> SqliteIdentityGeneration() {
    ASSIGN_OR_RETURN(SqliteStatement * statement,
                     sqlite_->Prepare("SELECT generation FROM identity_generation WHERE id = 1"));
    StatementReset reset(statement);
    ASSIGN_OR_RETURN(bool row, statement->Step());
    return row ? statement->ColumnInt(0) : 0;
  }

  // The target's tables in its current schema, with their columns.
  Result<std::map<std::string, std::map<std::string, PgColumn>>> PostgresTables() {
    ASSIGN_OR_RETURN(
        PgResult rows,
        postgres_->Exec("SELECT c.table_name, c.column_name, c.data_type,"
                        " c.is_generated = 'ALWAYS' OR c.identity_generation = 'ALWAYS'"
                        " FROM information_schema.columns c"
                        " JOIN information_schema.tables t"
                        " ON t.table_schema = c.table_schema"
                        " AND t.table_name = c.table_name"
                        " WHERE c.table_schema = current_schema()"
                        " AND t.table_type = 'BASE TABLE'"));
    std::map<std::string, std::map<std::string, PgColumn>> tables;
    for (int i = 0; i < rows.Rows(); ++i) {
      tables[rows.Text(i, 0)][rows.Text(i, 1)] = PgColumn{rows.Text(i, 2), rows.Text(i, 3) == "t"};
    }
    return tables;
  }

  // tables_: what to copy, in order, with the columns both sides have.
  Status Plan(const std::map<std::string, std::vector<std::string>>& sqlite_tables,
              const std::map<std::string, std::map<std::string, PgColumn>>& postgres_tables) {
    std::vector<std::string> order(std::begin(kTableOrder), std::end(kTableOrder));
    for (const auto& [name, columns] : sqlite_tables) {
      if (std::find(order.begin(), order.end(), name) != order.end() ||
          std::find(std::begin(kNotCopied), std::end(kNotCopied), name) != std::end(kNotCopied)) {
        continue;
      }
      if (postgres_tables.count(name) == 0) {
        return Refusal("the SQLite table " + name +
                       " has no table in the PostgreSQL schema: its rows would be lost");
      }
      order.push_back(name);
    }
    for (const char* name : {"identity_generation", "outbox_ids"}) {
      if (postgres_tables.count(name) == 0) {
        return Refusal(std::string("the PostgreSQL schema has no table ") + name);
      }
    }
    for (const std::string& name : order) {
      const auto sqlite = sqlite_tables.find(name);
      const auto postgres = postgres_tables.find(name);
      if (sqlite == sqlite_tables.end()) {
        return Refusal("the SQLite database has no table " + name + ": is it a motcua database?");
      }
      if (postgres == postgres_tables.end()) {
        return Refusal("the PostgreSQL schema has no table " + name);
      }
      Table table;
      table.name = name;
      for (const std::string& column : sqlite->second) {
        const auto found = postgres->second.find(column);
        if (found == postgres->second.end()) {
          return Refusal("the SQLite column " + name + "." + column +
                         " has no column in the PostgreSQL schema: its values would be lost");
        }
        if (found->second.generated) {
          return Refusal("the PostgreSQL column " + name + "." + column +
                         " is generated: SQLite's values cannot be copied into it");
        }
        table.columns.push_back(column);
        table.bytea.push_back(found->second.type == "bytea");
        table.blob_as_text.push_back(BlobAsTextOf(name, column));
      }
      // Outbox rows in id order, so that PostgreSQL's `position` follows
      // the ids; events in sequence order (both are SQLite's rowid: free).
      if (name == "outbox") table.order_by = "id";
      if (name == "events") table.order_by = "sequence";
      if (!table.order_by.empty() && std::find(table.columns.begin(), table.columns.end(),
                                               table.order_by) == table.columns.end()) {
        return Refusal("the SQLite table " + name + " has no column " + table.order_by);
      }
      tables_.push_back(std::move(table));
    }
    return Status();
  }

  // Inside the target's transaction: check, copy, set the counters, count.
  Status CopyAll(std::int64_t version) {
    RETURN_IF_ERROR(LockEmptyTarget());
    std::int64_t total = 0;
    for (Table& table : tables_) {
      ASSIGN_OR_RETURN(SqliteStatement * count,
                       sqlite_->Prepare("SELECT COUNT(*) FROM " + Quoted(table.name)));
      StatementReset reset(count);
      ASSIGN_OR_RETURN(bool row, count->Step());
      table.sqlite_rows = row ? count->ColumnInt(0) : 0;
      total += table.sqlite_rows;
    }
    io_.err << "copying " << from_ << " (schema version " << version << ") to "
            << DatabaseLabel(to_) << ": " << Thousands(total) << " rows in " << tables_.size()
            << " tables\n"
            << std::flush;
    for (Table& table : tables_) RETURN_IF_ERROR(CopyTable(table));
    RETURN_IF_ERROR(SetCounters());
    return CompareCounts();
  }

  // Locks the copied tables against other writers (readers may go on), then
  // refuses a target that holds any row.
  Status LockEmptyTarget() {
    std::string lock = "SET LOCAL lock_timeout = '10s'; LOCK TABLE ";
    for (const Table& table : tables_) lock += Quoted(table.name) + ", ";
    lock += "outbox_ids, identity_generation IN EXCLUSIVE MODE; SET LOCAL lock_timeout = 0";
    if (Status locked = postgres_->RunScript(lock); !locked.ok()) {
      if (postgres_->LastSqlState() == "55P03") {
        return Error(ErrorCode::kUnavailable,
                     "another client keeps writing the target's tables (is a server running on "
                     "it?): " +
                         locked.error().message());
      }
      return locked;
    }
    for (const Table& table : tables_) {
      ASSIGN_OR_RETURN(PgResult any,
                       postgres_->Exec("SELECT EXISTS (SELECT 1 FROM " + Quoted(table.name) + ")"));
      if (any.Text(0, 0) == "t") {
        return Refusal("the target is not empty: table " + table.name +
                       " has rows, and a copy never merges; copy into a new, empty database");
      }
    }
    return Status();
  }

  Status CopyTable(Table& table) {
    std::string columns;
    for (const std::string& column : table.columns) {
      if (!columns.empty()) columns += ", ";
      columns += Quoted(column);
    }
    std::string select = "SELECT " + columns + " FROM " + Quoted(table.name);
    if (!table.order_by.empty()) select += " ORDER BY " + Quoted(table.order_by);
    ASSIGN_OR_RETURN(SqliteStatement * statement, sqlite_->Prepare(select));
    StatementReset reset(statement);
    sqlite3_stmt* const row = statement->handle();
    const int width = static_cast<int>(table.columns.size());
    Progress progress(io_.err, table);
    std::int64_t rows = 0;
    auto next_rows = [&](std::string& buffer) -> Result<bool> {
      progress.Tick(rows);
      while (buffer.size() < kChunkBytes) {
        Result<bool> step = statement->Step();
        if (!step.ok()) return WithContext(step.error(), "reading " + table.name);
        if (!*step) return false;
        for (int column = 0; column < width; ++column) {
          if (column > 0) buffer += '\t';
          const auto at = static_cast<std::size_t>(column);
          Status appended =
              AppendValue(buffer, row, column, table.bytea[at], table.blob_as_text[at]);
          if (!appended.ok()) {
            return WithContext(appended.error(), "reading " + table.name + "." + table.columns[at]);
          }
        }
        buffer += '\n';
        if ((++rows & 255) == 0) progress.Tick(rows);
      }
      return true;
    };
    Result<std::int64_t> copied = postgres_->CopyIn(
        "COPY " + Quoted(table.name) + " (" + columns + ") FROM STDIN", next_rows);
    if (!copied.ok()) return WithContext(copied.error(), "copying " + table.name);
    progress.Done(*copied);
    return Status();
  }

  // Where PostgreSQL's counters go on from: the events' identity above the
  // highest sequence, the feed's numbering after the highest outbox id, the
  // identity generation never back.
  Status SetCounters() {
    RETURN_IF_ERROR(
        postgres_->Run("SELECT setval(pg_get_serial_sequence('events', 'sequence'),"
                       " COALESCE(MAX(sequence), 1), MAX(sequence) IS NOT NULL) FROM events"));
    ASSIGN_OR_RETURN(
        PgResult ids,
        postgres_->Exec("UPDATE outbox_ids SET last ="
                        " (SELECT COALESCE(MAX(id), 0) FROM outbox) WHERE singleton = 1"));
    if (ids.Affected() != 1) return Error(ErrorCode::kInternal, "the outbox_ids row is missing");
    ASSIGN_OR_RETURN(PgResult generation,
                     postgres_->Exec("UPDATE identity_generation"
                                     " SET generation = GREATEST(generation + 1, $1) WHERE id = 1",
                                     PgParams().Int(sqlite_generation_)));
    if (generation.Affected() != 1) {
      return Error(ErrorCode::kInternal, "the identity_generation row is missing");
    }
    return Status();
  }

  // Prints both sides' counts; a Refusal when any differs.
  Status CompareCounts() {
    std::size_t width = 5;
    for (Table& table : tables_) {
      ASSIGN_OR_RETURN(PgResult count,
                       postgres_->Exec("SELECT COUNT(*) FROM " + Quoted(table.name)));
      table.postgres_rows = count.Int(0, 0);
      width = std::max(width, table.name.size());
    }
    std::int64_t sqlite_total = 0;
    std::int64_t postgres_total = 0;
    std::vector<std::string> differing;
    auto line = [&](const std::string& name, const std::string& sqlite, const std::string& postgres,
                    bool differs) {
      io_.out << std::left << std::setw(static_cast<int>(width)) << name << std::right
              << std::setw(14) << sqlite << std::setw(14) << postgres
              << (differs ? "  differs" : "") << '\n';
    };
    line("table", "sqlite", "postgresql", false);
    for (const Table& table : tables_) {
      const bool differs = table.sqlite_rows != table.postgres_rows;
      if (differs) differing.push_back(table.name);
      line(table.name, Thousands(table.sqlite_rows), Thousands(table.postgres_rows), differs);
      sqlite_total += table.sqlite_rows;
      postgres_total += table.postgres_rows;
    }
    line("total", Thousands(sqlite_total), Thousands(postgres_total), false);
    if (!differing.empty()) {
      std::string names;
      for (const std::string& name : differing) names += (names.empty() ? "" : ", ") + name;
      return Refusal("the row counts differ (" + names +
                     "): the copy is rolled back, nothing was written");
    }
    return Status();
  }

  const std::string from_;
  const std::string to_;
  CommandIo io_;
  std::unique_ptr<SqliteConnection> sqlite_;
  std::unique_ptr<PgConnection> postgres_;
  std::vector<Table> tables_;
  std::int64_t sqlite_generation_ = 0;
};

int Usage(CommandIo io, const std::string& message) {
  io.err << "motcua copy: " << message << '\n';
  return kExitUsage;
}

int RunCopy(const std::vector<std::string>& args, CommandIo io) {
  Result<ParsedOptions> options = ParseOptions(args, {"from", "to"});
  if (!options.ok()) return Usage(io, options.error().message());
  if (!options->positional.empty() || !options->Get("from") || !options->Get("to")) {
    io.err << kUsage;
    return kExitUsage;
  }
  const std::string from = *options->Get("from");
  const std::string to = *options->Get("to");
  if (IsPostgresUri(from)) return Usage(io, "--from must be a SQLite file");
  std::error_code error;
  if (!std::filesystem::is_regular_file(from, error)) {
    return Usage(io, "--from " + from + ": no such file");
  }
  if (!IsPostgresUri(to)) return Usage(io, "--to must be a postgresql:// URI");
  if (Status uri = CheckPostgresUri(to); !uri.ok()) {
    const std::vector<FieldError>& fields = uri.error().fields();
    return Usage(io, "--to: " + (fields.empty() ? uri.error().message() : fields[0].message));
  }
  Status copied = Copier(from, to, io).Run();
  if (!copied.ok()) {
    io.err << "motcua copy: " << copied.error().message() << '\n';
    return copied.error().code() == ErrorCode::kFailedPrecondition ? kExitProblems : kExitFailure;
  }
  return kExitOk;
}

}  // namespace

Command CopyCommand() {
  return {"copy", "copy a SQLite database into an empty PostgreSQL one", kUsage, &RunCopy};
}

}  // namespace motcua::cli
