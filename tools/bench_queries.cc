// bench_queries: read latency of the store's list and get queries on a
// database filled by gen_dossiers, next to raw references measured in the
// same run on the same data: SQLite by default, or PostgreSQL with --store.
//
// One caller thread, one call at a time, each measurement for --seconds
// (default 5) after a short warm-up:
//   ListQueue        random (role, agency) pairs that have a queue, without and
//                    with a state filter, first page and a later page (resumed
//                    with after_code from a random position past page 1);
//   ListByApplicant  first page for random applicants;
//   GetDossier       random codes (the dossier and its history).
// References: `SELECT 1` on a separate read-only connection (the cost of one
// statement round trip) and a primary-key lookup of one dossiers row with raw
// sqlite3 (the cost of the cheapest useful read). The table prints latency
// percentiles, the rate, rows per call and ratios to the references; a p99
// over 5 ms is flagged SLOW. The row counts of the database and the query
// plans of the store's queue and applicant queries follow, so a reader sees
// which index each one uses. Timings are printed, never asserted.
//
// With --store URI (postgresql:// or postgres://), the store measured is a
// PostgresStore with one pooled connection (one caller) on that database,
// which must hold a copy of the --db file (`motcua copy --from PATH --to
// URI`). The inputs are still drawn from the --db file, with the same seed
// and the same draws, so both stores are asked the same calls. The
// references then run over a raw libpq connection to the same database
// (`SELECT 1`; the same primary-key lookup), and the row counts and query
// plans (EXPLAIN) are PostgreSQL's. The tool adds no rows to either database
// (opening a store migrates a schema older than the build, as serve does).
//
// Usage: bench_queries --db PATH [--store URI] [--seconds S] [--seed N]
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "engine/domain/store.h"
#include "engine/postgres/pg_connection.h"
#include "engine/postgres/pg_dossier_tables.h"
#include "engine/postgres/postgres_store.h"
#include "engine/sqlite/sqlite_store.h"

