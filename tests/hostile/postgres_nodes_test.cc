// Two `motcua serve` nodes on one PostgreSQL database (issue 19), over HTTP:
// what one node commits the other serves at once; a race on one dossier
// across the nodes has one winner; a node killed with SIGKILL under load
// loses no acknowledged write, and the other node serves all of them.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/hostile/live_server.h"
#include "tests/migration_fixture.h"
#include "tests/postgres_test_database.h"

#if MOTCUA_POSTGRES_TESTS

namespace motcua {
namespace {

constexpr const char* kAgency = "000.00.01.H26";
constexpr const char* kCitizen = "001090012345";

// A submission of the permanent-residence procedure (1.004222), with its
// papers uploaded through `server`.
std::string Submission(const LiveServer& server, const std::string& citizen) {
  std::vector<std::string> ids;
  for (const char* paper : {"declaration", "residence proof"}) {
    const LiveReply uploaded = server.Send("POST", "/v1/documents", citizen,
                                           std::string("%PDF ") + paper, "application/pdf");
    REQUIRE_MESSAGE(uploaded.status == 201, uploaded.body);
    ids.push_back(uploaded.Json().value("id", ""));
  }
  return nlohmann::json{
      {"procedure", "1.004222"},
      {"agency", kAgency},
      {"form",
       {{"full_name", "Nguyễn Văn An"}, {"citizen_id", kCitizen}, {"address", "12 Hàng Bài"}}},
      {"documents", {{"declaration", ids[0]}, {"legal_residence_proof", ids[1]}}}}
      .dump();
}

// Submits `body` to the node on `port` as LiveServer::Send does, but
// tolerates a node that is gone: the code of the created dossier when the
// node answered 201, nothing otherwise (refused, reset, killed mid-request).
std::optional<std::string> TrySubmit(int port, const std::string& token, const std::string& body) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return std::nullopt;
  timeval limit{};
  limit.tv_sec = 10;
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return std::nullopt;
  }
  const std::string raw =
      "POST /v1/dossiers HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
      "Authorization: Bearer " +
      token +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n\r\n" + body;
  (void)send(fd, raw.data(), raw.size(), MSG_NOSIGNAL);
  std::string response;
  std::array<char, 65536> buffer{};
  for (ssize_t n; (n = read(fd, buffer.data(), buffer.size())) > 0;) {
    response.append(buffer.data(), static_cast<std::size_t>(n));
  }
  close(fd);
  if (response.rfind("HTTP/1.1 201", 0) != 0) return std::nullopt;
  // The body may come chunked: take the code's value from the text.
  const std::string key = "\"code\":\"";
  const std::size_t at = response.find(key);
  if (at == std::string::npos) return std::nullopt;
  const std::size_t end = response.find('"', at + key.size());
  if (end == std::string::npos) return std::nullopt;
  return response.substr(at + key.size(), end - at - key.size());
}

std::vector<std::string> Args() {
  return {"--timer-interval", "0"};
}

TEST_CASE("postgres nodes: what one node commits, the other serves, and a race has one winner") {
  PostgresTestDatabase database;
  REQUIRE_MESSAGE(database.available(), database.unavailable_reason());
  LiveServer a(Args(), database.uri(), "");
  LiveServer b(Args(), database.uri(), a.admin_token());
  const std::string citizen = a.Token(kCitizen, "applicant");
  const std::string clerk = b.Token("clerk-1", "reception_clerk", kAgency);
  const std::string body = Submission(a, citizen);

  const LiveReply created = a.Send("POST", "/v1/dossiers", citizen, body);
  REQUIRE_MESSAGE(created.status == 201, created.body);
  const std::string code = created.Json().value("code", "");
  const LiveReply seen = b.Send("GET", "/v1/dossiers/" + code, clerk);
  REQUIRE_MESSAGE(seen.status == 200, seen.body);
  CHECK(seen.Json().at("state") == "submitted");
  const LiveReply queue = b.Send("GET", "/v1/queue?role=reception_clerk", clerk);
  REQUIRE_MESSAGE(queue.status == 200, queue.body);
  CHECK(queue.body.find(code) != std::string::npos);

  // Both nodes receive the dossier at once: exactly one succeeds.
  std::atomic<int> wins{0};
  std::atomic<int> refusals{0};
  std::vector<std::thread> racers;
  for (const LiveServer* node : {&a, &b, &a, &b}) {
    racers.emplace_back([&, node] {
      const int status =
          node->Send("POST", "/v1/dossiers/" + code + "/actions/receive", clerk, "{}").status;
      if (status == 200) {
        ++wins;
      } else if (status == 409 || status == 412) {
        ++refusals;
      }
    });
  }
  for (std::thread& racer : racers) racer.join();
  CHECK(wins.load() == 1);
  CHECK(refusals.load() == 3);
  const LiveReply history = a.Send("GET", "/v1/dossiers/" + code + "/history", citizen);
  REQUIRE_MESSAGE(history.status == 200, history.body);
  // One step left "submitted", by one receive, into the fee request.
  const nlohmann::json steps = history.Json().at("items");
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].at("action") == "receive");
  CHECK(steps[1].at("state") == "awaiting_fee");
  CHECK(a.Send("GET", "/v1/dossiers/" + code, citizen).Json().at("state") == "awaiting_fee");
}

