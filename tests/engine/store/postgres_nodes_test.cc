// Several engine nodes on one PostgreSQL database (issue 19): each node is a
// PostgresStore of its own, with its own pool, on the same database. What one
// process's locks cannot show: races between nodes, migrations at once, feed
// ids that a slower node's commit must not undercut.
#include <doctest/doctest.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/domain/report_query.h"
#include "engine/postgres/pg_connection.h"
#include "engine/postgres/pg_lease.h"
#include "engine/postgres/pg_migrations.h"
#include "engine/postgres/postgres_store.h"
#include "engine/storage/event_chain.h"
#include "tests/engine/sqlite/sample_dossiers.h"
#include "tests/postgres_test_database.h"

#if MOTCUA_POSTGRES_TESTS

namespace motcua {
namespace {

std::unique_ptr<PostgresStore> OpenNode(const PostgresTestDatabase& database) {
  PostgresStoreOptions options;
  options.conninfo = database.uri();
  options.connections = 4;
  Result<std::unique_ptr<PostgresStore>> opened = PostgresStore::Open(options);
  REQUIRE_MESSAGE(opened.ok(), (opened.ok() ? "" : opened.error().message()));
  return std::move(opened).value();
}

std::unique_ptr<PgConnection> Connect(const PostgresTestDatabase& database) {
  Result<std::unique_ptr<PgConnection>> connection = PgConnection::Connect(database.uri());
  REQUIRE_MESSAGE(connection.ok(), (connection.ok() ? "" : connection.error().message()));
  return std::move(connection).value();
}

TEST_CASE("postgres nodes: nodes starting together on a fresh database migrate it once") {
  PostgresTestDatabase database;
  REQUIRE_MESSAGE(database.available(), database.unavailable_reason());
  constexpr int kNodes = 4;
  std::vector<std::unique_ptr<PostgresStore>> nodes(kNodes);
  std::vector<std::string> failures(kNodes);
  std::vector<std::thread> starting;
  for (int n = 0; n < kNodes; ++n) {
    starting.emplace_back([&, n] {
      PostgresStoreOptions options;
      options.conninfo = database.uri();
      options.connections = 1;
      Result<std::unique_ptr<PostgresStore>> opened = PostgresStore::Open(options);
      if (opened.ok()) {
        nodes[static_cast<std::size_t>(n)] = std::move(opened).value();
      } else {
        failures[static_cast<std::size_t>(n)] = opened.error().message();
      }
    });
  }
  for (std::thread& thread : starting) thread.join();
  for (const std::string& failure : failures) CHECK(failure == "");
  std::unique_ptr<PgConnection> check = Connect(database);
  Result<PgResult> versions = check->Exec("SELECT version FROM schema_migrations ORDER BY version");
  REQUIRE(versions.ok());
  REQUIRE(versions->Rows() == static_cast<int>(EmbeddedPostgresMigrations().size()));
  CHECK(versions->Int(versions->Rows() - 1, 0) == EmbeddedPostgresMigrations().back().version);
}

TEST_CASE(
    "postgres nodes: opening tells the progress of each migration it applies, and only those") {
  PostgresTestDatabase database;
  REQUIRE_MESSAGE(database.available(), database.unavailable_reason());
  std::vector<std::string> told;
  auto open = [&] {
    PostgresStoreOptions options;
    options.conninfo = database.uri();
    options.connections = 1;
    options.migration_progress = [&told](const MigrationStep& step) {
      told.push_back(std::to_string(step.migration.version) + " " + std::to_string(step.number) +
                     "/" + std::to_string(step.count) + " from " +
                     std::to_string(step.from_version) + (step.took ? " done" : ""));
    };
    REQUIRE(PostgresStore::Open(options).ok());
  };
  open();
  const std::vector<Migration>& all = EmbeddedPostgresMigrations();
  REQUIRE(told.size() == 2 * all.size());
  const std::string count = std::to_string(all.size());
  CHECK(told.front() == std::to_string(all.front().version) + " 1/" + count + " from 0");
  CHECK(told.back() ==
        std::to_string(all.back().version) + " " + count + "/" + count + " from 0 done");
  // As a database from before 0022 (its columns back, empty): the
  // migrations from 0022 on are told, and only those.
  std::unique_ptr<PgConnection> edit = Connect(database);
  REQUIRE(edit->RunScript("ALTER TABLE events ADD COLUMN previous_hash text NOT NULL DEFAULT '';"
                          "ALTER TABLE dossiers ADD COLUMN form_json text NOT NULL DEFAULT '{}';"
                          "ALTER TABLE dossiers ADD COLUMN documents_json text NOT NULL "
                          "DEFAULT '{}';"
                          "ALTER TABLE dossiers ADD COLUMN result_document text;"
                          "ALTER TABLE dossiers ADD COLUMN signatures_json text NOT NULL "
                          "DEFAULT '[]';"
                          "DELETE FROM schema_migrations WHERE version >= 22")
              .ok());
  told.clear();
  open();
  std::vector<std::string> expected;
  const std::vector<const Migration*> pending = PendingMigrations(21, all);
  for (std::size_t i = 0; i < pending.size(); ++i) {
    const std::string place = std::to_string(pending[i]->version) + " " + std::to_string(i + 1) +
                              "/" + std::to_string(pending.size()) + " from 21";
    expected.push_back(place);
    expected.push_back(place + " done");
  }
  REQUIRE_FALSE(pending.empty());
  CHECK(told == expected);
  told.clear();
  open();
  CHECK(told.empty());
}

TEST_CASE("postgres nodes: a database newer than this build is refused") {
  PostgresTestDatabase database;
  REQUIRE_MESSAGE(database.available(), database.unavailable_reason());
  OpenNode(database);
  std::unique_ptr<PgConnection> edit = Connect(database);
  REQUIRE(edit->Run("INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 0)").ok());
  PostgresStoreOptions options;
  options.conninfo = database.uri();
  Result<std::unique_ptr<PostgresStore>> refused = PostgresStore::Open(options);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code() == ErrorCode::kFailedPrecondition);
  CHECK(refused.error().reason() == ErrorReason::kSchemaTooNew);
}

TEST_CASE("postgres nodes: racing transitions from two nodes never fork a dossier's chain") {
  PostgresTestDatabase database;
  REQUIRE_MESSAGE(database.available(), database.unavailable_reason());
  std::unique_ptr<PostgresStore> nodes[2] = {OpenNode(database), OpenNode(database)};
  REQUIRE(nodes[0]->CreateDossier(NewDossier("RACE"), {"clerk"}, 1).ok());
  constexpr std::int64_t kFinalVersion = 31;
  std::atomic<int> unexpected{0};
  std::mutex wins_mutex;
  std::vector<std::int64_t> won_versions;
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      DossierStore& node = *nodes[t % 2];
      for (;;) {
        Result<Dossier> current = node.GetDossier("RACE");
        if (!current.ok()) {
          ++unexpected;
          return;
        }
        if (current->version >= kFinalVersion) return;
        SampleTransition next =
            MoveTo(*current, "by-" + std::to_string(t), SampleTime(), "clerk-" + std::to_string(t));
        Status committed = node.CommitTransition(CommitOf(next, current->version));
        if (committed.ok()) {
          std::lock_guard lock(wins_mutex);
          won_versions.push_back(current->version);
        } else if (committed.error().code() != ErrorCode::kConflict) {
          ++unexpected;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(unexpected.load() == 0);
  std::sort(won_versions.begin(), won_versions.end());
  CHECK(won_versions.size() == static_cast<std::size_t>(kFinalVersion - 1));
  CHECK(std::adjacent_find(won_versions.begin(), won_versions.end()) == won_versions.end());
  // One chain: every link names the previous one's hash and hashes its event.
  Result<std::vector<AuditRecord>> trail = nodes[1]->AuditTrail("RACE");
  REQUIRE(trail.ok());
  REQUIRE(trail->size() == static_cast<std::size_t>(kFinalVersion));
  std::string previous;
  for (const AuditRecord& record : *trail) {
    CHECK(record.previous_hash == previous);
    CHECK(record.hash ==
          EventHash(CanonicalEvent(record.dossier_code, record.index, record.event), previous));
    previous = record.hash;
  }
}

TEST_CASE("postgres nodes: dossier numbers of one agency and day are unique across nodes") {
  PostgresTestDatabase database;
  REQUIRE_MESSAGE(database.available(), database.unavailable_reason());
  std::unique_ptr<PostgresStore> nodes[2] = {OpenNode(database), OpenNode(database)};
  constexpr int kThreads = 4;
  constexpr int kEach = 25;
  std::mutex numbers_mutex;
  std::vector<std::int64_t> numbers;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  const LocalDate day{std::chrono::year{2026}, std::chrono::month{12}, std::chrono::day{6}};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Result<std::int64_t> next = nodes[t % 2]->NextDossierSequence("000.00.01.H26", day);
        if (!next.ok()) {
          ++errors;
          continue;
        }
        std::lock_guard lock(numbers_mutex);
        numbers.push_back(*next);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(errors.load() == 0);
  std::sort(numbers.begin(), numbers.end());
  std::vector<std::int64_t> expected;
  for (std::int64_t n = 1; n <= kThreads * kEach; ++n) expected.push_back(n);
  CHECK(numbers == expected);
}

TEST_CASE("postgres nodes: a slower node's feed row is never numbered below one already read") {
  PostgresTestDatabase database;
  REQUIRE_MESSAGE(database.available(), database.unavailable_reason());
  std::unique_ptr<PostgresStore> reader = OpenNode(database);
  std::unique_ptr<PostgresStore> fast = OpenNode(database);
  // The slow node: a transaction that wrote its feed row and has not
  // committed yet (as a node would between its INSERT and its COMMIT).
  std::unique_ptr<PgConnection> slow = Connect(database);
  REQUIRE(slow->RunScript("BEGIN").ok());
  REQUIRE(slow->Run("INSERT INTO outbox (topic, payload, created_at, agency) "
                    "VALUES ('dossier.status', '{\"n\":\"slow\"}', 0, 'A')")
              .ok());
  REQUIRE(fast->CreateDossier(NewDossier("FAST-1"), {"clerk"}, 1,
                              {FeedEntry("dossier.status", {{"n", "fast"}})})
              .ok());
  Result<std::vector<StoredOutboxEntry>> first = reader->ListOutbox(OutboxQuery{0, 100, {}});
  REQUIRE(first.ok());
  REQUIRE(first->size() == 1);
  CHECK(first->front().payload["n"] == "fast");
  const std::int64_t cursor = first->back().id;
  REQUIRE(slow->RunScript("COMMIT").ok());
  // Continuing after the last id read finds the slow row.
  Result<std::vector<StoredOutboxEntry>> next = reader->ListOutbox(OutboxQuery{cursor, 100, {}});
  REQUIRE(next.ok());
  REQUIRE(next->size() == 1);
  CHECK(next->front().payload["n"] == "slow");
  CHECK(next->front().id > cursor);
}

TEST_CASE("postgres nodes: an idempotency key reserved on one node holds on the other") {
  PostgresTestDatabase database;
  REQUIRE_MESSAGE(database.available(), database.unavailable_reason());
  std::unique_ptr<PostgresStore> a = OpenNode(database);
  std::unique_ptr<PostgresStore> b = OpenNode(database);
  const Instant t0 = SampleTime();
  const Instant long_ago = SampleTime(-86400);
  Result<std::optional<IdempotencyRecord>> reserved =
      a->ReserveIdempotencyKey("u1", "k", "POST /a", t0, long_ago);
  REQUIRE(reserved.ok());
  CHECK_FALSE(reserved->has_value());
  Result<std::optional<IdempotencyRecord>> again =
      b->ReserveIdempotencyKey("u1", "k", "POST /a", t0, long_ago);
  REQUIRE(again.ok());
  REQUIRE(again->has_value());
  CHECK((*again)->fingerprint == "POST /a");
}

std::unique_ptr<PgLease> OpenLease(const PostgresTestDatabase& database) {
  Result<std::unique_ptr<PgLease>> lease = PgLease::Open(database.uri());
  REQUIRE_MESSAGE(lease.ok(), (lease.ok() ? "" : lease.error().message()));
  return std::move(lease).value();
}

// Asks `lease` every 50 ms, for at most `limit`, until it is held.
bool HeldWithin(PgLease& lease, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (lease.Held()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// Report facts for dossier `d`, step `step` of its life: the step picks
// which counts they fall in (received, finished, late, paused, ...), so that
// successive writes move the dossier between roll-up columns, and every
// fourth dossier into the next day's row.
ReportFacts StepFacts(const Dossier& d, int index, int step) {
  ReportFacts facts;
  facts.dossier_code = d.code;
  facts.agency = d.agency;
  facts.procedure_code = d.procedure_code;
  facts.submitted_at = SampleTime(index * 4000 + (step > 1 && index % 4 == 0 ? 86400 : 0));
  facts.submitted_month = "2026-11";
  facts.submitted_online = (index + step) % 3 != 0;
  facts.fee_bearing = index % 2 == 0;
  facts.paid_online = facts.fee_bearing && step > 0;
  facts.documents_total = step + 1;
  facts.documents_digitized = step;
  if (step >= 1) {
    facts.received_at = facts.submitted_at + std::chrono::hours(2);
    facts.due_at = *facts.received_at + std::chrono::hours(24 * (1 + index % 9));
    facts.counts_late_in_index = index % 7 == 0;
    if (index % 5 == 0) facts.paused_at = *facts.received_at + std::chrono::hours(3);
  }
  if (step >= 3) {
    facts.paused_at.reset();
    facts.finished_at = *facts.received_at + std::chrono::hours(30);
    facts.outcome = index % 6 == 0 ? ReportOutcome::kRefused : ReportOutcome::kApproved;
    facts.timeliness = index % 3 == 0 ? Timeliness::kOnTime : Timeliness::kEarly;
    facts.has_result = true;
    facts.electronic_result = index % 2 == 1;
    facts.rating = 1 + index % 5;
  }
  return facts;
}

// Every agency, one year around the sample time, grouped by procedure,
// judged at `now`.
ReportQuery WholeReport(Instant now) {
  ReportQuery query;
  query.from = SampleTime(-200 * 86400);
  query.to = SampleTime(200 * 86400);
  query.group_by = ReportGroupBy::kProcedure;
  query.now = now;
  return query;
}

// What CountFacts makes of `latest`, as the store's groups.
std::vector<ReportGroup> Expected(const std::map<std::string, ReportFacts>& latest,
                                  const ReportQuery& query) {
  std::map<std::string, ReportCounts> groups;
  for (const auto& [code, facts] : latest) {
    if (MatchesReportQuery(facts, query)) {
      CountFacts(facts, query.now, groups[ReportGroupKey(facts, query.group_by)]);
    }
  }
  std::vector<ReportGroup> result;
  for (auto& [key, counts] : groups) result.push_back(ReportGroup{key, counts});
  return result;
}

void CheckReport(DossierStore& node, const std::map<std::string, ReportFacts>& latest,
                 Instant now) {
  const ReportQuery query = WholeReport(now);
  Result<std::vector<ReportGroup>> report = node.AggregateReport(query);
  REQUIRE(report.ok());
  const std::vector<ReportGroup> expected = Expected(latest, query);
  REQUIRE(report->size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CHECK((*report)[i].key == expected[i].key);
    CHECK((*report)[i].counts == expected[i].counts);
  }
}

TEST_CASE("postgres nodes: report counts stay exact while two nodes write, backfill and fold") {
  PostgresTestDatabase database;
  REQUIRE_MESSAGE(database.available(), database.unavailable_reason());
  std::unique_ptr<PostgresStore> nodes[2] = {OpenNode(database), OpenNode(database)};
  constexpr int kWriters = 4;
  constexpr int kDossiersPerWriter = 12;
  constexpr int kSteps = 4;
  std::atomic<bool> writing{true};
  std::atomic<int> failures{0};
  std::atomic<std::int64_t> folded{0};
  // Each writer owns its dossiers, so it knows their latest facts. Half of
  // its dossiers are created without facts, and a backfill on the other
  // node races the dossier's first transition for its first row.
  std::vector<std::map<std::string, ReportFacts>> latest(kWriters);
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      DossierStore& node = *nodes[w % 2];
      DossierStore& other = *nodes[(w + 1) % 2];
      for (int k = 0; k < kDossiersPerWriter; ++k) {
        const int index = w * kDossiersPerWriter + k;
        Dossier d = NewDossier("ROLL-" + std::to_string(index), "001099012345",
                               index % 3 == 0 ? "000.00.02.H26" : "000.00.01.H26");
        if (index % 2 == 1) d.procedure_code = "1.001471";
        const bool backfilled = index % 2 == 0;
        std::optional<ReportFacts> facts;
        if (!backfilled) facts = StepFacts(d, index, 0);
        if (!node.CreateDossier(d, {"clerk"}, 1, {}, facts).ok()) ++failures;
        std::thread backfill;
        if (backfilled) {
          backfill = std::thread([&, d, index] {
            if (!other.AddMissingReportFacts(StepFacts(d, index, 0)).ok()) ++failures;
          });
        }
        Dossier current = d;
        for (int step = 1; step < kSteps; ++step) {
          SampleTransition t = MoveTo(current, "step-" + std::to_string(step), SampleTime(step));
          DossierStore::TransitionCommit commit = CommitOf(t, current.version);
          commit.facts = StepFacts(d, index, step);
          if (!node.CommitTransition(commit).ok()) ++failures;
          current = t.after;
        }
        if (backfill.joinable()) backfill.join();
        latest[static_cast<std::size_t>(w)][d.code] = StepFacts(d, index, kSteps - 1);
      }
    });
  }
  std::thread folder([&] {
    for (int n = 0; writing.load(); ++n) {
      Result<std::int64_t> moved = nodes[n % 2]->FoldReportChanges();
      if (!moved.ok()) {
        ++failures;
      } else {
        folded += *moved;
      }
    }
  });
  for (std::thread& thread : threads) thread.join();
  writing = false;
  folder.join();
  REQUIRE(failures.load() == 0);
  CHECK(folded.load() > 0);

  std::map<std::string, ReportFacts> all;
  for (const auto& part : latest) all.insert(part.begin(), part.end());
  REQUIRE(all.size() == static_cast<std::size_t>(kWriters * kDossiersPerWriter));
  for (const Instant now : {SampleTime(), SampleTime(5 * 86400), SampleTime(40 * 86400)}) {
    CheckReport(*nodes[0], all, now);
  }
  // Everything folded: report_daily alone holds the counts, and they stay.
  Result<std::int64_t> rest = nodes[1]->FoldReportChanges();
  REQUIRE(rest.ok());
  Result<std::int64_t> none = nodes[0]->FoldReportChanges();
  REQUIRE(none.ok());
  CHECK(*none == 0);
  std::unique_ptr<PgConnection> check = Connect(database);
  Result<PgResult> sums = check->Exec(
      "SELECT (SELECT sum(dossiers) FROM report_daily), (SELECT count(*) FROM report_facts),"
      " (SELECT count(*) FROM report_daily_changes)");
  REQUIRE(sums.ok());
  CHECK(sums->Int(0, 0) == kWriters * kDossiersPerWriter);
  CHECK(sums->Int(0, 1) == kWriters * kDossiersPerWriter);
  CHECK(sums->Int(0, 2) == 0);
  for (const Instant now : {SampleTime(), SampleTime(40 * 86400)}) CheckReport(*nodes[1], all, now);
}

TEST_CASE("postgres nodes: facts written before the roll-up get their counts built once at open") {
  PostgresTestDatabase database;
  REQUIRE_MESSAGE(database.available(), database.unavailable_reason());
  std::map<std::string, ReportFacts> latest;
  {
    std::unique_ptr<PostgresStore> node = OpenNode(database);
    for (int index = 0; index < 30; ++index) {
      Dossier d = NewDossier("OLD-" + std::to_string(index));
      latest[d.code] = StepFacts(d, index, index % 4);
      REQUIRE(node->CreateDossier(d, {"clerk"}, 1, {}, latest[d.code]).ok());
    }
    REQUIRE(node->FoldReportChanges().ok());
  }
  // As a database at 0019 holds them: facts rows, no counts.
  std::unique_ptr<PgConnection> edit = Connect(database);
  REQUIRE(edit->RunScript("DELETE FROM report_daily; DELETE FROM report_daily_changes").ok());

  // Three nodes open at once: one builds, the others find the counts built.
  constexpr int kNodes = 3;
  std::vector<std::unique_ptr<PostgresStore>> nodes(kNodes);
  std::vector<std::thread> opening;
  for (int n = 0; n < kNodes; ++n) {
    opening.emplace_back([&, n] {
      PostgresStoreOptions options;
      options.conninfo = database.uri();
      options.connections = 1;
      Result<std::unique_ptr<PostgresStore>> opened = PostgresStore::Open(options);
      if (opened.ok()) nodes[static_cast<std::size_t>(n)] = std::move(opened).value();
    });
  }
  for (std::thread& thread : opening) thread.join();
  for (const auto& node : nodes) REQUIRE(node != nullptr);
  Result<PgResult> sums =
      edit->Exec("SELECT sum(dossiers), count(*) FILTER (WHERE dossiers < 0) FROM report_daily");
  REQUIRE(sums.ok());
  CHECK(sums->Int(0, 0) == 30);
  CHECK(sums->Int(0, 1) == 0);
  for (const Instant now : {SampleTime(), SampleTime(40 * 86400)}) {
    CheckReport(*nodes[2], latest, now);
  }
}

TEST_CASE("postgres nodes: the background lease has one holder and passes on when it goes") {
  PostgresTestDatabase database;
  REQUIRE_MESSAGE(database.available(), database.unavailable_reason());
  std::unique_ptr<PgLease> a = OpenLease(database);
  std::unique_ptr<PgLease> b = OpenLease(database);
  CHECK(a->Held());
  CHECK_FALSE(b->Held());
  CHECK(a->Held());  // kept, not taken again
  CHECK_FALSE(b->Held());
  a.reset();  // the holder stops: its session ends
  CHECK(HeldWithin(*b, std::chrono::seconds(5)));
  std::unique_ptr<PgLease> c = OpenLease(database);
  CHECK_FALSE(c->Held());
}

TEST_CASE("postgres nodes: a holder killed with SIGKILL loses the lease to another node") {
  PostgresTestDatabase database;
  REQUIRE_MESSAGE(database.available(), database.unavailable_reason());
  int ready[2];
  REQUIRE(pipe(ready) == 0);
  const pid_t holder = fork();
  REQUIRE(holder >= 0);
  if (holder == 0) {
    close(ready[0]);
    Result<std::unique_ptr<PgLease>> lease = PgLease::Open(database.uri());
    const char held = lease.ok() && (*lease)->Held() ? '1' : '0';
    (void)write(ready[1], &held, 1);
    for (;;) pause();
  }
  close(ready[1]);
  char held = 0;
  REQUIRE(read(ready[0], &held, 1) == 1);
  close(ready[0]);
  REQUIRE(held == '1');
  std::unique_ptr<PgLease> survivor = OpenLease(database);
  CHECK_FALSE(survivor->Held());
  kill(holder, SIGKILL);
  waitpid(holder, nullptr, 0);
  CHECK(HeldWithin(*survivor, std::chrono::seconds(5)));
}

}  // namespace
}  // namespace motcua

#endif  // MOTCUA_POSTGRES_TESTS