namespace motcua {
namespace {

using SteadyClock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------
// The SQL the store runs, copied from engine/sqlite/dossier_tables.cc and
// event_tables.cc for EXPLAIN QUERY PLAN only (the measurements call the
// store itself). Keep in step with those files.

constexpr const char* kSummaryColumns =
    "d.code, d.procedure_code, d.applicant_id, d.agency, d.state, d.national_status, d.version, "
    "d.assignee, d.due_at, d.updated_at";

// SqliteStore::ListQueue: the cursor's due date, then the page.
constexpr const char* kQueueCursorSql = "SELECT due_at FROM dossiers WHERE code = ?1";
const std::string kQueueSql =
    std::string("SELECT ") + kSummaryColumns +
    " FROM queue_entries AS q JOIN dossiers AS d ON d.code = q.code"
    " WHERE q.role = ?1 AND q.agency = ?2 AND (?3 IS NULL OR q.state = ?3)"
    " AND (?4 IS NULL OR d.procedure_code = ?4)"
    " AND (?5 IS NULL OR (q.due_at, q.code) > (?6, ?5))"
    " ORDER BY q.due_at, q.code LIMIT ?7";

// SqliteStore::ListByApplicant (with the DossierFilter clause).
constexpr const char* kFilterClause =
    " AND (?10 IS NULL OR d.state = ?10) AND (?11 IS NULL OR d.procedure_code = ?11)"
    " AND (?12 IS NULL OR d.received_at >= ?12) AND (?13 IS NULL OR d.received_at < ?13)";
const std::string kApplicantSql = std::string("SELECT ") + kSummaryColumns +
                                  " FROM dossiers AS d WHERE d.applicant_id = ?1"
                                  " AND (?2 IS NULL OR d.code < ?2)" +
                                  kFilterClause + " ORDER BY d.code DESC LIMIT ?3";

// SqliteStore::GetDossier: the row, then its events.
constexpr const char* kDossierColumns =
    "code, procedure_code, definition_version, applicant_id, agency, state, national_status, "
    "version, assignee, received_at, due_at, finished_at, clock_json, updated_at";
constexpr const char* kEventsSql =
    "SELECT sequence, dossier_code, idx, action, from_state, to_state, actor_id, actor_roles, "
    "actor_agency, at, step, channel, payload, hash FROM events "
    "WHERE dossier_code = ?1 ORDER BY idx";

// The same three queries as PostgresStore runs them, for EXPLAIN only: the
// text mirrors QueryQueue, QueryOwnedBy (applicant_id) and QueryAuditRecords
// in engine/postgres/pg_dossier_tables.cc, whose statements that file keeps to
// itself. Keep in step with it.
const std::string kPgQueueSql =
    std::string("SELECT ") + kPgSummaryColumns +
    ", q.escalated, d.finished_at, q.paused_since"
    " FROM queue_entries AS q JOIN dossiers AS d ON d.code = q.code"
    " WHERE q.role = $1 AND q.agency = $2 AND ($3::text IS NULL OR q.state = $3)"
    " AND ($4::text IS NULL OR d.procedure_code = $4)"
    " AND ($5::text IS NULL OR (q.due_at, q.code) > ($6::bigint, $5::text))"
    " ORDER BY q.due_at, q.code LIMIT $7";
const std::string kPgApplicantSql =
    std::string("SELECT ") + kPgSummaryColumns +
    " FROM dossiers AS d WHERE d.applicant_id = $1 AND ($2::text IS NULL OR d.code < $2)"
    " AND ($4::text IS NULL OR d.state = $4) AND ($5::text IS NULL OR d.procedure_code = $5)"
    " AND ($6::bigint IS NULL OR d.received_at >= $6) AND ($7::bigint IS NULL OR d.received_at < "
    "$7) ORDER BY d.code DESC LIMIT $3";
const std::string kPgEventsSql =
    std::string("SELECT ") + kPgEventColumns + " FROM events WHERE dossier_code = $1 ORDER BY idx";

// The tables whose rows the tool counts, where the database has them.
constexpr const char* kCountedTables[] = {
    "dossiers",    "events",    "queue_entries",     "outbox",
    "definitions", "documents", "dossier_sequences", "dossier_documents"};

constexpr int kPageSize = 50;
constexpr double kSlowP99Micros = 5000;

// ---------------------------------------------------------------------------
// Raw SQLite helpers (inputs, references, plans).

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_queries: %s\n", what.c_str());
  std::exit(1);
}

sqlite3* OpenReadOnly(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    Die("open " + path + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
  }
  sqlite3_busy_timeout(db, 5000);
  return db;
}

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
      Die(sql + ": " + sqlite3_errmsg(db));
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int index, const std::string& text) {
    sqlite3_bind_text(stmt_, index, text.c_str(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(int index, std::int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
  }
  bool Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Die(std::string("step: ") + sqlite3_errmsg(db_));
  }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string Text(int column) const {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    return text == nullptr ? std::string() : reinterpret_cast<const char*>(text);
  }
  std::int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  int Columns() const { return sqlite3_column_count(stmt_); }
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

std::int64_t QueryInt(sqlite3* db, const std::string& sql) {
  Statement stmt(db, sql);
  return stmt.Step() ? stmt.Int(0) : 0;
}

// ---------------------------------------------------------------------------
// Raw PostgreSQL helpers (references, counts, plans), with --store only.

bool IsPostgresUri(const std::string& uri) {
  return uri.rfind("postgresql://", 0) == 0 || uri.rfind("postgres://", 0) == 0;
}

std::unique_ptr<PgConnection> ConnectOrDie(const std::string& conninfo) {
  Result<std::unique_ptr<PgConnection>> connected = PgConnection::Connect(conninfo);
  if (!connected.ok()) Die("connect for the references: " + connected.error().message());
  return std::move(*connected);
}

// The rows of `sql`; a failure ends the tool (the message names the SQL).
PgResult PgQuery(PgConnection& db, const std::string& sql, const PgParams& params = {}) {
  Result<PgResult> result = db.Exec(sql, params);
  if (!result.ok()) Die(result.error().message());
  return std::move(*result);
}

std::int64_t PgQueryInt(PgConnection& db, const std::string& sql, const PgParams& params = {}) {
  const PgResult rows = PgQuery(db, sql, params);
  return rows.Rows() > 0 ? rows.Int(0, 0) : 0;
}

// ---------------------------------------------------------------------------
// Inputs: what the callers ask for, drawn from the database before timing.

struct QueueGroup {
  std::string role;
  std::string agency;
  std::optional<std::string> state;
  std::int64_t size = 0;
};

struct QueueCall {
  QueueGroup group;
  std::optional<std::string> after_code;
};

struct Inputs {
  std::vector<std::string> codes;
  std::vector<std::string> applicants;
  std::vector<QueueGroup> pairs;   // (role, agency)
  std::vector<QueueGroup> states;  // (role, agency, state)
  std::vector<QueueCall> later_pairs;
  std::vector<QueueCall> later_states;
};

std::vector<QueueGroup> LoadGroups(sqlite3* db, bool by_state) {
  const std::string sql =
      by_state ? "SELECT role, agency, state, COUNT(*) FROM queue_entries "
                 "WHERE role NOT IN ('applicant', 'system') GROUP BY role, agency, state"
               : "SELECT role, agency, NULL, COUNT(*) FROM queue_entries "
                 "WHERE role NOT IN ('applicant', 'system') GROUP BY role, agency";
  Statement stmt(db, sql);
  std::vector<QueueGroup> groups;
  while (stmt.Step()) {
    QueueGroup g{stmt.Text(0), stmt.Text(1), std::nullopt, stmt.Int(3)};
    if (by_state) g.state = stmt.Text(2);
    groups.push_back(std::move(g));
  }
  return groups;
}

// Cursors for a later page: the code that ends a random page >= 1 of a group
// with more than one page (the store resumes after it).
std::vector<QueueCall> LaterPages(sqlite3* db, const std::vector<QueueGroup>& groups,
                                  std::mt19937_64& rng, int wanted) {
  std::vector<const QueueGroup*> paged;
  for (const QueueGroup& g : groups) {
    if (g.size > kPageSize) paged.push_back(&g);
  }
  std::vector<QueueCall> calls;
  if (paged.empty()) return calls;
  Statement stmt(db,
                 "SELECT code FROM queue_entries WHERE role = ?1 AND agency = ?2 "
                 "AND (?3 IS NULL OR state = ?3) ORDER BY due_at, code LIMIT 1 OFFSET ?4");
  for (int i = 0; i < wanted; ++i) {
    const QueueGroup& g = *paged[rng() % paged.size()];
    const std::int64_t pages = (g.size - 1) / kPageSize;  // full pages before the last row
    const std::int64_t page =
        1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(pages));
    stmt.Bind(1, g.role).Bind(2, g.agency).Bind(4, page * kPageSize - 1);
    if (g.state) stmt.Bind(3, *g.state);
    if (stmt.Step()) calls.push_back({g, stmt.Text(0)});
    stmt.Reset();
  }
  return calls;
}

Inputs LoadInputs(sqlite3* db, std::mt19937_64& rng) {
  Inputs in;
  const std::int64_t max_rowid = QueryInt(db, "SELECT MAX(rowid) FROM dossiers");
  if (max_rowid <= 0) Die("the database has no dossiers; run gen_dossiers first");
  Statement row(db, "SELECT code, applicant_id FROM dossiers WHERE rowid = ?1");
  while (in.codes.size() < 8192) {
    row.Bind(1, 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(max_rowid)));
    if (row.Step()) {
      in.codes.push_back(row.Text(0));
      in.applicants.push_back(row.Text(1));
    }
    row.Reset();
  }
  in.pairs = LoadGroups(db, false);
  in.states = LoadGroups(db, true);
  in.later_pairs = LaterPages(db, in.pairs, rng, 2048);
  in.later_states = LaterPages(db, in.states, rng, 2048);
  return in;
}

