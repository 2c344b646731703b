// What only the SQLite store promises beyond the DossierStore contract:
// migrations, the append-only event table, the audit hash chain, backups.
#include "engine/sqlite/sqlite_store.h"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/domain/dossier_code.h"
#include "engine/domain/dossier_contents.h"
#include "engine/sqlite/audit_chain.h"
#include "engine/sqlite/backup.h"
#include "engine/sqlite/dossier_codec.h"
#include "engine/sqlite/feed_payload_codec.h"
#include "engine/sqlite/migrations.h"
#include "tests/engine/sqlite/sample_dossiers.h"
#include "tests/engine/sqlite/temp_directory.h"

namespace motcua {
namespace {

std::unique_ptr<SqliteStore> OpenStore(const std::string& path, const Clock* clock = nullptr) {
  SqliteStoreOptions options;
  options.path = path;
  options.clock = clock;
  Result<std::unique_ptr<SqliteStore>> opened = SqliteStore::Open(options);
  REQUIRE_MESSAGE(opened.ok(), (opened.ok() ? "" : opened.error().message()));
  return std::move(opened).value();
}

// A plain connection, as an operator (or an attacker) with file access has.
class RawDatabase {
 public:
  explicit RawDatabase(const std::string& path) { sqlite3_open(path.c_str(), &db_); }
  ~RawDatabase() { sqlite3_close(db_); }
  RawDatabase(const RawDatabase&) = delete;
  RawDatabase& operator=(const RawDatabase&) = delete;

  sqlite3* handle() const { return db_; }
  // Runs `sql`; returns "" on success, else SQLite's message.
  std::string Exec(const std::string& sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    std::string text = rc == SQLITE_OK ? "" : (message != nullptr ? message : "error");
    sqlite3_free(message);
    return text;
  }
  // The first column of the first row, as text ("" when no row).
  std::string Query(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    std::string value;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    return value;
  }

 private:
  sqlite3* db_ = nullptr;
};

// Creates `code` and moves it through `moves` transitions.
void CreateWithHistory(DossierStore& store, const std::string& code, int moves) {
  Dossier current = NewDossier(code);
  REQUIRE(store.CreateDossier(current, {"clerk"}, 1).ok());
  for (int i = 0; i < moves; ++i) {
    SampleTransition next = MoveTo(current, "step" + std::to_string(i), SampleTime(60 * (i + 1)));
    REQUIRE(store.CommitTransition(CommitOf(next, current.version)).ok());
    current = next.after;
  }
}

// The path of database `name` in `dir`, holding `code` after `moves`
// transitions; its store is closed again.
std::string DatabaseWithHistory(const TempDirectory& dir, const std::string& name,
                                const std::string& code, int moves) {
  const std::string path = dir.File(name);
  auto store = OpenStore(path);
  CreateWithHistory(*store, code, moves);
  return path;
}

// Puts back the trigger that keeps events append-only, which a test that
// rewrites events as an older motcua wrote them drops first.
constexpr const char* kRestoreEventsNoUpdate =
    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN "
    "SELECT RAISE(ABORT, 'events are append-only'); END;";

TEST_CASE("sqlite store: opening applies and records the embedded migrations") {
  TempDirectory dir;
  FakeClock clock(SampleTime(42));
  { auto store = OpenStore(dir.File("m.db"), &clock); }
  REQUIRE_FALSE(EmbeddedMigrations().empty());
  CHECK(EmbeddedMigrations().front().version == 1);
  CHECK(EmbeddedMigrations().front().name == "initial");
  RawDatabase raw(dir.File("m.db"));
  CHECK(raw.Query("SELECT COUNT(*) FROM schema_migrations") ==
        std::to_string(EmbeddedMigrations().size()));
  CHECK(raw.Query("SELECT applied_at FROM schema_migrations WHERE version = 1") ==
        std::to_string(SampleTime(42).time_since_epoch().count()));
  CHECK(raw.Query("PRAGMA journal_mode") == "wal");
  // Reopening applies nothing twice.
  { auto store = OpenStore(dir.File("m.db"), &clock); }
  CHECK(raw.Query("SELECT COUNT(*) FROM schema_migrations") ==
        std::to_string(EmbeddedMigrations().size()));
}

TEST_CASE("sqlite store: the observer sees every committed write and transition - queue depths") {
  struct Recorder final : StoreObserver {
    std::mutex mutex;
    std::size_t writes = 0;
    std::vector<std::string> transitions;
    void BatchCommitted(std::size_t n) override {
      std::lock_guard lock(mutex);
      writes += n;
    }
    void TransitionCommitted(const std::string& procedure, const std::string& action) override {
      std::lock_guard lock(mutex);
      transitions.push_back(procedure + " " + action);
    }
  } recorder;
  TempDirectory dir;
  SqliteStoreOptions options;
  options.path = dir.File("o.db");
  options.synchronous = "normal";
  options.observer = &recorder;
  auto store = SqliteStore::Open(options).value();
  REQUIRE(store->CreateDossier(NewDossier("O-1"), {"clerk", "leader"}, 1).ok());
  REQUIRE(
      store->CreateDossier(NewDossier("O-2", "001099000002", "000.00.02.H26"), {"clerk"}, 1).ok());
  Dossier o1 = store->GetDossier("O-1").value();
  SampleTransition moved = MoveTo(o1, "review", SampleTime(60));
  REQUIRE(store->CommitTransition(CommitOf(moved, 1, {"specialist"})).ok());
  CHECK_FALSE(store->CommitTransition(CommitOf(moved, 1, {"specialist"})).ok());  // stale
  {
    std::lock_guard lock(recorder.mutex);
    CHECK(recorder.writes == 4);  // both creates, the transition and the failed one's batch
    CHECK(recorder.transitions == std::vector<std::string>{"1.004222 move_to_review"});
  }
  std::vector<QueueDepth> depths = store->QueueDepths().value();
  REQUIRE(depths.size() == 2);
  CHECK(depths[0].role == "clerk");
  CHECK(depths[0].agency == "000.00.02.H26");
  CHECK(depths[0].dossiers == 1);
  CHECK(depths[1].role == "specialist");
  CHECK(depths[1].dossiers == 1);
}

TEST_CASE("sqlite store: a database from a newer motcua is refused") {
  TempDirectory dir;
  { auto store = OpenStore(dir.File("new.db")); }
  {
    RawDatabase raw(dir.File("new.db"));
    REQUIRE(raw.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)") == "");
  }
  SqliteStoreOptions options;
  options.path = dir.File("new.db");
  Result<std::unique_ptr<SqliteStore>> opened = SqliteStore::Open(options);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.error().code() == ErrorCode::kFailedPrecondition);
  CHECK(opened.error().message() == "database schema version 999 is newer than this motcua (" +
                                        std::to_string(EmbeddedMigrations().back().version) +
                                        "); upgrade motcua");
}

TEST_CASE("sqlite store: bad options are refused before touching the disk") {
  SqliteStoreOptions options;
  options.path = "";
  options.synchronous = "off";
  options.max_batch = 0;
  options.writer_cache_kib = 0;
  Result<std::unique_ptr<SqliteStore>> opened = SqliteStore::Open(options);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.error().code() == ErrorCode::kInvalidArgument);
  CHECK(opened.error().fields().size() == 4);
}

TEST_CASE("sqlite store: a queue entry written before migration 0016 lists without a glance") {
  TempDirectory dir;
  {
    auto store = OpenStore(dir.File("g.db"));
    REQUIRE(store->CreateDossier(NewDossier("G-OLD"), {"clerk"}, 2).ok());
    REQUIRE(store->CreateDossier(NewDossier("G-NEW"), {"clerk"}, 2).ok());
  }
  {
    RawDatabase raw(dir.File("g.db"));
    // As 0016 left the entries it found: escalated NULL.
    REQUIRE(raw.Exec("UPDATE queue_entries SET escalated = NULL WHERE code = 'G-OLD'") == "");
  }
  auto store = OpenStore(dir.File("g.db"));
  QueueQuery query;
  query.role = "clerk";
  query.agency = NewDossier("G-OLD").agency;
  const std::vector<DossierSummary> page = store->ListQueue(query).value();
  REQUIRE(page.size() == 2);
  for (const DossierSummary& summary : page) {
    CAPTURE(summary.code);
    CHECK(summary.glance.has_value() == (summary.code == "G-NEW"));
  }
}

// Undoes 0018_feed_retention, so that a test can write a database as it was
// before it (migrations run above the highest version recorded).
const char* const kUndoFeedRetention =
    "DROP TABLE outbox_retention;"
    "DROP TRIGGER outbox_delete_below_watermark;"
    "CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox"
    " BEGIN SELECT RAISE(ABORT, 'outbox rows are append-only'); END;"
    "DELETE FROM schema_migrations WHERE version = 18;";

