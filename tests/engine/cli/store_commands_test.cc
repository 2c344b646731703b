#include "engine/cli/store_commands.h"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "engine/sqlite/sqlite_store.h"
#include "tests/engine/cli/run_cli.h"
#include "tests/engine/sqlite/sample_dossiers.h"
#include "tests/engine/sqlite/temp_directory.h"

namespace motcua::cli {
namespace {

// A database with two dossiers of two events each.
void FillDatabase(const std::string& path) {
  SqliteStoreOptions options;
  options.path = path;
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(options);
  REQUIRE(store.ok());
  for (const char* code : {"000.00.01.H26-261122-0001", "000.00.01.H26-261122-0002"}) {
    Dossier dossier = NewDossier(code);
    REQUIRE((*store)->CreateDossier(dossier, {"reception_clerk"}, 1).ok());
    SampleTransition next = MoveTo(dossier, "in_review", SampleTime(60));
    DossierStore::TransitionCommit commit;
    commit.after = &next.after;
    commit.expected_version = dossier.version;
    commit.event = &next.event;
    commit.queue_roles = {"specialist"};
    commit.national_status = 4;
    REQUIRE((*store)->CommitTransition(commit).ok());
  }
}

void Exec(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

TEST_CASE("store commands: audit verify passes, then names the event an attacker edited") {
  TempDirectory dir;
  const std::string db = dir.File("motcua.db");
  FillDatabase(db);

  CliRun clean = Cli({"audit", "verify", "--db", db});
  CHECK(clean.status == kExitOk);
  CHECK(clean.out == "ok: 4 events verified\n");
  CHECK(Cli({"audit", "verify", "--db", db, "--dossier", "000.00.01.H26-261122-0002"}).out ==
        "ok: 2 events verified\n");

  // The attacker drops the append-only trigger and rewrites a comment.
  Exec(db,
       "DROP TRIGGER events_no_update;"
       "UPDATE events SET payload = '{\"comment\":\"rewritten\"}' "
       "WHERE dossier_code = '000.00.01.H26-261122-0002' AND idx = 1;");
  CliRun tampered = Cli({"audit", "verify", "--db", db});
  CHECK(tampered.status == kExitProblems);
  CHECK(tampered.out.find("broken: dossier 000.00.01.H26-261122-0002, event 1 ") == 0);
  CHECK(Cli({"audit", "verify", "--db", db, "--dossier", "000.00.01.H26-261122-0001"}).status ==
        kExitOk);
}

TEST_CASE("store commands: backup copies a consistent database and never overwrites") {
  TempDirectory dir;
  const std::string db = dir.File("motcua.db");
  const std::string copy = dir.File("copy.db");
  FillDatabase(db);

  CliRun backup = Cli({"backup", "--db", db, "--out", copy});
  CHECK(backup.status == kExitOk);
  REQUIRE(std::filesystem::exists(copy));
  CHECK(Cli({"audit", "verify", "--db", copy}).out == "ok: 4 events verified\n");

  CliRun again = Cli({"backup", "--db", db, "--out", copy});
  CHECK(again.status == kExitFailure);
  CHECK_FALSE(again.err.empty());
}

TEST_CASE("store commands: usage errors") {
  CHECK(Cli({"audit"}).status == kExitUsage);
  CHECK(Cli({"audit", "verify"}).status == kExitUsage);
  CHECK(Cli({"audit", "verify", "--db"}).status == kExitUsage);
  CHECK(Cli({"audit", "verify", "--db", "a", "--db", "b"}).status == kExitUsage);
  CHECK(Cli({"audit", "verify", "--database", "a"}).status == kExitUsage);
  CHECK(Cli({"backup", "--db", "a"}).status == kExitUsage);
  CHECK(Cli({"audit", "verify", "--db", "/nonexistent/motcua.db"}).status == kExitFailure);
}

}  // namespace
}  // namespace motcua::cli