// ---------------------------------------------------------------------------
// Measurement.

struct Measured {
  std::string name;
  std::int64_t calls = 0;
  double seconds = 0;
  double rows_per_call = 0;
  double p50 = 0, p95 = 0, p99 = 0, max = 0;  // microseconds
  bool skipped = false;
};

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const double rank = p * static_cast<double>(sorted.size() - 1);
  return sorted[static_cast<std::size_t>(rank + 0.5)];
}

// Runs `call` (which returns the rows it read) back to back: a warm-up, then
// `seconds` of timed calls.
Measured Measure(const std::string& name, double seconds,
                 const std::function<std::int64_t()>& call) {
  Measured m;
  m.name = name;
  const double warmup = std::min(0.5, seconds / 10);
  for (SteadyClock::time_point end =
           SteadyClock::now() +
           std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(warmup));
       SteadyClock::now() < end;) {
    (void)call();
  }
  std::vector<double> latencies;
  latencies.reserve(1 << 20);
  std::int64_t rows = 0;
  const SteadyClock::time_point start = SteadyClock::now();
  const SteadyClock::time_point end = start + std::chrono::duration_cast<SteadyClock::duration>(
                                                  std::chrono::duration<double>(seconds));
  SteadyClock::time_point now = start;
  while (now < end) {
    const SteadyClock::time_point before = now;
    rows += call();
    now = SteadyClock::now();
    latencies.push_back(std::chrono::duration<double, std::micro>(now - before).count());
  }
  m.seconds = std::chrono::duration<double>(now - start).count();
  m.calls = static_cast<std::int64_t>(latencies.size());
  m.rows_per_call = m.calls > 0 ? static_cast<double>(rows) / static_cast<double>(m.calls) : 0;
  std::sort(latencies.begin(), latencies.end());
  m.p50 = Percentile(latencies, 0.50);
  m.p95 = Percentile(latencies, 0.95);
  m.p99 = Percentile(latencies, 0.99);
  m.max = latencies.empty() ? 0 : latencies.back();
  return m;
}