// Takes a database back to before 0023 (the dossier row keeps no form,
// documents, result or signatures): the columns are back, holding what the
// row held before, as no reader looks at them.
const char* const kUndoDossierContentsFromEvents =
    "ALTER TABLE dossiers ADD COLUMN form_json TEXT NOT NULL DEFAULT '{}';"
    "ALTER TABLE dossiers ADD COLUMN documents_json TEXT NOT NULL DEFAULT '{}';"
    "ALTER TABLE dossiers ADD COLUMN result_document TEXT;"
    "ALTER TABLE dossiers ADD COLUMN signatures_json TEXT NOT NULL DEFAULT '[]';"
    "DELETE FROM schema_migrations WHERE version = 23;";

// Takes a database back to before 0022 (events keep no previous hash), and
// so before 0023: the column is back, empty, as no reader looks at it.
const std::string kUndoEventsWithoutPreviousHash =
    std::string(kUndoDossierContentsFromEvents) +
    "ALTER TABLE events ADD COLUMN previous_hash TEXT NOT NULL DEFAULT '';"
    "DELETE FROM schema_migrations WHERE version = 22;";

// Takes a database back to before 0019 (branch report facts), and so before
// 0020 (which changes nothing in SQLite), 0021 (which rebuilds queue_entries
// as it finds it, so running it again is harmless) and 0022.
const std::string kUndoBranchReportFacts = kUndoEventsWithoutPreviousHash +
                                           "DROP TABLE report_branch_facts;"
                                           "DELETE FROM schema_migrations WHERE version IN "
                                           "(19, 20, 21);";

TEST_CASE("sqlite store: opening tells the progress of each migration it applies, and only those") {
  struct Told {
    std::int64_t version;
    int number;
    int count;
    std::int64_t from_version;
    bool done;
  };
  std::vector<Told> told;
  auto open = [&](const std::string& path) {
    SqliteStoreOptions options;
    options.path = path;
    options.synchronous = "normal";
    options.migration_progress = [&told](const MigrationStep& step) {
      told.push_back({step.migration.version, step.number, step.count, step.from_version,
                      step.took.has_value()});
    };
    return SqliteStore::Open(options).value();
  };
  TempDirectory dir;
  const std::string path = dir.File("p.db");
  open(path).reset();
  const std::vector<Migration>& all = EmbeddedMigrations();
  REQUIRE(told.size() == 2 * all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    const int number = static_cast<int>(i) + 1;
    for (std::size_t k = 0; k < 2; ++k) {
      const Told& step = told[2 * i + k];
      CHECK(step.version == all[i].version);
      CHECK(step.number == number);
      CHECK(step.count == static_cast<int>(all.size()));
      CHECK(step.from_version == 0);
      CHECK(step.done == (k == 1));
    }
  }
  // An upgrade from before 0022 tells those two migrations alone.
  {
    RawDatabase raw(path);
    REQUIRE(raw.Exec(kUndoEventsWithoutPreviousHash) == "");
  }
  told.clear();
  open(path).reset();
  REQUIRE(told.size() == 4);
  for (std::size_t i = 0; i < told.size(); ++i) {
    CAPTURE(i);
    CHECK(told[i].version == 22 + static_cast<std::int64_t>(i / 2));
    CHECK(told[i].number == 1 + static_cast<int>(i / 2));
    CHECK(told[i].count == 2);
    CHECK(told[i].from_version == 21);
    CHECK(told[i].done == (i % 2 == 1));
  }
  // Up to date: nothing to tell.
  told.clear();
  open(path).reset();
  CHECK(told.empty());
}

TEST_CASE("migration: a step is described with its zero-padded file name and its place") {
  const Migration migration{22, "events_without_previous_hash", ""};
  CHECK(DescribeMigrationStep(MigrationStep{migration, 1, 2, 21, std::nullopt}) ==
        "migration 0022_events_without_previous_hash (1 of 2): applying");
  CHECK(
      DescribeMigrationStep(MigrationStep{migration, 1, 2, 21, std::chrono::milliseconds(1612)}) ==
      "migration 0022_events_without_previous_hash (1 of 2): applied in 1612 ms");
  const Migration far{12345, "far", ""};
  CHECK(DescribeMigrationStep(MigrationStep{far, 3, 3, 1, std::chrono::milliseconds(0)}) ==
        "migration 12345_far (3 of 3): applied in 0 ms");
}

TEST_CASE("sqlite store: migration 0018 keeps every outbox row, and readers from 0 read them") {
  TempDirectory dir;
  {
    auto store = OpenStore(dir.File("m.db"));
    CreateWithHistory(*store, "M-1", 3);
  }
  {
    RawDatabase raw(dir.File("m.db"));
    REQUIRE(raw.Exec(kUndoBranchReportFacts) == "");
    REQUIRE(raw.Exec(kUndoFeedRetention) == "");
    REQUIRE(raw.Exec("DELETE FROM outbox WHERE id = 1") == "outbox rows are append-only");
  }
  auto store = OpenStore(dir.File("m.db"));
  Result<std::vector<StoredOutboxEntry>> all = store->ListOutbox(OutboxQuery{0, 10, {}});
  REQUIRE(all.ok());
  CHECK(all->size() == 3);
  RawDatabase raw(dir.File("m.db"));
  CHECK(raw.Query("SELECT pruned_through FROM outbox_retention") == "0");
  CHECK(raw.Query("SELECT COUNT(*) FROM sqlite_master WHERE name = 'outbox_no_delete'") == "0");
  CHECK(raw.Exec("DELETE FROM outbox WHERE id = 1").find("retention watermark") !=
        std::string::npos);
  // 0019 ran after it: the branch report table is back, empty.
  CHECK(raw.Query("SELECT COUNT(*) FROM report_branch_facts") == "0");
}

TEST_CASE("sqlite store: migration 0017 keeps each document reference once, without a rowid") {
  TempDirectory dir;
  { auto store = OpenStore(dir.File("d.db")); }
  {
    // The table as 0003 made it, with references in it, and 0017 not yet run.
    RawDatabase raw(dir.File("d.db"));
    REQUIRE(raw.Exec("DROP TABLE dossier_documents;"
                     "CREATE TABLE dossier_documents (document_id TEXT NOT NULL,"
                     " dossier_code TEXT NOT NULL, PRIMARY KEY (document_id, dossier_code));"
                     "INSERT INTO dossier_documents VALUES ('aa', 'D-1'), ('aa', 'D-2'),"
                     " ('bb', 'D-1');"
                     "DELETE FROM schema_migrations WHERE version = 17;") == "");
    REQUIRE(raw.Exec(kUndoBranchReportFacts) == "");
    REQUIRE(raw.Exec(kUndoFeedRetention) == "");
    REQUIRE(raw.Query("SELECT COUNT(*) FROM sqlite_master"
                      " WHERE name = 'sqlite_autoindex_dossier_documents_1'") == "1");
  }
  auto store = OpenStore(dir.File("d.db"));
  RawDatabase raw(dir.File("d.db"));
  CHECK(raw.Query("SELECT COUNT(*) FROM sqlite_master"
                  " WHERE name LIKE 'sqlite_autoindex_dossier_documents%'") == "0");
  CHECK(raw.Query("SELECT sql FROM sqlite_master WHERE name = 'dossier_documents'")
            .find("WITHOUT ROWID") != std::string::npos);
  CHECK(raw.Query("SELECT group_concat(document_id || '/' || dossier_code, ' ')"
                  " FROM (SELECT * FROM dossier_documents ORDER BY 1, 2)") ==
        "aa/D-1 aa/D-2 bb/D-1");
  CHECK(raw.Exec("INSERT INTO dossier_documents VALUES ('aa', 'D-1')").find("UNIQUE") !=
        std::string::npos);
}

