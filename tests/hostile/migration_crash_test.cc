// A migration of dossiers in flight (issue 21) killed with SIGKILL while it
// applies, on the real server and its SQLite database: after a restart the
// same plan, re-POSTed with the same If-Match, moves the rest. No dossier is
// moved twice or skipped (exactly one migrate event each), and `motcua audit
// verify` replays every history across both versions.
//
// Where the kill lands depends on timing; what is checked does not: the
// outcome is the same whether the first apply moved some, none or all.
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "tests/hostile/live_server.h"
#include "tests/migration_fixture.h"

namespace motcua {
namespace {

constexpr const char* kAgency = "000.00.01.H26";
constexpr const char* kCitizen = "001090012345";
constexpr int kDossiers = 60;

// Migrate events per dossier, read from the database file.
std::map<std::string, int> MigrateEvents(const std::string& db_path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(db_path.c_str(), &db) == SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db,
                             "SELECT dossier_code, COUNT(*) FROM events WHERE action = 'migrate' "
                             "GROUP BY dossier_code",
                             -1, &stmt, nullptr) == SQLITE_OK);
  std::map<std::string, int> counts;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    counts[reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))] =
        sqlite3_column_int(stmt, 1);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return counts;
}

TEST_CASE("migration: killed with SIGKILL mid-apply, resumed: every dossier moved exactly once") {
  std::string plan_text;
  std::string apply_text;  // the plan with the dry run's selection
  std::string etag;
  std::vector<std::string> codes;
  LiveServer first;
  {
    const std::string citizen = first.Token(kCitizen, "applicant");
    const std::string clerk = first.Token("clerk-1", "reception_clerk", kAgency);
    std::vector<std::string> ids;
    for (const char* paper : {"declaration", "residence proof"}) {
      const LiveReply uploaded = first.Send("POST", "/v1/documents", citizen,
                                            std::string("%PDF ") + paper, "application/pdf");
      REQUIRE_MESSAGE(uploaded.status == 201, uploaded.body);
      ids.push_back(uploaded.Json().value("id", ""));
    }
    const nlohmann::json request = {
        {"procedure", "1.004222"},
        {"agency", kAgency},
        {"form",
         {{"full_name", "Nguyễn Văn An"}, {"citizen_id", kCitizen}, {"address", "12 Hàng Bài"}}},
        {"documents", {{"declaration", ids[0]}, {"legal_residence_proof", ids[1]}}}};
    for (int i = 0; i < kDossiers; ++i) {
      const LiveReply created = first.Send("POST", "/v1/dossiers", citizen, request.dump());
      REQUIRE_MESSAGE(created.status == 201, created.body);
      codes.push_back(created.Json().value("code", ""));
      if (i % 3 == 0) {  // a third are received: two source states
        const LiveReply received =
            first.Send("POST", "/v1/dossiers/" + codes.back() + "/actions/receive", clerk, "{}");
        REQUIRE_MESSAGE(received.status == 200, received.body);
      }
    }
    const std::string national = first.Token("national-1", "national_admin", "000.00.00.H26");
    const LiveReply published = first.Send("PUT", "/v1/procedures/1.004222/workflow", national,
                                           PermanentResidenceV2().dump());
    REQUIRE_MESSAGE(published.status == 200, published.body);
    REQUIRE(published.Json().value("version", 0) == 2);

    plan_text = nlohmann::json{{"from_version", 1}, {"to_version", 2}}.dump();
    const LiveReply dry_run =
        first.Send("POST", "/v1/procedures/1.004222/migrations/dry-run", national, plan_text);
    REQUIRE_MESSAGE(dry_run.status == 200, dry_run.body);
    REQUIRE(dry_run.Json().value("movable", 0) == kDossiers);
    etag = dry_run.Json().value("plan_etag", "");
    nlohmann::json apply_body = nlohmann::json::parse(plan_text);
    apply_body["selection"] = dry_run.Json().at("selection");
    apply_text = apply_body.dump();

    // Apply, and kill the server as soon as the first dossier has moved.
    const std::string raw =
        "POST /v1/procedures/1.004222/migrations/apply HTTP/1.1\r\n"
        "Host: 127.0.0.1\r\nConnection: close\r\n"
        "Authorization: Bearer " +
        national +
        "\r\n"
        "Content-Type: application/json\r\n"
        "If-Match: \"" +
        etag +
        "\"\r\n"
        "Content-Length: " +
        std::to_string(apply_text.size()) + "\r\n\r\n" + apply_text;
    const int fd = first.Connect();
    REQUIRE(send(fd, raw.data(), raw.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(raw.size()));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (MigrateEvents(first.db()).empty() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    REQUIRE(kill(first.pid(), SIGKILL) == 0);
    close(fd);
    first.Stop();
  }
  const std::map<std::string, int> before = MigrateEvents(first.db());
  MESSAGE("moved before the kill: " << before.size() << " of " << kDossiers);
  for (const auto& [code, count] : before) CHECK(count == 1);

  LiveServer second({}, first);
  const std::string national = second.Token("national-2", "national_admin", "000.00.00.H26");
  const LiveReply resumed =
      second.Send("POST", "/v1/procedures/1.004222/migrations/apply", national, apply_text,
                  "application/json", "If-Match: \"" + etag + "\"\r\n");
  REQUIRE_MESSAGE(resumed.status == 200, resumed.body);
  const nlohmann::json outcome = resumed.Json();
  CHECK(outcome.value("moved", -1) == kDossiers - static_cast<int>(before.size()));
  CHECK(outcome.value("skipped", -1) == static_cast<int>(before.size()));
  for (const nlohmann::json& item : outcome.at("items")) {
    if (item.at("outcome") == "skipped") CHECK(item.at("reason") == "already_migrated");
  }

  const std::map<std::string, int> after = MigrateEvents(second.db());
  CHECK(after.size() == static_cast<std::size_t>(kDossiers));
  for (const std::string& code : codes) {
    CAPTURE(code);
    auto found = after.find(code);
    REQUIRE(found != after.end());
    CHECK(found->second == 1);
  }

  // A third apply moves nothing.
  const LiveReply again =
      second.Send("POST", "/v1/procedures/1.004222/migrations/apply", national, apply_text,
                  "application/json", "If-Match: \"" + etag + "\"\r\n");
  REQUIRE_MESSAGE(again.status == 200, again.body);
  CHECK(again.Json().value("moved", -1) == 0);

  second.Stop();
  std::string output;
  CHECK_MESSAGE(second.RunCliStatus("audit verify --db " + second.db(), output) == 0, output);
}

}  // namespace
}  // namespace motcua