template <typename T>
std::int64_t RowsOrDie(const Result<std::vector<T>>& result, const char* what) {
  if (!result.ok()) Die(std::string(what) + ": " + result.error().message());
  return static_cast<std::int64_t>(result->size());
}

void PrintPlan(sqlite3* db, const char* label, const std::string& sql) {
  std::printf("  %s\n", label);
  Statement stmt(db, "EXPLAIN QUERY PLAN " + sql);
  std::map<std::int64_t, int> depth;
  while (stmt.Step()) {
    const std::int64_t id = stmt.Int(0);
    const std::int64_t parent = stmt.Int(1);
    const int d = depth.count(parent) != 0 ? depth[parent] + 1 : 0;
    depth[id] = d;
    std::printf("    %*s%s\n", 2 * d, "", stmt.Text(3).c_str());
  }
}

// EXPLAIN of `sql` with `params`: the plan PostgreSQL makes for these values
// (a custom plan; a prepared statement run more than five times may switch
// to a generic plan, which this does not show). A failure prints the
// server's error instead of the plan.
void PrintPgPlan(PgConnection& db, const char* label, const std::string& sql,
                 const PgParams& params) {
  std::printf("  %s\n", label);
  Result<PgResult> plan = db.Exec("EXPLAIN " + sql, params);
  if (!plan.ok()) {
    // The server's message may run over lines ("LINE 1: ..."): indent each.
    std::string message = plan.error().message();
    for (std::size_t at = message.find('\n'); at != std::string::npos;
         at = message.find('\n', at + 1)) {
      message.replace(at, 1, "\n    ");
    }
    std::printf("    %s\n", message.c_str());
    return;
  }
  for (int r = 0; r < plan->Rows(); ++r) std::printf("    %s\n", plan->Text(r, 0).c_str());
}