TEST_CASE("sqlite store: migration 0021 keeps every queue entry, in two B-trees instead of four") {
  TempDirectory dir;
  {
    auto store = OpenStore(dir.File("q.db"));
    REQUIRE(store->CreateDossier(NewDossier("Q-1"), {"clerk"}, 2).ok());
    REQUIRE(store->CreateDossier(NewDossier("Q-2"), {"clerk", "leader"}, 2).ok());
  }
  const std::string agency = NewDossier("Q-1").agency;
  {
    // queue_entries as 0016 left it, holding the entries, and 0021 not yet run.
    RawDatabase raw(dir.File("q.db"));
    REQUIRE(raw.Exec("CREATE TABLE queue_old AS SELECT * FROM queue_entries;"
                     "DROP TABLE queue_entries;"
                     "CREATE TABLE queue_entries (role TEXT NOT NULL, agency TEXT NOT NULL,"
                     " state TEXT NOT NULL, due_at INTEGER NOT NULL, code TEXT NOT NULL,"
                     " escalated INTEGER, paused_since INTEGER,"
                     " PRIMARY KEY (role, agency, due_at, code));"
                     "CREATE INDEX queue_entries_by_code ON queue_entries (code);"
                     "CREATE INDEX queue_entries_by_due_state ON queue_entries"
                     " (role, agency, due_at, code, state);"
                     "INSERT INTO queue_entries (role, agency, state, due_at, code, escalated,"
                     " paused_since) SELECT role, agency, state, due_at, code, escalated,"
                     " paused_since FROM queue_old;"
                     "DROP TABLE queue_old;"
                     "DELETE FROM schema_migrations WHERE version = 21;") == "");
    REQUIRE(raw.Exec(kUndoEventsWithoutPreviousHash) == "");
    REQUIRE(raw.Query("SELECT COUNT(*) FROM queue_entries") == "3");
  }
  auto store = OpenStore(dir.File("q.db"));
  {
    RawDatabase raw(dir.File("q.db"));
    CHECK(raw.Query("SELECT sql FROM sqlite_master WHERE name = 'queue_entries'")
              .find("WITHOUT ROWID") != std::string::npos);
    CHECK(raw.Query("SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master"
                    " WHERE tbl_name = 'queue_entries' AND type = 'index' ORDER BY name)") ==
          "queue_entries_by_code");
    CHECK(raw.Query("SELECT group_concat(role || '/' || code || '/' || state, ' ')"
                    " FROM (SELECT * FROM queue_entries ORDER BY role, code)") ==
          "clerk/Q-1/" + NewDossier("Q-1").state + " clerk/Q-2/" + NewDossier("Q-2").state +
              " leader/Q-2/" + NewDossier("Q-2").state);
    CHECK(raw.Query("PRAGMA integrity_check") == "ok");
  }
  // The queues read the same, with and without a state filter, and a
  // transition still replaces a dossier's entries.
  QueueQuery query;
  query.role = "clerk";
  query.agency = agency;
  std::vector<DossierSummary> page = store->ListQueue(query).value();
  REQUIRE(page.size() == 2);
  query.state = NewDossier("Q-1").state;
  CHECK(store->ListQueue(query).value().size() == 2);
  query.state = "no_such_state";
  CHECK(store->ListQueue(query).value().empty());
  const Dossier second = store->GetDossier("Q-2").value();
  SampleTransition moved = MoveTo(second, "elsewhere", SampleTime(60));
  REQUIRE(store->CommitTransition(CommitOf(moved, second.version, {"leader"})).ok());
  query.state.reset();
  page = store->ListQueue(query).value();
  REQUIRE(page.size() == 1);
  CHECK(page[0].code == "Q-1");
  query.role = "leader";
  page = store->ListQueue(query).value();
  REQUIRE(page.size() == 1);
  CHECK(page[0].code == "Q-2");
  CHECK(page[0].state == "elsewhere");
}

TEST_CASE(
    "sqlite store: migration 0022 drops the stored previous hash, and the chain still links") {
  TempDirectory dir;
  const std::string path = DatabaseWithHistory(dir, "p.db", "P-1", 3);
  {
    // The events as they were before 0022, each with a copy of the hash
    // before it.
    RawDatabase raw(path);
    REQUIRE(raw.Exec(kUndoEventsWithoutPreviousHash) == "");
    REQUIRE(raw.Exec(std::string("DROP TRIGGER events_no_update;"
                                 "UPDATE events SET previous_hash = coalesce((SELECT b.hash"
                                 " FROM events AS b WHERE b.dossier_code = events.dossier_code"
                                 " AND b.idx = events.idx - 1), '');") +
                     kRestoreEventsNoUpdate) == "");
    REQUIRE(raw.Query("SELECT COUNT(*) FROM events WHERE previous_hash <> ''") == "3");
  }
  auto store = OpenStore(path);
  {
    RawDatabase raw(path);
    CHECK(raw.Query("SELECT COUNT(*) FROM pragma_table_info('events')"
                    " WHERE name = 'previous_hash'") == "0");
    CHECK(raw.Query("SELECT COUNT(*) FROM events") == "4");
    CHECK(raw.Exec("UPDATE events SET action = 'forged' WHERE idx = 1") ==
          "events are append-only");
  }
  Result<std::vector<AuditRecord>> trail = store->AuditTrail("P-1");
  REQUIRE(trail.ok());
  REQUIRE(trail->size() == 4);
  CHECK((*trail)[0].previous_hash.empty());
  for (std::size_t i = 1; i < trail->size(); ++i) {
    CHECK((*trail)[i].previous_hash == (*trail)[i - 1].hash);
    CHECK((*trail)[i].hash == EventHash(CanonicalEvent("P-1", (*trail)[i].index, (*trail)[i].event),
                                        (*trail)[i - 1].hash));
  }
  Result<AuditVerification> verified = VerifyAuditChain(path);
  REQUIRE(verified.ok());
  CHECK(verified->ok);
  CHECK(verified->events_checked == 4);
  // Appending goes on from the stored head.
  const Dossier current = store->GetDossier("P-1").value();
  SampleTransition next = MoveTo(current, "after_0022", SampleTime(600));
  REQUIRE(store->CommitTransition(CommitOf(next, current.version)).ok());
  verified = VerifyAuditChain(path);
  REQUIRE(verified.ok());
  CHECK(verified->ok);
  CHECK(verified->events_checked == 5);
}

TEST_CASE(
    "sqlite store: migration 0023 drops the row's copy of the contents, and reads the events'") {
  TempDirectory dir;
  const std::string path = DatabaseWithHistory(dir, "c.db", "C-1", 2);
  {
    // As before 0023, with the row's copy edited behind the engine's back.
    RawDatabase raw(path);
    REQUIRE(raw.Exec(kUndoDossierContentsFromEvents) == "");
    REQUIRE(raw.Exec("UPDATE dossiers SET form_json = '{\"full_name\":\"forged\"}',"
                     " documents_json = '{\"id_card\":\"" +
                     std::string(64, '0') +
                     "\"}',"
                     " result_document = '" +
                     std::string(64, '0') + "'") == "");
  }
  auto store = OpenStore(path);
  RawDatabase raw(path);
  CHECK(raw.Query("SELECT group_concat(name, ' ') FROM pragma_table_info('dossiers')"
                  " WHERE name IN ('form_json', 'documents_json', 'result_document',"
                  " 'signatures_json')") == "");
  CHECK(raw.Query("PRAGMA integrity_check") == "ok");
  const Dossier stored = store->GetDossier("C-1").value();
  CHECK(stored.form == NewDossier("C-1").form);
  CHECK(stored.documents.empty());
  CHECK_FALSE(stored.result_document.has_value());
  CHECK(stored.version == 3);
  // A transition still commits, and what it records is read back.
  SampleTransition next = MoveTo(stored, "after_0023", SampleTime(600));
  next.event.payload["form"] = {{"phone", "0912345678"}};
  next.after.history.Mutable().back().payload = next.event.payload;
  // As the state machine does (the store's contract): `after` holds what
  // its events fold to.
  REQUIRE(
      FoldEventContents(next.after.history.back(), next.after.history.size() - 1, next.after).ok());
  REQUIRE(store->CommitTransition(CommitOf(next, stored.version)).ok());
  CHECK(store->GetDossier("C-1")->form ==
        nlohmann::json{{"full_name", "Nguyễn Văn A"}, {"phone", "0912345678"}});
  // A fresh store, with nothing cached, folds the same from the events.
  CHECK(OpenStore(path)->GetDossier("C-1")->form ==
        nlohmann::json{{"full_name", "Nguyễn Văn A"}, {"phone", "0912345678"}});
}

