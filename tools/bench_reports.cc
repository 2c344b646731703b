// bench_reports: latency of the report queries (GET /v1/reports/summary and
// /scorecard) at a million dossiers, next to raw SQLite references measured in
// the same run on the same file.
//
// Fills a temporary database (schema from the store's own migrations) with N
// report_facts rows by direct SQL inserts (the store then builds its daily
// counts from them when it opens), in submission order, spread over
// 40 agencies (Zipf-like sizes: the largest holds about 12%), 8 procedures
// and 24 months, with realistic shares of online submission, lateness,
// payment and results. Then, one call at a time, for --runs runs each after a
// warm-up:
//   summary/procedure   DossierStore::AggregateReport, largest agency, one
//                       year, grouped by procedure (the summary route's query);
//   summary/month       the same, grouped by month;
//   summary/1 procedure largest agency, one procedure, one year;
//   summary/median ag.  the median-sized agency, one year;
//   scorecard           ReportService::ScorecardOf (largest agency, one year);
//   all agencies        every agency, everything, grouped by agency (a full
//                       scan, which no route asks for; for scale).
// References: `SELECT COUNT(*)` over the same agency and year range with raw
// sqlite3 (the cheapest pass over the same rows), and a primary-key lookup of
// one row. Ratios are to the COUNT(*) reference. Timings are printed, never
// asserted. The target is a summary under 100 ms at 1,000,000 dossiers.
//
// With --postgres URI the same runs on PostgreSQL, next to references
// measured on the same database. The URI names an EMPTY database: the
// store's first open creates its schema, and the tool refuses a database
// whose dossiers or report_facts hold rows. The same rows (same generator,
// same seed, same values) go into report_facts by one COPY, then ANALYZE;
// the store reopens with one pooled connection (building its daily counts
// from the facts, as SQLite's does) and is measured. The references run
// over a raw libpq connection and the plans are EXPLAIN's. Nothing is
// cleaned up: the database is left filled, so drop and recreate it before
// another run.
//
// Usage: bench_reports [--count N] [--runs R] [--db PATH] [--keep] [--seed S]
//        bench_reports --postgres URI [--count N] [--runs R] [--seed S] [--unfolded U]
//
// --unfolded U adds U rows to report_daily_changes before measuring, spread
// over every agency, procedure and day of the measured year in pairs that
// cancel: what a report also reads between two folds on a busy database
// (engine/postgres/pg_report_tables.h), with the same answers.
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "engine/domain/report_query.h"
#include "engine/postgres/pg_connection.h"
#include "engine/postgres/postgres_store.h"
#include "engine/service/report_service.h"
#include "engine/sqlite/sqlite_store.h"

namespace motcua {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr int kAgencies = 40;
constexpr int kMonths = 24;
constexpr const char* kProcedures[] = {"1.004222",  "1.004194",    "1.003677",    "1.001471",
                                       "HT-KETHON", "HT-KHAISINH", "HT-TRICHLUC", "LLTP-CONGDAN"};
constexpr bool kProcedureHasFee[] = {true, true, false, true, false, false, true, true};
// 2025-01-01T00:00:00+07:00, the start of the filled period.
constexpr std::int64_t kStart = 1735664400;
constexpr std::int64_t kMonthSeconds = 30LL * 86400;

struct Options {
  std::int64_t count = 1000000;
  int runs = 30;
  std::string db;
  bool keep = false;
  unsigned seed = 42;
  std::string postgres;  // a PostgreSQL URI: measure there instead of SQLite
  std::int64_t unfolded = 0;  // --unfolded: report count changes left unfolded
};

std::string AgencyId(int index) {
  char text[32];
  std::snprintf(text, sizeof text, "000.00.%02d.H26", index + 1);
  return text;
}

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "bench_reports: %s\n", message.c_str());
  std::exit(1);
}

void Exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    Die(std::string(sql) + ": " + (error ? error : "?"));
  }
}

// Agency weights ~ 1 / rank^0.8.
std::vector<double> AgencyWeights() {
  std::vector<double> weights;
  for (int i = 0; i < kAgencies; ++i) weights.push_back(1.0 / std::pow(i + 1, 0.8));
  return weights;
}

struct Filled {
  std::vector<std::int64_t> per_agency;   // rows per agency index
  std::vector<std::string> sample_codes;  // every 997th dossier code, for lookups
};