std::string Thousands(std::int64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// A random item of `items` (not empty), with one draw of `rng`.
template <typename T>
const T& Pick(std::mt19937_64& rng, const std::vector<T>& items) {
  return items[rng() % items.size()];
}

// The two references, appended to `results` in the order the table's ratios
// read them: `SELECT 1`, then the primary-key lookup. Raw sqlite3 on a
// read-only connection of their own.
void MeasureSqliteReferences(const std::string& path, const Inputs& in, double seconds,
                             std::mt19937_64& rng, std::vector<Measured>& results) {
  sqlite3* ref = OpenReadOnly(path);
  {
    Statement one(ref, "SELECT 1");
    results.push_back(Measure("ref: SELECT 1 (raw)", seconds, [&] {
      std::int64_t rows = 0;
      while (one.Step()) ++rows;
      one.Reset();
      return rows;
    }));
    Statement pk(ref, std::string("SELECT ") + kDossierColumns + " FROM dossiers WHERE code = ?1");
    results.push_back(Measure("ref: dossiers PK lookup (raw)", seconds, [&] {
      pk.Bind(1, Pick(rng, in.codes));
      std::int64_t rows = 0;
      while (pk.Step()) {
        for (int c = 0; c < pk.Columns(); ++c) (void)sqlite3_column_bytes(pk.get(), c);
        ++rows;
      }
      pk.Reset();
      return rows;
    }));
  }
  sqlite3_close(ref);
}

// The same two references, in the same order, over a raw libpq connection
// to the store's database (prepared once, as the store's statements are).
// A result arrives whole, so reading it needs no further step.
void MeasurePostgresReferences(PgConnection& db, const Inputs& in, double seconds,
                               std::mt19937_64& rng, std::vector<Measured>& results) {
  const std::string select_one = "SELECT 1";
  results.push_back(Measure("ref: SELECT 1 (libpq)", seconds, [&] {
    return static_cast<std::int64_t>(PgQuery(db, select_one).Rows());
  }));
  const std::string pk_sql =
      std::string("SELECT ") + kDossierColumns + " FROM dossiers WHERE code = $1";
  results.push_back(Measure("ref: dossiers PK lookup (libpq)", seconds, [&] {
    return static_cast<std::int64_t>(
        PgQuery(db, pk_sql, PgParams().Text(Pick(rng, in.codes))).Rows());
  }));
}

// The rows of every counted table the SQLite file has.
void PrintSqliteRows(sqlite3* meta) {
  std::printf("\nrows:");
  for (const char* table : kCountedTables) {
    const std::string exists = std::string(
                                   "SELECT COUNT(*) FROM sqlite_schema WHERE type = "
                                   "'table' AND name = '") +
                               table + "'";
    if (QueryInt(meta, exists) == 0) continue;
    std::printf(" %s %s;", table,
                Thousands(QueryInt(meta, std::string("SELECT COUNT(*) FROM ") + table)).c_str());
  }
  std::printf(
      " distinct applicants %s\n",
      Thousands(QueryInt(meta, "SELECT COUNT(DISTINCT applicant_id) FROM dossiers")).c_str());
}

// The same counts in the PostgreSQL database (its copy of the file).
void PrintPostgresRows(PgConnection& db) {
  std::printf("\nrows (PostgreSQL):");
  for (const char* table : kCountedTables) {
    if (PgQueryInt(db, "SELECT (to_regclass($1) IS NOT NULL)::int", PgParams().Text(table)) == 0) {
      continue;
    }
    std::printf(" %s %s;", table,
                Thousands(PgQueryInt(db, std::string("SELECT count(*) FROM ") + table)).c_str());
  }
  std::printf(
      " distinct applicants %s\n",
      Thousands(PgQueryInt(db, "SELECT count(DISTINCT applicant_id) FROM dossiers")).c_str());
}

// The staff queues the inputs were drawn from (`in.pairs` is not empty).
void PrintQueueSizes(const Inputs& in) {
  std::vector<std::int64_t> sizes;
  for (const QueueGroup& g : in.pairs) sizes.push_back(g.size);
  std::sort(sizes.begin(), sizes.end());
  std::printf(
      "staff queues: %zu (role, agency) pairs, entries per pair min %lld / median %lld / "
      "max %lld; %zu (role, agency, state) groups\n",
      sizes.size(), static_cast<long long>(sizes.front()),
      static_cast<long long>(sizes[sizes.size() / 2]), static_cast<long long>(sizes.back()),
      in.states.size());
}

void PrintSqlitePlans(sqlite3* meta) {
  std::printf("\nquery plans (EXPLAIN QUERY PLAN of the store's SQL):\n");
  PrintPlan(meta, "ListQueue, cursor:", kQueueCursorSql);
  PrintPlan(meta, "ListQueue, page:", kQueueSql);
  PrintPlan(meta, "ListByApplicant:", kApplicantSql);
  PrintPlan(meta, "GetDossier, events:", kEventsSql);
}

// Plans for real values (the largest staff queue's first page, the first
// applicant and dossier drawn), so that the planner estimates real calls.
void PrintPostgresPlans(PgConnection& db, const Inputs& in) {
  const QueueGroup& largest =
      *std::max_element(in.pairs.begin(), in.pairs.end(),
                        [](const QueueGroup& a, const QueueGroup& b) { return a.size < b.size; });
  std::printf("\nquery plans (EXPLAIN of the store's SQL, as this tool copies it):\n");
  PrintPgPlan(db, "ListQueue, page 1 of the largest queue:", kPgQueueSql,
              PgParams()
                  .Text(largest.role)
                  .Text(largest.agency)
                  .Null()
                  .Null()
                  .Null()
                  .Int(0)
                  .Int(kPageSize));
  PrintPgPlan(
      db, "ListByApplicant:", kPgApplicantSql,
      PgParams().Text(in.applicants.front()).Null().Int(kPageSize).Null().Null().Null().Null());
  PrintPgPlan(db, "GetDossier, events:", kPgEventsSql, PgParams().Text(in.codes.front()));
}

int Run(int argc, char** argv) {
  std::string path;
  std::string store_uri;  // empty: the store under test is SQLite on `path`
  double seconds = 5;
  std::uint64_t seed = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--db" && i + 1 < argc) {
      path = argv[++i];
    } else if (arg == "--store" && i + 1 < argc) {
      store_uri = argv[++i];
    } else if (arg == "--seconds" && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else if (arg == "--seed" && i + 1 < argc) {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else {
      path.clear();
      break;
    }
  }
  if (path.empty() || seconds <= 0) {
    std::fprintf(stderr, "usage: bench_queries --db PATH [--store URI] [--seconds S] [--seed N]\n");
    return 2;
  }
  if (!store_uri.empty() && !IsPostgresUri(store_uri)) {
    Die("--store takes a postgresql:// or postgres:// URI");
  }
  if (!std::filesystem::exists(path)) Die(path + " does not exist");

  std::mt19937_64 rng(seed);
  sqlite3* meta = OpenReadOnly(path);
  const Inputs in = LoadInputs(meta, rng);
  if (in.pairs.empty()) Die("no staff queue has any dossier");

  std::unique_ptr<DossierStore> opened_store;
  std::unique_ptr<PgConnection> pg;  // with --store: references, row counts and plans
  std::error_code ignored;
  if (store_uri.empty()) {
    // The store as production opens it; one caller, so one pooled reader at a time.
    SqliteStoreOptions options;
    options.path = path;
    Result<std::unique_ptr<SqliteStore>> opened = SqliteStore::Open(options);
    if (!opened.ok()) Die("open store: " + opened.error().message());
    opened_store = std::move(*opened);
    std::printf(
        "bench_queries: %s (%.2f GB), SQLite %s, %.1f s per measurement, 1 caller, "
        "pages of %d\n",
        path.c_str(), static_cast<double>(std::filesystem::file_size(path, ignored)) / 1e9,
        sqlite3_libversion(), seconds, kPageSize);
  } else {
    // One caller, so a pool of one connection.
    PostgresStoreOptions options;
    options.conninfo = store_uri;
    options.connections = 1;
    Result<std::unique_ptr<PostgresStore>> opened = PostgresStore::Open(options);
    if (!opened.ok()) Die("open store: " + opened.error().message());
    opened_store = std::move(*opened);
    pg = ConnectOrDie(store_uri);
    std::printf(
        "bench_queries: PostgreSQL %s holding a copy of %s (%.2f GB), %.1f s per measurement, "
        "1 caller, pages of %d\n",
        PgQuery(*pg, "SHOW server_version").Text(0, 0).c_str(), path.c_str(),
        static_cast<double>(std::filesystem::file_size(path, ignored)) / 1e9, seconds, kPageSize);
  }
  DossierStore& store = *opened_store;

  std::vector<Measured> results;
  if (pg == nullptr) {
    MeasureSqliteReferences(path, in, seconds, rng, results);
  } else {
    MeasurePostgresReferences(*pg, in, seconds, rng, results);
  }

  auto queue = [&](const QueueGroup& g, const std::optional<std::string>& after) {
    QueueQuery q;
    q.role = g.role;
    q.agency = g.agency;
    q.state = g.state;
    q.after_code = after;
    q.limit = kPageSize;
    return RowsOrDie(store.ListQueue(q), "ListQueue");
  };
  results.push_back(Measure("ListQueue role+agency, page 1", seconds,
                            [&] { return queue(Pick(rng, in.pairs), std::nullopt); }));
  if (in.later_pairs.empty()) {
    results.push_back(Measured{"ListQueue role+agency, later page", 0, 0, 0, 0, 0, 0, 0, true});
  } else {
    results.push_back(Measure("ListQueue role+agency, later page", seconds, [&] {
      const QueueCall& c = Pick(rng, in.later_pairs);
      return queue(c.group, c.after_code);
    }));
  }
  results.push_back(Measure("ListQueue +state, page 1", seconds,
                            [&] { return queue(Pick(rng, in.states), std::nullopt); }));
  if (in.later_states.empty()) {
    results.push_back(Measured{"ListQueue +state, later page", 0, 0, 0, 0, 0, 0, 0, true});
  } else {
    results.push_back(Measure("ListQueue +state, later page", seconds, [&] {
      const QueueCall& c = Pick(rng, in.later_states);
      return queue(c.group, c.after_code);
    }));
  }
  results.push_back(Measure("ListByApplicant, page 1", seconds, [&] {
    ApplicantQuery q;
    q.applicant_id = Pick(rng, in.applicants);
    q.limit = kPageSize;
    return RowsOrDie(store.ListByApplicant(q), "ListByApplicant");
  }));
  results.push_back(Measure("GetDossier", seconds, [&] {
    Result<Dossier> d = store.GetDossier(Pick(rng, in.codes));
    if (!d.ok()) Die("GetDossier: " + d.error().message());
    return std::int64_t{1};
  }));

  const Measured& select1 = results[0];
  const Measured& pk = results[1];
  std::printf("\n%-36s %8s %8s %8s %8s %8s %8s %6s %7s %7s %8s\n", "query (latency in us)", "calls",
              "rate/s", "p50", "p95", "p99", "max", "rows", "p50/pk", "p99/pk", "p50/sel1");
  for (const Measured& m : results) {
    if (m.skipped) {
      std::printf("%-36s   (no queue has more than one page)\n", m.name.c_str());
      continue;
    }
    std::printf("%-36s %8lld %8.0f %8.1f %8.1f %8.1f %8.0f %6.1f %7.1f %7.1f %8.1f%s\n",
                m.name.c_str(), static_cast<long long>(m.calls),
                static_cast<double>(m.calls) / m.seconds, m.p50, m.p95, m.p99, m.max,
                m.rows_per_call, m.p50 / pk.p50, m.p99 / pk.p99, m.p50 / select1.p50,
                m.p99 > kSlowP99Micros ? "  SLOW" : "");
  }

  // What the database holds, and how the store's queries read it.
  if (pg == nullptr) {
    PrintSqliteRows(meta);
  } else {
    PrintPostgresRows(*pg);
  }
  PrintQueueSizes(in);
  if (pg == nullptr) {
    PrintSqlitePlans(meta);
  } else {
    PrintPostgresPlans(*pg, in);
  }

  opened_store.reset();
  pg.reset();
  sqlite3_close(meta);
  return 0;
}

}  // namespace
}  // namespace motcua

int main(int argc, char** argv) {
  return motcua::Run(argc, argv);
}