TEST_CASE(
    "sqlite store: event hashes are stored as 32 bytes, and hex rows from before still link") {
  TempDirectory dir;
  const std::string path = DatabaseWithHistory(dir, "h.db", "H-1", 3);
  {
    RawDatabase raw(path);
    CHECK(raw.Query("SELECT group_concat(DISTINCT typeof(hash) || '/' || length(hash))"
                    " FROM events") == "blob/32");
    // The first two events as a release before this one wrote them: hex text.
    REQUIRE(raw.Exec(std::string("DROP TRIGGER events_no_update;"
                                 "UPDATE events SET hash = lower(hex(hash)) WHERE idx < 2;") +
                     kRestoreEventsNoUpdate) == "");
    CHECK(raw.Query("SELECT group_concat(typeof(hash), ' ') FROM (SELECT hash FROM events"
                    " ORDER BY idx)") == "text text blob blob");
  }
  auto store = OpenStore(path);
  Result<std::vector<AuditRecord>> trail = store->AuditTrail("H-1");
  REQUIRE(trail.ok());
  REQUIRE(trail->size() == 4);
  for (std::size_t i = 0; i < trail->size(); ++i) {
    CAPTURE(i);
    const std::string previous = i == 0 ? std::string() : (*trail)[i - 1].hash;
    CHECK((*trail)[i].hash.size() == 64);
    CHECK((*trail)[i].previous_hash == previous);
    CHECK((*trail)[i].hash ==
          EventHash(CanonicalEvent("H-1", (*trail)[i].index, (*trail)[i].event), previous));
  }
  Result<AuditVerification> verified = VerifyAuditChain(path);
  REQUIRE(verified.ok());
  CHECK(verified->ok);
  // A new store (no cached chain head) appends after the stored head.
  const Dossier current = store->GetDossier("H-1").value();
  SampleTransition next = MoveTo(current, "after_bytes", SampleTime(600));
  REQUIRE(store->CommitTransition(CommitOf(next, current.version)).ok());
  verified = VerifyAuditChain(path);
  REQUIRE(verified.ok());
  CHECK(verified->ok);
  CHECK(verified->events_checked == 5);
  // A stored hash edited by one bit breaks the chain there.
  {
    RawDatabase raw(path);
    REQUIRE(raw.Exec(std::string("DROP TRIGGER events_no_update;"
                                 "UPDATE events SET hash = zeroblob(32) WHERE idx = 3;") +
                     kRestoreEventsNoUpdate) == "");
  }
  verified = VerifyAuditChain(path);
  REQUIRE(verified.ok());
  CHECK_FALSE(verified->ok);
}

TEST_CASE("sqlite store: events cannot be updated or deleted") {
  TempDirectory dir;
  {
    auto store = OpenStore(dir.File("e.db"));
    CreateWithHistory(*store, "E-1", 2);
  }
  RawDatabase raw(dir.File("e.db"));
  CHECK(raw.Exec("UPDATE events SET action = 'forged' WHERE idx = 1") == "events are append-only");
  CHECK(raw.Exec("DELETE FROM events WHERE idx = 2") == "events are append-only");
  CHECK(raw.Query("SELECT COUNT(*) FROM events") == "3");
  CHECK(raw.Query("SELECT action FROM events WHERE idx = 1") == "move_to_step0");
}

TEST_CASE("sqlite store: outbox rows go only below the retention watermark, never the newest") {
  TempDirectory dir;
  {
    auto store = OpenStore(dir.File("o.db"));
    CreateWithHistory(*store, "O-1", 4);
  }
  {
    RawDatabase raw(dir.File("o.db"));
    REQUIRE(raw.Query("SELECT group_concat(id) FROM outbox") == "1,2,3,4");
    const std::string below = "outbox rows are deleted only below the retention watermark";
    CHECK(raw.Exec("DELETE FROM outbox WHERE id = 1").find(below) == 0);
    const std::string only_up = "the outbox retention watermark only moves up";
    CHECK(raw.Exec("UPDATE outbox_retention SET pruned_through = 4").find(only_up) == 0);
    CHECK(raw.Exec("UPDATE outbox_retention SET pruned_through = 2") == "");
    CHECK(raw.Exec("DELETE FROM outbox WHERE id <= 2") == "");
    CHECK(raw.Exec("DELETE FROM outbox WHERE id = 4").find(below) == 0);
    CHECK(raw.Exec("UPDATE outbox_retention SET pruned_through = 3") == "");
    CHECK(raw.Exec("DELETE FROM outbox WHERE id = 4").find(below) == 0);  // the newest
    CHECK(raw.Exec("UPDATE outbox_retention SET pruned_through = 1").find(only_up) == 0);
    CHECK(raw.Exec("DELETE FROM outbox_retention") == "the outbox retention watermark is kept");
    CHECK(raw.Exec("UPDATE outbox SET payload = '{}' WHERE id = 4") ==
          "outbox rows are append-only");
    CHECK(raw.Query("SELECT group_concat(id) FROM outbox") == "3,4");
  }
  // The store reads the watermark set by hand: readers behind it are told.
  auto store = OpenStore(dir.File("o.db"));
  Result<std::vector<StoredOutboxEntry>> behind = store->ListOutbox(OutboxQuery{2, 10, {}});
  REQUIRE_FALSE(behind.ok());
  CHECK(behind.error().reason() == ErrorReason::kFeedPruned);
  Result<std::vector<StoredOutboxEntry>> rest = store->ListOutbox(OutboxQuery{3, 10, {}});
  REQUIRE(rest.ok());
  REQUIRE(rest->size() == 1);
  CHECK(rest->front().id == 4);
}

TEST_CASE("sqlite store: one transition writes dossier, event, queue and outbox together") {
  TempDirectory dir;
  {
    auto store = OpenStore(dir.File("t.db"));
    CreateWithHistory(*store, "T-1", 3);
    // A failing write in the same batch window leaves no trace.
    SampleTransition stale = MoveTo(NewDossier("T-1"), "bogus", SampleTime());
    CHECK(store->CommitTransition(CommitOf(stale, 1)).error().code() == ErrorCode::kConflict);
  }
  RawDatabase raw(dir.File("t.db"));
  CHECK(raw.Query("SELECT version FROM dossiers WHERE code = 'T-1'") == "4");
  CHECK(raw.Query("SELECT COUNT(*) FROM events WHERE dossier_code = 'T-1'") == "4");
  CHECK(raw.Query("SELECT COUNT(*) FROM outbox") == "3");
  // Stored compressed (feed_payload_codec.h), read back as written.
  CHECK(raw.Query("SELECT typeof(payload) FROM outbox ORDER BY id DESC LIMIT 1") == "blob");
  const std::vector<StoredOutboxEntry> feed =
      OpenStore(dir.File("t.db"))->ListOutbox(OutboxQuery{0, 10, {}}).value();
  REQUIRE(feed.size() == 3);
  CHECK(feed.back().payload == nlohmann::json{{"MaHoSo", "T-1"}});
  CHECK(raw.Query("SELECT COUNT(*) FROM queue_entries WHERE code = 'T-1'") == "1");
  CHECK(raw.Query("SELECT state FROM queue_entries WHERE code = 'T-1'") == "step2");
  CHECK(raw.Query("SELECT COUNT(*) FROM events WHERE to_state = 'bogus'") == "0");
}

TEST_CASE(
    "sqlite store: a feed payload over the compression bound is stored as text, not refused") {
  // A national record grows with every supplement comment (up to the 1 MiB
  // action body each); a large one must not stop the dossier's transitions.
  TempDirectory dir;
  auto store = OpenStore(dir.File("l.db"));
  CreateWithHistory(*store, "L-1", 1);
  const Dossier current = store->GetDossier("L-1").value();
  const std::string comment(kMaxFeedPayloadBytes, 'x');
  SampleTransition next = MoveTo(current, "after_large", SampleTime(600));
  DossierStore::TransitionCommit commit = CommitOf(next, current.version);
  commit.outbox = {FeedEntry("dossier.status", {{"comment", comment}}),
                   FeedEntry("dossier.status", {{"n", 1}})};
  REQUIRE(store->CommitTransition(commit).ok());
  RawDatabase raw(dir.File("l.db"));
  CHECK(raw.Query("SELECT group_concat(typeof(payload), ' ') FROM (SELECT payload FROM outbox"
                  " ORDER BY id DESC LIMIT 2)") == "blob text");
  const std::vector<StoredOutboxEntry> feed = store->ListOutbox(OutboxQuery{0, 10, {}}).value();
  REQUIRE(feed.size() >= 2);
  CHECK(feed[feed.size() - 2].payload.at("comment") == comment);
  CHECK(feed.back().payload == nlohmann::json{{"n", 1}});
}

// A dossier of agency 000.00.01.H26 on 2026-11-20 with daily number `number`.
std::string DailyCode(std::int64_t number) {
  return FormatDossierCode({"000.00.01.H26", std::chrono::year(2026) / 11 / 20, number}).value();
}