// The report_facts columns the fill writes, in the order ForEachColumn gives them.
constexpr const char* kFactsColumns =
    "agency, submitted_at, dossier_code, procedure_code, submitted_month, received_at, "
    "submitted_online, finished_at, outcome, due_at, paused_at, timeliness, counts_late_in_index, "
    "fully_online, fee_bearing, paid_online, has_result, electronic_result, documents_total, "
    "documents_digitized, rating";

// One report_facts row of the fill. An empty optional, or a null text, is NULL.
struct FactsRow {
  std::string agency;
  std::int64_t submitted_at = 0;
  std::string dossier_code;
  const char* procedure_code = nullptr;
  std::string submitted_month;
  std::optional<std::int64_t> received_at;
  std::int64_t submitted_online = 0;
  std::optional<std::int64_t> finished_at;
  const char* outcome = nullptr;
  std::optional<std::int64_t> due_at;
  std::optional<std::int64_t> paused_at;
  const char* timeliness = nullptr;
  std::int64_t counts_late_in_index = 0;
  std::int64_t fully_online = 0;
  std::int64_t fee_bearing = 0;
  std::int64_t paid_online = 0;
  std::int64_t has_result = 0;
  std::int64_t electronic_result = 0;
  std::int64_t documents_total = 0;
  std::int64_t documents_digitized = 0;
  std::optional<std::int64_t> rating;
};

// Calls `text(const char*)` (nullptr for NULL) or `integer(std::optional<std::int64_t>)`
// for each column of `row`, in the order of kFactsColumns.
template <typename TextColumn, typename IntegerColumn>
void ForEachColumn(const FactsRow& row, TextColumn&& text, IntegerColumn&& integer) {
  text(row.agency.c_str());
  integer(row.submitted_at);
  text(row.dossier_code.c_str());
  text(row.procedure_code);
  text(row.submitted_month.c_str());
  integer(row.received_at);
  integer(row.submitted_online);
  integer(row.finished_at);
  text(row.outcome);
  integer(row.due_at);
  integer(row.paused_at);
  text(row.timeliness);
  integer(row.counts_late_in_index);
  integer(row.fully_online);
  integer(row.fee_bearing);
  integer(row.paid_online);
  integer(row.has_result);
  integer(row.electronic_result);
  integer(row.documents_total);
  integer(row.documents_digitized);
  integer(row.rating);
}

// The rows of the fill, `options.count` of them in submission order: the
// same rows for the same seed, whichever database they go to (each row
// draws from the generator in one fixed order).
class FactsGenerator {
 public:
  explicit FactsGenerator(const Options& options)
      : count_(options.count), random_(options.seed), agency_of_(AgencyDistribution()) {
    filled_.per_agency.assign(kAgencies, 0);
  }

  // Overwrites `row` with the next row; false (and `row` untouched) after the last.
  bool Next(FactsRow& row);
  // What the rows handed out so far hold: all of them once Next returned false.
  const Filled& filled() const { return filled_; }

 private:
  static std::discrete_distribution<int> AgencyDistribution() {
    const std::vector<double> weights = AgencyWeights();
    return std::discrete_distribution<int>(weights.begin(), weights.end());
  }

  std::int64_t count_;
  std::int64_t next_ = 0;
  std::mt19937_64 random_;
  std::discrete_distribution<int> agency_of_;
  std::uniform_int_distribution<int> procedure_of_{0, 7};
  std::uniform_real_distribution<double> unit_{0, 1};
  Filled filled_;
};

