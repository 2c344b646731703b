// Form patterns from hostile hands (issue 14, items 3 and 4): a catastrophic
// pattern must not hang the server on a citizen's value, an invalid pattern
// must be refused at publish time naming its pointer, and one broken stored
// definition must not take the procedure catalogue down for everyone.
#include <sqlite3.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "tests/hostile/live_server.h"

namespace motcua {
namespace {

using nlohmann::json;

// tests/fixtures/workflows/good/minimal.json as procedure `code`, with
// `pattern` on its form field "full_name".
json MinimalWithPattern(const std::string& code, const std::string& pattern) {
  std::ifstream in(std::string(MOTCUA_SOURCE_DIR) + "/tests/fixtures/workflows/good/minimal.json");
  REQUIRE(in.good());
  json workflow = json::parse(in);
  workflow["procedure"]["code"] = code;
  workflow["procedure"]["form"]["properties"]["full_name"]["pattern"] = pattern;
  return workflow;
}

// The pointers of a problem+json reply's field errors.
std::vector<std::string> ErrorPointers(const LiveReply& reply) {
  std::vector<std::string> pointers;
  const json body = reply.Json();
  if (!body.is_object() || !body.contains("errors") || !body["errors"].is_array()) return pointers;
  for (const json& error : body["errors"]) {
    if (error.is_object() && error.contains("pointer") && error["pointer"].is_string()) {
      pointers.push_back(error["pointer"].get<std::string>());
    }
  }
  return pointers;
}

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::vector<std::string> ListedCodes(const LiveReply& reply) {
  std::vector<std::string> codes;
  const json body = reply.Json();
  if (!body.is_object() || !body.contains("items")) return codes;
  for (const json& item : body["items"]) codes.push_back(item.value("code", std::string()));
  return codes;
}

TEST_CASE("hostile regex: ^(a+)+$ on a long near-match is answered at once, not backtracked") {
  LiveServer server;
  const LiveReply published =
      server.Send("PUT", "/v1/procedures/T-REDOS/workflow", server.admin_token(),
                  MinimalWithPattern("T-REDOS", "^(a+)+$").dump());
  REQUIRE_MESSAGE(published.status == 200, published.body);
  const std::string citizen_id = "001090012345";
  const std::string citizen = server.Token(citizen_id, "applicant");
  for (const std::size_t length : {std::size_t{30}, std::size_t{5'000}, std::size_t{100'000}}) {
    CAPTURE(length);
    const json submission = {{"procedure", "T-REDOS"},
                             {"agency", "000.00.00.H26"},
                             {"applicant_id", citizen_id},
                             {"form", {{"full_name", std::string(length, 'a') + "!"}}}};
    const LiveReply reply = server.Send("POST", "/v1/dossiers", citizen, submission.dump());
    INFO(reply.body.substr(0, 500));
    CHECK(reply.status == 422);
    CHECK(Contains(ErrorPointers(reply), "/form/full_name"));
  }
  const json matching = {{"procedure", "T-REDOS"},
                         {"agency", "000.00.00.H26"},
                         {"applicant_id", citizen_id},
                         {"form", {{"full_name", std::string(30, 'a')}}}};
  const LiveReply reply = server.Send("POST", "/v1/dossiers", citizen, matching.dump());
  INFO(reply.body.substr(0, 500));
  CHECK_FALSE(Contains(ErrorPointers(reply), "/form/full_name"));
  CHECK(server.Alive());
  CHECK(server.Send("GET", "/healthz").status == 200);
}

TEST_CASE("hostile regex: an invalid form pattern is refused at publish and the catalogue stands") {
  LiveServer server;
  for (const std::string pattern : {"(", "(?=a)a", "(a)\\1"}) {
    CAPTURE(pattern);
    const LiveReply refused =
        server.Send("PUT", "/v1/procedures/T-BADPAT/workflow", server.admin_token(),
                    MinimalWithPattern("T-BADPAT", pattern).dump());
    INFO(refused.body);
    CHECK(refused.status >= 400);
    CHECK(refused.status < 500);
    CHECK(Contains(ErrorPointers(refused), "/procedure/form/properties/full_name/pattern"));
  }
  const LiveReply catalogue = server.Send("GET", "/v1/procedures");
  CHECK(catalogue.status == 200);
  CHECK_FALSE(Contains(ListedCodes(catalogue), "T-BADPAT"));
  CHECK(server.Send("GET", "/v1/procedures/T-BADPAT").status == 404);
}

TEST_CASE("hostile regex: a definition broken by hand in the database is left out of the list") {
  LiveServer server;
  const LiveReply before = server.Send("GET", "/v1/procedures");
  REQUIRE(before.status == 200);
  const std::vector<std::string> bundled = ListedCodes(before);
  REQUIRE_FALSE(bundled.empty());

  // What no API accepts: a form pattern that does not compile, written straight into SQLite.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(server.db().c_str(), &db) == SQLITE_OK);
  sqlite3_busy_timeout(db, 10'000);
  sqlite3_stmt* insert = nullptr;
  REQUIRE(sqlite3_prepare_v2(db,
                             "INSERT INTO definitions (procedure_code, version, content_hash, "
                             "document, published_at, published_by) "
                             "VALUES ('T-BROKEN', 1, 'edited-by-hand', ?1, 0, 'dba')",
                             -1, &insert, nullptr) == SQLITE_OK);
  const std::string document = MinimalWithPattern("T-BROKEN", "(").dump();
  sqlite3_bind_text(insert, 1, document.c_str(), static_cast<int>(document.size()),
                    SQLITE_TRANSIENT);
  CHECK(sqlite3_step(insert) == SQLITE_DONE);
  sqlite3_finalize(insert);
  sqlite3_close(db);

  for (int i = 0; i < 2; ++i) {  // the second time from the catalogue's memory of the failure
    const LiveReply after = server.Send("GET", "/v1/procedures");
    INFO(after.body.substr(0, 500));
    REQUIRE(after.status == 200);
    CHECK(ListedCodes(after) == bundled);
  }
  const LiveReply broken = server.Send("GET", "/v1/procedures/T-BROKEN");
  CHECK(broken.status >= 500);  // the server's fault, said for this procedure only
  CHECK(server.Send("GET", "/v1/procedures/" + bundled.front()).status == 200);
  CHECK(server.Alive());
}

}  // namespace
}  // namespace motcua
