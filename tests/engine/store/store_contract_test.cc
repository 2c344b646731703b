// The DossierStore contract (engine/domain/store.h), run unchanged against the
// SQLite store, the PostgreSQL store (on the throw-away cluster, when the
// build has MOTCUA_POSTGRES_TESTS) and the in-memory fake, so that neither the
// fake nor a second adapter can drift from the first.
#include <doctest/doctest.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "engine/crypto/sha256.h"
#include "engine/domain/feed_delivery.h"
#include "engine/domain/store.h"
#include "engine/postgres/postgres_store.h"
#include "engine/sqlite/sqlite_store.h"
#include "tests/engine/sqlite/sample_dossiers.h"
#include "tests/engine/sqlite/temp_directory.h"
#include "tests/fakes/memory_store.h"
#include "tests/postgres_test_database.h"

namespace motcua {
namespace {

using std::chrono::days;
using std::chrono::hours;

struct SqliteStoreFixture {
  TempDirectory directory;
  std::unique_ptr<DossierStore> store;
  SqliteStoreFixture() {
    SqliteStoreOptions options;
    options.path = directory.File("store.db");
    options.synchronous = "normal";  // the contract, not fsync, is under test
    Result<std::unique_ptr<SqliteStore>> opened = SqliteStore::Open(options);
    REQUIRE_MESSAGE(opened.ok(), (opened.ok() ? "" : opened.error().message()));
    store = std::move(opened).value();
  }
};

struct MemoryStoreFixture {
  std::unique_ptr<DossierStore> store = std::make_unique<MemoryStore>(nullptr, &Sha256Hex);
};

// A fresh database per test case; a small pool, so that the contract runs
// through several connections as several nodes would.
struct PostgresStoreFixture {
  PostgresTestDatabase database;
  std::unique_ptr<DossierStore> store;
  PostgresStoreFixture() {
    REQUIRE_MESSAGE(database.available(), database.unavailable_reason());
    PostgresStoreOptions options;
    options.conninfo = database.uri();
    options.connections = 3;
    Result<std::unique_ptr<PostgresStore>> opened = PostgresStore::Open(options);
    REQUIRE_MESSAGE(opened.ok(), (opened.ok() ? "" : opened.error().message()));
    store = std::move(opened).value();
  }
};

#if MOTCUA_POSTGRES_TESTS
#define STORE_TYPES SqliteStoreFixture, MemoryStoreFixture, PostgresStoreFixture
#else
#define STORE_TYPES SqliteStoreFixture, MemoryStoreFixture
#endif

QueueQuery Queue(const std::string& role, const std::string& agency) {
  QueueQuery query;
  query.role = role;
  query.agency = agency;
  return query;
}

std::vector<std::string> Codes(const std::vector<DossierSummary>& summaries) {
  std::vector<std::string> codes;
  for (const DossierSummary& s : summaries) codes.push_back(s.code);
  return codes;
}

void CheckSameEvent(const DossierEvent& actual, const DossierEvent& expected) {
  CHECK(actual.action == expected.action);
  CHECK(actual.from_state == expected.from_state);
  CHECK(actual.to_state == expected.to_state);
  CHECK(actual.actor.user_id == expected.actor.user_id);
  CHECK(actual.actor.roles == expected.actor.roles);
  CHECK(actual.actor.agency == expected.actor.agency);
  CHECK(actual.at == expected.at);
  CHECK(actual.step == expected.step);
  CHECK(actual.channel == expected.channel);
  CHECK(actual.payload == expected.payload);
  CHECK(actual.records_authentication == expected.records_authentication);
  CHECK(actual.actor.authenticated_by == expected.actor.authenticated_by);
  CHECK(actual.actor.identity_provider == expected.actor.identity_provider);
}

TEST_CASE_TEMPLATE("store: publishing numbers versions, dedupes identical content, hashes it", F,
                   STORE_TYPES) {
  F f;
  const nlohmann::json first = {{"name", "Residence"}, {"states", {"a", "b"}}};
  const nlohmann::json second = {{"name", "Residence"}, {"states", {"a", "b", "c"}}};

  Result<StoredDefinition> v1 =
      f.store->PublishDefinition("1.004222", first, "admin", SampleTime());
  REQUIRE(v1.ok());
  CHECK(v1->version == 1);
  // sha256 of {"name":"Residence","states":["a","b"]}, computed with sha256sum.
  CHECK(v1->content_hash == "03823ba6dc320ebb820b8782b8a690fe672063d446554c5791d674fe0c99b66e");

  Result<StoredDefinition> again =
      f.store->PublishDefinition("1.004222", first, "someone-else", SampleTime(3600));
  REQUIRE(again.ok());
  CHECK(again->version == 1);
  CHECK(again->published_by == "admin");
  CHECK(again->owner_agency.empty());  // national unless an owner is given
  CHECK(again->published_at == SampleTime());

  Result<StoredDefinition> v2 =
      f.store->PublishDefinition("1.004222", second, "admin", SampleTime(7200));
  REQUIRE(v2.ok());
  CHECK(v2->version == 2);
  REQUIRE(f.store->PublishDefinition("1.001471", first, "admin", SampleTime()).ok());

  Result<StoredDefinition> latest = f.store->GetDefinition("1.004222");
  REQUIRE(latest.ok());
  CHECK(latest->version == 2);
  CHECK(latest->document == second);
  Result<StoredDefinition> old = f.store->GetDefinition("1.004222", 1);
  REQUIRE(old.ok());
  CHECK(old->document == first);
  CHECK(old->published_by == "admin");
  CHECK(f.store->GetDefinition("1.004222", 3).error().code() == ErrorCode::kNotFound);
  CHECK(f.store->GetDefinition("9.999999").error().code() == ErrorCode::kNotFound);
  Result<std::int64_t> latest_version = f.store->LatestDefinitionVersion("1.004222");
  REQUIRE(latest_version.ok());
  CHECK(*latest_version == 2);
  CHECK(f.store->LatestDefinitionVersion("9.999999").error().code() == ErrorCode::kNotFound);

  Result<std::vector<StoredDefinition>> versions = f.store->ListDefinitionVersions("1.004222");
  REQUIRE(versions.ok());
  REQUIRE(versions->size() == 2);
  CHECK((*versions)[0].version == 1);
  CHECK((*versions)[1].version == 2);

  Result<std::vector<StoredDefinition>> all_latest = f.store->ListLatestDefinitions();
  REQUIRE(all_latest.ok());
  REQUIRE(all_latest->size() == 2);
  CHECK((*all_latest)[0].procedure_code == "1.001471");
  CHECK((*all_latest)[0].version == 1);
  CHECK((*all_latest)[1].procedure_code == "1.004222");
  CHECK((*all_latest)[1].version == 2);
}

TEST_CASE_TEMPLATE("store: a dossier stays pinned to its definition version after a new publish", F,
                   STORE_TYPES) {
  F f;
  REQUIRE(f.store->PublishDefinition("1.004222", {{"v", 1}}, "admin", SampleTime()).ok());
  REQUIRE(f.store->CreateDossier(NewDossier("H26-261120-0001"), {"clerk"}, 1).ok());
  REQUIRE(f.store->PublishDefinition("1.004222", {{"v", 2}}, "admin", SampleTime(60)).ok());

  Result<Dossier> dossier = f.store->GetDossier("H26-261120-0001");
  REQUIRE(dossier.ok());
  CHECK(dossier->definition_version == 1);
  Result<StoredDefinition> pinned =
      f.store->GetDefinition(dossier->procedure_code, dossier->definition_version);
  REQUIRE(pinned.ok());
  CHECK(pinned->document == nlohmann::json{{"v", 1}});
}

TEST_CASE_TEMPLATE("store: a transition that changes the pinned version (a migration) keeps it", F,
                   STORE_TYPES) {
  F f;
  const Dossier created = NewDossier("H26-261120-0009");
  REQUIRE(f.store->CreateDossier(created, {"clerk"}, 1).ok());
  SampleTransition migrate = MoveTo(created, "renamed", SampleTime(60));
  migrate.after.definition_version = 2;
  migrate.event.action = "migrate";
  migrate.after.history.Mutable().back().action = "migrate";
  REQUIRE(f.store->CommitTransition(CommitOf(migrate, 1)).ok());
  Result<Dossier> stored = f.store->GetDossier(created.code);
  REQUIRE(stored.ok());
  CHECK(stored->definition_version == 2);
  CHECK(stored->state == "renamed");
  CHECK(stored->version == 2);
  CHECK(stored->history.back().action == "migrate");
}

TEST_CASE_TEMPLATE("store: dossiers on one version of a procedure, by code, page by page", F,
                   STORE_TYPES) {
  F f;
  for (const char* code : {"D-3", "D-1", "D-4", "D-2"}) {
    REQUIRE(f.store->CreateDossier(NewDossier(code), {"clerk"}, 1).ok());
  }
  Dossier other = NewDossier("D-0");
  other.procedure_code = "1.001471";
  REQUIRE(f.store->CreateDossier(other, {"clerk"}, 1).ok());
  // D-4 moves to version 2.
  SampleTransition migrate = MoveTo(NewDossier("D-4"), "submitted", SampleTime(60));
  migrate.after.definition_version = 2;
  REQUIRE(f.store->CommitTransition(CommitOf(migrate, 1)).ok());

  VersionQuery query;
  query.procedure_code = "1.004222";
  query.definition_version = 1;
  CHECK(Codes(f.store->ListOnVersion(query).value()) ==
        std::vector<std::string>{"D-1", "D-2", "D-3"});
  query.limit = 2;
  CHECK(Codes(f.store->ListOnVersion(query).value()) == std::vector<std::string>{"D-1", "D-2"});
  query.after_code = "D-2";
  CHECK(Codes(f.store->ListOnVersion(query).value()) == std::vector<std::string>{"D-3"});
  query.after_code = "D-3";
  CHECK(f.store->ListOnVersion(query)->empty());
  query = VersionQuery{"1.004222", 2, {}, 100};
  CHECK(Codes(f.store->ListOnVersion(query).value()) == std::vector<std::string>{"D-4"});
  query = VersionQuery{"1.001471", 1, {}, 100};
  CHECK(Codes(f.store->ListOnVersion(query).value()) == std::vector<std::string>{"D-0"});
  query = VersionQuery{"1.004222", 3, {}, 100};
  CHECK(f.store->ListOnVersion(query)->empty());
}

TEST_CASE_TEMPLATE("store: daily sequences count 1, 2, 3 per agency and day", F, STORE_TYPES) {
  F f;
  using namespace std::chrono;
  const LocalDate day = 2026y / November / 20d;
  const LocalDate next_day = 2026y / November / 21d;
  for (std::int64_t expected : {1, 2, 3}) {
    Result<std::int64_t> n = f.store->NextDossierSequence("000.00.01.H26", day);
    REQUIRE(n.ok());
    CHECK(*n == expected);
  }
  CHECK(f.store->NextDossierSequence("000.00.01.H26", next_day).value() == 1);
  CHECK(f.store->NextDossierSequence("000.00.02.H26", day).value() == 1);
  CHECK(f.store->NextDossierSequence("000.00.01.H26", day).value() == 4);
  CHECK(f.store->NextDossierSequence("", day).error().code() == ErrorCode::kInvalidArgument);
}

TEST_CASE_TEMPLATE("store: every dossier field survives create and get", F, STORE_TYPES) {
  F f;
  Dossier d = NewDossier("H26-261120-0002", "001099012345", "000.00.01.H26", SampleTime(7 * 86400));
  d.state = "processing";
  d.assignee = "officer-7";
  d.form = {{"full_name", "Trần Thị B"}, {"household", {{"members", 3}, {"owner", true}}}};
  d.documents = {{"id_card", std::string(64, 'a')}, {"lease", std::string(64, 'b')}};
  d.result_document = "eb464236a0b41405f184e25ae50d205fc583dc8a1aba1976495beb5f4f764d51";
  d.result_signatures = {SignatureEvidence{*d.result_document, "CN=Leader, O=Police", "0a1b2c",
                                           std::string(64, 'c'), std::string(64, 'd'),
                                           SampleTime(19000), true}};
  d.clock.received_at = SampleTime(600);
  d.clock.paused = {PausedInterval{SampleTime(3600), SampleTime(7200)},
                    PausedInterval{SampleTime(9000), std::nullopt}};
  d.clock.extensions = {Extension{SampleTime(10000), SampleTime(9 * 86400), "verification"}};
  d.clock.finished_at = SampleTime(20000);
  DossierEvent receive;
  receive.action = "receive";
  receive.from_state = "submitted";
  receive.to_state = "processing";
  receive.actor = Actor{"clerk-1", {"clerk", "reception"}, "000.00.01.H26"};
  receive.at = SampleTime(600);
  // The form, documents, result and signatures are what the events record
  // (dossier_contents.h): the submission the first form field and document,
  // the second event the rest.
  d.history.Mutable()[0].payload = {{"form", {{"full_name", "Trần Thị B"}}},
                                    {"documents", {{"id_card", std::string(64, 'a')}}}};
  receive.payload = {{"form", {{"household", {{"members", 3}, {"owner", true}}}}},
                     {"documents", {{"lease", std::string(64, 'b')}}},
                     {"result_document", *d.result_document},
                     {"signature", SignatureEvidenceToJson(d.result_signatures[0])}};
  d.history.push_back(receive);
  d.version = 2;

  REQUIRE(f.store->CreateDossier(d, {"officer"}, 4).ok());
  Result<Dossier> got = f.store->GetDossier(d.code);
  REQUIRE(got.ok());
  CHECK(got->code == "H26-261120-0002");
  CHECK(got->procedure_code == "1.004222");
  CHECK(got->definition_version == 1);
  CHECK(got->applicant_id == "001099012345");
  CHECK(got->agency == "000.00.01.H26");
  CHECK(got->state == "processing");
  CHECK(got->version == 2);
  CHECK(got->assignee == std::optional<std::string>("officer-7"));
  CHECK(got->form["household"]["members"] == 3);
  CHECK(got->form == d.form);
  CHECK(got->documents == d.documents);
  CHECK(got->result_document == d.result_document);
  REQUIRE(got->result_signatures.size() == 1);
  CHECK(got->result_signatures[0].document_id == *d.result_document);
  CHECK(got->result_signatures[0].signer_subject == "CN=Leader, O=Police");
  CHECK(got->result_signatures[0].serial == "0a1b2c");
  CHECK(got->result_signatures[0].certificate_fingerprint == std::string(64, 'c'));
  CHECK(got->result_signatures[0].signature_id == std::string(64, 'd'));
  CHECK(got->result_signatures[0].signing_time == SampleTime(19000));
  CHECK(got->result_signatures[0].seal);
  CHECK(got->clock.received_at == SampleTime(600));
  CHECK(got->clock.due_at == SampleTime(7 * 86400));
  CHECK(got->clock.finished_at == SampleTime(20000));
  REQUIRE(got->clock.paused.size() == 2);
  CHECK(got->clock.paused[0].from == SampleTime(3600));
  CHECK(got->clock.paused[0].to == SampleTime(7200));
  CHECK(got->clock.paused[1].from == SampleTime(9000));
  CHECK_FALSE(got->clock.paused[1].to.has_value());
  REQUIRE(got->clock.extensions.size() == 1);
  CHECK(got->clock.extensions[0].at == SampleTime(10000));
  CHECK(got->clock.extensions[0].new_due == SampleTime(9 * 86400));
  CHECK(got->clock.extensions[0].reason == "verification");
  REQUIRE(got->history.size() == 2);
  CheckSameEvent(got->history[0], d.history[0]);
  CheckSameEvent(got->history[1], receive);
  CHECK(got->history[0].channel == Channel::kOnline);
  CHECK(got->history[0].step == ApplicantStep::kSubmission);
  CHECK_FALSE(got->history[1].channel.has_value());

  Result<std::vector<AuditRecord>> trail = f.store->AuditTrail(d.code);
  REQUIRE(trail.ok());
  REQUIRE(trail->size() == 2);
  CHECK((*trail)[0].index == 0);
  CHECK((*trail)[1].index == 1);
  CHECK((*trail)[0].sequence < (*trail)[1].sequence);
  CHECK((*trail)[0].previous_hash.empty());

  CHECK(f.store->GetDossier("nope").error().code() == ErrorCode::kNotFound);
  CHECK(f.store->AuditTrail("nope").error().code() == ErrorCode::kNotFound);
}

TEST_CASE_TEMPLATE("store: automatic actions' events commit after the action's, in one commit", F,
                   STORE_TYPES) {
  F f;
  Dossier d = NewDossier("AUTO-1");
  REQUIRE(f.store->CreateDossier(d, {"clerk"}, 1).ok());
  SampleTransition signed_result = MoveTo(d, "sealing", SampleTime(100), "leader-1");
  SampleTransition sealed = MoveTo(signed_result.after, "result_ready", SampleTime(101), "system");
  DossierStore::TransitionCommit commit = CommitOf(sealed, d.version);
  commit.event = &signed_result.event;
  commit.then = {&sealed.event};
  REQUIRE(commit.EventCount() == 2);
  REQUIRE(f.store->CommitTransition(commit).ok());

  Result<Dossier> got = f.store->GetDossier(d.code);
  REQUIRE(got.ok());
  CHECK(got->version == d.version + 2);
  CHECK(got->state == "result_ready");
  REQUIRE(got->history.size() == 3);
  CheckSameEvent(got->history[1], signed_result.event);
  CheckSameEvent(got->history[2], sealed.event);
  const std::vector<AuditRecord> trail = f.store->AuditTrail(d.code).value();
  REQUIRE(trail.size() == 3);
  CHECK(trail[2].index == 2);
  CHECK(trail[2].previous_hash == trail[1].hash);
  CHECK(trail[1].previous_hash == trail[0].hash);
  // A stale commit of the same version fails whole, leaving neither event.
  CHECK(f.store->CommitTransition(commit).error().reason() == ErrorReason::kStaleVersion);
  CHECK(f.store->GetDossier(d.code)->history.size() == 3);
  commit.then = {nullptr};
  CHECK(f.store->CommitTransition(commit).error().code() == ErrorCode::kInvalidArgument);
}

TEST_CASE_TEMPLATE("store: every event keeps how its actor authenticated", F, STORE_TYPES) {
  F f;
  struct Method {
    AuthMethod method;
    const char* provider;
  };
  const std::vector<Method> methods = {{AuthMethod::kOidcSession, "vneid"},
                                       {AuthMethod::kBearerToken, ""},
                                       {AuthMethod::kSystem, ""},
                                       {AuthMethod::kDemoSession, ""},
                                       {AuthMethod::kCli, ""},
                                       {AuthMethod::kOidcSession, "keycloak"}};
  Dossier current = NewDossier("H26-261120-0009");
  current.history.Mutable()[0].actor.authenticated_by = AuthMethod::kDemoSession;
  REQUIRE(f.store->CreateDossier(current, {"clerk"}, 1).ok());
  std::vector<DossierEvent> written = current.history;
  for (std::size_t i = 0; i < methods.size(); ++i) {
    SampleTransition next =
        MoveTo(current, "s" + std::to_string(i), SampleTime(60 * static_cast<std::int64_t>(i + 1)));
    next.event.actor.authenticated_by = methods[i].method;
    next.event.actor.identity_provider = methods[i].provider;
    next.after.history.Mutable().back() = next.event;
    REQUIRE(f.store->CommitTransition(CommitOf(next, current.version)).ok());
    written.push_back(next.event);
    current = next.after;
  }
  const std::vector<DossierEvent> history = f.store->GetDossier(current.code)->history;
  REQUIRE(history.size() == written.size());
  for (std::size_t i = 0; i < history.size(); ++i) {
    CAPTURE(i);
    CheckSameEvent(history[i], written[i]);
  }
  CHECK(history[0].actor.authenticated_by == AuthMethod::kDemoSession);
  CHECK(history[1].actor.identity_provider == "vneid");
  const std::vector<AuditRecord> trail = f.store->AuditTrail(current.code).value();
  REQUIRE(trail.size() == written.size());
  for (std::size_t i = 0; i < trail.size(); ++i) {
    CAPTURE(i);
    CheckSameEvent(trail[i].event, written[i]);
  }
  CHECK(trail.back().event.actor.identity_provider == "keycloak");
}

TEST_CASE_TEMPLATE("store: a stale transition conflicts and changes nothing", F, STORE_TYPES) {
  F f;
  const Dossier created = NewDossier("H26-261120-0003");
  REQUIRE(f.store->CreateDossier(created, {"clerk"}, 1).ok());
  CHECK(f.store->CreateDossier(created, {"clerk"}, 1).error().code() == ErrorCode::kConflict);

  SampleTransition receive = MoveTo(created, "received", SampleTime(60));
  REQUIRE(f.store->CommitTransition(CommitOf(receive, 1)).ok());

  SampleTransition stale = MoveTo(created, "refused", SampleTime(120), "clerk-2");
  Status conflict = f.store->CommitTransition(CommitOf(stale, 1, {"leader"}));
  REQUIRE_FALSE(conflict.ok());
  CHECK(conflict.error().code() == ErrorCode::kConflict);
  CHECK(conflict.error().reason() == ErrorReason::kStaleVersion);

  Result<Dossier> now = f.store->GetDossier(created.code);
  REQUIRE(now.ok());
  CHECK(now->version == 2);
  CHECK(now->state == "received");
  REQUIRE(now->history.size() == 2);
  CHECK(now->history[1].actor.user_id == "clerk-1");
  CHECK(f.store->AuditTrail(created.code)->size() == 2);
  CHECK(f.store->ListQueue(Queue("leader", "000.00.01.H26"))->empty());
  CHECK(Codes(f.store->ListQueue(Queue("clerk", "000.00.01.H26")).value()) ==
        std::vector<std::string>{created.code});

  SampleTransition ghost = MoveTo(NewDossier("H26-261120-0404"), "received", SampleTime(60));
  CHECK(f.store->CommitTransition(CommitOf(ghost, 1)).error().code() == ErrorCode::kNotFound);
}

TEST_CASE_TEMPLATE("store: queues order by due date, paginate and keep roles and agencies apart", F,
                   STORE_TYPES) {
  F f;
  const std::string a = "000.00.01.H26";
  const std::string b = "000.00.02.H26";
  REQUIRE(
      f.store->CreateDossier(NewDossier("Q1", "x", a, SampleTime(3 * 86400)), {"clerk"}, 2).ok());
  REQUIRE(
      f.store->CreateDossier(NewDossier("Q2", "x", a, SampleTime(1 * 86400)), {"clerk"}, 2).ok());
  REQUIRE(f.store->CreateDossier(NewDossier("Q3", "x", a), {"clerk"}, 2).ok());  // no due date
  REQUIRE(
      f.store->CreateDossier(NewDossier("Q4", "x", a, SampleTime(2 * 86400)), {"clerk"}, 2).ok());
  REQUIRE(
      f.store->CreateDossier(NewDossier("Q0", "x", a, SampleTime(2 * 86400)), {"clerk"}, 2).ok());
  REQUIRE(f.store->CreateDossier(NewDossier("Q5", "x", b, SampleTime(86400)), {"clerk"}, 2).ok());
  REQUIRE(
      f.store->CreateDossier(NewDossier("Q6", "x", a, SampleTime(5 * 86400)), {"leader"}, 2).ok());

  QueueQuery query = Queue("clerk", a);
  query.limit = 2;
  Result<std::vector<DossierSummary>> page1 = f.store->ListQueue(query);
  REQUIRE(page1.ok());
  CHECK(Codes(*page1) == std::vector<std::string>{"Q2", "Q0"});  // Q0 and Q4 tie: by code
  CHECK((*page1)[0].due_at == SampleTime(86400));
  CHECK((*page1)[0].national_status == 2);
  CHECK((*page1)[0].version == 1);
  CHECK((*page1)[0].agency == a);
  query.after_code = "Q0";
  CHECK(Codes(f.store->ListQueue(query).value()) == std::vector<std::string>{"Q4", "Q1"});
  query.after_code = "Q1";
  CHECK(Codes(f.store->ListQueue(query).value()) == std::vector<std::string>{"Q3"});
  query.after_code = "Q3";
  CHECK(f.store->ListQueue(query)->empty());

  CHECK(Codes(f.store->ListQueue(Queue("leader", a)).value()) == std::vector<std::string>{"Q6"});
  CHECK(Codes(f.store->ListQueue(Queue("clerk", b)).value()) == std::vector<std::string>{"Q5"});
  CHECK(f.store->ListQueue(Queue("leader", b))->empty());

  // Q2 moves on to the leader: it leaves the clerk queue and joins the leader's.
  Dossier q2 = f.store->GetDossier("Q2").value();
  SampleTransition approve = MoveTo(q2, "approval", SampleTime(600));
  REQUIRE(f.store->CommitTransition(CommitOf(approve, 1, {"leader"})).ok());
  CHECK(Codes(f.store->ListQueue(Queue("clerk", a)).value()) ==
        std::vector<std::string>{"Q0", "Q4", "Q1", "Q3"});
  CHECK(Codes(f.store->ListQueue(Queue("leader", a)).value()) ==
        std::vector<std::string>{"Q2", "Q6"});
  QueueQuery by_state = Queue("leader", a);
  by_state.state = "approval";
  CHECK(Codes(f.store->ListQueue(by_state).value()) == std::vector<std::string>{"Q2"});
  QueueQuery by_procedure = Queue("clerk", a);
  by_procedure.procedure_code = "1.000000";
  CHECK(f.store->ListQueue(by_procedure)->empty());
}

// Issue 15: a queue listing reads no dossier; what it shows of each stay
// (escalated, the clock) comes with the entry, as of the dossier's last write.
TEST_CASE_TEMPLATE("store: queue entries carry the glance of the dossier's stay", F, STORE_TYPES) {
  F f;
  const std::string a = "000.00.01.H26";
  const Instant due = SampleTime(3 * 86400);
  const Dossier created = NewDossier("G1", "x", a, due);
  REQUIRE(f.store->CreateDossier(created, {"clerk"}, 2).ok());
  std::vector<DossierSummary> page = f.store->ListQueue(Queue("clerk", a)).value();
  REQUIRE(page.size() == 1);
  REQUIRE(page[0].glance.has_value());
  CHECK_FALSE(page[0].glance->escalated);
  CHECK(page[0].glance->due_at == due);
  CHECK_FALSE(page[0].glance->paused_since.has_value());

  // The engine escalates it: an escalate event in the same state.
  SampleTransition escalate = MoveTo(created, created.state, SampleTime(600), "system");
  escalate.event.action = kEscalateAction;
  escalate.after.history.Mutable().back() = escalate.event;
  REQUIRE(f.store->CommitTransition(CommitOf(escalate, 1, {"clerk", "leader"})).ok());
  for (const char* role : {"clerk", "leader"}) {
    page = f.store->ListQueue(Queue(role, a)).value();
    REQUIRE(page.size() == 1);
    REQUIRE(page[0].glance.has_value());
    CHECK(page[0].glance->escalated);
  }

  // It moves on and waits for the applicant: a new stay, not escalated, its
  // clock paused.
  Dossier escalated = f.store->GetDossier("G1").value();
  SampleTransition wait = MoveTo(escalated, "supplement", SampleTime(1200));
  wait.after.clock.paused.push_back(PausedInterval{SampleTime(1200), std::nullopt});
  REQUIRE(f.store->CommitTransition(CommitOf(wait, 2, {"clerk"})).ok());
  page = f.store->ListQueue(Queue("clerk", a)).value();
  REQUIRE(page.size() == 1);
  CHECK_FALSE(page[0].glance->escalated);
  CHECK(page[0].glance->paused_since == SampleTime(1200));
  CHECK(f.store->ListQueue(Queue("leader", a))->empty());

  // Processing ends: no clock to show.
  Dossier waiting = f.store->GetDossier("G1").value();
  SampleTransition finish = MoveTo(waiting, "result_ready", SampleTime(1800));
  finish.after.clock.paused.back().to = SampleTime(1500);
  finish.after.clock.finished_at = SampleTime(1800);
  REQUIRE(f.store->CommitTransition(CommitOf(finish, 3, {"clerk"})).ok());
  page = f.store->ListQueue(Queue("clerk", a)).value();
  REQUIRE(page.size() == 1);
  CHECK_FALSE(page[0].glance->due_at.has_value());
  CHECK_FALSE(page[0].glance->paused_since.has_value());
  // Other listings carry no glance.
  ApplicantQuery mine;
  mine.applicant_id = "x";
  const std::vector<DossierSummary> listed = f.store->ListByApplicant(mine).value();
  REQUIRE(listed.size() == 1);
  CHECK_FALSE(listed[0].glance.has_value());
}

// Issue 14.9: a definition keeps the owner it was published with.
TEST_CASE_TEMPLATE("store: a definition records its owner agency", F, STORE_TYPES) {
  F f;
  const nlohmann::json document = {{"name", "Local"}};
  REQUIRE(f.store->PublishDefinition("HT-LOCAL", document, "admin-a", SampleTime(), "000.00.01.H26")
              .ok());
  CHECK(f.store->GetDefinition("HT-LOCAL")->owner_agency == "000.00.01.H26");
  CHECK(f.store->ListDefinitionVersions("HT-LOCAL")->at(0).owner_agency == "000.00.01.H26");
}

// Issue 14.11: a state handled by another agency queued at the receiver.
TEST_CASE_TEMPLATE("store: a dossier queues at the agency handling its state", F, STORE_TYPES) {
  F f;
  const std::string receiver = "000.00.01.H26";
  const std::string handler = "000.00.02.H26";
  REQUIRE(
      f.store
          ->CreateDossier(NewDossier("H1", "x", receiver), {"clerk"}, 1, {}, std::nullopt, handler)
          .ok());
  CHECK(f.store->ListQueue(Queue("clerk", receiver))->empty());
  CHECK(Codes(f.store->ListQueue(Queue("clerk", handler)).value()) ==
        std::vector<std::string>{"H1"});
  CHECK(f.store->ListQueue(Queue("clerk", handler)).value().at(0).agency == receiver);

  // Back at the receiver (no queue agency): its queue again, not the handler's.
  SampleTransition back = MoveTo(f.store->GetDossier("H1").value(), "review", SampleTime(60));
  REQUIRE(f.store->CommitTransition(CommitOf(back, 1, {"specialist"})).ok());
  CHECK(Codes(f.store->ListQueue(Queue("specialist", receiver)).value()) ==
        std::vector<std::string>{"H1"});
  CHECK(f.store->ListQueue(Queue("specialist", handler))->empty());

  // On to the handler again.
  SampleTransition onward = MoveTo(f.store->GetDossier("H1").value(), "opinion", SampleTime(120));
  DossierStore::TransitionCommit commit = CommitOf(onward, 2, {"specialist"});
  commit.queue_agency = handler;
  REQUIRE(f.store->CommitTransition(commit).ok());
  CHECK(f.store->ListQueue(Queue("specialist", receiver))->empty());
  CHECK(Codes(f.store->ListQueue(Queue("specialist", handler)).value()) ==
        std::vector<std::string>{"H1"});
}

TEST_CASE_TEMPLATE("store: an applicant's dossiers list newest first", F, STORE_TYPES) {
  F f;
  for (const char* code : {"H26-261120-0001", "H26-261121-0002", "H26-261121-0001"}) {
    REQUIRE(f.store->CreateDossier(NewDossier(code, "001099000001"), {"clerk"}, 1).ok());
  }
  REQUIRE(f.store->CreateDossier(NewDossier("H26-261122-0001", "001099000002"), {"clerk"}, 1).ok());

  ApplicantQuery query;
  query.applicant_id = "001099000001";
  query.limit = 2;
  Result<std::vector<DossierSummary>> first = f.store->ListByApplicant(query);
  REQUIRE(first.ok());
  CHECK(Codes(*first) == std::vector<std::string>{"H26-261121-0002", "H26-261121-0001"});
  CHECK((*first)[0].applicant_id == "001099000001");
  CHECK((*first)[0].updated_at == SampleTime());
  query.after_code = "H26-261121-0001";
  CHECK(Codes(f.store->ListByApplicant(query).value()) ==
        std::vector<std::string>{"H26-261120-0001"});
  query.limit = 0;
  CHECK(f.store->ListByApplicant(query).error().code() == ErrorCode::kInvalidArgument);
}

TEST_CASE_TEMPLATE("store: documents are content-addressed and stored once", F, STORE_TYPES) {
  F f;
  // sha256("hello"), computed with sha256sum.
  const std::string id = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
  REQUIRE(
      f.store->PutDocument(DocumentInfo{id, 5, "text/plain"}, "hello", "079012345678", Instant{})
          .ok());
  REQUIRE(f.store
              ->PutDocument(DocumentInfo{id, 5, "application/octet-stream"}, "hello",
                            "079012345678", Instant{})
              .ok());
  Result<DocumentInfo> info = f.store->GetDocumentInfo(id);
  REQUIRE(info.ok());
  CHECK(info->size == 5);
  CHECK(info->media_type == "text/plain");  // the first copy is the one kept
  CHECK(f.store->GetDocumentBytes(id).value() == "hello");

  Status wrong_id =
      f.store->PutDocument(DocumentInfo{id, 5, "text/plain"}, "hellO", "079012345678", Instant{});
  CHECK(wrong_id.error().code() == ErrorCode::kInvalidArgument);
  Status wrong_size =
      f.store->PutDocument(DocumentInfo{id, 4, "text/plain"}, "hello", "079012345678", Instant{});
  CHECK(wrong_size.error().code() == ErrorCode::kInvalidArgument);
  CHECK(f.store->GetDocumentInfo(std::string(64, '0')).error().code() == ErrorCode::kNotFound);
  CHECK(f.store->GetDocumentBytes(std::string(64, '0')).error().code() == ErrorCode::kNotFound);
}

TEST_CASE_TEMPLATE("store: an agency's dossiers list newest first, with filters", F, STORE_TYPES) {
  F f;
  const std::string a = "000.00.01.H26";
  const std::string b = "000.00.02.H26";
  REQUIRE(f.store->CreateDossier(NewDossier("A-1", "001099000001", a), {"clerk"}, 1).ok());
  REQUIRE(f.store->CreateDossier(NewDossier("A-2", "001099000002", a), {"clerk"}, 1).ok());
  REQUIRE(f.store->CreateDossier(NewDossier("A-3", "001099000003", a), {"clerk"}, 1).ok());
  REQUIRE(f.store->CreateDossier(NewDossier("B-1", "001099000001", b), {"clerk"}, 1).ok());
  Dossier a2 = f.store->GetDossier("A-2").value();
  SampleTransition received = MoveTo(a2, "review", SampleTime(3600));
  received.after.clock.received_at = SampleTime(3600);
  REQUIRE(f.store->CommitTransition(CommitOf(received, 1)).ok());

  AgencyQuery query;
  query.agency = a;
  CHECK(Codes(f.store->ListByAgency(query).value()) ==
        std::vector<std::string>{"A-3", "A-2", "A-1"});
  query.limit = 1;
  query.after_code = "A-3";
  CHECK(Codes(f.store->ListByAgency(query).value()) == std::vector<std::string>{"A-2"});
  query.limit = 50;
  query.after_code.reset();
  query.filter.state = "review";
  CHECK(Codes(f.store->ListByAgency(query).value()) == std::vector<std::string>{"A-2"});
  query.filter = {};
  query.filter.received_from = SampleTime(3600);
  CHECK(Codes(f.store->ListByAgency(query).value()) == std::vector<std::string>{"A-2"});
  query.filter.received_from = SampleTime(3601);
  CHECK(f.store->ListByAgency(query)->empty());
  query.filter = {};
  query.filter.received_to = SampleTime(3600);  // [from, to): excludes 3600
  CHECK(f.store->ListByAgency(query)->empty());
  query.filter = {};
  query.filter.procedure_code = "9.999999";
  CHECK(f.store->ListByAgency(query)->empty());

  ApplicantQuery mine;
  mine.applicant_id = "001099000001";
  CHECK(Codes(f.store->ListByApplicant(mine).value()) == std::vector<std::string>{"B-1", "A-1"});
  mine.filter.state = "review";
  CHECK(f.store->ListByApplicant(mine)->empty());
}

TEST_CASE_TEMPLATE("store: dossiers in a state, longest waiting first; claims do not re-enter", F,
                   STORE_TYPES) {
  F f;
  // D-1 enters "review" at +100, D-2 at +50, D-3 stays "submitted" (since +0).
  Dossier d1 = NewDossier("D-1");
  Dossier d2 = NewDossier("D-2");
  REQUIRE(f.store->CreateDossier(d1, {"clerk"}, 1).ok());
  REQUIRE(f.store->CreateDossier(d2, {"clerk"}, 1).ok());
  REQUIRE(f.store->CreateDossier(NewDossier("D-3"), {"clerk"}, 1).ok());
  SampleTransition t2 = MoveTo(d2, "review", SampleTime(50));
  REQUIRE(f.store->CommitTransition(CommitOf(t2, 1)).ok());
  SampleTransition t1 = MoveTo(d1, "review", SampleTime(100));
  REQUIRE(f.store->CommitTransition(CommitOf(t1, 1)).ok());
  // A claim of D-2 at +200 keeps its entry time.
  Dossier claimed = t2.after;
  claimed.version = 3;
  claimed.assignee = "clerk-9";
  DossierEvent claim;
  claim.action = kClaimAction;
  claim.from_state = claim.to_state = "review";
  claim.actor = Actor{"clerk-9", {"clerk"}, "000.00.01.H26"};
  claim.at = SampleTime(200);
  DossierStore::TransitionCommit commit;
  commit.after = &claimed;
  commit.expected_version = 2;
  commit.event = &claim;
  REQUIRE(f.store->CommitTransition(commit).ok());

  StateQuery query{"1.004222", "review", SampleTime(1000), 50, {}, {}};
  CHECK(Codes(f.store->ListInState(query).value()) == std::vector<std::string>{"D-2", "D-1"});
  query.entered_before = SampleTime(99);
  CHECK(Codes(f.store->ListInState(query).value()) == std::vector<std::string>{"D-2"});
  query.entered_before = SampleTime(49);
  CHECK(f.store->ListInState(query)->empty());
  query = StateQuery{"1.004222", "submitted", SampleTime(0), 50, {}, {}};
  CHECK(Codes(f.store->ListInState(query).value()) == std::vector<std::string>{"D-3"});
  query = StateQuery{"1.004222", "review", SampleTime(1000), 1, {}, {}};
  CHECK(Codes(f.store->ListInState(query).value()) == std::vector<std::string>{"D-2"});
  query.after_entered = SampleTime(50);  // the next page, after D-2
  query.after_code = "D-2";
  CHECK(Codes(f.store->ListInState(query).value()) == std::vector<std::string>{"D-1"});
  query.after_entered = SampleTime(100);
  query.after_code = "D-1";
  CHECK(f.store->ListInState(query)->empty());
  query = StateQuery{"9.999999", "review", SampleTime(1000), 50, {}, {}};
  CHECK(f.store->ListInState(query)->empty());
}

TEST_CASE_TEMPLATE("store: uploads and dossier references of documents are recorded", F,
                   STORE_TYPES) {
  F f;
  const std::string hello = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
  const std::string world = Sha256Hex("world");
  REQUIRE(
      f.store->PutDocument(DocumentInfo{hello, 5, "text/plain"}, "hello", "u1", SampleTime()).ok());
  REQUIRE(
      f.store->PutDocument(DocumentInfo{hello, 5, "text/plain"}, "hello", "u2", SampleTime()).ok());
  CHECK(f.store->IsDocumentUploader(hello, "u1").value());
  CHECK(f.store->IsDocumentUploader(hello, "u2").value());
  CHECK_FALSE(f.store->IsDocumentUploader(hello, "u3").value());
  CHECK_FALSE(f.store->IsDocumentUploader(world, "u1").value());
  // Each uploader keeps the media type they gave; the document keeps the
  // first. Uploading again replaces only the uploader's own type.
  REQUIRE(
      f.store->PutDocument(DocumentInfo{hello, 5, "application/pdf"}, "hello", "u2", SampleTime(1))
          .ok());
  CHECK(f.store->UploadedMediaType(hello, "u1").value() ==
        std::optional<std::string>("text/plain"));
  CHECK(f.store->UploadedMediaType(hello, "u2").value() ==
        std::optional<std::string>("application/pdf"));
  CHECK_FALSE(f.store->UploadedMediaType(hello, "u3").value().has_value());
  CHECK_FALSE(f.store->UploadedMediaType(world, "u1").value().has_value());
  CHECK(f.store->GetDocumentInfo(hello)->media_type == "text/plain");

  Dossier d = NewDossier("D-1");
  d.documents["application"] = hello;
  REQUIRE(f.store->CreateDossier(d, {"clerk"}, 1).ok());
  REQUIRE(f.store->CreateDossier(NewDossier("D-2"), {"clerk"}, 1).ok());
  CHECK(Codes(f.store->ListDossiersReferencing(hello, 10).value()) ==
        std::vector<std::string>{"D-1"});
  CHECK(f.store->ListDossiersReferencing(world, 10)->empty());

  // A supplement replaces the document and a result is attached: the dossier
  // refers to all three, the replaced one included (its history names it).
  Dossier stored = f.store->GetDossier("D-1").value();
  SampleTransition supplement = MoveTo(stored, "review", SampleTime(60));
  supplement.after.documents["application"] = world;
  supplement.after.result_document = std::string(64, 'a');
  REQUIRE(f.store->CommitTransition(CommitOf(supplement, 1)).ok());
  CHECK(Codes(f.store->ListDossiersReferencing(hello, 10).value()) ==
        std::vector<std::string>{"D-1"});
  CHECK(Codes(f.store->ListDossiersReferencing(world, 10).value()) ==
        std::vector<std::string>{"D-1"});
  CHECK(Codes(f.store->ListDossiersReferencing(std::string(64, 'a'), 10).value()) ==
        std::vector<std::string>{"D-1"});
}

// Issue 14.14: the service refuses a CMS already recorded for another
// dossier, by looking up the dossiers that reference its signature id. The
// lookup must find a signature recorded with a transition, its DER stored in
// the same commit, in every store.
TEST_CASE_TEMPLATE("store: a recorded result signature is found by its signature id", F,
                   STORE_TYPES) {
  F f;
  const std::string result = Sha256Hex("the result");
  const std::string der = "\x30\x80 a detached CMS";
  const std::string signature_id = Sha256Hex(der);
  REQUIRE(f.store->CreateDossier(NewDossier("S-1"), {"clerk"}, 1).ok());
  REQUIRE(f.store->CreateDossier(NewDossier("S-2"), {"clerk"}, 1).ok());
  CHECK(f.store->ListDossiersReferencing(signature_id, 10)->empty());

  Dossier stored = f.store->GetDossier("S-1").value();
  SampleTransition sign = MoveTo(stored, "sealing", SampleTime(60), "leader-1");
  sign.after.result_document = result;
  sign.after.result_signatures = {SignatureEvidence{result, "CN=Leader", "0a", std::string(64, 'c'),
                                                    signature_id, SampleTime(50), false}};
  sign.event.payload = {{"result_document", result},
                        {"signature", SignatureEvidenceToJson(sign.after.result_signatures[0])}};
  sign.after.history.Mutable().back().payload = sign.event.payload;
  DossierStore::TransitionCommit commit = CommitOf(sign, 1, {"leader"});
  commit.documents.push_back(
      NewDocument{DocumentInfo{signature_id, static_cast<std::int64_t>(der.size()),
                               "application/pkcs7-signature"},
                  der, "leader-1"});
  REQUIRE(f.store->CommitTransition(commit).ok());

  CHECK(Codes(f.store->ListDossiersReferencing(signature_id, 10).value()) ==
        std::vector<std::string>{"S-1"});
  CHECK(f.store->GetDocumentBytes(signature_id).value() == der);
  CHECK(f.store->GetDossier("S-1")->result_signatures.at(0).signature_id == signature_id);

  // The same CMS on another dossier is refused by the commit itself (not
  // only by the service's earlier look), and that dossier is left as it was.
  Dossier other = f.store->GetDossier("S-2").value();
  SampleTransition reuse = MoveTo(other, "sealing", SampleTime(70), "leader-1");
  reuse.after.result_document = result;
  reuse.after.result_signatures = sign.after.result_signatures;
  Status refused = f.store->CommitTransition(CommitOf(reuse, 1, {"leader"}));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code() == ErrorCode::kConflict);
  CHECK(refused.error().reason() == ErrorReason::kSignatureAlreadyUsed);
  CHECK(f.store->GetDossier("S-2")->version == 1);
  CHECK(f.store->GetDossier("S-2")->result_signatures.empty());
  CHECK(Codes(f.store->ListDossiersReferencing(signature_id, 10).value()) ==
        std::vector<std::string>{"S-1"});

