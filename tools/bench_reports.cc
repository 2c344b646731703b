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
// Usage: bench_reports [--count N] [--runs R] [--db PATH] [--keep] [--seed S]
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

// Fills report_facts with `count` rows in submission order.
Filled Fill(const std::string& path, const Options& options) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) Die("cannot open " + path);
  Exec(db, "PRAGMA synchronous = OFF");
  Exec(db, "PRAGMA cache_size = -262144");
  Exec(db, "BEGIN");
  sqlite3_stmt* insert = nullptr;
  if (sqlite3_prepare_v2(
          db,
          "INSERT INTO report_facts (agency, submitted_at, dossier_code, procedure_code, "
          "submitted_month, received_at, submitted_online, finished_at, outcome, due_at, "
          "paused_at, timeliness, counts_late_in_index, fully_online, fee_bearing, paid_online, "
          "has_result, electronic_result, documents_total, documents_digitized, rating) VALUES "
          "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
          "?20, ?21)",
          -1, &insert, nullptr) != SQLITE_OK) {
    Die(sqlite3_errmsg(db));
  }
  std::mt19937_64 random(options.seed);
  const std::vector<double> weights = AgencyWeights();
  std::discrete_distribution<int> agency_of(weights.begin(), weights.end());
  std::uniform_int_distribution<int> procedure_of(0, 7);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<std::int64_t> per_agency(kAgencies, 0);
  std::vector<std::string> sample_codes;
  const std::int64_t span = kMonths * kMonthSeconds;
  const std::int64_t end = kStart + span;
  for (std::int64_t i = 0; i < options.count; ++i) {
    const std::size_t agency = static_cast<std::size_t>(agency_of(random));
    ++per_agency[agency];
    const int procedure = procedure_of(random);
    const std::int64_t submitted = kStart + span * i / options.count;
    const std::string code = AgencyId(static_cast<int>(agency)) + "-" + std::to_string(i);
    if (i % 997 == 0) sample_codes.push_back(code);
    // Months of the fill are 30 days from 2025-01-01 (close enough for a benchmark).
    const int month_index = static_cast<int>((submitted - kStart) / kMonthSeconds);
    char month[32];
    std::snprintf(month, sizeof month, "%04d-%02d", 2025 + month_index / 12, 1 + month_index % 12);
    const bool online = unit(random) < 0.7;
    const bool received = unit(random) < 0.92;
    const std::int64_t received_at = submitted + 3600 * 4;
    const std::int64_t due = received_at + 7 * 86400;
    // Recent dossiers are more often still in progress.
    const double age = static_cast<double>(end - submitted) / static_cast<double>(span);
    const bool finished = unit(random) < std::min(0.97, 0.5 + age * 4);
    const bool late = unit(random) < 0.08;
    const bool fee = kProcedureHasFee[procedure];
    const bool has_result = finished && received && unit(random) < 0.85;
    sqlite3_reset(insert);
    sqlite3_clear_bindings(insert);
    sqlite3_bind_text(insert, 1, AgencyId(static_cast<int>(agency)).c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(insert, 2, submitted);
    sqlite3_bind_text(insert, 3, code.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 4, kProcedures[procedure], -1, SQLITE_STATIC);
    sqlite3_bind_text(insert, 5, month, -1, SQLITE_TRANSIENT);
    if (received) sqlite3_bind_int64(insert, 6, received_at);
    sqlite3_bind_int(insert, 7, online ? 1 : 0);
    if (finished) {
      sqlite3_bind_int64(insert, 8, received_at + (late ? 9 : 5) * 86400);
      const double r = unit(random);
      const char* outcome = !received  ? (r < 0.5 ? "not_received" : "withdrawn")
                            : r < 0.9  ? "approved"
                            : r < 0.96 ? "refused"
                                       : "withdrawn";
      sqlite3_bind_text(insert, 9, outcome, -1, SQLITE_STATIC);
      if (received) sqlite3_bind_text(insert, 12, late ? "late" : "on_time", -1, SQLITE_STATIC);
    }
    if (received) sqlite3_bind_int64(insert, 10, due);
    if (received && !finished && unit(random) < 0.1) sqlite3_bind_int64(insert, 11, due - 86400);
    sqlite3_bind_int(insert, 13, late ? 1 : 0);
    sqlite3_bind_int(insert, 14, finished && online && unit(random) < 0.6 ? 1 : 0);
    sqlite3_bind_int(insert, 15, fee ? 1 : 0);
    sqlite3_bind_int(insert, 16, fee && online && unit(random) < 0.8 ? 1 : 0);
    sqlite3_bind_int(insert, 17, has_result ? 1 : 0);
    sqlite3_bind_int(insert, 18, has_result && unit(random) < 0.7 ? 1 : 0);
    const int documents = 2 + static_cast<int>(unit(random) * 4);
    sqlite3_bind_int(insert, 19, documents);
    sqlite3_bind_int(insert, 20, documents);
    if (finished && unit(random) < 0.1) sqlite3_bind_int(insert, 21, 1 + static_cast<int>(i % 5));
    if (sqlite3_step(insert) != SQLITE_DONE) Die(sqlite3_errmsg(db));
  }
  sqlite3_finalize(insert);
  Exec(db, "COMMIT");
  Exec(db, "ANALYZE");
  sqlite3_close(db);
  return Filled{per_agency, sample_codes};
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

int Run(const Options& options) {
  const bool temporary = options.db.empty();
  const std::string path = temporary ? (std::filesystem::temp_directory_path() /
                                        ("bench_reports-" + std::to_string(::getpid()) + ".db"))
                                           .string()
                                     : options.db;
  if (std::filesystem::exists(path)) Die(path + " exists; pass a new --db path");
  FakeClock clock(Instant{std::chrono::seconds(kStart + kMonths * kMonthSeconds)});
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
  const std::vector<std::int64_t>& per_agency = filled.per_agency;
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
  SqliteStore& store = **opened;
  ReportService reports(store, clock);

  std::vector<std::size_t> by_size;
  for (std::size_t i = 0; i < per_agency.size(); ++i) by_size.push_back(i);
  std::sort(by_size.begin(), by_size.end(),
            [&](std::size_t a, std::size_t b) { return per_agency[a] > per_agency[b]; });
  const std::string largest = AgencyId(static_cast<int>(by_size.front()));
  const std::string median = AgencyId(static_cast<int>(by_size[by_size.size() / 2]));
  // The last year of the filled period.
  const Instant year_from{std::chrono::seconds(kStart + 12 * kMonthSeconds)};
  const Instant year_to{std::chrono::seconds(kStart + kMonths * kMonthSeconds)};
  std::printf("largest agency %s: %lld dossiers in all; median %s: %lld\n", largest.c_str(),
              static_cast<long long>(per_agency[by_size.front()]), median.c_str(),
              static_cast<long long>(per_agency[by_size[by_size.size() / 2]]));

  auto query = [&](const std::optional<std::string>& agency, ReportGroupBy group_by,
                   std::optional<std::string> procedure = std::nullopt) {
    ReportQuery q;
    q.agency = agency;
    q.procedure_code = std::move(procedure);
    q.from = year_from;
    q.to = year_to;
    q.group_by = group_by;
    q.now = clock.Now();
    return q;
  };

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
  std::mt19937_64 random(options.seed);
  std::uniform_int_distribution<std::size_t> any_sample(0, filled.sample_codes.size() - 1);

  std::vector<Measurement> table;
  table.push_back(Measure("ref: COUNT(*) same rows", options.runs, [&] {
    sqlite3_reset(count);
    sqlite3_bind_text(count, 1, largest.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(count, 2, year_from.time_since_epoch().count());
    sqlite3_bind_int64(count, 3, year_to.time_since_epoch().count());
    if (sqlite3_step(count) != SQLITE_ROW) Die(sqlite3_errmsg(raw));
    return static_cast<std::int64_t>(sqlite3_column_int64(count, 0));
  }));
  table.push_back(Measure("ref: pk lookup (by code)", options.runs * 10, [&] {
    const std::string& code = filled.sample_codes[any_sample(random)];
    sqlite3_reset(lookup);
    sqlite3_bind_text(lookup, 1, code.c_str(), -1, SQLITE_TRANSIENT);
    return static_cast<std::int64_t>(sqlite3_step(lookup) == SQLITE_ROW ? 1 : 0);
  }));
  table.push_back(Measure("summary/procedure", options.runs, [&] {
    return Dossiers(store.AggregateReport(query(largest, ReportGroupBy::kProcedure)));
  }));
  table.push_back(Measure("summary/month", options.runs, [&] {
    return Dossiers(store.AggregateReport(query(largest, ReportGroupBy::kMonth)));
  }));
  table.push_back(Measure("summary/1 procedure", options.runs, [&] {
    return Dossiers(store.AggregateReport(query(largest, ReportGroupBy::kProcedure, "1.004222")));
  }));
  table.push_back(Measure("summary/median agency", options.runs, [&] {
    return Dossiers(store.AggregateReport(query(median, ReportGroupBy::kProcedure)));
  }));
  const Actor admin{"admin", {"admin"}, largest};
  table.push_back(Measure("scorecard (service)", options.runs, [&] {
    ReportRequest request;
    request.from = year_from;
    request.to = year_to;
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
    } else {
      std::fprintf(stderr,
                   "usage: bench_reports [--count N] [--runs R] [--db PATH] [--keep] [--seed S]\n");
      return 2;
    }
  }
  if (options.count < 1 || options.runs < 1) motcua::Die("--count and --runs must be positive");
  return motcua::Run(options);
}