bool FactsGenerator::Next(FactsRow& row) {
  if (next_ >= count_) return false;
  const std::int64_t i = next_++;
  const std::int64_t span = kMonths * kMonthSeconds;
  const std::int64_t end = kStart + span;
  const std::size_t agency = static_cast<std::size_t>(agency_of_(random_));
  ++filled_.per_agency[agency];
  const int procedure = procedure_of_(random_);
  const std::int64_t submitted = kStart + span * i / count_;
  row.agency = AgencyId(static_cast<int>(agency));
  row.submitted_at = submitted;
  row.dossier_code = row.agency + "-" + std::to_string(i);
  if (i % 997 == 0) filled_.sample_codes.push_back(row.dossier_code);
  row.procedure_code = kProcedures[procedure];
  // Months of the fill are 30 days from 2025-01-01 (close enough for a benchmark).
  const int month_index = static_cast<int>((submitted - kStart) / kMonthSeconds);
  char month[32];
  std::snprintf(month, sizeof month, "%04d-%02d", 2025 + month_index / 12, 1 + month_index % 12);
  row.submitted_month = month;
  const bool online = unit_(random_) < 0.7;
  const bool received = unit_(random_) < 0.92;
  const std::int64_t received_at = submitted + 3600 * 4;
  const std::int64_t due = received_at + 7 * 86400;
  // Recent dossiers are more often still in progress.
  const double age = static_cast<double>(end - submitted) / static_cast<double>(span);
  const bool finished = unit_(random_) < std::min(0.97, 0.5 + age * 4);
  const bool late = unit_(random_) < 0.08;
  const bool fee = kProcedureHasFee[procedure];
  const bool has_result = finished && received && unit_(random_) < 0.85;
  row.received_at = received ? std::optional<std::int64_t>(received_at) : std::nullopt;
  row.submitted_online = online ? 1 : 0;
  row.finished_at = std::nullopt;
  row.outcome = nullptr;
  row.timeliness = nullptr;
  if (finished) {
    row.finished_at = received_at + (late ? 9 : 5) * 86400;
    const double r = unit_(random_);
    row.outcome = !received  ? (r < 0.5 ? "not_received" : "withdrawn")
                  : r < 0.9  ? "approved"
                  : r < 0.96 ? "refused"
                             : "withdrawn";
    if (received) row.timeliness = late ? "late" : "on_time";
  }
  row.due_at = received ? std::optional<std::int64_t>(due) : std::nullopt;
  row.paused_at = std::nullopt;
  if (received && !finished && unit_(random_) < 0.1) row.paused_at = due - 86400;
  row.counts_late_in_index = late ? 1 : 0;
  row.fully_online = finished && online && unit_(random_) < 0.6 ? 1 : 0;
  row.fee_bearing = fee ? 1 : 0;
  row.paid_online = fee && online && unit_(random_) < 0.8 ? 1 : 0;
  row.has_result = has_result ? 1 : 0;
  row.electronic_result = has_result && unit_(random_) < 0.7 ? 1 : 0;
  const int documents = 2 + static_cast<int>(unit_(random_) * 4);
  row.documents_total = documents;
  row.documents_digitized = documents;
  row.rating = std::nullopt;
  if (finished && unit_(random_) < 0.1) row.rating = 1 + i % 5;
  return true;
}

// Fills report_facts of the SQLite file at `path` with the generator's rows,
// by prepared INSERTs in one transaction, then runs ANALYZE.
Filled Fill(const std::string& path, const Options& options) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) Die("cannot open " + path);
  Exec(db, "PRAGMA synchronous = OFF");
  Exec(db, "PRAGMA cache_size = -262144");
  Exec(db, "BEGIN");
  sqlite3_stmt* insert = nullptr;
  const std::string insert_sql =
      std::string("INSERT INTO report_facts (") + kFactsColumns +
      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
      "?18, ?19, ?20, ?21)";
  if (sqlite3_prepare_v2(db, insert_sql.c_str(), -1, &insert, nullptr) != SQLITE_OK) {
    Die(sqlite3_errmsg(db));
  }
  FactsGenerator rows(options);
  FactsRow row;
  while (rows.Next(row)) {
    sqlite3_reset(insert);
    sqlite3_clear_bindings(insert);  // what is not bound below is NULL
    int column = 0;
    ForEachColumn(
        row,
        [&](const char* text) {
          ++column;
          if (text != nullptr) sqlite3_bind_text(insert, column, text, -1, SQLITE_TRANSIENT);
        },
        [&](std::optional<std::int64_t> value) {
          ++column;
          if (value) sqlite3_bind_int64(insert, column, *value);
        });
    if (sqlite3_step(insert) != SQLITE_DONE) Die(sqlite3_errmsg(db));
  }
  sqlite3_finalize(insert);
  Exec(db, "COMMIT");
  Exec(db, "ANALYZE");
  sqlite3_close(db);
  return rows.filled();
}

// ---------------------------------------------------------------------------
// PostgreSQL (--postgres).