TEST_CASE("postgres nodes: of clerks claiming one dossier on two nodes at once, one wins") {
  PostgresTestDatabase database;
  REQUIRE_MESSAGE(database.available(), database.unavailable_reason());
  LiveServer a(Args(), database.uri(), "");
  LiveServer b(Args(), database.uri(), a.admin_token());
  const std::string citizen = a.Token(kCitizen, "applicant");
  std::vector<std::string> clerks;
  for (int c = 0; c < 4; ++c) {
    clerks.push_back(a.Token("clerk-" + std::to_string(c), "reception_clerk", kAgency));
  }
  const std::string body = Submission(a, citizen);
  for (int round = 0; round < 5; ++round) {
    const LiveReply created = b.Send("POST", "/v1/dossiers", citizen, body);
    REQUIRE_MESSAGE(created.status == 201, created.body);
    const std::string code = created.Json().value("code", "");
    std::atomic<int> wins{0};
    std::atomic<int> refusals{0};
    std::vector<std::thread> claimers;
    for (int c = 0; c < 4; ++c) {
      claimers.emplace_back([&, c] {
        const LiveServer& node = c % 2 == 0 ? a : b;
        const int status = node.Send("POST", "/v1/dossiers/" + code + "/claim",
                                     clerks[static_cast<std::size_t>(c)])
                               .status;
        if (status == 200) {
          ++wins;
        } else if (status == 409) {
          ++refusals;
        }
      });
    }
    for (std::thread& claimer : claimers) claimer.join();
    CHECK(wins.load() == 1);
    CHECK(refusals.load() == 3);
    // Both nodes see the one winner as the assignee.
    const nlohmann::json on_a = a.Send("GET", "/v1/dossiers/" + code, clerks[0]).Json();
    const nlohmann::json on_b = b.Send("GET", "/v1/dossiers/" + code, clerks[1]).Json();
    CHECK(on_a.at("assignee") == on_b.at("assignee"));
    CHECK_FALSE(on_a.at("assignee").is_null());
  }
}

TEST_CASE("postgres nodes: a workflow published on one node is served by the other at once") {
  PostgresTestDatabase database;
  REQUIRE_MESSAGE(database.available(), database.unavailable_reason());
  LiveServer a(Args(), database.uri(), "");
  LiveServer b(Args(), database.uri(), a.admin_token());
  const LiveReply before = b.Send("GET", "/v1/procedures/1.004222");
  REQUIRE_MESSAGE(before.status == 200, before.body);
  CHECK(before.Json().at("version") == 1);  // b has the version cached
  const std::string national = a.Token("national-1", "national_admin", "000.00.00.H26");
  const LiveReply published =
      a.Send("PUT", "/v1/procedures/1.004222/workflow", national, PermanentResidenceV2().dump());
  REQUIRE_MESSAGE(published.status == 200, published.body);
  CHECK(b.Send("GET", "/v1/procedures/1.004222").Json().at("version") == 2);
  // A submission on b runs on the new version.
  const std::string citizen = a.Token(kCitizen, "applicant");
  a.Token("clerk-1", "reception_clerk", kAgency);
  const LiveReply created = b.Send("POST", "/v1/dossiers", citizen, Submission(b, citizen));
  REQUIRE_MESSAGE(created.status == 201, created.body);
  CHECK(created.Json().at("definition_version") == 2);
}

