// bench_store: durable transitions per second through SqliteStore, next to
// raw SQLite writes of the same rows, measured in the same run.
//
// For each batch size N in {1, 8, 64, 256}: N threads each run
// CommitTransition in a loop on their own dossier through a store with
// max_batch = N, and again with 2N threads (so that one batch can form while
// the previous one commits); the reference writes the rows a transition writes (dossier
// row update, event insert, queue row replaced) with prepared statements on
// one connection, N transitions per transaction. Both use WAL with
// synchronous=FULL on the same disk (a fresh file under $TMPDIR or /tmp).
// Timings are printed, never asserted.
//
// Usage: bench_store [seconds per measurement, default 2.5] [directory]
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/domain/dossier.h"
#include "engine/domain/store.h"
#include "engine/sqlite/sqlite_store.h"

namespace motcua {
namespace {

using SteadyClock = std::chrono::steady_clock;

Instant At(std::int64_t seconds) {
  return Instant(std::chrono::seconds(1795136400 + seconds));
}

Dossier BenchDossier(const std::string& code) {
  Dossier d;
  d.code = code;
  d.procedure_code = "1.004222";
  d.definition_version = 1;
  d.applicant_id = "001099012345";
  d.agency = "000.00.01.H26";
  d.state = "s";
  d.version = 1;
  d.form = {{"full_name", "Nguyễn Văn A"}, {"address", "12 Tràng Tiền, Hoàn Kiếm, Hà Nội"}};
  d.documents = {{"id_card", std::string(64, 'a')}};
  d.clock.received_at = At(0);
  d.clock.due_at = At(7 * 86400);
  DossierEvent submit;
  submit.action = "submit";
  submit.to_state = "s";
  submit.actor = Actor{d.applicant_id, {"applicant"}, ""};
  submit.at = At(0);
  submit.step = ApplicantStep::kSubmission;
  submit.channel = Channel::kOnline;
  d.history.push_back(submit);
  return d;
}

DossierEvent BenchEvent(const Dossier& before, std::int64_t step) {
  DossierEvent event;
  event.action = "forward";
  event.from_state = before.state;
  event.to_state = "s";
  event.actor = Actor{"officer-1", {"officer"}, before.agency};
  event.at = At(step);
  event.payload = {{"comment", "chuyển xử lý"}};
  return event;
}

// Transitions per second with `writers` threads and max_batch = `batch`.
double MeasureStore(const std::string& path, int batch, int writers, double seconds) {
  SqliteStoreOptions options;
  options.path = path;
  options.synchronous = "full";
  options.max_batch = batch;
  Result<std::unique_ptr<SqliteStore>> opened = SqliteStore::Open(options);
  if (!opened.ok()) {
    std::fprintf(stderr, "open: %s\n", opened.error().message().c_str());
    std::exit(1);
  }
  SqliteStore& store = **opened;
  for (int w = 0; w < writers; ++w) {
    if (!store.CreateDossier(BenchDossier("BENCH-" + std::to_string(w)), {"officer"}, 4).ok()) {
      std::fprintf(stderr, "create failed\n");
      std::exit(1);
    }
  }
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> committed{0};
  std::atomic<std::int64_t> failed{0};
  std::vector<std::thread> threads;
  const SteadyClock::time_point start = SteadyClock::now();
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      Dossier current = BenchDossier("BENCH-" + std::to_string(w));
      for (std::int64_t step = 1; !stop.load(std::memory_order_relaxed); ++step) {
        Dossier after = current;
        after.version = current.version + 1;
        DossierEvent event = BenchEvent(current, step);
        DossierStore::TransitionCommit commit;
        commit.after = &after;
        commit.expected_version = current.version;
        commit.event = &event;
        commit.queue_roles = {"officer"};
        commit.national_status = 4;
        if (store.CommitTransition(commit).ok()) {
          committed.fetch_add(1, std::memory_order_relaxed);
          current = std::move(after);
        } else {
          failed.fetch_add(1, std::memory_order_relaxed);
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (std::thread& thread : threads) thread.join();
  const double elapsed = std::chrono::duration<double>(SteadyClock::now() - start).count();
  if (failed.load() != 0)
    std::fprintf(stderr, "%lld transitions failed\n", static_cast<long long>(failed.load()));
  return static_cast<double>(committed.load()) / elapsed;
}

void MustExec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::fprintf(stderr, "%s: %s\n", sql, message != nullptr ? message : "?");
    std::exit(1);
  }
}

// Prepares `sql` on `db` or exits.
sqlite3_stmt* MustPrepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
    std::exit(1);
  }
  return stmt;
}

void MustStep(sqlite3* db, sqlite3_stmt* stmt) {
  if (sqlite3_step(stmt) != SQLITE_DONE) {
    std::fprintf(stderr, "step: %s\n", sqlite3_errmsg(db));
    std::exit(1);
  }
  sqlite3_reset(stmt);
}