std::unique_ptr<PgConnection> ConnectOrDie(const std::string& conninfo) {
  Result<std::unique_ptr<PgConnection>> connected = PgConnection::Connect(conninfo);
  if (!connected.ok()) Die("connect to PostgreSQL: " + connected.error().message());
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

// Appends `row` as one line of COPY's text format, columns as kFactsColumns
// lists them, tab-separated, \N for NULL.
void AppendCopyRow(const FactsRow& row, std::string& out) {
  bool first = true;
  auto separate = [&] {
    if (!first) out += '\t';
    first = false;
  };
  ForEachColumn(
      row,
      [&](const char* text) {
        separate();
        if (text == nullptr) {
          out += "\\N";
        } else {
          AppendCopyText(out, text);
        }
      },
      [&](std::optional<std::int64_t> value) {
        separate();
        out += value ? std::to_string(*value) : std::string("\\N");
      });
  out += '\n';
}

// Fills report_facts of the PostgreSQL database with the generator's rows
// (the same as Fill's for the same options) by one COPY in text format,
// about 1 MiB per send, then runs ANALYZE report_facts.
Filled FillPostgres(PgConnection& db, const Options& options) {
  constexpr std::size_t kCopyChunkBytes = 1 << 20;
  FactsGenerator rows(options);
  FactsRow row;
  Result<std::int64_t> copied =
      db.CopyIn(std::string("COPY report_facts (") + kFactsColumns + ") FROM STDIN",
                [&](std::string& buffer) -> Result<bool> {
                  while (buffer.size() < kCopyChunkBytes) {
                    if (!rows.Next(row)) return false;
                    AppendCopyRow(row, buffer);
                  }
                  return true;
                });
  if (!copied.ok()) Die("COPY into report_facts: " + copied.error().message());
  if (*copied != options.count) {
    Die("COPY into report_facts copied " + std::to_string(*copied) + " rows of " +
        std::to_string(options.count));
  }
  const Status analyzed = db.RunScript("ANALYZE report_facts");
  if (!analyzed.ok()) Die("ANALYZE report_facts: " + analyzed.error().message());
  return rows.filled();
}

// Ends the tool unless the database's dossiers and report_facts hold no
// rows: the measurements assume the fill's rows are all there is.
void RefuseUnlessEmpty(PgConnection& db) {
  for (const char* table : {"dossiers", "report_facts"}) {
    const std::string any_row =
        std::string("SELECT count(*) FROM (SELECT 1 FROM ") + table + " LIMIT 1) AS any_row";
    if (PgQueryInt(db, any_row) > 0) {
      Die(std::string("the PostgreSQL database's ") + table +
          " table has rows; --postgres needs an empty database (a run leaves it filled: drop "
          "and recreate it first)");
    }
  }
}

struct Measurement {
  std::string name;
  double p50 = 0, p99 = 0, max = 0;  // milliseconds
  std::int64_t rows = 0;             // dossiers the call covered
};

double Percentile(const std::vector<double>& sorted, double p) {
  const std::size_t index =
      std::min(sorted.size() - 1, static_cast<std::size_t>(p * static_cast<double>(sorted.size())));
  return sorted[index];
}

// Runs `call` (which returns the rows it covered) 3 times to warm up, then
// `runs` times.
Measurement Measure(const std::string& name, int runs, const std::function<std::int64_t()>& call) {
  Measurement m;
  m.name = name;
  for (int i = 0; i < 3; ++i) m.rows = call();
  std::vector<double> latencies;
  for (int i = 0; i < runs; ++i) {
    const auto start = SteadyClock::now();
    m.rows = call();
    latencies.push_back(
        std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count());
  }
  std::sort(latencies.begin(), latencies.end());
  m.p50 = Percentile(latencies, 0.50);
  m.p99 = Percentile(latencies, 0.99);
  m.max = latencies.back();
  return m;
}

std::int64_t Dossiers(const Result<std::vector<ReportGroup>>& groups) {
  if (!groups.ok()) Die("report: " + groups.error().message());
  return SumCounts(*groups).dossiers;
}

void PrintPlan(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &stmt, nullptr) !=
      SQLITE_OK) {
    Die(sqlite3_errmsg(db));
  }
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    std::printf("    %s\n", reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3)));
  }
  sqlite3_finalize(stmt);
}

// The agencies and the period the measurements ask about.
struct Targets {
  std::string largest;  // the agency with the most rows
  std::string median;   // the median-sized agency
  Instant year_from;    // the last year of the filled period, [year_from, year_to)
  Instant year_to;
};

