// Tamper detection: someone with write access to the database file edits it
// behind the running server. `motcua audit verify` must name each edit and
// exit non-zero: a dossier's state changed in its row, its last event
// deleted, and (with a checkpoint the server signed earlier) an event
// rewritten with the hash chain recomputed.
#include <sqlite3.h>

#include <string>
#include <utility>
#include <vector>

#include "engine/sqlite/audit_chain.h"
#include "engine/sqlite/dossier_codec.h"
#include "engine/sqlite/sqlite_db.h"
#include "tests/hostile/live_server.h"

namespace motcua {
namespace {

constexpr const char* kAgency = "000.00.01.H26";
constexpr const char* kCitizen = "001090012345";

// Two dossiers of permanent residence (1.004222) submitted by a citizen over
// HTTP and received by a clerk: two events each. Returns their codes.
std::vector<std::string> CreateReceivedDossiers(const LiveServer& server) {
  const std::string citizen = server.Token(kCitizen, "applicant");
  const std::string clerk = server.Token("clerk-1", "reception_clerk", kAgency);
  std::vector<std::string> codes;
  for (int i = 0; i < 2; ++i) {
    std::vector<std::string> ids;
    for (const char* paper : {"declaration", "residence proof"}) {
      const LiveReply uploaded =
          server.Send("POST", "/v1/documents", citizen,
                      std::string("%PDF ") + paper + std::to_string(i), "application/pdf");
      REQUIRE_MESSAGE(uploaded.status == 201, uploaded.body);
      ids.push_back(uploaded.Json().value("id", ""));
    }
    const nlohmann::json request = {
        {"procedure", "1.004222"},
        {"agency", kAgency},
        {"form",
         {{"full_name", "Nguyễn Văn An"}, {"citizen_id", kCitizen}, {"address", "12 Hàng Bài"}}},
        {"documents", {{"declaration", ids[0]}, {"legal_residence_proof", ids[1]}}}};
    const LiveReply created = server.Send("POST", "/v1/dossiers", citizen, request.dump());
    REQUIRE_MESSAGE(created.status == 201, created.body);
    const std::string code = created.Json().value("code", "");
    REQUIRE(!code.empty());
    const LiveReply received =
        server.Send("POST", "/v1/dossiers/" + code + "/actions/receive", clerk, "{}");
    REQUIRE_MESSAGE(received.status == 200, received.body);
    codes.push_back(code);
  }
  return codes;
}

// Runs `sql` on the server's database through the SQLite C API, as an
// attacker with the file would, while the server has it open.
void Tamper(const LiveServer& server, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(server.db().c_str(), &db) == SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  CHECK_MESSAGE(rc == SQLITE_OK, (error != nullptr ? error : ""));
  sqlite3_free(error);
  sqlite3_close(db);
}

std::string Quoted(const std::string& text) {
  return "'" + text + "'";
}

TEST_CASE("tamper: a dossier's state changed directly in its row is named by audit verify") {
  LiveServer server;
  const std::vector<std::string> codes = CreateReceivedDossiers(server);
  std::string output;
  REQUIRE_MESSAGE(server.RunCliStatus("audit verify --db " + server.db(), output) == 0, output);
  Tamper(server, "UPDATE dossiers SET state = 'returned' WHERE code = " + Quoted(codes[1]));
  CHECK(server.RunCliStatus("audit verify --db " + server.db(), output) == 1);
  CHECK_MESSAGE(output.find("mismatch: dossier " + codes[1] + ": the row's state is returned") !=
                    std::string::npos,
                output);
  CHECK(output.find(codes[0]) == std::string::npos);
  CHECK(server.Alive());
}

TEST_CASE("tamper: the recorded way an actor signed in, changed in its event, is named") {
  LiveServer server;
  const std::vector<std::string> codes = CreateReceivedDossiers(server);
  // The trail shows the bearer tokens the citizen and the clerk used.
  const std::string auditor = server.Token("auditor-1", "auditor", kAgency);
  const LiveReply trail = server.Send("GET", "/v1/dossiers/" + codes[0] + "/audit", auditor);
  REQUIRE_MESSAGE(trail.status == 200, trail.body);
  const nlohmann::json trail_body = trail.Json();
  for (const nlohmann::json& item : trail_body.at("items")) {
    CHECK(item.at("actor").at("authenticated_by") == "bearer_token");
    CHECK(item.at("actor").at("identity_provider").is_null());
  }
  std::string output;
  REQUIRE_MESSAGE(server.RunCliStatus("audit verify --db " + server.db(), output) == 0, output);

  // The clerk's reception is passed off as a sign-in at the national provider.
  Tamper(server,
         "DROP TRIGGER events_no_update; UPDATE events SET actor_auth_method = 'oidc_session', "
         "actor_identity_provider = 'vneid' WHERE dossier_code = " +
             Quoted(codes[0]) + " AND idx = 1;");
  CHECK(server.RunCliStatus("audit verify --db " + server.db(), output) == 1);
  CHECK_MESSAGE(output.find("broken: dossier " + codes[0] + ", event 1") != std::string::npos,
                output);
  CHECK_MESSAGE(output.find("hash does not match the event's content") != std::string::npos,
                output);
  CHECK(output.find(codes[1]) == std::string::npos);
  CHECK(server.Alive());
}

TEST_CASE("tamper: report counts edited, forged or deleted in the roll-up are named") {
  LiveServer server;
  CreateReceivedDossiers(server);
  std::string output;
  REQUIRE_MESSAGE(server.RunCliStatus("audit verify --db " + server.db(), output) == 0, output);

  // The agency's received count inflated in its per-day row.
  Tamper(server, "UPDATE report_daily SET received = received + 5");
  CHECK(server.RunCliStatus("audit verify --db " + server.db(), output) == 1);
  CHECK_MESSAGE(
      output.find(std::string("report counts: agency ") + kAgency + ", day ") != std::string::npos,
      output);
  CHECK_MESSAGE(output.find("received 7 stored, 2 from the facts rows") != std::string::npos,
                output);
  CHECK(output.find("1 problems") != std::string::npos);

  // Put back, then a whole day forged for an agency that has no dossiers.
  Tamper(server, "UPDATE report_daily SET received = received - 5");
  REQUIRE_MESSAGE(server.RunCliStatus("audit verify --db " + server.db(), output) == 0, output);
  Tamper(server,
         "INSERT INTO report_daily (agency, bucket, procedure_code, submitted_month, dossiers, "
         "finished, finished_on_time) VALUES ('000.00.99.H99', 20000, '1.004222', '2024-10', 40, "
         "40, 40)");
  CHECK(server.RunCliStatus("audit verify --db " + server.db(), output) == 1);
  CHECK_MESSAGE(output.find("report counts: agency 000.00.99.H99, day 2024-10-04, procedure "
                            "1.004222, month 2024-10: dossiers 40 stored, 0 from the facts rows; "
                            "finished 40 stored, 0") != std::string::npos,
                output);

  // Every count deleted.
  Tamper(server, "DELETE FROM report_daily");
  CHECK(server.RunCliStatus("audit verify --db " + server.db(), output) == 1);
  CHECK_MESSAGE(output.find("dossiers 0 stored, 2 from the facts rows") != std::string::npos,
                output);
  // A check of one dossier leaves the agency's counts alone.
  CHECK(server.RunCliStatus(
            "audit verify --db " + server.db() + " --dossier " + std::string("no-such-dossier"),
            output) != 0);
  CHECK(output.find("report counts") == std::string::npos);
  CHECK(server.Alive());
}

TEST_CASE("tamper: a dossier's deleted last event is named by audit verify") {
  LiveServer server;
  const std::vector<std::string> codes = CreateReceivedDossiers(server);
  Tamper(server, "DROP TRIGGER events_no_delete; DELETE FROM events WHERE dossier_code = " +
                     Quoted(codes[0]) + " AND idx = 1;");
  std::string output;
  CHECK(server.RunCliStatus("audit verify --db " + server.db(), output) == 1);
  CHECK_MESSAGE(output.find("mismatch: dossier " + codes[0] +
                            ": the row's version is 2, but it has 1 events") != std::string::npos,
                output);
}

TEST_CASE("tamper: an event rewritten with its chain recomputed is named against a checkpoint") {
  LiveServer server;
  const std::vector<std::string> codes = CreateReceivedDossiers(server);
  // A clean shutdown leaves a signed checkpoint of the final heads.
  server.Stop();
  const std::string checkpoints = server.db() + ".checkpoints/checkpoints.jsonl";
  const std::string public_key = server.db() + ".checkpoints/checkpoint.key.pub";

  // The attacker rewrites the clerk's reception (its comment) and recomputes
  // the event's hash with the chain's public construction.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(server.db().c_str(), &db) == SQLITE_OK);
  // The last event, then the one before it, whose hash the last one's covers.
  std::vector<AuditRecord> newest;
  {
    sqlite3_stmt* raw = nullptr;
    const std::string sql = std::string("SELECT ") + kEventColumns +
                            " FROM events WHERE dossier_code = ?1 ORDER BY idx DESC LIMIT 2";
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) == SQLITE_OK);
    SqliteStatement read(raw, db);
    read.BindText(1, codes[1]);
    for (int i = 0; i < 2; ++i) {
      Result<bool> row = read.Step();
      REQUIRE((row.ok() && *row));
      Result<AuditRecord> record = ReadEventRow(read);
      REQUIRE(record.ok());
      newest.push_back(std::move(record).value());
    }
  }
  AuditRecord& last = newest[0];
  last.event.payload = {{"comment", "received on paper, all fine"}};
  const std::string hash =
      EventHash(CanonicalEvent(codes[1], last.index, last.event), newest[1].hash);
  Tamper(server, "DROP TRIGGER events_no_update; UPDATE events SET payload = " +
                     Quoted(last.event.payload.dump()) + ", hash = " + Quoted(hash) +
                     " WHERE sequence = " + std::to_string(last.sequence));
  sqlite3_close(db);

  std::string output;
  // The chain and the replay hold: the rewrite is consistent.
  REQUIRE_MESSAGE(server.RunCliStatus("audit verify --db " + server.db(), output) == 0, output);
  CHECK(server.RunCliStatus("audit verify --db " + server.db() + " --checkpoint " + checkpoints +
                                " --key " + public_key,
                            output) == 1);
  CHECK_MESSAGE(output.find("checkpoint: dossier " + codes[1] + ": rewritten") != std::string::npos,
                output);
}

}  // namespace
}  // namespace motcua
