// Durability under a hard crash: a child process commits transitions as fast
// as it can and reports every acknowledged one through a pipe; the parent
// kills it with SIGKILL at a random moment, reopens the database and checks
// that every acknowledged transition is there and the file is sound.
//
// The store (and its writer thread) lives only in the child, so the parent
// has no threads when it forks.
#include <doctest/doctest.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/sqlite/audit_chain.h"
#include "engine/sqlite/sqlite_store.h"
#include "tests/engine/sqlite/sample_dossiers.h"
#include "tests/engine/sqlite/temp_directory.h"

namespace motcua {
namespace {

constexpr int kCycles = 10;
constexpr int kChildWriters = 4;

void Report(int fd, const std::string& code, std::int64_t version) {
  const std::string line = code + " " + std::to_string(version) + "\n";
  // Lines are far shorter than PIPE_BUF, so each write is atomic.
  if (write(fd, line.data(), line.size()) < 0) _exit(3);
}

// The child: never returns; the parent kills it.
[[noreturn]] void RunChild(const std::string& path, int cycle, int fd) {
  SqliteStoreOptions options;
  options.path = path;
  options.synchronous = "full";
  Result<std::unique_ptr<SqliteStore>> opened = SqliteStore::Open(options);
  if (!opened.ok()) _exit(2);
  SqliteStore& store = **opened;
  std::vector<std::thread> writers;
  for (int w = 0; w < kChildWriters; ++w) {
    writers.emplace_back([&store, cycle, w, fd] {
      Dossier current = NewDossier("K" + std::to_string(cycle) + "-" + std::to_string(w));
      // Exit codes name what failed, for the parent's report.
      if (!store.CreateDossier(current, {"clerk"}, 1).ok()) _exit(4);
      Report(fd, current.code, current.version);
      for (int step = 0;; ++step) {
        SampleTransition next = MoveTo(current, "s" + std::to_string(step), SampleTime(step));
        if (!store.CommitTransition(CommitOf(next, current.version)).ok()) _exit(5);
        current = next.after;
        Report(fd, current.code, current.version);
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  _exit(0);
}

// Reads what is in the pipe until `deadline` (or EOF when deadline is null).
void Drain(int fd, std::string* into,
           std::optional<std::chrono::steady_clock::time_point> deadline) {
  char buffer[4096];
  for (;;) {
    int timeout_ms = -1;
    if (deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          *deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return;
      timeout_ms = static_cast<int>(left.count());
    }
    pollfd p{fd, POLLIN, 0};
    const int ready = poll(&p, 1, timeout_ms);
    if (ready <= 0) {
      if (ready < 0 && errno == EINTR) continue;
      return;
    }
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) return;
    into->append(buffer, static_cast<std::size_t>(n));
  }
}

// The pragma's first value, or "error: " and SQLite's message.
std::string Pragma(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string value;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK &&
      sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  } else {
    value = std::string("error: ") + (db != nullptr ? sqlite3_errmsg(db) : "out of memory");
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

TEST_CASE("sqlite store: every acknowledged transition survives SIGKILL") {
  TempDirectory dir;
  const std::string path = dir.File("crash.db");
  const unsigned seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> delay_ms(50, 300);
  std::int64_t total_acks = 0;

  for (int cycle = 0; cycle < kCycles; ++cycle) {
    CAPTURE(cycle);
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      close(fds[0]);
      RunChild(path, cycle, fds[1]);
    }
    close(fds[1]);
    std::string acknowledged;
    Drain(fds[0], &acknowledged,
          std::chrono::steady_clock::now() + std::chrono::milliseconds(delay_ms(random)));
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    // The child was still running, not failed (exit 2: open, 4: create, 5: commit).
    INFO("child exit status " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1));
    CHECK(WIFSIGNALED(status));
    Drain(fds[0], &acknowledged, std::nullopt);  // lines written before the kill
    close(fds[0]);

    std::map<std::string, std::int64_t> latest;
    std::istringstream lines(acknowledged);
    std::string code;
    std::int64_t version = 0;
    while (lines >> code >> version) {
      latest[code] = std::max(latest[code], version);
      ++total_acks;
    }

    if (!std::filesystem::exists(path)) {
      // Killed (on a loaded machine) before it created the file: nothing was
      // acknowledged, and there is nothing to check yet.
      CHECK(latest.empty());
      continue;
    }
    CHECK(Pragma(path, "PRAGMA integrity_check") == "ok");
    SqliteStoreOptions options;
    options.path = path;
    Result<std::unique_ptr<SqliteStore>> reopened = SqliteStore::Open(options);
    REQUIRE(reopened.ok());
    for (const auto& acked : latest) {
      // Not a structured binding: CAPTURE's lambda cannot capture one in clang 14.
      const std::string& dossier_code = acked.first;
      const std::int64_t acked_version = acked.second;
      CAPTURE(dossier_code);
      Result<Dossier> dossier = (*reopened)->GetDossier(dossier_code);
      REQUIRE(dossier.ok());
      CHECK(dossier->version >= acked_version);
      CHECK(dossier->history.size() == static_cast<std::size_t>(dossier->version));
    }
    reopened.value().reset();  // no threads may exist at the next fork
    Result<AuditVerification> chain = VerifyAuditChain(path);
    REQUIRE(chain.ok());
    CHECK(chain->ok);
  }
  CHECK(total_acks > 0);
  MESSAGE("acknowledged transitions across " << kCycles << " crashes: " << total_acks);
}

}  // namespace
}  // namespace motcua