// Chooses the targets from what the fill wrote, and prints them.
Targets ChooseTargets(const Filled& filled) {
  const std::vector<std::int64_t>& per_agency = filled.per_agency;
  std::vector<std::size_t> by_size;
  for (std::size_t i = 0; i < per_agency.size(); ++i) by_size.push_back(i);
  std::sort(by_size.begin(), by_size.end(),
            [&](std::size_t a, std::size_t b) { return per_agency[a] > per_agency[b]; });
  Targets targets;
  targets.largest = AgencyId(static_cast<int>(by_size.front()));
  targets.median = AgencyId(static_cast<int>(by_size[by_size.size() / 2]));
  targets.year_from = Instant{std::chrono::seconds(kStart + 12 * kMonthSeconds)};
  targets.year_to = Instant{std::chrono::seconds(kStart + kMonths * kMonthSeconds)};
  std::printf("largest agency %s: %lld dossiers in all; median %s: %lld\n", targets.largest.c_str(),
              static_cast<long long>(per_agency[by_size.front()]), targets.median.c_str(),
              static_cast<long long>(per_agency[by_size[by_size.size() / 2]]));
  return targets;
}

// The references, run on the same database as the store, raw: COUNT(*) of
// the largest agency's rows in the year (the cheapest pass over the rows the
// summaries cover), and the lookup of one facts row by its dossier code
// (returns the rows found).
struct References {
  std::function<std::int64_t()> count_same_rows;
  std::function<std::int64_t(const std::string& code)> look_up;
};

// Measures the references and the store's report queries (through the
// DossierStore port and ReportService only) and prints the table.
void MeasureReports(DossierStore& store, const FakeClock& clock, const Filled& filled,
                    const Targets& targets, const References& references, const Options& options) {
  ReportService reports(store, clock);
  auto query = [&](const std::optional<std::string>& agency, ReportGroupBy group_by,
                   std::optional<std::string> procedure = std::nullopt) {
    ReportQuery q;
    q.agency = agency;
    q.procedure_code = std::move(procedure);
    q.from = targets.year_from;
    q.to = targets.year_to;
    q.group_by = group_by;
    q.now = clock.Now();
    return q;
  };
  std::mt19937_64 random(options.seed);
  std::uniform_int_distribution<std::size_t> any_sample(0, filled.sample_codes.size() - 1);

  std::vector<Measurement> table;
  table.push_back(Measure("ref: COUNT(*) same rows", options.runs, references.count_same_rows));
  table.push_back(Measure("ref: pk lookup (by code)", options.runs * 10, [&] {
    return references.look_up(filled.sample_codes[any_sample(random)]);
  }));
  table.push_back(Measure("summary/procedure", options.runs, [&] {
    return Dossiers(store.AggregateReport(query(targets.largest, ReportGroupBy::kProcedure)));
  }));
  table.push_back(Measure("summary/month", options.runs, [&] {
    return Dossiers(store.AggregateReport(query(targets.largest, ReportGroupBy::kMonth)));
  }));
  table.push_back(Measure("summary/1 procedure", options.runs, [&] {
    return Dossiers(
        store.AggregateReport(query(targets.largest, ReportGroupBy::kProcedure, "1.004222")));
  }));
  table.push_back(Measure("summary/median agency", options.runs, [&] {
    return Dossiers(store.AggregateReport(query(targets.median, ReportGroupBy::kProcedure)));
  }));
  const Actor admin{"admin", {"admin"}, targets.largest};
  table.push_back(Measure("scorecard (service)", options.runs, [&] {
    ReportRequest request;
    request.from = targets.year_from;
    request.to = targets.year_to;
    Result<Scorecard> card = reports.ScorecardOf(admin, request);
    if (!card.ok()) Die("scorecard: " + card.error().message());
    return card->components[1].inputs.back().value;  // online_services: dossiers
  }));
  table.push_back(Measure("all agencies/agency", std::max(3, options.runs / 5), [&] {
    ReportQuery q = query(std::nullopt, ReportGroupBy::kAgency);
    q.from = Instant{};
    return Dossiers(store.AggregateReport(q));
  }));

  const Measurement& reference = table.front();
  std::printf("\n%-26s %10s %9s %9s %9s %9s %9s\n", "query", "dossiers", "p50 ms", "p99 ms",
              "max ms", "p50/cnt", "p99/cnt");
  for (const Measurement& m : table) {
    std::printf("%-26s %10lld %9.3f %9.3f %9.3f %9.1f %9.1f%s\n", m.name.c_str(),
                static_cast<long long>(m.rows), m.p50, m.p99, m.max, m.p50 / reference.p50,
                m.p99 / reference.p99,
                m.name.rfind("summary", 0) == 0 && m.p99 > 100 ? "  OVER 100 ms" : "");
  }
}

