#include "engine/cli/store_commands.h"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/domain/rfc3339.h"
#include "engine/domain/state_machine.h"
#include "engine/sqlite/audit_chain.h"
#include "engine/sqlite/sqlite_store.h"
#include "tests/engine/cli/run_cli.h"
#include "tests/engine/sqlite/sample_dossiers.h"
#include "tests/engine/sqlite/temp_directory.h"
#include "tests/source_tree.h"

namespace motcua::cli {
namespace {

Result<std::unique_ptr<SqliteStore>> OpenStore(const std::string& path) {
  SqliteStoreOptions options;
  options.path = path;
  return SqliteStore::Open(options);
}

constexpr const char* kFirst = "000.00.01.H26-261122-0001";
constexpr const char* kSecond = "000.00.01.H26-261122-0002";

// A database with two dossiers of two events each: workflow T-MINIMAL
// (tests/fixtures/workflows/good/minimal.json) published as version 1, each
// dossier submitted by its applicant and received by a clerk, so that the
// audit can replay them.
void FillDatabase(const std::string& path) {
  FakeClock clock(SampleTime());
  SqliteStoreOptions options;
  options.path = path;
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(options);
  REQUIRE(store.ok());
  const nlohmann::json document = LoadJson("tests/fixtures/workflows/good/minimal.json");
  REQUIRE((*store)->PublishDefinition("T-MINIMAL", document, "test", clock.Now()).ok());
  Result<Workflow> workflow = ParseWorkflow(document);
  REQUIRE(workflow.ok());
  const WorkingCalendar calendar = BundledCalendar();
  Result<StateMachine> machine = StateMachine::Create(*workflow, calendar, clock);
  REQUIRE(machine.ok());
  for (const char* code : {kFirst, kSecond}) {
    SubmissionRequest submission;
    submission.code = code;
    submission.applicant_id = "001099012345";
    submission.agency = "000.00.01.H26";
    submission.definition_version = 1;
    submission.actor = Actor{"001099012345", {"applicant"}, ""};
    submission.payload = {{"form", {{"full_name", "Nguyễn Văn A"}}},
                          {"documents", {{"application", std::string(64, 'a')}}}};
    Result<Dossier> dossier = machine->Submit(submission);
    REQUIRE(dossier.ok());
    REQUIRE((*store)->CreateDossier(*dossier, {"clerk"}, 1).ok());
    clock.Advance(std::chrono::minutes(1));
    Result<Transition> received = machine->Apply(
        *dossier, ActionRequest{"receive", Actor{"clerk-1", {"clerk"}, "000.00.01.H26"},
                                ActionInput{}, std::nullopt});
    REQUIRE_MESSAGE(received.ok(), (received.ok() ? "" : received.error().message()));
    DossierStore::TransitionCommit commit;
    commit.after = &received->dossier;
    commit.expected_version = dossier->version;
    commit.event = &received->event();
    commit.queue_roles = {"clerk"};
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

// Rewrites the last event of `code` (its comment) and recomputes its hash,
// as an attacker who knows the chain's (keyless) construction would.
void RewriteLastEventWithChain(const std::string& path, const std::string& code) {
  Result<std::unique_ptr<SqliteStore>> store = OpenStore(path);
  REQUIRE(store.ok());
  Result<std::vector<AuditRecord>> trail = (*store)->AuditTrail(code);
  REQUIRE(trail.ok());
  REQUIRE(!trail->empty());
  store->reset();
  AuditRecord last = trail->back();
  last.event.payload["comment"] = "nothing to see here";
  const std::string hash =
      EventHash(CanonicalEvent(code, last.index, last.event), last.previous_hash);
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, "DROP TRIGGER events_no_update", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_stmt* update = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "UPDATE events SET payload = ?1, hash = ?2 WHERE sequence = ?3",
                             -1, &update, nullptr) == SQLITE_OK);
  const std::string payload = last.event.payload.dump();
  sqlite3_bind_text(update, 1, payload.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(update, 2, hash.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(update, 3, last.sequence);
  CHECK(sqlite3_step(update) == SQLITE_DONE);
  sqlite3_finalize(update);
  sqlite3_close(db);
}

TEST_CASE("store commands: audit verify names a deleted last event (the row counts it)") {
  TempDirectory dir;
  const std::string db = dir.File("motcua.db");
  FillDatabase(db);
  Exec(db,
       "DROP TRIGGER events_no_delete;"
       "DELETE FROM events WHERE dossier_code = '000.00.01.H26-261122-0002' AND idx = 1;");
  CliRun run = Cli({"audit", "verify", "--db", db});
  CHECK(run.status == kExitProblems);
  CHECK_MESSAGE(run.out.find("mismatch: dossier 000.00.01.H26-261122-0002: the row's version is 2, "
                             "but it has 1 events\n") != std::string::npos,
                run.out);
  CHECK(run.out.find("dossier 000.00.01.H26-261122-0001") == std::string::npos);
}

TEST_CASE("store commands: audit verify names a state or assignee changed in the row directly") {
  TempDirectory dir;
  const std::string db = dir.File("motcua.db");
  FillDatabase(db);
  Exec(db,
       "UPDATE dossiers SET state = 'returned' WHERE code = '000.00.01.H26-261122-0001';"
       "UPDATE dossiers SET assignee = 'mallory' WHERE code = '000.00.01.H26-261122-0002';");
  CliRun run = Cli({"audit", "verify", "--db", db});
  CHECK(run.status == kExitProblems);
  CHECK_MESSAGE(run.out.find("mismatch: dossier 000.00.01.H26-261122-0001: the row's state is "
                             "returned, but its events lead to in_review\n") == 0,
                run.out);
  CHECK_MESSAGE(
      run.out.find("mismatch: dossier 000.00.01.H26-261122-0002: the row's assignee is "
                   "\"mallory\", but its events leave it with nobody\n") != std::string::npos,
      run.out);
  CHECK(Cli({"audit", "verify", "--db", db, "--dossier", kSecond}).status == kExitProblems);
}

TEST_CASE("store commands: audit verify names events that do not replay through the workflow") {
  TempDirectory dir;
  const std::string db = dir.File("motcua.db");
  FillDatabase(db);
  // A second submission appended with a correct chain link, as someone who
  // recomputes hashes could: the chain holds, the workflow does not allow it.
  Result<std::unique_ptr<SqliteStore>> store = OpenStore(db);
  REQUIRE(store.ok());
  Result<Dossier> before = (*store)->GetDossier(kFirst);
  REQUIRE(before.ok());
  Dossier after = *before;
  DossierEvent approve = before->history.back();
  approve.action = "approve";
  approve.from_state = "submitted";
  approve.to_state = "returned";
  after.state = "returned";
  after.version = before->version + 1;
  after.history.push_back(approve);
  DossierStore::TransitionCommit commit;
  commit.after = &after;
  commit.expected_version = before->version;
  commit.event = &approve;
  REQUIRE((*store)->CommitTransition(commit).ok());
  store->reset();
  CliRun run = Cli({"audit", "verify", "--db", db});
  CHECK(run.status == kExitProblems);
  CHECK_MESSAGE(run.out.find("mismatch: dossier 000.00.01.H26-261122-0001: the events do not "
                             "replay: event 2 (approve) starts in state submitted") == 0,
                run.out);
}

TEST_CASE("store commands: a chain recomputed after an edit passes alone, but not a checkpoint") {
  TempDirectory dir;
  const std::string db = dir.File("motcua.db");
  const std::string key = dir.File("checkpoint.key");
  const std::string log = dir.File("checkpoints.jsonl");
  FillDatabase(db);
  CliRun made = Cli({"audit", "checkpoint", "--db", db, "--signing-key", key, "--out", log});
  REQUIRE_MESSAGE(made.status == kExitOk, made.err);
  CliRun clean = Cli({"audit", "verify", "--db", db, "--checkpoint", log, "--key", key + ".pub"});
  CHECK(clean.status == kExitOk);
  CHECK_MESSAGE(clean.out.rfind("ok: 4 events verified\ncheckpoint: every dossier matches", 0) == 0,
                clean.out);
  // It says when the checkpoint was issued as an RFC 3339 instant in UTC.
  const std::string issued = "the checkpoint issued at ";
  const std::size_t at = clean.out.find(issued);
  REQUIRE(at != std::string::npos);
  CHECK(ParseRfc3339DateTime(clean.out.substr(at + issued.size(), 20)).has_value());

  RewriteLastEventWithChain(db, kSecond);
  // The chain and the replay cannot tell: the hash was recomputed.
  CHECK(Cli({"audit", "verify", "--db", db}).status == kExitOk);
  CliRun caught = Cli({"audit", "verify", "--db", db, "--checkpoint", log, "--key", key + ".pub"});
  CHECK(caught.status == kExitProblems);
  CHECK_MESSAGE(caught.out.find("checkpoint: dossier 000.00.01.H26-261122-0002: rewritten: the "
                                "chain hash of event 1 differs from the checkpoint") == 0,
                caught.out);
}

TEST_CASE("store commands: a checkpoint finds a truncated chain and a dossier deleted outright") {
  TempDirectory dir;
  const std::string db = dir.File("motcua.db");
  const std::string key = dir.File("checkpoint.key");
  const std::string log = dir.File("checkpoints.jsonl");
  FillDatabase(db);
  REQUIRE(Cli({"audit", "checkpoint", "--db", db, "--signing-key", key, "--out", log}).status ==
          kExitOk);
  // The last event of the first dossier goes, and its row is made to agree;
  // the second dossier goes entirely. Chain and replay are consistent.
  Exec(db,
       "DROP TRIGGER events_no_delete;"
       "DELETE FROM events WHERE dossier_code = '000.00.01.H26-261122-0001' AND idx = 1;"
       "UPDATE dossiers SET state = 'submitted', version = 1 "
       "  WHERE code = '000.00.01.H26-261122-0001';"
       "DELETE FROM events WHERE dossier_code = '000.00.01.H26-261122-0002';"
       "DELETE FROM dossiers WHERE code = '000.00.01.H26-261122-0002';");
  CHECK(Cli({"audit", "verify", "--db", db}).status == kExitOk);
  CliRun run = Cli({"audit", "verify", "--db", db, "--checkpoint", log});
  CHECK(run.status == kExitProblems);
  CHECK_MESSAGE(run.out.find("checkpoint: dossier 000.00.01.H26-261122-0001: truncated: 1 events "
                             "remain, but the checkpoint issued at ") == 0,
                run.out);
  CHECK_MESSAGE(run.out.find("checkpoint: dossier 000.00.01.H26-261122-0002: the dossier is "
                             "missing; the checkpoint issued at ") != std::string::npos,
                run.out);
}

TEST_CASE(
    "store commands: a checkpoint edited after signing, or signed by another key, is refused") {
  TempDirectory dir;
  const std::string db = dir.File("motcua.db");
  const std::string key = dir.File("checkpoint.key");
  const std::string log = dir.File("checkpoints.jsonl");
  FillDatabase(db);
  REQUIRE(Cli({"audit", "checkpoint", "--db", db, "--signing-key", key, "--out", log}).status ==
          kExitOk);
  std::ifstream in(log);
  std::string line;
  REQUIRE(std::getline(in, line));
  nlohmann::json checkpoint = nlohmann::json::parse(line);

  // Lowering a head's version (to bless a truncation) breaks the root.
  nlohmann::json lowered = checkpoint;
  lowered["heads"][1]["version"] = 1;
  lowered["events"] = 3;
  std::ofstream(dir.File("lowered.json")) << lowered.dump() << '\n';
  CliRun run = Cli({"audit", "verify", "--db", db, "--checkpoint", dir.File("lowered.json")});
  CHECK(run.status == kExitProblems);
  CHECK_MESSAGE(run.out.find("checkpoint: the checkpoint is not trustworthy") == 0, run.out);

  // Replacing a head (to bless a rewrite) keeps the signed fields but not the root.
  nlohmann::json reheaded = checkpoint;
  reheaded["heads"][0]["head"] = std::string(64, 'e');
  std::ofstream(dir.File("reheaded.json")) << reheaded.dump() << '\n';
  run = Cli({"audit", "verify", "--db", db, "--checkpoint", dir.File("reheaded.json")});
  CHECK(run.status == kExitProblems);
  CHECK_MESSAGE(run.out.find("its heads do not hash to its signed root") != std::string::npos,
                run.out);

  // Re-rooting too breaks the signature.
  nlohmann::json rerooted = lowered;
  rerooted["root"] = std::string(64, '0');
  std::ofstream(dir.File("rerooted.json")) << rerooted.dump() << '\n';
  run = Cli({"audit", "verify", "--db", db, "--checkpoint", dir.File("rerooted.json")});
  CHECK(run.status == kExitProblems);
  CHECK_MESSAGE(run.out.find("its signature does not verify") != std::string::npos, run.out);

  // A checkpoint honestly signed by someone else's key fails the pinned key.
  const std::string other_key = dir.File("other.key");
  const std::string other_log = dir.File("other.jsonl");
  REQUIRE(Cli({"audit", "checkpoint", "--db", db, "--signing-key", other_key, "--out", other_log})
              .status == kExitOk);
  CHECK(Cli({"audit", "verify", "--db", db, "--checkpoint", other_log}).status == kExitOk);
  run = Cli({"audit", "verify", "--db", db, "--checkpoint", other_log, "--key", key + ".pub"});
  CHECK(run.status == kExitProblems);
  CHECK_MESSAGE(run.out.find("it is signed by another key") != std::string::npos, run.out);

  // Not a checkpoint at all.
  std::ofstream(dir.File("junk.json")) << "{\"format\": \"something else\"}\n";
  CHECK(Cli({"audit", "verify", "--db", db, "--checkpoint", dir.File("junk.json")}).status ==
        kExitProblems);
}

TEST_CASE("store commands: checkpoints also go onto the sync feed, without their heads") {
  TempDirectory dir;
  const std::string db = dir.File("motcua.db");
  FillDatabase(db);
  REQUIRE(Cli({"audit", "checkpoint", "--db", db, "--signing-key", dir.File("k"), "--out",
               dir.File("log")})
              .status == kExitOk);
  Result<std::unique_ptr<SqliteStore>> store = OpenStore(db);
  REQUIRE(store.ok());
  Result<std::vector<StoredOutboxEntry>> feed =
      (*store)->ListOutbox(OutboxQuery{0, 100, std::string("000.00.01.H26")});
  REQUIRE(feed.ok());
  REQUIRE(feed->size() == 1);
  CHECK(feed->front().topic == "audit.checkpoint");
  CHECK(feed->front().payload.value("dossiers", 0) == 2);
  CHECK_FALSE(feed->front().payload.contains("heads"));
  CHECK(feed->front().payload.value("signature", "").size() > 40);
}

TEST_CASE("store commands: usage errors") {
  CHECK(Cli({"audit"}).status == kExitUsage);
  CHECK(Cli({"audit", "verify"}).status == kExitUsage);
  CHECK(Cli({"audit", "verify", "--db"}).status == kExitUsage);
  CHECK(Cli({"audit", "verify", "--db", "a", "--db", "b"}).status == kExitUsage);
  CHECK(Cli({"audit", "verify", "--database", "a"}).status == kExitUsage);
  CHECK(Cli({"backup", "--db", "a"}).status == kExitUsage);
  CHECK(Cli({"audit", "verify", "--db", "/nonexistent/motcua.db"}).status == kExitFailure);
  CHECK(Cli({"audit", "verify", "--db", "a", "--key", "k.pub"}).status == kExitUsage);
  CHECK(Cli({"audit", "checkpoint", "--db", "a"}).status == kExitUsage);
  CHECK(Cli({"audit", "verify", "--db", "a", "--checkpoint", "/nonexistent/cp.jsonl"}).status ==
        kExitFailure);
}

}  // namespace
}  // namespace motcua::cli