TEST_CASE("sqlite store: a daily number is written with its dossier, and only with it") {
  using namespace std::chrono;
  const LocalDate day = 2026y / November / 20d;
  TempDirectory dir;
  {
    auto store = OpenStore(dir.File("n.db"));
    CHECK(store->NextDossierSequence("000.00.01.H26", day).value() == 1);
    CHECK(store->NextDossierSequence("000.00.01.H26", day).value() == 2);
    REQUIRE(store->CreateDossier(NewDossier(DailyCode(2)), {"clerk"}, 1).ok());
    CHECK(store->NextDossierSequence("000.00.01.H26", day).value() == 3);
  }
  RawDatabase raw(dir.File("n.db"));
  // Number 3 went to no dossier: the table holds the stored dossier's 2.
  CHECK(raw.Query("SELECT last FROM dossier_sequences WHERE agency = '000.00.01.H26' AND "
                  "day = '2026-11-20'") == "2");
  auto reopened = OpenStore(dir.File("n.db"));
  CHECK(reopened->NextDossierSequence("000.00.01.H26", day).value() == 3);
  // A code that is not a national dossier code leaves the numbers alone.
  REQUIRE(reopened->CreateDossier(NewDossier("T-1"), {"clerk"}, 1).ok());
  CHECK(raw.Query("SELECT COUNT(*) FROM dossier_sequences") == "1");
}

TEST_CASE("sqlite store: numbers another writer stored are not handed out again") {
  using namespace std::chrono;
  const LocalDate day = 2026y / November / 20d;
  TempDirectory dir;
  auto first = OpenStore(dir.File("two.db"));
  auto second = OpenStore(dir.File("two.db"));
  CHECK(second->NextDossierSequence("000.00.01.H26", day).value() == 1);
  for (std::int64_t expected : {1, 2, 3}) {
    const std::int64_t number = first->NextDossierSequence("000.00.01.H26", day).value();
    CHECK(number == expected);
    REQUIRE(first->CreateDossier(NewDossier(DailyCode(number)), {"clerk"}, 1).ok());
  }
  // The second store meets its number as taken, then numbers after the table.
  Status taken = second->CreateDossier(NewDossier(DailyCode(1)), {"clerk"}, 1);
  REQUIRE_FALSE(taken.ok());
  CHECK(taken.error().reason() == ErrorReason::kDossierExists);
  CHECK(second->NextDossierSequence("000.00.01.H26", day).value() == 4);
  REQUIRE(second->CreateDossier(NewDossier(DailyCode(4)), {"clerk"}, 1).ok());
}

TEST_CASE("sqlite store: pre-summed report counts are rebuilt from the facts when missing") {
  TempDirectory dir;
  const std::string agency = NewDossier("X").agency;
  ReportQuery query;
  query.agency = agency;
  query.from = SampleTime(-10 * 86400);
  query.to = SampleTime(10 * 86400);
  query.group_by = ReportGroupBy::kProcedure;
  query.now = SampleTime(5 * 86400);
  std::vector<ReportGroup> before;
  {
    auto store = OpenStore(dir.File("r.db"));
    for (int i = 0; i < 6; ++i) {
      Dossier d = NewDossier("R-" + std::to_string(i));
      ReportFacts facts;
      facts.dossier_code = d.code;
      facts.agency = d.agency;
      facts.procedure_code = d.procedure_code;
      facts.submitted_at = SampleTime(i * 86400 / 2);
      facts.submitted_month = "2026-11";
      facts.received_at = facts.submitted_at;
      facts.due_at = SampleTime(i * 86400);  // some overdue at `now`, some not
      facts.documents_total = i;
      REQUIRE(store->CreateDossier(d, {"clerk"}, 1, {}, facts).ok());
    }
    Result<std::vector<ReportGroup>> report = store->AggregateReport(query);
    REQUIRE(report.ok());
    before = *report;
  }
  REQUIRE(before.size() == 1);
  CHECK(before.front().counts.dossiers == 6);
  CHECK(before.front().counts.in_progress_overdue == 5);
  CHECK(before.front().counts.documents_total == 15);
  RawDatabase raw(dir.File("r.db"));
  CHECK(raw.Query("SELECT SUM(dossiers) FROM report_daily") == "6");
  // As after migration 0008 on a database with facts: no pre-summed rows.
  REQUIRE(raw.Exec("DELETE FROM report_daily") == "");
  {
    auto store = OpenStore(dir.File("r.db"));
    Result<std::vector<ReportGroup>> report = store->AggregateReport(query);
    REQUIRE(report.ok());
    REQUIRE(report->size() == 1);
    CHECK(report->front().key == before.front().key);
    CHECK(report->front().counts == before.front().counts);
  }
  CHECK(raw.Query("SELECT SUM(dossiers) FROM report_daily") == "6");
  CHECK(raw.Query("SELECT SUM(documents_total) FROM report_daily") == "15");
}

TEST_CASE(
    "sqlite store: the report row the writer remembers gives way to an edit made straight to the "
    "database") {
  TempDirectory dir;
  auto store = OpenStore(dir.File("k.db"));
  Dossier d = NewDossier("K-1");
  ReportFacts facts;
  facts.dossier_code = d.code;
  facts.agency = d.agency;
  facts.procedure_code = d.procedure_code;
  facts.submitted_at = SampleTime();
  facts.submitted_month = "2026-11";
  facts.documents_total = 1;
  REQUIRE(store->CreateDossier(d, {"clerk"}, 1, {}, facts).ok());
  RawDatabase raw(dir.File("k.db"));
  auto commit_with_documents = [&](int documents) {
    const Dossier current = store->GetDossier(d.code).value();
    SampleTransition moved = MoveTo(current, "review", SampleTime(60 * documents));
    DossierStore::TransitionCommit commit = CommitOf(moved, current.version);
    facts.documents_total = documents;
    commit.facts = facts;
    REQUIRE(store->CommitTransition(commit).ok());
  };
  // The writer remembers each row it wrote, and the roll-up follows the row.
  for (int documents : {2, 4, 3}) {
    commit_with_documents(documents);
    CHECK(raw.Query("SELECT documents_total FROM report_facts") == std::to_string(documents));
    CHECK(raw.Query("SELECT SUM(documents_total) FROM report_daily") == std::to_string(documents));
  }
  // An operator corrects the row and its roll-up together, from another
  // connection. The next write starts from the corrected row (7), not from
  // the 3 the writer wrote: the roll-up becomes 5, not 5 + 7 - 3 = 9.
  REQUIRE(raw.Exec("BEGIN; UPDATE report_facts SET documents_total = 7; "
                   "UPDATE report_daily SET documents_total = documents_total + 4; COMMIT") == "");
  commit_with_documents(5);
  CHECK(raw.Query("SELECT documents_total FROM report_facts") == "5");
  CHECK(raw.Query("SELECT SUM(documents_total) FROM report_daily") == "5");
}

TEST_CASE("sqlite store: a document's bytes are stored once") {
  TempDirectory dir;
  const std::string id = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
  {
    auto store = OpenStore(dir.File("d.db"));
    for (int i = 0; i < 3; ++i) {
      REQUIRE(
          store->PutDocument(DocumentInfo{id, 5, "text/plain"}, "hello", "079012345678", Instant{})
              .ok());
    }
  }
  RawDatabase raw(dir.File("d.db"));
  CHECK(raw.Query("SELECT COUNT(*) FROM documents") == "1");
}

TEST_CASE("sqlite store: the audit chain verifies, and names the event an attacker edited") {
  TempDirectory dir;
  {
    auto store = OpenStore(dir.File("a.db"));
    CreateWithHistory(*store, "A-1", 3);
    CreateWithHistory(*store, "A-2", 2);
    Result<std::vector<AuditRecord>> trail = store->AuditTrail("A-1");
    REQUIRE(trail.ok());
    REQUIRE(trail->size() == 4);
    CHECK((*trail)[0].previous_hash.empty());
    CHECK((*trail)[1].previous_hash == (*trail)[0].hash);
    CHECK((*trail)[0].hash == EventHash(CanonicalEvent("A-1", 0, (*trail)[0].event), ""));
  }
  Result<AuditVerification> clean = VerifyAuditChain(dir.File("a.db"));
  REQUIRE(clean.ok());
  CHECK(clean->ok);
  CHECK(clean->events_checked == 7);
  CHECK_FALSE(clean->first_broken.has_value());

  {
    RawDatabase raw(dir.File("a.db"));
    REQUIRE(raw.Exec("DROP TRIGGER events_no_update") == "");
    REQUIRE(raw.Exec("UPDATE events SET payload = '{\"comment\":\"approved by nobody\"}' "
                     "WHERE dossier_code = 'A-1' AND idx = 2") == "");
  }
  Result<AuditVerification> tampered = VerifyAuditChain(dir.File("a.db"));
  REQUIRE(tampered.ok());
  CHECK_FALSE(tampered->ok);
  REQUIRE(tampered->first_broken.has_value());
  CHECK(tampered->first_broken->dossier_code == "A-1");
  CHECK(tampered->first_broken->index == 2);
  CHECK(tampered->first_broken->reason == "hash does not match the event's content");
  CHECK(tampered->events_checked == 2);

  Result<AuditVerification> other = VerifyAuditChain(dir.File("a.db"), std::string("A-2"));
  REQUIRE(other.ok());
  CHECK(other->ok);
  CHECK(other->events_checked == 3);
  CHECK(VerifyAuditChain(dir.File("a.db"), std::string("A-9")).error().code() ==
        ErrorCode::kNotFound);
}