int RunSqlite(const Options& options, const FakeClock& clock) {
  const bool temporary = options.db.empty();
  const std::string path = temporary ? (std::filesystem::temp_directory_path() /
                                        ("bench_reports-" + std::to_string(::getpid()) + ".db"))
                                           .string()
                                     : options.db;
  if (std::filesystem::exists(path)) Die(path + " exists; pass a new --db path");
  {
    SqliteStoreOptions store_options;
    store_options.path = path;
    store_options.clock = &clock;
    Result<std::unique_ptr<SqliteStore>> created = SqliteStore::Open(store_options);
    if (!created.ok()) Die(created.error().message());
  }
  std::printf("filling %lld report rows into %s ...\n", static_cast<long long>(options.count),
              path.c_str());
  const auto fill_start = SteadyClock::now();
  const Filled filled = Fill(path, options);
  std::printf("filled in %.1f s (%.1f MiB)\n",
              std::chrono::duration<double>(SteadyClock::now() - fill_start).count(),
              static_cast<double>(std::filesystem::file_size(path)) / (1024.0 * 1024.0));

  SqliteStoreOptions store_options;
  store_options.path = path;
  store_options.clock = &clock;
  store_options.reader_connections = 1;
  // The facts were written behind the store's back, so opening builds the
  // pre-summed daily counts from them (report_tables.h), once.
  const auto open_start = SteadyClock::now();
  Result<std::unique_ptr<SqliteStore>> opened = SqliteStore::Open(store_options);
  if (!opened.ok()) Die(opened.error().message());
  std::printf("opened, building the daily counts from every facts row, in %.2f s\n",
              std::chrono::duration<double>(SteadyClock::now() - open_start).count());
  const Targets targets = ChooseTargets(filled);

  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    Die("cannot open " + path + " read-only");
  }
  const std::string count_sql =
      "SELECT COUNT(*) FROM report_facts WHERE agency = ?1 AND submitted_at >= ?2 AND "
      "submitted_at < ?3";
  sqlite3_stmt* count = nullptr;
  sqlite3_stmt* lookup = nullptr;
  if (sqlite3_prepare_v2(raw, count_sql.c_str(), -1, &count, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(raw, "SELECT * FROM report_facts WHERE dossier_code = ?1", -1, &lookup,
                         nullptr) != SQLITE_OK) {
    Die(sqlite3_errmsg(raw));
  }
  References references;
  references.count_same_rows = [&] {
    sqlite3_reset(count);
    sqlite3_bind_text(count, 1, targets.largest.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(count, 2, targets.year_from.time_since_epoch().count());
    sqlite3_bind_int64(count, 3, targets.year_to.time_since_epoch().count());
    if (sqlite3_step(count) != SQLITE_ROW) Die(sqlite3_errmsg(raw));
    return static_cast<std::int64_t>(sqlite3_column_int64(count, 0));
  };
  references.look_up = [&](const std::string& code) {
    sqlite3_reset(lookup);
    sqlite3_bind_text(lookup, 1, code.c_str(), -1, SQLITE_TRANSIENT);
    return static_cast<std::int64_t>(sqlite3_step(lookup) == SQLITE_ROW ? 1 : 0);
  };
  MeasureReports(**opened, clock, filled, targets, references, options);

  std::printf("\nquery plans:\n  pre-summed days (agency, group by procedure):\n");
  PrintPlan(raw,
            "SELECT procedure_code, SUM(dossiers) FROM report_daily WHERE bucket >= 1 AND "
            "bucket < 2 AND agency = 'x' GROUP BY 1");
  std::printf("  open dossiers overdue now (agency):\n");
  PrintPlan(raw,
            "SELECT procedure_code, COUNT(*) FROM report_facts WHERE submitted_at >= 1 AND "
            "submitted_at < 2 AND agency = 'x' AND received_at IS NOT NULL AND finished_at IS "
            "NULL AND counts_late_in_index = 0 AND paused_at IS NULL AND due_at < 3 GROUP BY 1");
  std::printf("  facts of the partial days at either end (agency):\n");
  PrintPlan(raw,
            "SELECT * FROM report_facts WHERE submitted_at >= 1 AND submitted_at < 2 AND "
            "agency = 'x'");
  sqlite3_finalize(count);
  sqlite3_finalize(lookup);
  sqlite3_close(raw);
  opened->reset();
  if (temporary && !options.keep) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
  return 0;
}

// EXPLAIN of `sql` with `params`: the plan PostgreSQL makes for these values.
// A failure (a table this schema lacks) prints the server's error instead.
void PrintPgPlan(PgConnection& db, const std::string& sql, const PgParams& params) {
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

// The shapes of PrintPlan's three queries on PostgreSQL, for the largest
// agency and the measured year (real values, so that the planner estimates
// real calls): report_daily's buckets are UTC days of submission,
// submitted_at / 86400 (engine/storage/report_rollup.h); the partial days
// are one day at most.
void PrintPostgresPlans(PgConnection& db, const Targets& targets, Instant now) {
  const std::int64_t from = targets.year_from.time_since_epoch().count();
  const std::int64_t to = targets.year_to.time_since_epoch().count();
  std::printf("\nquery plans:\n  pre-summed days (agency, group by procedure):\n");
  PrintPgPlan(db,
              "SELECT procedure_code, SUM(dossiers) FROM report_daily WHERE bucket >= $1 AND "
              "bucket < $2 AND agency = $3 GROUP BY 1",
              PgParams().Int(from / 86400).Int(to / 86400).Text(targets.largest));
  std::printf("  open dossiers overdue now (agency):\n");
  PrintPgPlan(
      db,
      "SELECT procedure_code, COUNT(*) FROM report_facts WHERE submitted_at >= $1 AND "
      "submitted_at < $2 AND agency = $3 AND received_at IS NOT NULL AND finished_at IS "
      "NULL AND counts_late_in_index = 0 AND paused_at IS NULL AND due_at < $4 GROUP BY 1",
      PgParams().Int(from).Int(to).Text(targets.largest).Int(now.time_since_epoch().count()));
  std::printf("  facts of the partial days at either end (agency):\n");
  PrintPgPlan(db,
              "SELECT * FROM report_facts WHERE submitted_at >= $1 AND submitted_at < $2 AND "
              "agency = $3",
              PgParams().Int(from).Int(from + 86400).Text(targets.largest));
}

int RunPostgres(const Options& options, const FakeClock& clock) {
  PostgresStoreOptions store_options;
  store_options.conninfo = options.postgres;
  store_options.clock = &clock;
  store_options.connections = 1;
  {
    // The first open creates the schema (the store's migrations).
    Result<std::unique_ptr<PostgresStore>> created = PostgresStore::Open(store_options);
    if (!created.ok()) Die("open the PostgreSQL store: " + created.error().message());
  }
  std::unique_ptr<PgConnection> raw = ConnectOrDie(options.postgres);
  RefuseUnlessEmpty(*raw);
  std::printf("filling %lld report rows into PostgreSQL %s (COPY) ...\n",
              static_cast<long long>(options.count),
              PgQuery(*raw, "SHOW server_version").Text(0, 0).c_str());
  const auto fill_start = SteadyClock::now();
  const Filled filled = FillPostgres(*raw, options);
  std::printf(
      "filled in %.1f s (%.1f MiB)\n",
      std::chrono::duration<double>(SteadyClock::now() - fill_start).count(),
      static_cast<double>(PgQueryInt(*raw, "SELECT pg_total_relation_size('report_facts')")) /
          (1024.0 * 1024.0));

  // As with SQLite, the facts were written behind the store's back, so
  // opening builds the pre-summed daily counts from them, once.
  const auto open_start = SteadyClock::now();
  Result<std::unique_ptr<PostgresStore>> opened = PostgresStore::Open(store_options);
  if (!opened.ok()) Die("reopen the PostgreSQL store: " + opened.error().message());
  std::printf("opened, building the daily counts from every facts row, in %.2f s\n",
              std::chrono::duration<double>(SteadyClock::now() - open_start).count());
  if (options.unfolded > 0) {
    // As a busy database holds them between two folds: change rows for every
    // agency, procedure and day of the measured year, in pairs that cancel,
    // so that every answer stays the same.
    const auto start = SteadyClock::now();
    const Status added = raw->Run(
        "INSERT INTO report_daily_changes (agency, bucket, procedure_code, submitted_month, "
        "dossiers, received) SELECT '000.00.' || lpad(((i / 2) % $1 + 1)::text, 2, '0') || '.H26', "
        "$2 + (i / 2 / $1) % 360, (ARRAY['1.004222', '1.004194', '1.003677', '1.001471', "
        "'HT-KETHON', 'HT-KHAISINH', 'HT-TRICHLUC', 'LLTP-CONGDAN'])[(i / 2) % 8 + 1], "
        "'2026-01', 1 - 2 * (i % 2), 1 - 2 * (i % 2) FROM generate_series(0, $3 - 1) AS i",
        PgParams()
            .Int(kAgencies)
            .Int((kStart + 12 * kMonthSeconds) / 86400 + 1)
            .Int(options.unfolded));
    if (!added.ok()) Die("unfolded change rows: " + added.error().message());
    std::printf("added %lld unfolded change rows (pairs that cancel) in %.1f s\n",
                static_cast<long long>(options.unfolded),
                std::chrono::duration<double>(SteadyClock::now() - start).count());
  }
  // Statistics for the counts just built, so that autovacuum analysing them
  // mid-run does not change the plans between measurements.
  const Status rollup_analyzed =
      raw->RunScript("ANALYZE report_daily; ANALYZE report_daily_changes");
  if (!rollup_analyzed.ok()) Die("ANALYZE report_daily: " + rollup_analyzed.error().message());
  const Targets targets = ChooseTargets(filled);

  const std::string count_sql =
      "SELECT count(*) FROM report_facts WHERE agency = $1 AND submitted_at >= $2 AND "
      "submitted_at < $3";
  const std::string lookup_sql = "SELECT * FROM report_facts WHERE dossier_code = $1";
  References references;
  references.count_same_rows = [&] {
    return PgQueryInt(*raw, count_sql,
                      PgParams()
                          .Text(targets.largest)
                          .Int(targets.year_from.time_since_epoch().count())
                          .Int(targets.year_to.time_since_epoch().count()));
  };
  references.look_up = [&](const std::string& code) {
    return static_cast<std::int64_t>(PgQuery(*raw, lookup_sql, PgParams().Text(code)).Rows());
  };
  MeasureReports(**opened, clock, filled, targets, references, options);

  PrintPostgresPlans(*raw, targets, clock.Now());
  opened->reset();
  raw.reset();
  return 0;
}

int Run(const Options& options) {
  FakeClock clock(Instant{std::chrono::seconds(kStart + kMonths * kMonthSeconds)});
  return options.postgres.empty() ? RunSqlite(options, clock) : RunPostgres(options, clock);
}

}  // namespace
}  // namespace motcua

