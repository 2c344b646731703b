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
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

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
                              {OutboxEntry{"dossier.status", {{"n", "fast"}}}})
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