TEST_CASE("sqlite store: the canonical event split around its index is the canonical event") {
  DossierEvent event = SubmitEvent("001099012345", SampleTime(5));
  event.from_state = R"(a,"idx":7,"payload":{})";
  event.actor.roles = {"clerk", R"(,"idx":1,)"};
  event.payload = {{"idx", 3}, {"note", ",\"idx\":0,"}, {"vi", "Nguyễn \x01\t"}};
  event.to_state = "bad \xff utf-8 \u00e9";
  for (bool online : {true, false}) {
    if (online) {
      event.channel = Channel::kOnline;
    } else {
      event.channel.reset();
      event.step = ApplicantStep::kNone;
    }
    for (const std::string& code : {std::string("A-1"), std::string(R"(B,"idx":0,-2)")}) {
      // Without the sign-in method, and with it, its provider absent or named.
      const std::pair<bool, std::string> sign_ins[] = {{false, ""},
                                                       {true, ""},
                                                       {true,
                                                        "vn\xff"
                                                        "eid \"x\""}};
      for (const auto& [records, provider] : sign_ins) {
        event.records_authentication = records;
        event.actor.identity_provider = provider;
        event.actor.authenticated_by = AuthMethod::kOidcSession;
        // With the payload as the store's column holds it.
        const CanonicalEventTemplate parts =
            CanonicalEventAround(code, event, event.payload.dump());
        for (std::int64_t index : {0, 1, 9, 10, 123456789}) {
          const std::string canonical = CanonicalEvent(code, index, event);
          CHECK(parts.head + std::to_string(index) + parts.tail == canonical);
          CHECK(EventHash(parts, index, "abc") == EventHash(canonical, "abc"));
        }
      }
    }
  }
}

TEST_CASE("sqlite store: an event whose payload is not UTF-8 is refused, and nothing is written") {
  TempDirectory dir;
  SqliteStoreOptions options;
  options.path = dir.File("utf8.db");
  options.synchronous = "normal";
  auto store = SqliteStore::Open(options).value();
  REQUIRE(store->CreateDossier(NewDossier("U-1"), {"clerk"}, 1).ok());
  const Dossier before = store->GetDossier("U-1").value();
  // MoveTo writes the actor into the payload: {"comment": "moved by clerk-\xff"}.
  SampleTransition moved = MoveTo(before, "review", SampleTime(60), "clerk-\xff");
  Status committed = store->CommitTransition(CommitOf(moved, before.version));
  REQUIRE_FALSE(committed.ok());
  CHECK(committed.error().code() == ErrorCode::kInvalidArgument);
  CHECK(committed.error().message().find("event cannot be stored") != std::string::npos);
  const Dossier after = store->GetDossier("U-1").value();
  CHECK(after.version == before.version);
  CHECK(after.state == before.state);
  CHECK(after.history.size() == before.history.size());
}

TEST_CASE("sqlite store: an event that records no method hashes as events did before methods") {
  // The text and hash of this event as the engine computed them before events
  // recorded how their actor authenticated; rows written then must still
  // verify, so these never change.
  DossierEvent event = SubmitEvent("001099012345", SampleTime(5));
  event.records_authentication = false;
  event.actor.authenticated_by = AuthMethod::kOidcSession;  // not recorded: ignored
  event.actor.identity_provider = "vneid";
  const std::string before_methods =
      R"({"action":"submit","actor":{"agency":"","roles":["applicant"],"user_id":"001099012345"},)"
      R"("at":1795136405,"channel":2,"dossier_code":"A-1","from_state":"","idx":0,)"
      R"("payload":{"comment":"nộp hồ sơ"},"step":"submission","to_state":"submitted"})";
  CHECK(CanonicalEvent("A-1", 0, event) == before_methods);
  CHECK(EventHash(CanonicalEvent("A-1", 0, event), "") ==
        "23e6f51b1557ebede24b3715083197678d707a881275397e7b01512020ae1854");

  event.records_authentication = true;
  const std::string recorded = CanonicalEvent("A-1", 0, event);
  CHECK(recorded.find(R"("actor":{"agency":"","authenticated_by":"oidc_session",)"
                      R"("identity_provider":"vneid","roles":["applicant"],)") !=
        std::string::npos);
  event.actor.identity_provider.clear();
  event.actor.authenticated_by = AuthMethod::kBearerToken;
  CHECK(CanonicalEvent("A-1", 0, event)
            .find(R"("authenticated_by":"bearer_token","identity_provider":null,)") !=
        std::string::npos);
}

// The events of `code`, read from their rows.
std::vector<AuditRecord> StoredEvents(RawDatabase& raw, const std::string& code) {
  sqlite3_stmt* prepared = nullptr;
  const std::string sql =
      std::string("SELECT ") + kEventColumns + " FROM events WHERE dossier_code = ?1 ORDER BY idx";
  REQUIRE(sqlite3_prepare_v2(raw.handle(), sql.c_str(), -1, &prepared, nullptr) == SQLITE_OK);
  SqliteStatement stmt(prepared, raw.handle());
  stmt.BindText(1, code);
  std::vector<AuditRecord> records;
  REQUIRE(stmt.ForEachRow([&](const SqliteStatement& row) -> Status {
                Result<AuditRecord> record = ReadEventRow(row);
                if (!record.ok()) return record.error();
                records.push_back(std::move(record).value());
                return Status();
              })
              .ok());
  return records;
}

// Rewrites the events of `code` as the engine wrote them before events
// recorded how their actor authenticated: no method in the row, and each hash
// computed without it (the form pinned by the test above).
void RewriteAsBeforeMethods(const std::string& path, const std::string& code) {
  RawDatabase raw(path);
  std::string previous_hash;
  std::string sql = "DROP TRIGGER events_no_update;";
  for (AuditRecord& record : StoredEvents(raw, code)) {
    record.event.records_authentication = false;
    const std::string hash =
        EventHash(CanonicalEvent(code, record.index, record.event), previous_hash);
    sql +=
        "UPDATE events SET actor_auth_method = NULL, actor_identity_provider = NULL, "
        "hash = '" +
        hash + "' WHERE sequence = " + std::to_string(record.sequence) + ";";
    previous_hash = hash;
  }
  sql += kRestoreEventsNoUpdate;
  REQUIRE(raw.Exec(sql) == "");
}

TEST_CASE(
    "sqlite store: events stored before they recorded a method verify, and later ones chain") {
  TempDirectory dir;
  const std::string path = DatabaseWithHistory(dir, "old.db", "OLD-1", 2);
  RewriteAsBeforeMethods(path, "OLD-1");
  Result<AuditVerification> old = VerifyAuditChain(path);
  REQUIRE(old.ok());
  CHECK(old->ok);
  CHECK(old->events_checked == 3);

  {
    auto store = OpenStore(path);
    Dossier current = store->GetDossier("OLD-1").value();
    for (const DossierEvent& event : current.history) CHECK_FALSE(event.records_authentication);
    SampleTransition next = MoveTo(current, "after", SampleTime(600));
    next.event.actor.authenticated_by = AuthMethod::kOidcSession;
    next.event.actor.identity_provider = "keycloak";
    next.after.history.Mutable().back() = next.event;
    REQUIRE(store->CommitTransition(CommitOf(next, current.version)).ok());
    const std::vector<DossierEvent> history = store->GetDossier("OLD-1")->history;
    REQUIRE(history.size() == 4);
    CHECK_FALSE(history[2].records_authentication);
    CHECK(history[3].records_authentication);
    CHECK(history[3].actor.authenticated_by == AuthMethod::kOidcSession);
    CHECK(history[3].actor.identity_provider == "keycloak");
  }
  Result<AuditVerification> mixed = VerifyAuditChain(path);
  REQUIRE(mixed.ok());
  CHECK(mixed->ok);
  CHECK(mixed->events_checked == 4);

  // A method added to an old row is an edit like any other.
  {
    RawDatabase raw(path);
    REQUIRE(raw.Exec("DROP TRIGGER events_no_update; UPDATE events SET actor_auth_method = "
                     "'bearer_token' WHERE dossier_code = 'OLD-1' AND idx = 1") == "");
  }
  Result<AuditVerification> claimed = VerifyAuditChain(path);
  REQUIRE(claimed.ok());
  CHECK_FALSE(claimed->ok);
  REQUIRE(claimed->first_broken.has_value());
  CHECK(claimed->first_broken->index == 1);
  CHECK(claimed->first_broken->reason == "hash does not match the event's content");
}