int main(int argc, char** argv) {
  motcua::Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) motcua::Die(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--count") {
      options.count = std::atoll(value().c_str());
    } else if (arg == "--runs") {
      options.runs = std::atoi(value().c_str());
    } else if (arg == "--db") {
      options.db = value();
    } else if (arg == "--keep") {
      options.keep = true;
    } else if (arg == "--seed") {
      options.seed = static_cast<unsigned>(std::atoi(value().c_str()));
    } else if (arg == "--postgres") {
      options.postgres = value();
    } else if (arg == "--unfolded") {
      options.unfolded = std::atoll(value().c_str());
    } else {
      std::fprintf(stderr,
                   "usage: bench_reports [--count N] [--runs R] [--db PATH] [--keep] [--seed S]\n"
                   "       bench_reports --postgres URI [--count N] [--runs R] [--seed S]\n"
                   "                     [--unfolded U]\n"
                   "  --postgres URI: an empty PostgreSQL database (postgresql://...), which the\n"
                   "  run fills and leaves filled\n"
                   "  --unfolded U: U report count changes not yet folded, in pairs that cancel\n");
      return 2;
    }
  }
  if (options.count < 1 || options.runs < 1) motcua::Die("--count and --runs must be positive");
  if (options.unfolded < 0 || (options.unfolded > 0 && options.postgres.empty())) {
    motcua::Die("--unfolded takes a count, with --postgres");
  }
  if (!options.postgres.empty()) {
    if (options.postgres.rfind("postgresql://", 0) != 0 &&
        options.postgres.rfind("postgres://", 0) != 0) {
      motcua::Die("--postgres takes a postgresql:// or postgres:// URI");
    }
    if (!options.db.empty() || options.keep) {
      motcua::Die("--db and --keep name a SQLite file; they do not go with --postgres");
    }
  }
  return motcua::Run(options);
}