// The reference: the rows one transition writes (the dossier row update, the
// event, the replaced queue row), written straight through prepared
// statements on one connection, `transitions_per_commit` transitions per
// COMMIT, with no engine code at all. Returns transitions per second.
double MeasureRaw(const std::string& path, int transitions_per_commit, double seconds) {
  {
    // The store creates the schema; the reference then writes the same tables.
    SqliteStoreOptions options;
    options.path = path;
    if (!SqliteStore::Open(options).ok()) std::exit(1);
  }
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) std::exit(1);
  MustExec(db, "PRAGMA journal_mode=WAL");
  MustExec(db, "PRAGMA synchronous=FULL");
  sqlite3_stmt* create = MustPrepare(
      db,
      "INSERT INTO dossiers (code, procedure_code, definition_version, applicant_id, agency, "
      "state, national_status, version, received_at, due_at, clock_json, updated_at) VALUES "
      "(?1, '1.004222', 1, '001099012345', '000.00.01.H26', 's', 4, 1, 1795136400, 1795741200, "
      "'{\"extensions\":[],\"paused\":[]}', 1795136400)");
  MustExec(db, "BEGIN");
  for (int d = 0; d < transitions_per_commit; ++d) {
    const std::string code = "RAW-" + std::to_string(d);
    sqlite3_bind_text(create, 1, code.c_str(), -1, SQLITE_TRANSIENT);
    MustStep(db, create);
  }
  MustExec(db, "COMMIT");
  sqlite3_finalize(create);

  sqlite3_stmt* update = MustPrepare(
      db,
      "UPDATE dossiers SET state = 's', national_status = 4, version = ?2, assignee = NULL, "
      "received_at = 1795136400, due_at = 1795741200, finished_at = NULL, "
      "clock_json = '{\"extensions\":[],\"paused\":[]}', updated_at = ?3 WHERE code = ?1");
  sqlite3_stmt* insert = MustPrepare(
      db,
      "INSERT INTO events (dossier_code, idx, action, from_state, to_state, actor_id, "
      "actor_roles, actor_agency, at, step, channel, payload, hash, "
      "actor_auth_method, actor_identity_provider) VALUES "
      "(?1, ?2, 'forward', 's', 's', 'officer-1', '[\"officer\"]', '000.00.01.H26', ?3, 'none', "
      "NULL, '{\"comment\":\"chuyển xử lý\"}', ?4, 'bearer_token', NULL)");
  sqlite3_stmt* unqueue = MustPrepare(db, "DELETE FROM queue_entries WHERE code = ?1");
  sqlite3_stmt* enqueue =
      MustPrepare(db,
                  "INSERT INTO queue_entries (role, agency, state, due_at, code) VALUES "
                  "('officer', '000.00.01.H26', 's', 1795741200, ?1)");
  const std::string hash(64, 'f');
  std::int64_t transitions = 0;
  const SteadyClock::time_point start = SteadyClock::now();
  const SteadyClock::time_point end = start + std::chrono::duration_cast<SteadyClock::duration>(
                                                  std::chrono::duration<double>(seconds));
  while (SteadyClock::now() < end) {
    MustExec(db, "BEGIN IMMEDIATE");
    for (int d = 0; d < transitions_per_commit; ++d) {
      const std::string code = "RAW-" + std::to_string(d);
      const std::int64_t version = transitions + 2;
      sqlite3_bind_text(update, 1, code.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(update, 2, version);
      sqlite3_bind_int64(update, 3, 1795136400 + transitions);
      MustStep(db, update);
      sqlite3_bind_text(insert, 1, code.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(insert, 2, transitions);
      sqlite3_bind_int64(insert, 3, 1795136400 + transitions);
      sqlite3_bind_text(insert, 4, hash.c_str(), -1, SQLITE_STATIC);
      MustStep(db, insert);
      sqlite3_bind_text(unqueue, 1, code.c_str(), -1, SQLITE_TRANSIENT);
      MustStep(db, unqueue);
      sqlite3_bind_text(enqueue, 1, code.c_str(), -1, SQLITE_TRANSIENT);
      MustStep(db, enqueue);
      ++transitions;
    }
    MustExec(db, "COMMIT");
  }
  const double elapsed = std::chrono::duration<double>(SteadyClock::now() - start).count();
  for (sqlite3_stmt* stmt : {update, insert, unqueue, enqueue}) sqlite3_finalize(stmt);
  sqlite3_close(db);
  return static_cast<double>(transitions) / elapsed;
}

}  // namespace
}  // namespace motcua

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.5;
  const std::filesystem::path base =
      argc > 2 ? std::filesystem::path(argv[2]) : std::filesystem::temp_directory_path();
  std::string pattern = (base / "motcua-bench-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  const std::filesystem::path dir(pattern);
  std::printf("SQLite %s, WAL, synchronous=FULL, %.1f s per measurement, in %s\n",
              sqlite3_libversion(), seconds, dir.c_str());
  std::printf("%6s %16s %16s %16s %8s %8s\n", "batch", "store N tx/s", "store 2N tx/s", "raw tx/s",
              "N/raw", "2N/raw");
  for (int batch : {1, 8, 64, 256}) {
    const std::string suffix = std::to_string(batch) + ".db";
    const double store =
        motcua::MeasureStore((dir / ("store-" + suffix)).string(), batch, batch, seconds);
    const double piped =
        motcua::MeasureStore((dir / ("piped-" + suffix)).string(), batch, 2 * batch, seconds);
    const double raw = motcua::MeasureRaw((dir / ("raw-" + suffix)).string(), batch, seconds);
    std::printf("%6d %16.0f %16.0f %16.0f %7.0f%% %7.0f%%\n", batch, store, piped, raw,
                100.0 * store / raw, 100.0 * piped / raw);
    std::fflush(stdout);
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return 0;
}