  // The dossier that holds it goes on with it.
  Dossier signed_dossier = f.store->GetDossier("S-1").value();
  SampleTransition next = MoveTo(signed_dossier, "done", SampleTime(80), "clerk-1");
  CHECK(f.store->CommitTransition(CommitOf(next, signed_dossier.version)).ok());
}

TEST_CASE_TEMPLATE("store: idempotency keys reserve once per caller and keep the response", F,
                   STORE_TYPES) {
  F f;
  auto* keys = dynamic_cast<IdempotencyStore*>(f.store.get());
  REQUIRE(keys != nullptr);
  const Instant t0 = SampleTime();
  const Instant long_ago = SampleTime(-86400);

  auto first = keys->ReserveIdempotencyKey("u1", "k", "POST /a", t0, long_ago);
  REQUIRE(first.ok());
  CHECK_FALSE(first->has_value());  // the caller holds the reservation

  auto pending = keys->ReserveIdempotencyKey("u1", "k", "POST /a", t0, long_ago);
  REQUIRE(pending.ok());
  REQUIRE(pending->has_value());
  CHECK((*pending)->fingerprint == "POST /a");
  CHECK_FALSE((*pending)->response.has_value());

  // Another caller's key with the same text is a different key.
  CHECK_FALSE(keys->ReserveIdempotencyKey("u2", "k", "POST /b", t0, long_ago)->has_value());

  REQUIRE(keys->CompleteIdempotencyKey("u1", "k", "{\"status\":201}").ok());
  auto done = keys->ReserveIdempotencyKey("u1", "k", "POST /a", t0, long_ago);
  REQUIRE(done->has_value());
  CHECK((*done)->response == std::optional<std::string>("{\"status\":201}"));
  // Abandoning a completed key changes nothing.
  REQUIRE(keys->AbandonIdempotencyKey("u1", "k").ok());
  CHECK(keys->ReserveIdempotencyKey("u1", "k", "POST /a", t0, long_ago)->has_value());

  // Abandoned reservations may be taken again.
  REQUIRE(keys->AbandonIdempotencyKey("u2", "k").ok());
  CHECK_FALSE(keys->ReserveIdempotencyKey("u2", "k", "POST /c", t0, long_ago)->has_value());

  // Expired records count as absent.
  CHECK_FALSE(keys->ReserveIdempotencyKey("u1", "k", "POST /d", SampleTime(10), SampleTime(1))
                  ->has_value());
  CHECK(keys->CompleteIdempotencyKey("u9", "none", "x").error().code() == ErrorCode::kNotFound);
}

TEST_CASE_TEMPLATE("store: concurrent transitions on distinct dossiers all commit", F,
                   STORE_TYPES) {
  F f;
  constexpr int kThreads = 8;
  constexpr int kSteps = 25;
  for (int t = 0; t < kThreads; ++t) {
    REQUIRE(f.store->CreateDossier(NewDossier("C-" + std::to_string(t)), {"clerk"}, 1).ok());
  }
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&f, &failures, t] {
      Dossier current = NewDossier("C-" + std::to_string(t));
      for (int step = 0; step < kSteps; ++step) {
        SampleTransition next = MoveTo(current, "s" + std::to_string(step), SampleTime(step));
        if (!f.store->CommitTransition(CommitOf(next, current.version)).ok()) ++failures;
        current = next.after;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(failures.load() == 0);
  for (int t = 0; t < kThreads; ++t) {
    Result<Dossier> d = f.store->GetDossier("C-" + std::to_string(t));
    REQUIRE(d.ok());
    CHECK(d->version == 1 + kSteps);
    CHECK(d->state == "s24");
    CHECK(d->history.size() == 1 + kSteps);
  }
}

TEST_CASE_TEMPLATE("store: racing transitions on one dossier: exactly one wins each version", F,
                   STORE_TYPES) {
  F f;
  constexpr int kThreads = 8;
  constexpr std::int64_t kFinalVersion = 41;
  REQUIRE(f.store->CreateDossier(NewDossier("RACE"), {"clerk"}, 1).ok());
  std::mutex wins_mutex;
  std::vector<std::int64_t> won_versions;
  std::atomic<int> unexpected{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (;;) {
        Result<Dossier> current = f.store->GetDossier("RACE");
        if (!current.ok()) {
          ++unexpected;
          return;
        }
        if (current->version >= kFinalVersion) return;
        SampleTransition next =
            MoveTo(*current, "by-" + std::to_string(t), SampleTime(), "clerk-" + std::to_string(t));
        Status committed = f.store->CommitTransition(CommitOf(next, current->version));
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
  std::vector<std::int64_t> expected;
  for (std::int64_t v = 1; v < kFinalVersion; ++v) expected.push_back(v);
  CHECK(won_versions == expected);  // each version won once, none skipped
  Result<Dossier> final_dossier = f.store->GetDossier("RACE");
  REQUIRE(final_dossier.ok());
  CHECK(final_dossier->version == kFinalVersion);
  REQUIRE(final_dossier->history.size() == static_cast<std::size_t>(kFinalVersion));
  // The history is one unbroken path: each event starts where the previous ended.
  for (std::size_t i = 1; i < final_dossier->history.size(); ++i) {
    CHECK(final_dossier->history[i].from_state == final_dossier->history[i - 1].to_state);
  }
}

std::vector<std::int64_t> Ids(const std::vector<StoredOutboxEntry>& entries) {
  std::vector<std::int64_t> ids;
  for (const StoredOutboxEntry& e : entries) ids.push_back(e.id);
  return ids;
}

TEST_CASE_TEMPLATE("store: the outbox lists in id order after a cursor, by agency", F,
                   STORE_TYPES) {
  F f;
  const Dossier a = NewDossier("A-1", "001099012345", "000.00.01.H26");
  const Dossier b = NewDossier("B-1", "001099012345", "000.00.02.H26");
  REQUIRE(f.store->CreateDossier(a, {"clerk"}, 1, {FeedEntry("dossier.status", {{"n", 1}})}).ok());
  REQUIRE(f.store->CreateDossier(b, {"clerk"}, 1, {FeedEntry("dossier.status", {{"n", 2}})}).ok());
  SampleTransition moved = MoveTo(a, "in_review", SampleTime(60));
  DossierStore::TransitionCommit commit = CommitOf(moved, 1);
  commit.outbox = {FeedEntry("dossier.status", {{"n", 3}}), FeedEntry("dossier.other", {{"n", 4}})};
  REQUIRE(f.store->CommitTransition(commit).ok());
  // A failed transition writes no outbox row.
  CHECK(f.store->CommitTransition(commit).error().code() == ErrorCode::kConflict);

  Result<std::vector<StoredOutboxEntry>> all = f.store->ListOutbox(OutboxQuery{0, 100, {}});
  REQUIRE(all.ok());
  REQUIRE(all->size() == 4);
  for (std::size_t i = 0; i < all->size(); ++i) {
    CHECK((*all)[i].payload["n"] == i + 1);
    if (i > 0) CHECK((*all)[i].id > (*all)[i - 1].id);
  }
  CHECK((*all)[0].agency == "000.00.01.H26");
  CHECK((*all)[1].agency == "000.00.02.H26");
  CHECK((*all)[0].created_at == SampleTime());
  CHECK((*all)[2].created_at == SampleTime(60));
  CHECK((*all)[3].topic == "dossier.other");

  // Pages after a cursor, never skipping.
  Result<std::vector<StoredOutboxEntry>> first = f.store->ListOutbox(OutboxQuery{0, 3, {}});
  REQUIRE(first.ok());
  Result<std::vector<StoredOutboxEntry>> rest =
      f.store->ListOutbox(OutboxQuery{first->back().id, 3, {}});
  REQUIRE(rest.ok());
  std::vector<std::int64_t> paged = Ids(*first);
  for (std::int64_t id : Ids(*rest)) paged.push_back(id);
  CHECK(paged == Ids(*all));
  CHECK(f.store->ListOutbox(OutboxQuery{all->back().id, 10, {}})->empty());

  Result<std::vector<StoredOutboxEntry>> agency_a =
      f.store->ListOutbox(OutboxQuery{0, 100, std::string("000.00.01.H26")});
  REQUIRE(agency_a.ok());
  CHECK(Ids(*agency_a) == std::vector<std::int64_t>{(*all)[0].id, (*all)[2].id, (*all)[3].id});
  Result<std::vector<StoredOutboxEntry>> agency_a_after =
      f.store->ListOutbox(OutboxQuery{(*all)[0].id, 1, std::string("000.00.01.H26")});
  REQUIRE(agency_a_after.ok());
  CHECK(Ids(*agency_a_after) == std::vector<std::int64_t>{(*all)[2].id});

  for (int bad : {0, -1, 1001}) {
    Result<std::vector<StoredOutboxEntry>> refused = f.store->ListOutbox(OutboxQuery{0, bad, {}});
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code() == ErrorCode::kInvalidArgument);
    CHECK(refused.error().fields().at(0).pointer == "/limit");
  }
}

TEST_CASE_TEMPLATE("store: a reader following the outbox during concurrent commits never skips", F,
                   STORE_TYPES) {
  F f;
  constexpr int kThreads = 4;
  constexpr int kSteps = 30;
  for (int t = 0; t < kThreads; ++t) {
    REQUIRE(f.store->CreateDossier(NewDossier("R-" + std::to_string(t)), {"clerk"}, 1).ok());
  }
  std::atomic<bool> writing{true};
  std::vector<std::int64_t> seen;
  std::atomic<int> errors{0};
  std::thread reader([&] {
    std::int64_t cursor = 0;
    for (;;) {
      const bool last_round = !writing.load();
      Result<std::vector<StoredOutboxEntry>> page = f.store->ListOutbox(OutboxQuery{cursor, 7, {}});
      if (!page.ok()) {
        ++errors;
        return;
      }
      for (const StoredOutboxEntry& e : *page) seen.push_back(e.id);
      if (!page->empty()) cursor = page->back().id;
      if (last_round && page->empty()) return;
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&f, &errors, t] {
      Dossier current = NewDossier("R-" + std::to_string(t));
      for (int step = 0; step < kSteps; ++step) {
        SampleTransition next = MoveTo(current, "s" + std::to_string(step), SampleTime(step));
        if (!f.store->CommitTransition(CommitOf(next, current.version)).ok()) ++errors;
        current = next.after;
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  writing = false;
  reader.join();
  CHECK(errors.load() == 0);
  Result<std::vector<StoredOutboxEntry>> all = f.store->ListOutbox(OutboxQuery{0, 1000, {}});
  REQUIRE(all.ok());
  CHECK(all->size() == kThreads * kSteps);
  CHECK(seen == Ids(*all));  // everything, in order, exactly once
}

TEST_CASE_TEMPLATE("store: the delivery cursor only moves forward; dead letters move it too", F,
                   STORE_TYPES) {
  F f;
  auto* deliveries = dynamic_cast<FeedDeliveryStore*>(f.store.get());
  REQUIRE(deliveries != nullptr);
  REQUIRE(f.store
              ->CreateDossier(
                  NewDossier("D-1"), {"clerk"}, 1,
                  {FeedEntry("dossier.status", {{"n", 1}}), FeedEntry("dossier.status", {{"n", 2}}),
                   FeedEntry("dossier.status", {{"n", 3}})})
              .ok());
  Result<std::vector<StoredOutboxEntry>> all = f.store->ListOutbox(OutboxQuery{0, 10, {}});
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  CHECK(*deliveries->DeliveryCursor() == 0);
  REQUIRE(deliveries->RecordDelivered((*all)[0].id, SampleTime()).ok());
  CHECK(*deliveries->DeliveryCursor() == (*all)[0].id);
  REQUIRE(deliveries
              ->RecordDeadLetter(DeadLetter{(*all)[1].id, "ignored", "ignored", 5,
                                            "webhook answered 500", SampleTime(9)})
              .ok());
  CHECK(*deliveries->DeliveryCursor() == (*all)[1].id);
  REQUIRE(deliveries->RecordDelivered((*all)[0].id, SampleTime()).ok());  // a late repeat
  CHECK(*deliveries->DeliveryCursor() == (*all)[1].id);

  Result<std::vector<DeadLetter>> letters = deliveries->ListDeadLetters(std::nullopt, 10);
  REQUIRE(letters.ok());
  REQUIRE(letters->size() == 1);
  CHECK((*letters)[0].entry_id == (*all)[1].id);
  CHECK((*letters)[0].topic == "dossier.status");  // from the outbox row
  CHECK((*letters)[0].agency == "000.00.01.H26");
  CHECK((*letters)[0].attempts == 5);
  CHECK((*letters)[0].last_error == "webhook answered 500");
  CHECK((*letters)[0].failed_at == SampleTime(9));
  CHECK(deliveries->ListDeadLetters(std::string("000.00.01.H26"), 10)->size() == 1);
  CHECK(deliveries->ListDeadLetters(std::string("000.00.02.H26"), 10)->empty());
  CHECK(deliveries->ListDeadLetters(std::nullopt, 0).error().code() == ErrorCode::kInvalidArgument);
}

// A dossier with one outbox row written at each of `times` (seconds after
// SampleTime()), in that order: the first by its creation, the rest by
// transitions. The rows' ids, ascending.
std::vector<std::int64_t> OutboxRowsAt(DossierStore& store, const std::string& code,
                                       const std::vector<std::int64_t>& times) {
  Dossier current = NewDossier(code);
  current.history.Mutable().back().at = SampleTime(times.front());
  REQUIRE(
      store.CreateDossier(current, {"clerk"}, 1, {FeedEntry("dossier.status", {{"t", 0}})}).ok());
  for (std::size_t i = 1; i < times.size(); ++i) {
    SampleTransition next = MoveTo(current, "s" + std::to_string(i), SampleTime(times[i]));
    DossierStore::TransitionCommit commit = CommitOf(next, current.version);
    commit.outbox = {FeedEntry("dossier.status", {{"t", times[i]}})};
    REQUIRE(store.CommitTransition(commit).ok());
    current = next.after;
  }
  Result<std::vector<StoredOutboxEntry>> all = store.ListOutbox(OutboxQuery{0, 1000, {}});
  REQUIRE(all.ok());
  return Ids(*all);
}

OutboxPruning PruneBefore(std::int64_t seconds, int limit = 100) {
  OutboxPruning pruning;
  pruning.created_before = SampleTime(seconds);
  pruning.limit = limit;
  return pruning;
}

void CheckFeedPruned(const Result<std::vector<StoredOutboxEntry>>& read,
                     std::int64_t pruned_through) {
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().code() == ErrorCode::kFailedPrecondition);
  CHECK(read.error().reason() == ErrorReason::kFeedPruned);
  REQUIRE(read.error().fields().size() == 1);
  CHECK(read.error().fields()[0].pointer == "/after");
  CHECK(read.error().message().find("continue after " + std::to_string(pruned_through)) !=
        std::string::npos);
}

TEST_CASE_TEMPLATE(
    "store: feed retention prunes the oldest run, keeps the newest row, and "
    "tells readers behind it",
    F, STORE_TYPES) {
  F f;
  const std::vector<std::int64_t> ids = OutboxRowsAt(*f.store, "P-1", {0, 10, 20, 30, 40});
  REQUIRE(ids.size() == 5);

  // Nothing is old enough yet.
  Result<OutboxPruned> none = f.store->PruneOutbox(PruneBefore(0));
  REQUIRE(none.ok());
  CHECK(none->deleted == 0);
  CHECK(none->pruned_through == 0);
  CHECK(f.store->ListOutbox(OutboxQuery{0, 10, {}})->size() == 5);

  Result<OutboxPruned> pruned = f.store->PruneOutbox(PruneBefore(25));
  REQUIRE(pruned.ok());
  CHECK(pruned->deleted == 3);
  CHECK(pruned->pruned_through == ids[2]);
  CHECK(pruned->complete);
  // A reader behind the watermark is told, whatever its agency filter.
  CheckFeedPruned(f.store->ListOutbox(OutboxQuery{0, 10, {}}), ids[2]);
  CheckFeedPruned(f.store->ListOutbox(OutboxQuery{ids[1], 10, std::string("000.00.01.H26")}),
                  ids[2]);
  // A reader at the watermark misses nothing.
  Result<std::vector<StoredOutboxEntry>> rest = f.store->ListOutbox(OutboxQuery{ids[2], 10, {}});
  REQUIRE(rest.ok());
  CHECK(Ids(*rest) == std::vector<std::int64_t>{ids[3], ids[4]});

  // Everything is old: all goes but the newest row, which keeps its id taken.
  Result<OutboxPruned> all_old = f.store->PruneOutbox(PruneBefore(1000));
  REQUIRE(all_old.ok());
  CHECK(all_old->deleted == 1);
  CHECK(all_old->pruned_through == ids[3]);
  Result<OutboxPruned> again = f.store->PruneOutbox(PruneBefore(1000));
  REQUIRE(again.ok());
  CHECK(again->deleted == 0);
  CHECK(again->pruned_through == ids[3]);
  CHECK(Ids(*f.store->ListOutbox(OutboxQuery{ids[3], 10, {}})) ==
        std::vector<std::int64_t>{ids[4]});

  // A row written afterwards gets a new id, above every id handed out.
  REQUIRE(f.store
              ->CreateDossier(NewDossier("P-2"), {"clerk"}, 1,
                              {FeedEntry("dossier.status", {{"t", 50}})})
              .ok());
  Result<std::vector<StoredOutboxEntry>> after = f.store->ListOutbox(OutboxQuery{ids[3], 10, {}});
  REQUIRE(after.ok());
  REQUIRE(after->size() == 2);
  CHECK(after->back().id > ids[4]);
}

TEST_CASE_TEMPLATE("store: feed retention stops at a young row, an undelivered row and its batch",
                   F, STORE_TYPES) {
  F f;
  // The third row is young; the rows after it are old but wait behind it.
  const std::vector<std::int64_t> ids =
      OutboxRowsAt(*f.store, "P-1", {0, 10, 500, 20, 30, 40, 50, 60});
  Result<OutboxPruned> young = f.store->PruneOutbox(PruneBefore(100));
  REQUIRE(young.ok());
  CHECK(young->deleted == 2);
  CHECK(young->pruned_through == ids[1]);
  CHECK(young->complete);

  // A batch of 1 is one row, and says that more may be due.
  F g;
  const std::vector<std::int64_t> more = OutboxRowsAt(*g.store, "P-2", {0, 10, 20, 30, 40});
  Result<OutboxPruned> one = g.store->PruneOutbox(PruneBefore(1000, 1));
  REQUIRE(one.ok());
  CHECK(one->deleted == 1);
  CHECK(one->pruned_through == more[0]);
  CHECK_FALSE(one->complete);

  // Rows after the webhook's cursor stay.
  OutboxPruning undelivered = PruneBefore(1000);
  undelivered.keep_after = more[2];
  Result<OutboxPruned> delivered = g.store->PruneOutbox(undelivered);
  REQUIRE(delivered.ok());
  CHECK(delivered->deleted == 2);
  CHECK(delivered->pruned_through == more[2]);
  CHECK(Ids(*g.store->ListOutbox(OutboxQuery{more[2], 10, {}})) ==
        std::vector<std::int64_t>{more[3], more[4]});

  for (int bad : {0, -1, kMaxPruneBatch + 1}) {
    Result<OutboxPruned> refused = g.store->PruneOutbox(PruneBefore(1000, bad));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code() == ErrorCode::kInvalidArgument);
  }
  CHECK(Ids(*g.store->ListOutbox(OutboxQuery{more[2], 10, {}})).size() == 2);
}

TEST_CASE_TEMPLATE("store: feed retention keeps rows a dead letter names, and lists the letter", F,
                   STORE_TYPES) {
  F f;
  auto* deliveries = dynamic_cast<FeedDeliveryStore*>(f.store.get());
  REQUIRE(deliveries != nullptr);
  const std::vector<std::int64_t> ids = OutboxRowsAt(*f.store, "P-1", {0, 10, 20, 30});
  REQUIRE(
      deliveries
          ->RecordDeadLetter(DeadLetter{ids[1], "", "", 10, "webhook answered 500", SampleTime(15)})
          .ok());
  Result<OutboxPruned> pruned = f.store->PruneOutbox(PruneBefore(1000));
  REQUIRE(pruned.ok());
  CHECK(pruned->deleted == 2);  // ids[0] and ids[2]; ids[1] is a dead letter's, ids[3] the newest
  CHECK(pruned->pruned_through == ids[2]);
  Result<std::vector<DeadLetter>> letters =
      deliveries->ListDeadLetters(std::string("000.00.01.H26"), 10);
  REQUIRE(letters.ok());
  REQUIRE(letters->size() == 1);
  CHECK((*letters)[0].entry_id == ids[1]);
  CHECK((*letters)[0].topic == "dossier.status");
  CheckFeedPruned(f.store->ListOutbox(OutboxQuery{ids[0], 10, {}}), ids[2]);
}

// Report facts of `d` with the given shape; every other fact stays default.
ReportFacts FactsOf(const Dossier& d, Instant submitted, const std::string& month) {
  ReportFacts facts;
  facts.dossier_code = d.code;
  facts.agency = d.agency;
  facts.procedure_code = d.procedure_code;
  facts.submitted_at = submitted;
  facts.submitted_month = month;
  facts.submitted_online = true;
  facts.fee_bearing = true;
  facts.documents_total = 2;
  facts.documents_digitized = 2;
  return facts;
}

ReportQuery ReportOf(std::optional<std::string> agency, ReportGroupBy group_by) {
  ReportQuery query;
  query.agency = std::move(agency);
  query.from = SampleTime(-100 * 86400);
  query.to = SampleTime(100 * 86400);
  query.group_by = group_by;
  query.now = SampleTime(10 * 86400);
  return query;
}

TEST_CASE_TEMPLATE("store: report facts commit with the dossier and aggregate per group", F,
                   STORE_TYPES) {
  F f;
  const std::string a = "000.00.01.H26";
  const std::string b = "000.00.02.H26";
  // received, finished on time, paid online, electronic result.
  Dossier d1 = NewDossier("R-1", "001099000001", a);
  ReportFacts f1 = FactsOf(d1, SampleTime(), "2026-11");
  REQUIRE(f.store->CreateDossier(d1, {"clerk"}, 1, {}, f1).ok());
  SampleTransition t1 = MoveTo(d1, "returned", SampleTime(3600));
  f1.received_at = SampleTime(60);
  f1.finished_at = SampleTime(3600);
  f1.due_at = SampleTime(86400);
  f1.timeliness = Timeliness::kEarly;
  f1.outcome = ReportOutcome::kApproved;
  f1.paid_online = true;
  f1.has_result = true;
  f1.electronic_result = true;
  f1.fully_online = true;
  f1.rating = 5;
  DossierStore::TransitionCommit c1 = CommitOf(t1, 1);
  c1.facts = f1;
  REQUIRE(f.store->CommitTransition(c1).ok());
  // another procedure, in progress and overdue at `now`, at the desk.
  Dossier d2 = NewDossier("R-2", "001099000002", a);
  d2.procedure_code = "1.001471";
  ReportFacts f2 = FactsOf(d2, SampleTime(40 * 86400), "2026-12");
  f2.submitted_online = false;
  f2.received_at = SampleTime(40 * 86400);
  f2.due_at = SampleTime(5 * 86400);  // before `now`
  f2.rating = 3;
  REQUIRE(f.store->CreateDossier(d2, {"clerk"}, 2, {}, f2).ok());
  // in progress, paused before its due date: on time.
  Dossier d3 = NewDossier("R-3", "001099000003", a);
  ReportFacts f3 = FactsOf(d3, SampleTime(86400), "2026-11");
  f3.received_at = SampleTime(86400);
  f3.due_at = SampleTime(2 * 86400);
  f3.paused_at = SampleTime(86400 + 60);
  f3.fee_bearing = false;
  REQUIRE(f.store->CreateDossier(d3, {"clerk"}, 5, {}, f3).ok());
  // withdrawn before reception.
  Dossier d4 = NewDossier("R-4", "001099000004", a);
  ReportFacts f4 = FactsOf(d4, SampleTime(2 * 86400), "2026-11");
  f4.finished_at = SampleTime(2 * 86400 + 60);
  f4.outcome = ReportOutcome::kWithdrawn;
  f4.counts_late_in_index = true;  // ignored: never received
  REQUIRE(f.store->CreateDossier(d4, {"clerk"}, 7, {}, f4).ok());
  // Another agency's dossier, and a dossier without facts.
  Dossier other = NewDossier("B-1", "001099000005", b);
  REQUIRE(f.store->CreateDossier(other, {"clerk"}, 1, {}, FactsOf(other, SampleTime(), "2026-11"))
              .ok());
  REQUIRE(f.store->CreateDossier(NewDossier("N-1", "001099000006", a), {"clerk"}, 1).ok());

  Result<std::vector<ReportGroup>> total =
      f.store->AggregateReport(ReportOf(a, ReportGroupBy::kNone));
  REQUIRE(total.ok());
  REQUIRE(total->size() == 1);
  const ReportCounts& c = total->front().counts;
  CHECK(total->front().key == "");
  CHECK(c.dossiers == 4);
  CHECK(c.received == 3);
  CHECK(c.finished == 2);
  CHECK(c.finished_early == 1);
  CHECK(c.finished_on_time == 1);
  CHECK(c.finished_late == 0);
  CHECK(c.in_progress_on_time == 1);
  CHECK(c.in_progress_overdue == 1);
  CHECK(c.submitted_online == 3);
  CHECK(c.fully_online == 1);
  CHECK(c.fee_bearing == 3);
  CHECK(c.paid_online == 1);
  CHECK(c.results == 1);
  CHECK(c.electronic_results == 1);
  CHECK(c.documents_total == 8);
  CHECK(c.documents_digitized == 8);
  CHECK(c.approved == 1);
  CHECK(c.withdrawn == 1);
  CHECK(c.refused == 0);
  CHECK(c.ratings == 2);
  CHECK(c.rating_sum == 8);
  CHECK(c.ratings_satisfied == 1);

  // The fake's CountFacts is the reference definition; both stores agree with it.
  ReportCounts expected;
  for (const ReportFacts* facts : {&f1, &f2, &f3, &f4})
    CountFacts(*facts, SampleTime(10 * 86400), expected);
  CHECK(c == expected);

  Result<std::vector<ReportGroup>> by_procedure =
      f.store->AggregateReport(ReportOf(a, ReportGroupBy::kProcedure));
  REQUIRE(by_procedure.ok());
  REQUIRE(by_procedure->size() == 2);
  CHECK((*by_procedure)[0].key == "1.001471");
  CHECK((*by_procedure)[0].counts.dossiers == 1);
  CHECK((*by_procedure)[1].key == "1.004222");
  CHECK((*by_procedure)[1].counts.dossiers == 3);

  Result<std::vector<ReportGroup>> by_month =
      f.store->AggregateReport(ReportOf(a, ReportGroupBy::kMonth));
  REQUIRE(by_month.ok());
  REQUIRE(by_month->size() == 2);
  CHECK((*by_month)[0].key == "2026-11");
  CHECK((*by_month)[0].counts.dossiers == 3);
  CHECK((*by_month)[1].key == "2026-12");

  Result<std::vector<ReportGroup>> by_agency =
      f.store->AggregateReport(ReportOf(std::nullopt, ReportGroupBy::kAgency));
  REQUIRE(by_agency.ok());
  REQUIRE(by_agency->size() == 2);
  CHECK((*by_agency)[0].key == a);
  CHECK((*by_agency)[0].counts.dossiers == 4);
  CHECK((*by_agency)[1].key == b);
  CHECK((*by_agency)[1].counts.dossiers == 1);

  // Procedure filter and the period [from, to) on submitted_at.
  ReportQuery narrow = ReportOf(a, ReportGroupBy::kNone);
  narrow.procedure_code = "1.004222";
  narrow.from = SampleTime(86400);
  narrow.to = SampleTime(2 * 86400);  // R-3 only (R-4 is at `to`)
  Result<std::vector<ReportGroup>> narrowed = f.store->AggregateReport(narrow);
  REQUIRE(narrowed.ok());
  REQUIRE(narrowed->size() == 1);
  CHECK(narrowed->front().counts.dossiers == 1);
  CHECK(narrowed->front().counts.in_progress_on_time == 1);

  ReportQuery none = ReportOf(std::string("000.00.09.H26"), ReportGroupBy::kProcedure);
  Result<std::vector<ReportGroup>> empty = f.store->AggregateReport(none);
  REQUIRE(empty.ok());
  CHECK(empty->empty());

  ReportQuery backwards = ReportOf(a, ReportGroupBy::kNone);
  backwards.to = backwards.from;
  Result<std::vector<ReportGroup>> invalid = f.store->AggregateReport(backwards);
  REQUIRE_FALSE(invalid.ok());
  CHECK(invalid.error().code() == ErrorCode::kInvalidArgument);
  CHECK(invalid.error().fields().front().pointer == "/to");
}

TEST_CASE_TEMPLATE("store: report facts must name the dossier; a failed commit writes none", F,
                   STORE_TYPES) {
  F f;
  const Dossier d = NewDossier("R-1");
  ReportFacts wrong = FactsOf(d, SampleTime(), "2026-11");
  wrong.dossier_code = "R-2";
  CHECK(f.store->CreateDossier(d, {"clerk"}, 1, {}, wrong).error().code() ==
        ErrorCode::kInvalidArgument);
  REQUIRE(f.store->CreateDossier(d, {"clerk"}, 1, {}, FactsOf(d, SampleTime(), "2026-11")).ok());
  // A stale transition changes no facts.
  SampleTransition t = MoveTo(d, "returned", SampleTime(60));
  DossierStore::TransitionCommit stale = CommitOf(t, 7);
  ReportFacts finished = FactsOf(d, SampleTime(), "2026-11");
  finished.finished_at = SampleTime(60);
  stale.facts = finished;
  CHECK(f.store->CommitTransition(stale).error().code() == ErrorCode::kConflict);
  Result<std::vector<ReportGroup>> report =
      f.store->AggregateReport(ReportOf(d.agency, ReportGroupBy::kNone));
  REQUIRE(report.ok());
  REQUIRE(report->size() == 1);
  CHECK(report->front().counts.finished == 0);
  // A transition without facts leaves the row as it was; one with facts replaces it.
  SampleTransition moved = MoveTo(d, "in_review", SampleTime(30));
  REQUIRE(f.store->CommitTransition(CommitOf(moved, 1)).ok());
  SampleTransition done = MoveTo(moved.after, "returned", SampleTime(60));
  DossierStore::TransitionCommit commit = CommitOf(done, 2);
  commit.facts = finished;
  REQUIRE(f.store->CommitTransition(commit).ok());
  report = f.store->AggregateReport(ReportOf(d.agency, ReportGroupBy::kNone));
  REQUIRE(report.ok());
  REQUIRE(report->size() == 1);
  CHECK(report->front().counts.dossiers == 1);
  CHECK(report->front().counts.finished == 1);
}

TEST_CASE_TEMPLATE("store: branch report facts count by the agency that handled each branch", F,
                   STORE_TYPES) {
  F f;
  const std::string commune = "000.00.01.H26";
  const std::string police = "000.00.21.H26";
  const std::string insurance = "000.00.31.H26";
  auto branch_row = [](const Dossier& d, const std::string& branch, const std::string& agency,
                       Instant started) {
    BranchReportFacts facts;
    facts.dossier_code = d.code;
    facts.branch = branch;
    facts.agency = agency;
    facts.procedure_code = d.procedure_code;
    facts.started_at = started;
    return facts;
  };
  auto counts_of = [&](const std::string& agency,
                       std::optional<std::string> procedure = std::nullopt) {
    BranchReportQuery query{agency, std::move(procedure), SampleTime(-86400),
                            SampleTime(30 * 86400), SampleTime(10 * 86400)};
    Result<BranchReportCounts> counts = f.store->AggregateBranchReport(query);
    REQUIRE_MESSAGE(counts.ok(), counts.error().message());
    return *counts;
  };

  // L-1: the police finished on time and approved; social insurance still
  // runs, due before "now": overdue.
  Dossier d1 = NewDossier("L-1", "001099000001", commune);
  REQUIRE(f.store->CreateDossier(d1, {"clerk"}, 1).ok());
  SampleTransition t1 = MoveTo(d1, "lienthong", SampleTime(3600));
  DossierStore::TransitionCommit c1 = CommitOf(t1, 1);
  BranchReportFacts residence = branch_row(d1, "residence", police, SampleTime(3600));
  residence.finished_at = SampleTime(7200);
  residence.outcome = ReportOutcome::kApproved;
  BranchReportFacts card = branch_row(d1, "health_insurance", insurance, SampleTime(3600));
  card.due_at = SampleTime(2 * 86400);
  c1.branch_facts = {residence, card};
  REQUIRE(f.store->CommitTransition(c1).ok());
  // L-2: the police refused late; the card is on time, not due yet.
  Dossier d2 = NewDossier("L-2", "001099000002", commune);
  d2.procedure_code = "1.011537";
  REQUIRE(f.store->CreateDossier(d2, {"clerk"}, 2).ok());
  SampleTransition t2 = MoveTo(d2, "lienthong", SampleTime(86400));
  DossierStore::TransitionCommit c2 = CommitOf(t2, 1);
  BranchReportFacts refused = branch_row(d2, "residence_removal", police, SampleTime(86400));
  refused.finished_at = SampleTime(5 * 86400);
  refused.outcome = ReportOutcome::kRefused;
  refused.late = true;
  BranchReportFacts allowance = branch_row(d2, "funeral_allowance", insurance, SampleTime(86400));
  allowance.due_at = SampleTime(20 * 86400);
  c2.branch_facts = {refused, allowance};
  REQUIRE(f.store->CommitTransition(c2).ok());

  BranchReportCounts expected_police;
  expected_police.branches = 2;
  expected_police.finished = 2;
  expected_police.finished_on_time = 1;
  expected_police.finished_late = 1;
  expected_police.approved = 1;
  expected_police.refused = 1;
  CHECK(counts_of(police) == expected_police);
  BranchReportCounts expected_insurance;
  expected_insurance.branches = 2;
  expected_insurance.in_progress_on_time = 1;
  expected_insurance.in_progress_overdue = 1;
  CHECK(counts_of(insurance) == expected_insurance);
  // The receiving agency handled no branch; a procedure narrows.
  CHECK(counts_of(commune) == BranchReportCounts{});
  CHECK(counts_of(police, "1.011537").branches == 1);

  // A later transition replaces the dossier's rows: the card was issued on
  // time. One without branch facts leaves them; facts of another dossier are
  // refused and write nothing.
  SampleTransition t3 = MoveTo(t1.after, "result_ready", SampleTime(86400));
  DossierStore::TransitionCommit c3 = CommitOf(t3, 2);
  card.finished_at = SampleTime(86400);
  card.outcome = ReportOutcome::kApproved;
  card.due_at.reset();
  c3.branch_facts = {residence, card};
  BranchReportFacts stray = branch_row(d2, "residence", police, SampleTime(3600));
  DossierStore::TransitionCommit wrong = c3;
  wrong.branch_facts.push_back(stray);
  CHECK(f.store->CommitTransition(wrong).error().code() == ErrorCode::kInvalidArgument);
  REQUIRE(f.store->CommitTransition(c3).ok());
  SampleTransition t4 = MoveTo(t3.after, "returned", SampleTime(2 * 86400));
  REQUIRE(f.store->CommitTransition(CommitOf(t4, 3)).ok());
  expected_insurance.finished = 1;
  expected_insurance.finished_on_time = 1;
  expected_insurance.in_progress_overdue = 0;
  expected_insurance.approved = 1;
  CHECK(counts_of(insurance) == expected_insurance);
  CHECK(counts_of(police) == expected_police);

  BranchReportQuery backwards{police, std::nullopt, SampleTime(60), SampleTime(60), SampleTime()};
  CHECK(f.store->AggregateBranchReport(backwards).error().code() == ErrorCode::kInvalidArgument);
}

TEST_CASE_TEMPLATE("store: missing report facts are listed and added, never replaced", F,
                   STORE_TYPES) {
  F f;
  const Dossier with = NewDossier("M-1", "001099000011");
  REQUIRE(
      f.store->CreateDossier(with, {"clerk"}, 1, {}, FactsOf(with, SampleTime(), "2026-11")).ok());
  const Dossier without1 = NewDossier("M-2", "001099000012");
  const Dossier without2 = NewDossier("M-3", "001099000013");
  REQUIRE(f.store->CreateDossier(without1, {"clerk"}, 1).ok());
  REQUIRE(f.store->CreateDossier(without2, {"clerk"}, 1).ok());

  Result<std::vector<std::string>> missing = f.store->ListDossiersWithoutFacts("", 10);
  REQUIRE(missing.ok());
  CHECK(*missing == std::vector<std::string>{"M-2", "M-3"});
  missing = f.store->ListDossiersWithoutFacts("M-2", 10);
  REQUIRE(missing.ok());
  CHECK(*missing == std::vector<std::string>{"M-3"});
  CHECK(f.store->ListDossiersWithoutFacts("", 1)->size() == 1);
  CHECK(f.store->ListDossiersWithoutFacts("", 0).error().code() == ErrorCode::kInvalidArgument);

  ReportFacts late = FactsOf(without1, SampleTime(), "2026-11");
  late.documents_total = 5;
  Result<bool> added = f.store->AddMissingReportFacts(late);
  REQUIRE(added.ok());
  CHECK(*added);
  // A row exists now (or a transition wrote one): never replaced.
  ReportFacts stale = late;
  stale.documents_total = 99;
  CHECK_FALSE(*f.store->AddMissingReportFacts(stale));
  ReportFacts existing = FactsOf(with, SampleTime(), "2026-11");
  existing.documents_total = 99;
  CHECK_FALSE(*f.store->AddMissingReportFacts(existing));
  ReportFacts unknown = FactsOf(NewDossier("M-404"), SampleTime(), "2026-11");
  CHECK(f.store->AddMissingReportFacts(unknown).error().code() == ErrorCode::kNotFound);

  CHECK(*f.store->ListDossiersWithoutFacts("", 10) == std::vector<std::string>{"M-3"});
  Result<std::vector<ReportGroup>> report =
      f.store->AggregateReport(ReportOf(with.agency, ReportGroupBy::kNone));
  REQUIRE(report.ok());
  REQUIRE(report->size() == 1);
  CHECK(report->front().counts.dossiers == 2);
  CHECK(report->front().counts.documents_total == 7);
}

// Random but plausible facts of `d`, submitted at `submitted`.
ReportFacts RandomFacts(const Dossier& d, Instant submitted, const std::string& month,
                        std::mt19937& random) {
  auto chance = [&](int percent) {
    return std::uniform_int_distribution<int>(0, 99)(random) < percent;
  };
  auto later = [&](Instant t, int max_hours) {
    return t + hours(std::uniform_int_distribution<int>(0, max_hours)(random));
  };
  ReportFacts facts = FactsOf(d, submitted, month);
  facts.submitted_online = chance(70);
  facts.fee_bearing = chance(50);
  facts.paid_online = facts.fee_bearing && chance(50);
  facts.documents_total = std::uniform_int_distribution<int>(0, 4)(random);
  facts.documents_digitized = facts.documents_total;
  facts.documents_reused = std::uniform_int_distribution<int>(0, 1)(random) * facts.documents_total;
  facts.population_data = chance(30);
  if (chance(80)) {
    facts.received_at = later(submitted, 24);
    facts.due_at = later(*facts.received_at, 10 * 24);
    facts.counts_late_in_index = chance(20);
    if (chance(20)) facts.paused_at = later(*facts.received_at, 48);
  }
  if (chance(50)) {
    facts.finished_at = later(submitted, 12 * 24);
    facts.paused_at.reset();
    facts.outcome = chance(70) ? ReportOutcome::kApproved : ReportOutcome::kRefused;
    if (facts.received_at) facts.timeliness = chance(50) ? Timeliness::kEarly : Timeliness::kOnTime;
    facts.has_result = chance(80);
    facts.electronic_result = facts.has_result && chance(70);
    facts.fully_online = facts.submitted_online && chance(60);
    if (chance(50)) facts.rating = std::uniform_int_distribution<int>(1, 5)(random);
  } else if (!facts.received_at && chance(30)) {
    facts.finished_at = later(submitted, 24);
    facts.outcome = ReportOutcome::kWithdrawn;
  }
  return facts;
}

// Pre-summed stores must give CountFacts' answer for any period, filter,
// grouping and "now", after facts were rewritten by later transitions; and
// the same with half of the writes folded (FoldReportChanges), then all.
TEST_CASE_TEMPLATE("store: reports equal CountFacts over the latest facts for any period", F,
                   STORE_TYPES) {
  F f;
  std::mt19937 random(20261201);
  const std::vector<std::string> agencies{"000.00.01.H26", "000.00.02.H26"};
  const std::vector<std::string> procedures{"1.004222", "1.001471"};
  std::map<std::string, ReportFacts> latest;  // by dossier code
  for (std::size_t i = 0; i < 60; ++i) {
    if (i == 30) REQUIRE(f.store->FoldReportChanges().ok());
    Dossier d = NewDossier("Q-" + std::to_string(i), "0010990" + std::to_string(10000 + i),
                           agencies[i % 2]);
    d.procedure_code = procedures[(i / 2) % 2];
    // Every 3 h 20 min over about 8 days, so periods cut days at any hour.
    const Instant submitted = SampleTime(static_cast<std::int64_t>(i) * 12000);
    const std::string month = i < 30 ? "2026-11" : "2026-12";
    ReportFacts facts = RandomFacts(d, submitted, month, random);
    REQUIRE(f.store->CreateDossier(d, {"clerk"}, 1, {}, facts).ok());
    Dossier current = d;
    for (std::int64_t version = 1; version <= static_cast<std::int64_t>(i % 3); ++version) {
      SampleTransition t =
          MoveTo(current, version == 1 ? "in_review" : "returned", submitted + hours(version));
      DossierStore::TransitionCommit commit = CommitOf(t, version);
      facts = RandomFacts(d, submitted, month, random);
      commit.facts = facts;
      REQUIRE(f.store->CommitTransition(commit).ok());
      current = t.after;
    }
    latest[d.code] = facts;
  }

  const std::vector<std::optional<std::string>> agency_filters{agencies[0], agencies[1],
                                                               std::nullopt};
  for (std::size_t q = 0; q < 400; ++q) {
    if (q == 200) REQUIRE(f.store->FoldReportChanges().ok());
    ReportQuery query;
    query.agency = agency_filters[q % 3];
    if (q % 4 == 0) query.procedure_code = procedures[q % 2];
    query.group_by = static_cast<ReportGroupBy>(static_cast<int>(q % 4));
    auto instant = [&] {
      return SampleTime(std::uniform_int_distribution<std::int64_t>(-86400, 10 * 86400)(random));
    };
    query.from = instant();
    query.to = instant();
    if (query.to <= query.from) std::swap(query.from, query.to);
    if (query.to == query.from) query.to += hours(1);
    if (q % 5 == 0) {  // whole UTC days
      query.from = std::chrono::floor<days>(query.from);
      query.to = std::chrono::ceil<days>(query.to);
    }
    query.now = instant();

    std::map<std::string, ReportCounts> expected;
    for (const auto& [code, facts] : latest) {
      if (MatchesReportQuery(facts, query)) {
        CountFacts(facts, query.now, expected[ReportGroupKey(facts, query.group_by)]);
      }
    }
    Result<std::vector<ReportGroup>> report = f.store->AggregateReport(query);
    REQUIRE(report.ok());
    CAPTURE(q);
    REQUIRE(report->size() == expected.size());
    auto want = expected.begin();
    for (const ReportGroup& group : *report) {
      CHECK(group.key == want->first);
      CHECK(group.counts == want->second);
      ++want;
    }
  }
}

// The argument rules of the ports' fronts (store.h, feed_delivery.h), as
// every adapter answers them: the same code, message and field, and nothing
// written. tests/engine/domain/store_test.cc shows no adapter code runs.
TEST_CASE_TEMPLATE("store: invalid arguments are refused alike by every adapter, writing nothing",
                   F, STORE_TYPES) {
  F f;
  const Dossier stored = NewDossier("V-1");
  REQUIRE(f.store->CreateDossier(stored, {"clerk"}, 1).ok());
  SampleTransition moved = MoveTo(stored, "in_review", SampleTime(60));
  Dossier no_code = NewDossier("");
  ReportFacts other_facts;
  other_facts.dossier_code = "V-2";
  const std::string bytes = "document bytes";

  struct Refusal {
    const char* what;
    std::function<Status()> call;
    const char* message;
    const char* pointer;  // "" when the error names no field
  };
  auto status_of = [](const auto& result) -> Status {
    return result.ok() ? Status() : Status(result.error());
  };
  const std::vector<Refusal> refusals = {
      {"a definition without a procedure code",
       [&] { return status_of(f.store->PublishDefinition("", {}, "admin", SampleTime())); },
       "a definition needs a procedure code", ""},
      {"a sequence without an agency",
       [&] {
         return status_of(f.store->NextDossierSequence(
             "", std::chrono::year(2026) / std::chrono::November / 20));
       },
       "a sequence needs an agency and a valid date", ""},
      {"a dossier without a code", [&] { return f.store->CreateDossier(no_code, {"clerk"}, 1); },
       "a dossier needs a code", "/code"},
      {"a transition without its event",
       [&] {
         DossierStore::TransitionCommit commit = CommitOf(moved, 1);
         commit.event = nullptr;
         return f.store->CommitTransition(commit);
       },
       "a transition needs the dossier after it and its event", ""},
      {"a transition with facts of another dossier",
       [&] {
         DossierStore::TransitionCommit commit = CommitOf(moved, 1);
         commit.facts = other_facts;
         return f.store->CommitTransition(commit);
       },
       "report facts of another dossier", "/facts/dossier_code"},
      {"a transition storing a document under a wrong id",
       [&] {
         DossierStore::TransitionCommit commit = CommitOf(moved, 1);
         commit.documents.push_back(NewDocument{
             {Sha256Hex("other"), static_cast<std::int64_t>(bytes.size()), "text/plain"},
             bytes,
             "clerk-1"});
         return f.store->CommitTransition(commit);
       },
       "document id is not the SHA-256 of its bytes", "/id"},
      {"a document of the wrong size",
       [&] {
         return f.store->PutDocument({Sha256Hex(bytes), 3, "text/plain"}, bytes, "u", SampleTime());
       },
       "document size does not match its bytes", "/size"},
      {"a queue page of 0",
       [&] {
         QueueQuery query = Queue("clerk", stored.agency);
         query.limit = 0;
         return status_of(f.store->ListQueue(query));
       },
       "limit must be a whole number from 1 to 1000", "/limit"},
      {"a state page of 0",
       [&] {
         StateQuery query{stored.procedure_code, stored.state, SampleTime(3600), 0, {}, {}};
         return status_of(f.store->ListInState(query));
       },
       "limit must be a whole number from 1 to 1000", "/limit"},
      {"a references page of 0",
       [&] { return status_of(f.store->ListDossiersReferencing(Sha256Hex(bytes), 0)); },
       "limit must be a whole number from 1 to 1000", "/limit"},
      {"a without-facts page of 0",
       [&] { return status_of(f.store->ListDossiersWithoutFacts("", 0)); },
       "limit must be a whole number from 1 to 1000", "/limit"},
      {"an outbox page of 1001",
       [&] {
         return status_of(f.store->ListOutbox(OutboxQuery{0, 1001, {}}));
       },
       "limit must be a whole number from 1 to 1000", "/limit"},
      {"a dead-letter page of 0",
       [&] {
         auto* feed = dynamic_cast<FeedDeliveryStore*>(f.store.get());
         REQUIRE(feed != nullptr);
         return status_of(feed->ListDeadLetters(std::nullopt, 0));
       },
       "limit must be a whole number from 1 to 1000", "/limit"},
  };
  for (const Refusal& refusal : refusals) {
    CAPTURE(refusal.what);
    Status status = refusal.call();
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().code() == ErrorCode::kInvalidArgument);
    CHECK(status.error().message() == refusal.message);
    if (*refusal.pointer == '\0') {
      CHECK(status.error().fields().empty());
    } else {
      REQUIRE(status.error().fields().size() == 1);
      CHECK(status.error().fields().front().pointer == refusal.pointer);
    }
  }
  // Nothing of the refused writes was stored.
  Result<Dossier> unchanged = f.store->GetDossier("V-1");
  REQUIRE(unchanged.ok());
  CHECK(unchanged->version == 1);
  CHECK(f.store->GetDocumentInfo(Sha256Hex(bytes)).error().code() == ErrorCode::kNotFound);
  CHECK(f.store->ListDefinitionVersions("")->empty());
  Result<std::vector<StoredOutboxEntry>> outbox = f.store->ListOutbox(OutboxQuery{0, 1000, {}});
  REQUIRE(outbox.ok());
  CHECK(outbox->empty());
  // A page above the ceiling is no error; it reads as the ceiling.
  CHECK(f.store
            ->ListInState(StateQuery{stored.procedure_code,
                                     stored.state,
                                     SampleTime(3600),
                                     DossierStore::kMaxPageSize + 1,
                                     {},
                                     {}})
            ->size() == 1);
  CHECK(f.store->ListDossiersReferencing(Sha256Hex(bytes), 1000000)->empty());
}

}  // namespace
}  // namespace motcua
