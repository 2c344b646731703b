// Handler tests of POST /v1/procedures/lint and of what GET
// /v1/procedures/{code} gives a user interface: localized names and the
// form's fields in the order the administrator wrote them.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "api/dossier_routes.h"
#include "tests/api/route_test_support.h"
#include "tests/json_text_support.h"
#include "tests/service_fixture.h"

namespace motcua {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

struct ProcedureApi : PermanentResidenceService {
  std::unique_ptr<DossierApi> api;
  Router router;

  ProcedureApi() {
    api = std::make_unique<DossierApi>(
        DossierApi{*service, *catalog, TokenTable(Tokens()), *calendar});
    REQUIRE(AddDossierRoutes(router, *api).ok());
  }

  HttpResponse Call(const std::string& method, const std::string& target, const std::string& token,
                    const std::string& body = {},
                    const std::string& content_type = "application/json") {
    return CallRoute(router, method, target, token, body, {}, content_type);
  }

  HttpResponse Lint(const std::string& text, const std::string& token = "t-admin") {
    return Call("POST", "/v1/procedures/lint", token, text);
  }
};

std::string PermanentResidenceText() {
  std::ifstream in(std::string(MOTCUA_SOURCE_DIR) + "/workflows/1.004222-permanent-residence.json",
                   std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// `text` with the first `from` replaced by `to`.
std::string Replaced(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  return text.replace(at, from.size(), to);
}

TEST_CASE("procedure lint route: a valid definition is valid, and linting stores nothing") {
  ProcedureApi f;
  const std::string text =
      Replaced(PermanentResidenceText(), "\"working_days\": 7", "\"working_days\": 6");
  for (const char* admin : {"t-admin", "t-national"}) {
    HttpResponse response = f.Lint(text, admin);
    REQUIRE_MESSAGE(response.status == 200, response.body);
    const json body = json::parse(response.body);
    CHECK(body == json{{"valid", true}, {"problems", json::array()}});
  }
  HttpResponse versions = f.Call("GET", "/v1/procedures/1.004222/versions", "t-auditor");
  REQUIRE(versions.status == 200);
  CHECK(json::parse(versions.body).at("items").size() == 1);
}

TEST_CASE("procedure lint route: only admins lint") {
  ProcedureApi f;
  const std::string text = PermanentResidenceText();
  for (const char* token :
       {"t-owner", "t-clerk", "t-specialist", "t-leader", "t-auditor", "t-sync"}) {
    CAPTURE(token);
    CHECK(f.Lint(text, token).status == 403);
  }
  CHECK(f.Lint(text, "").status == 401);
  CHECK(f.Lint(text, "not-a-token").status == 401);
}

TEST_CASE("procedure lint route: a problem deep in the text is named at its line and column") {
  ProcedureApi f;
  // The fifth action's target, far down the text and after Vietnamese text on its line.
  const std::string text = Replaced(
      PermanentResidenceText(),
      "\"to\": \"in_review\", \"roles\": [\"applicant\", \"reception_clerk\", \"system\"]",
      "\"to\": \"in_reveiw\", \"roles\": [\"applicant\", \"reception_clerk\", \"system\"]");
  HttpResponse response = f.Lint(text);
  REQUIRE_MESSAGE(response.status == 200, response.body);
  const json body = json::parse(response.body);
  CHECK(body.at("valid") == false);
  const auto [line, column] = LineColumnAt(text, text.find("\"in_reveiw\""));
  bool found = false;
  for (const json& problem : body.at("problems")) {
    CHECK(MemberNames(problem).size() == 5);
    if (problem.at("pointer") != "/actions/4/to") continue;
    found = true;
    CHECK(problem.at("line") == line);
    CHECK(problem.at("column") == column);
    CHECK(problem.at("rule") == "semantics");
    CHECK(problem.at("message").get<std::string>().find("in_reveiw") != std::string::npos);
  }
  CHECK_MESSAGE(found, response.body);
  CHECK(line > 40);
  CHECK(column > 100);  // the names before it are counted in characters, not bytes
}

TEST_CASE("procedure lint route: a missing Vietnamese name is located at the state lacking it") {
  ProcedureApi f;
  const std::string original = PermanentResidenceText();
  const std::string names = "\"names\": { \"vi\": \"Đang xử lý: chuyên viên thẩm định\", ";
  const std::string text = Replaced(original, names, "\"names\": { ");
  HttpResponse response = f.Lint(text);
  REQUIRE(response.status == 200);
  const json body = json::parse(response.body);
  REQUIRE_MESSAGE(body.at("problems").size() == 1, response.body);
  const json& problem = body.at("problems")[0];
  CHECK(problem.at("pointer") == "/states/3/names/vi");
  CHECK(problem.at("rule") == "schema");
  const auto [line, column] =
      LineColumnAt(text, text.find("{ \"en\": \"Under review by a specialist\""));
  CHECK(problem.at("line") == line);
  CHECK(problem.at("column") == column);
}

TEST_CASE("procedure lint route: a syntax error is one problem at its own line and column") {
  ProcedureApi f;
  HttpResponse response = f.Lint("{\n  \"procedure\": {\n    \"code\": 1.2.3\n  }\n}\n");
  REQUIRE(response.status == 200);
  const json body = json::parse(response.body);
  CHECK(body.at("valid") == false);
  REQUIRE(body.at("problems").size() == 1);
  CHECK(body.at("problems")[0].at("rule") == "json_syntax");
  CHECK(body.at("problems")[0].at("pointer") == "");
  CHECK(body.at("problems")[0].at("line") == 3);
  CHECK(body.at("problems")[0].at("column") == 16);
  // Not UTF-8 is a syntax problem too, not a failure.
  HttpResponse bytes = f.Lint("{\"procedure\": \"\xff\"}");
  REQUIRE(bytes.status == 200);
  CHECK(json::parse(bytes.body).at("problems")[0].at("rule") == "json_syntax");
}

TEST_CASE("procedure lint route: absurd sizes and depths are refused as for publishing") {
  ProcedureApi f;
  HttpResponse large = f.Lint("\"" + std::string(1024 * 1024, 'a') + "\"");
  CHECK(large.status == 400);
  CHECK(large.body.find("json_too_large") != std::string::npos);
  HttpResponse deep = f.Lint(std::string(100000, '[') + std::string(100000, ']'));
  CHECK(deep.status == 400);
  CHECK(deep.body.find("json_too_deep") != std::string::npos);
  CHECK(f.Call("POST", "/v1/procedures/lint", "t-admin", "{}", "text/plain").status == 415);
  CHECK(f.Lint("").status == 415);  // no body, so no JSON media type
}

TEST_CASE("procedure routes: the form keeps the order written, with localized names") {
  ProcedureApi f;
  // Published by the fixture as a parsed value: the order was already lost,
  // so this version lists its fields by name.
  HttpResponse before = f.Call("GET", "/v1/procedures/1.004222", "");
  REQUIRE(before.status == 200);
  CHECK(MemberNames(ordered_json::parse(before.body).at("form").at("properties")) ==
        std::vector<std::string>{"address", "citizen_id", "full_name", "household_head_id",
                                 "relationship"});

  HttpResponse published =
      f.Call("PUT", "/v1/procedures/1.004222/workflow", "t-national", PermanentResidenceText());
  REQUIRE_MESSAGE(published.status == 200, published.body);
  HttpResponse after = f.Call("GET", "/v1/procedures/1.004222", "");
  REQUIRE(after.status == 200);
  const ordered_json body = ordered_json::parse(after.body);
  CHECK(body.at("version") == 2);
  const std::vector<std::string> written = {"full_name", "citizen_id", "address",
                                            "household_head_id", "relationship"};
  CHECK(MemberNames(body.at("form").at("properties")) == written);
  CHECK(body.at("form").at("x-order") == ordered_json(written));
  CHECK(json(body.at("form").at("properties").at("citizen_id").at("title")) ==
        json{{"vi", "Số định danh cá nhân"}, {"en", "Citizen ID number"}});
  CHECK(body.at("form").at("properties").at("citizen_id").at("x-widget") == "citizen-id");

  // Every field the catalogue had is still there, with the localized ones beside it.
  CHECK(body.at("name") == "Permanent residence registration (Đăng ký thường trú)");
  CHECK(json(body.at("names")) ==
        json{{"vi", "Đăng ký thường trú"}, {"en", "Permanent residence registration"}});
  CHECK(body.at("fees")[0].at("name") == "Registration fee");
  CHECK(body.at("fees")[0].at("names").at("vi") == "Lệ phí đăng ký cư trú");
  CHECK(body.at("documents")[0].at("key") == "declaration");
  CHECK(body.at("documents")[0].at("names").at("vi") ==
        "Tờ khai thay đổi thông tin cư trú (mẫu CT01)");
  REQUIRE(body.at("states").size() == 12);
  CHECK(json(body.at("states")[0]) == json::parse(R"({"id": "submitted",
      "name": "Submitted, awaiting reception",
      "names": {"en": "Submitted, awaiting reception", "vi": "Mới đăng ký, chờ tiếp nhận"},
      "status": 1, "terminal": false})"));
  REQUIRE(body.at("actions").size() == 15);
  CHECK(body.at("actions")[0].at("name") == "receive");
  CHECK(body.at("actions")[0].at("title") == "Receive the dossier");
  CHECK(body.at("actions")[0].at("names").at("vi") == "Tiếp nhận hồ sơ");
  CHECK(body.at("actions")[0].at("to") == "awaiting_fee");

  HttpResponse list = f.Call("GET", "/v1/procedures", "");
  REQUIRE(list.status == 200);
  CHECK(json::parse(list.body).at("items")[0].at("names").at("vi") == "Đăng ký thường trú");
}

}  // namespace
}  // namespace motcua