TEST_CASE("postgres nodes: a node killed with SIGKILL under load loses no acknowledged write") {
  PostgresTestDatabase database;
  REQUIRE_MESSAGE(database.available(), database.unavailable_reason());
  LiveServer a(Args(), database.uri(), "");
  LiveServer b(Args(), database.uri(), a.admin_token());
  const std::string citizen = a.Token(kCitizen, "applicant");
  b.Token("clerk-1", "reception_clerk", kAgency);  // the agency is served: it has staff
  const std::string body = Submission(a, citizen);
  const LiveReply first = a.Send("POST", "/v1/dossiers", citizen, body);
  REQUIRE_MESSAGE(first.status == 201, first.body);
  std::mutex acknowledged_mutex;
  std::vector<std::string> acknowledged;
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 3; ++w) {
    writers.emplace_back([&] {
      while (!stop.load()) {
        std::optional<std::string> code = TrySubmit(a.port(), citizen, body);
        if (!code) continue;  // not acknowledged: the node died mid-request
        std::lock_guard lock(acknowledged_mutex);
        acknowledged.push_back(*code);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  kill(a.pid(), SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  stop = true;
  for (std::thread& writer : writers) writer.join();
  a.Stop();
  REQUIRE(acknowledged.size() > 5);
  for (const std::string& code : acknowledged) {
    const LiveReply read = b.Send("GET", "/v1/dossiers/" + code, citizen);
    CHECK_MESSAGE(read.status == 200, code << ": " << read.body);
  }
  // And the surviving node keeps taking work.
  CHECK(b.Send("POST", "/v1/dossiers", citizen, body).status == 201);
}

// Runs one SQL statement on `uri` as a database owner would, behind the
// server's back.
void EditDatabase(const std::string& uri, const std::string& sql) {
  PGconn* connection = PQconnectdb(uri.c_str());
  REQUIRE(PQstatus(connection) == CONNECTION_OK);
  PGresult* result = PQexec(connection, sql.c_str());
  const ExecStatusType status = PQresultStatus(result);
  CHECK_MESSAGE((status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK),
                PQresultErrorMessage(result));
  PQclear(result);
  PQfinish(connection);
}

TEST_CASE("postgres nodes: audit verify checks a shared database and names edits made to it") {
  PostgresTestDatabase database;
  REQUIRE_MESSAGE(database.available(), database.unavailable_reason());
  LiveServer a(Args(), database.uri(), "");
  const std::string citizen = a.Token(kCitizen, "applicant");
  const std::string clerk = a.Token("clerk-1", "reception_clerk", kAgency);
  const std::string body = Submission(a, citizen);
  std::vector<std::string> codes;
  for (int i = 0; i < 3; ++i) {
    const LiveReply created = a.Send("POST", "/v1/dossiers", citizen, body);
    REQUIRE_MESSAGE(created.status == 201, created.body);
    codes.push_back(created.Json().value("code", ""));
  }
  REQUIRE(a.Send("POST", "/v1/dossiers/" + codes[0] + "/actions/receive", clerk, "{}").status ==
          200);
  const std::string verify = "audit verify --db " + database.uri();
  CHECK(a.RunCli(verify) == "ok: 4 events verified");

  // The trigger refuses an edit; an owner who disables it is still found.
  EditDatabase(database.uri(),
               "ALTER TABLE events DISABLE TRIGGER events_append_only; "
               "UPDATE events SET payload = '{\"comment\":\"forged\"}' WHERE dossier_code = '" +
                   codes[1] + "'; ALTER TABLE events ENABLE TRIGGER events_append_only");
  EditDatabase(database.uri(),
               "UPDATE dossiers SET state = 'returned' WHERE code = '" + codes[2] + "'");
  const std::string found = a.RunCli(verify);
  CHECK(found.find(codes[1]) != std::string::npos);
  CHECK(found.find("hash does not match") != std::string::npos);
  CHECK(found.find(codes[2]) != std::string::npos);
  CHECK(found.find(codes[0]) == std::string::npos);
  CHECK(found.find("2 problems") != std::string::npos);
  // A count change forged among those not folded yet is found too.
  EditDatabase(database.uri(),
               "INSERT INTO report_daily_changes (agency, bucket, procedure_code, "
               "submitted_month, received) SELECT agency, submitted_at / 86400, procedure_code, "
               "submitted_month, 9 FROM report_facts WHERE dossier_code = '" +
                   codes[0] + "'");
  const std::string forged = a.RunCli(verify);
  CHECK_MESSAGE(forged.find(std::string("report counts: agency ") + kAgency) != std::string::npos,
                forged);
  CHECK_MESSAGE(forged.find("received 10 stored, 1 from the facts rows") != std::string::npos,
                forged);
  CHECK(forged.find("3 problems") != std::string::npos);
  // A database that is not motcua's is named as such.
  PostgresTestDatabase empty;
  CHECK(a.RunCli("audit verify --db " + empty.uri()).find("no motcua schema") != std::string::npos);
  // A URI with a password is refused before anything connects.
  CHECK(a.RunCli("audit verify --db postgresql://u:secret@127.0.0.1:1/x").find("password") !=
        std::string::npos);
}

// Whether `server`'s log says, within `limit`, that it took the lease.
bool TookLeaseWithin(const LiveServer& server, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream log(server.dir().File("stderr.log"));
    const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    if (text.find("took the background lease") != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

TEST_CASE("postgres nodes: the timers run on one node, and the survivor takes them over") {
  PostgresTestDatabase database;
  REQUIRE_MESSAGE(database.available(), database.unavailable_reason());
  const std::vector<std::string> args = {"--timer-interval", "1"};
  LiveServer a(args, database.uri(), "");
  REQUIRE(TookLeaseWithin(a, std::chrono::seconds(10)));
  LiveServer b(args, database.uri(), a.admin_token());
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  CHECK_FALSE(TookLeaseWithin(b, std::chrono::seconds(0)));  // a holds it
  kill(a.pid(), SIGKILL);
  a.Stop();
  CHECK(TookLeaseWithin(b, std::chrono::seconds(10)));
}

TEST_CASE("postgres nodes: other applicants and other agencies' staff reach nothing of a dossier") {
  PostgresTestDatabase database;
  REQUIRE_MESSAGE(database.available(), database.unavailable_reason());
  LiveServer a(Args(), database.uri(), "");
  LiveServer b(Args(), database.uri(), a.admin_token());
  constexpr const char* kOtherAgency = "000.00.02.H26";
  const std::string citizen = a.Token(kCitizen, "applicant");
  const std::string other_citizen = a.Token("001090054321", "applicant");
  const std::string clerk = a.Token("clerk-1", "reception_clerk", kAgency);
  const std::string other_clerk = a.Token("clerk-2", "reception_clerk", kOtherAgency);
  const std::string other_admin = a.Token("admin-2", "admin", kOtherAgency);
  const std::string other_auditor = a.Token("auditor-2", "auditor", kOtherAgency);
  const std::string admin = a.Token("admin-1", "admin", kAgency);

  const LiveReply created = a.Send("POST", "/v1/dossiers", citizen, Submission(a, citizen));
  REQUIRE_MESSAGE(created.status == 201, created.body);
  const std::string code = created.Json().value("code", "");
  const std::string dossier = "/v1/dossiers/" + code;
  REQUIRE(b.Send("POST", dossier + "/actions/receive", clerk, "{}").status == 200);

  // Through either node, the dossier is not there for them.
  for (const LiveServer* node : {&a, &b}) {
    for (const std::string* token : {&other_citizen, &other_clerk, &other_admin}) {
      CHECK(node->Send("GET", dossier, *token).status == 404);
      CHECK(node->Send("GET", dossier + "/history", *token).status == 404);
      CHECK(node->Send("POST", dossier + "/actions/request_supplement_at_reception", *token,
                       R"({"comment":"x"})")
                .status == 404);
      CHECK(node->Send("POST", dossier + "/claim", *token).status == 404);
    }
    CHECK(node->Send("GET", dossier + "/audit", other_auditor).status == 404);
    const LiveReply list = node->Send("GET", "/v1/dossiers", other_citizen);
    REQUIRE(list.status == 200);
    CHECK(list.Json().at("items").empty());
    const LiveReply queue = node->Send("GET", "/v1/queue?role=reception_clerk", other_clerk);
    REQUIRE(queue.status == 200);
    CHECK(queue.body.find(code) == std::string::npos);
    // Another agency's reports: refused for its admin, and empty of this dossier in its own.
    CHECK(node->Send("GET", std::string("/v1/reports/summary?agency=") + kAgency, other_admin)
              .status == 403);
    const LiveReply own = node->Send("GET", "/v1/reports/summary", other_admin);
    REQUIRE_MESSAGE(own.status == 200, own.body);
    CHECK(own.Json().at("total").at("counts").at("dossiers") == 0);
    const LiveReply theirs = node->Send("GET", "/v1/reports/summary", admin);
    REQUIRE_MESSAGE(theirs.status == 200, theirs.body);
    // Asked within the second of the submission too (times are whole seconds).
    CHECK_MESSAGE(theirs.Json().at("total").at("counts").at("dossiers") == 1, theirs.body);
  }
  // Nothing they tried changed it.
  const LiveReply after = a.Send("GET", dossier, citizen);
  REQUIRE(after.status == 200);
  CHECK(after.Json().at("version") == 2);
}

}  // namespace
}  // namespace motcua

#endif  // MOTCUA_POSTGRES_TESTS