TEST_CASE("sqlite store: a recorded method edited in the database breaks the chain at that event") {
  struct Edit {
    const char* what;
    const char* set;  // the SET clause of the attacker's UPDATE
    std::int64_t index;
    const char* reason;
  };
  const std::vector<Edit> edits = {
      {"a bearer token passed off as a provider's session",
       "actor_auth_method = 'oidc_session', actor_identity_provider = 'vneid'", 1,
       "hash does not match the event's content"},
      {"another provider", "actor_identity_provider = 'keycloak'", 0,
       "hash does not match the event's content"},
      {"the provider removed", "actor_identity_provider = NULL", 0,
       "hash does not match the event's content"},
      {"the method removed, as if written before methods were recorded",
       "actor_auth_method = NULL, actor_identity_provider = NULL", 2,
       "hash does not match the event's content"},
      {"a method the engine does not know", "actor_auth_method = 'root'", 1,
       "event is unreadable: stored actor_auth_method has an unexpected shape"},
  };
  for (const Edit& edit : edits) {
    CAPTURE(edit.what);
    TempDirectory dir;
    const std::string path = dir.File("m.db");
    {
      auto store = OpenStore(path);
      Dossier current = NewDossier("M-1");
      current.history.Mutable()[0].actor.authenticated_by = AuthMethod::kOidcSession;
      current.history.Mutable()[0].actor.identity_provider = "vneid";
      REQUIRE(store->CreateDossier(current, {"clerk"}, 1).ok());
      for (int i = 0; i < 2; ++i) {
        SampleTransition next =
            MoveTo(current, "step" + std::to_string(i), SampleTime(60 * (i + 1)));
        next.event.actor.authenticated_by = AuthMethod::kBearerToken;
        next.after.history.Mutable().back() = next.event;
        REQUIRE(store->CommitTransition(CommitOf(next, current.version)).ok());
        current = next.after;
      }
    }
    Result<AuditVerification> clean = VerifyAuditChain(path);
    REQUIRE(clean.ok());
    REQUIRE(clean->ok);
    {
      RawDatabase raw(path);
      REQUIRE(raw.Query("SELECT actor_auth_method FROM events WHERE idx = 1") == "bearer_token");
      REQUIRE(raw.Query("SELECT actor_identity_provider FROM events WHERE idx = 0") == "vneid");
      REQUIRE(raw.Exec("DROP TRIGGER events_no_update; UPDATE events SET " + std::string(edit.set) +
                       " WHERE dossier_code = 'M-1' AND idx = " + std::to_string(edit.index)) ==
              "");
    }
    Result<AuditVerification> tampered = VerifyAuditChain(path);
    REQUIRE(tampered.ok());
    CHECK_FALSE(tampered->ok);
    REQUIRE(tampered->first_broken.has_value());
    CHECK(tampered->first_broken->dossier_code == "M-1");
    CHECK(tampered->first_broken->index == edit.index);
    CHECK(tampered->first_broken->reason == edit.reason);
  }
}

TEST_CASE("sqlite store: two stores writing one dossier in turn keep its chain whole") {
  // Each store's writer remembers the last event of the dossiers it wrote;
  // a commit by the other connection must make it look again.
  TempDirectory dir;
  auto first = OpenStore(dir.File("t.db"));
  auto second = OpenStore(dir.File("t.db"));
  Dossier current = NewDossier("T-1");
  REQUIRE(first->CreateDossier(current, {"clerk"}, 1).ok());
  for (int i = 0; i < 6; ++i) {
    DossierStore& store = i % 3 == 2 ? *second : *first;
    SampleTransition next = MoveTo(current, "step" + std::to_string(i), SampleTime(60 * (i + 1)));
    REQUIRE(store.CommitTransition(CommitOf(next, current.version)).ok());
    current = next.after;
  }
  Result<AuditVerification> check = VerifyAuditChain(dir.File("t.db"));
  REQUIRE(check.ok());
  CHECK(check->ok);
  CHECK(check->events_checked == 7);
}

TEST_CASE("sqlite store: a dossier another store moved on is read whole, not from memory") {
  TempDirectory dir;
  auto first = OpenStore(dir.File("h.db"));
  auto second = OpenStore(dir.File("h.db"));
  Dossier current = NewDossier("H-1");
  REQUIRE(first->CreateDossier(current, {"clerk"}, 1).ok());
  REQUIRE(first->GetDossier("H-1")->history.size() == 1);  // now in first's memory
  for (int i = 0; i < 3; ++i) {
    SampleTransition next = MoveTo(current, "step" + std::to_string(i), SampleTime(60 * (i + 1)));
    REQUIRE(second->CommitTransition(CommitOf(next, current.version)).ok());
    current = next.after;
    Result<Dossier> seen = first->GetDossier("H-1");
    REQUIRE(seen.ok());
    CHECK(seen->version == current.version);
    REQUIRE(seen->history.size() == current.history.size());
    CHECK(seen->history.back().to_state == "step" + std::to_string(i));
  }
  // What a store remembers of its own writes equals what a fresh store reads.
  SampleTransition last = MoveTo(current, "done", SampleTime(600));
  REQUIRE(first->CommitTransition(CommitOf(last, current.version)).ok());
  Result<Dossier> remembered = first->GetDossier("H-1");
  auto fresh = OpenStore(dir.File("h.db"));
  Result<Dossier> read = fresh->GetDossier("H-1");
  REQUIRE(remembered.ok());
  REQUIRE(read.ok());
  REQUIRE(remembered->history.size() == read->history.size());
  for (std::size_t i = 0; i < read->history.size(); ++i) {
    const DossierEvent& a = remembered->history[i];
    const DossierEvent& b = read->history[i];
    CHECK(a.action == b.action);
    CHECK(a.to_state == b.to_state);
    CHECK(a.at == b.at);
    CHECK(a.actor.user_id == b.actor.user_id);
    CHECK(a.payload == b.payload);
  }
}

TEST_CASE(
    "sqlite store: a dossier read to change owns its cached events, and readers keep theirs") {
  TempDirectory dir;
  auto store = OpenStore(dir.File("c.db"));
  CreateWithHistory(*store, "C-1", 2);
  {
    // A reader's copy shares the cached events.
    Result<Dossier> reader = store->GetDossier("C-1");
    REQUIRE(reader.ok());
    REQUIRE(reader->history.size() == 3);
    Result<Dossier> changing = store->GetDossierToChange("C-1");
    REQUIRE(changing.ok());
    CHECK(&changing->history.front() == &reader->history.front());  // taken, not read again
    // While the reader holds them, the writer's change copies them.
    changing->history.push_back(reader->history.back());
    CHECK(reader->history.size() == 3);
    CHECK(&changing->history.front() != &reader->history.front());
  }
  std::optional<Dossier> other = *store->GetDossier("C-1");  // back in the cache, and held
  Result<Dossier> changing = store->GetDossierToChange("C-1");
  REQUIRE(changing.ok());
  other.reset();  // the last other holder lets go: changed in place
  const DossierEvent* first = &changing->history.front();
  changing->history.Mutable();
  CHECK(&changing->history.front() == first);

  // The commit puts the next version back; what is read then equals what a
  // fresh store reads.
  SampleTransition next = MoveTo(*changing, "step9", SampleTime(6000));
  REQUIRE(store->CommitTransition(CommitOf(next, changing->version)).ok());
  Result<Dossier> remembered = store->GetDossier("C-1");
  Result<Dossier> fresh = OpenStore(dir.File("c.db"))->GetDossier("C-1");
  REQUIRE(remembered.ok());
  REQUIRE(fresh.ok());
  REQUIRE(remembered->history.size() == 4);
  REQUIRE(fresh->history.size() == 4);
  CHECK(remembered->history.back().to_state == "step9");
  CHECK(fresh->history.back().to_state == "step9");
}

TEST_CASE("sqlite store: a dossier read again holds its version's contents without folding") {
  TempDirectory dir;
  auto store = OpenStore(dir.File("f.db"));
  Dossier current = NewDossier("F-1");
  REQUIRE(store->CreateDossier(current, {"clerk"}, 1).ok());
  // An event that changes a form field, attaches a document and names a
  // result, folded into `after` as the state machine folds it.
  const std::string card(64, 'a');
  const std::string result(64, 'b');
  SampleTransition next{current, MoveTo(current, "reviewed", SampleTime(60)).event};
  next.event.payload["form"] = {{"full_name", "Nguyễn Văn B"}};
  next.event.payload["documents"] = {{"id_card", card}};
  next.event.payload["result_document"] = result;
  next.after.state = next.event.to_state;
  next.after.version = current.version + 1;
  next.after.history.push_back(next.event);
  REQUIRE(
      FoldEventContents(next.after.history.back(), next.after.history.size() - 1, next.after).ok());
  REQUIRE(store->CommitTransition(CommitOf(next, current.version)).ok());
  Result<Dossier> remembered = store->GetDossier("F-1");
  Result<Dossier> fresh = OpenStore(dir.File("f.db"))->GetDossier("F-1");
  REQUIRE(remembered.ok());
  REQUIRE(fresh.ok());
  for (const Dossier* read : {&*remembered, &*fresh}) {
    CHECK(read->form == nlohmann::json{{"full_name", "Nguyễn Văn B"}});
    CHECK(read->documents == std::map<std::string, std::string>{{"id_card", card}});
    CHECK(read->result_document == result);
  }

  // Reads of a committed version get the contents its commit handed over,
  // not a fold of its events again. A commit whose contents say more than
  // its events (which the store's contract forbids) shows which: the store
  // that committed it answers with them, a fresh store folds the events.
  Result<Dossier> changing = store->GetDossierToChange("F-1");
  REQUIRE(changing.ok());
  const std::int64_t version = changing->version;
  SampleTransition marked = MoveTo(*changing, "marked", SampleTime(120));
  marked.after.form["remembered"] = true;
  REQUIRE(store->CommitTransition(CommitOf(marked, version)).ok());
  CHECK(store->GetDossier("F-1")->form.contains("remembered"));
  CHECK(store->GetDossierToChange("F-1")->form.contains("remembered"));
  CHECK_FALSE(OpenStore(dir.File("f.db"))->GetDossier("F-1")->form.contains("remembered"));
  // Taken to change, the version left the cache: the next read folds.
  CHECK_FALSE(store->GetDossier("F-1")->form.contains("remembered"));
}

TEST_CASE("sqlite store: concurrent readers keep their events while a writer appends in place") {
  // Readers on other threads share the cached events; the writer takes them
  // (GetDossierToChange) and appends in place once no reader holds them. No
  // reader may see events change under it (tools/sanitize.sh tsan runs this
  // too; the store's own locks already order most interleavings, so it
  // cannot tell whether EventHistory::Mutable's own ordering is needed).
  TempDirectory dir;
  auto store = OpenStore(dir.File("r.db"));
  CreateWithHistory(*store, "R-1", 1);
  const Dossier created = *store->GetDossier("R-1");
  const std::int64_t offset = static_cast<std::int64_t>(created.history.size()) - created.version;
  std::atomic<bool> writing{true};
  std::atomic<int> reads{0};
  std::atomic<int> inconsistent{0};
  auto read = [&] {
    while (writing.load()) {
      Result<Dossier> seen = store->GetDossier("R-1");
      if (!seen.ok()) {
        ++inconsistent;
        continue;
      }
      std::size_t states = 0;
      for (const DossierEvent& event : seen->history) states += event.to_state.size();
      if (static_cast<std::int64_t>(seen->history.size()) - seen->version != offset ||
          states == 0) {
        ++inconsistent;
      }
      ++reads;
    }
  };
  std::thread first(read);
  std::thread second(read);
  for (int i = 0; i < 200; ++i) {
    Result<Dossier> loaded = store->GetDossierToChange("R-1");
    REQUIRE(loaded.ok());
    const std::int64_t version = loaded->version;
    SampleTransition next{std::move(loaded).value(), {}};
    next.event.action = "move";
    next.event.from_state = next.after.state;
    next.event.to_state = "step" + std::to_string(i);
    next.event.actor = Actor{"clerk-1", {"clerk"}, next.after.agency};
    next.event.at = SampleTime(60 * (i + 2));
    next.after.state = next.event.to_state;
    next.after.version = version + 1;
    next.after.history.push_back(next.event);
    REQUIRE(store->CommitTransition(CommitOf(next, version)).ok());
  }
  writing = false;
  first.join();
  second.join();
  CHECK(reads.load() > 0);
  CHECK(inconsistent.load() == 0);
  Result<Dossier> fresh = OpenStore(dir.File("r.db"))->GetDossier("R-1");
  REQUIRE(fresh.ok());
  CHECK(static_cast<std::int64_t>(fresh->history.size()) - fresh->version == offset);
  CHECK(fresh->history.back().to_state == "step199");
}

TEST_CASE("sqlite store: an event removed from the middle breaks the chain there") {
  TempDirectory dir;
  {
    auto store = OpenStore(dir.File("r.db"));
    CreateWithHistory(*store, "R-1", 3);
  }
  {
    RawDatabase raw(dir.File("r.db"));
    REQUIRE(raw.Exec("DROP TRIGGER events_no_delete") == "");
    REQUIRE(raw.Exec("DELETE FROM events WHERE dossier_code = 'R-1' AND idx = 1") == "");
  }
  Result<AuditVerification> check = VerifyAuditChain(dir.File("r.db"));
  REQUIRE(check.ok());
  CHECK_FALSE(check->ok);
  CHECK(check->first_broken->dossier_code == "R-1");
  CHECK(check->first_broken->index == 1);
  CHECK(check->first_broken->reason == "event 1 is missing");
}

TEST_CASE("sqlite store: a backup is a sound database with the same dossiers") {
  TempDirectory dir;
  auto store = OpenStore(dir.File("live.db"));
  CreateWithHistory(*store, "B-1", 2);
  CreateWithHistory(*store, "B-2", 0);
  // Taken while the store is open (its connections hold the database).
  REQUIRE(BackupDatabase(dir.File("live.db"), dir.File("copy.db")).ok());
  CHECK(BackupDatabase(dir.File("live.db"), dir.File("copy.db")).error().code() ==
        ErrorCode::kFailedPrecondition);
  CHECK(BackupDatabase(dir.File("absent.db"), dir.File("x.db")).error().code() ==
        ErrorCode::kNotFound);
  {
    RawDatabase raw(dir.File("copy.db"));
    CHECK(raw.Query("PRAGMA integrity_check") == "ok");
    CHECK(raw.Query("SELECT group_concat(code) FROM (SELECT code FROM dossiers ORDER BY code)") ==
          "B-1,B-2");
  }
  auto copy = OpenStore(dir.File("copy.db"));
  Result<Dossier> b1 = copy->GetDossier("B-1");
  REQUIRE(b1.ok());
  CHECK(b1->version == 3);
  CHECK(b1->history.size() == 3);
  Result<AuditVerification> chain = VerifyAuditChain(dir.File("copy.db"));
  REQUIRE(chain.ok());
  CHECK(chain->ok);
  CHECK(chain->events_checked == 4);
}

TEST_CASE("sqlite store: motcua backup in another process while this one writes") {
  TempDirectory dir;
  auto store = OpenStore(dir.File("busy.db"));
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int n = 0; !stop; ++n) {
        const std::string code = "W" + std::to_string(w) + "-" + std::to_string(n);
        CreateWithHistory(*store, code, 2);
        ++written;
      }
    });
  }
  while (written < 20) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const std::string command = std::string(MOTCUA_BINARY) + " backup --db " + dir.File("busy.db") +
                              " --out " + dir.File("snapshot.db") + " > /dev/null 2>&1";
  const int exit_code = std::system(command.c_str());
  stop = true;
  for (std::thread& t : writers) t.join();
  REQUIRE(exit_code == 0);

  RawDatabase raw(dir.File("snapshot.db"));
  CHECK(raw.Query("PRAGMA integrity_check") == "ok");
  const int copied = std::stoi(raw.Query("SELECT COUNT(*) FROM dossiers"));
  CHECK(copied >= 20);
  // A consistent snapshot: every copied dossier (some caught between two of
  // their transitions) has exactly the events of its version.
  CHECK(raw.Query("SELECT COUNT(*) FROM dossiers AS d WHERE d.version != "
                  "(SELECT COUNT(*) FROM events AS e WHERE e.dossier_code = d.code)") == "0");
  Result<AuditVerification> chain = VerifyAuditChain(dir.File("snapshot.db"));
  REQUIRE(chain.ok());
  CHECK(chain->ok);
  CHECK(chain->events_checked == std::stoi(raw.Query("SELECT SUM(version) FROM dossiers")));
}

}  // namespace
}  // namespace motcua
