// A published definition read back after a restart: the form's fields in the
// order written, and a version stored before localized names still served.
// The real path: the workflow file as serve reads it, the SQLite store, a new
// catalog on the reopened database, and GET /v1/procedures/{code}.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/dossier_routes.h"
#include "engine/cli/files.h"
#include "engine/domain/clock.h"
#include "engine/service/dossier_service.h"
#include "engine/service/workflow_catalog.h"
#include "engine/sqlite/sqlite_store.h"
#include "tests/api/route_test_support.h"
#include "tests/engine/sqlite/temp_directory.h"
#include "tests/json_text_support.h"
#include "tests/source_tree.h"

namespace motcua {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// One run of the engine on the database at `path`.
struct Engine {
  FakeClock clock{Instant{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2}}};
  std::unique_ptr<SqliteStore> store;
  WorkingCalendar calendar = BundledCalendar();
  std::unique_ptr<WorkflowCatalog> catalog;
  std::unique_ptr<DossierService> dossiers;
  std::unique_ptr<DossierApi> api;
  Router router;

  explicit Engine(const std::string& path) {
    SqliteStoreOptions options;
    options.path = path;
    Result<std::unique_ptr<SqliteStore>> opened = SqliteStore::Open(options);
    REQUIRE(opened.ok());
    store = std::move(opened).value();
    catalog = std::make_unique<WorkflowCatalog>(*store, WorkflowSchema(), calendar, clock);
    dossiers = std::make_unique<DossierService>(*store, *catalog, calendar, clock);
    api = std::make_unique<DossierApi>(
        DossierApi{*dossiers, *catalog, TokenTable(Tokens()), calendar});
    REQUIRE(AddDossierRoutes(router, *api).ok());
  }

  ordered_json Procedure(const std::string& code) {
    HttpResponse response = CallRoute(router, "GET", "/v1/procedures/" + code, "");
    REQUIRE_MESSAGE(response.status == 200, response.body);
    return ordered_json::parse(response.body);
  }
};

TEST_CASE("workflow restart: form fields keep the order written through the database") {
  TempDirectory directory;
  const std::string db = directory.File("motcua.db");
  // Written out of alphabetical order: the groom before the bride, names first.
  const std::vector<std::string> written = {
      "groom_full_name",  "groom_citizen_id",    "groom_date_of_birth",   "bride_full_name",
      "bride_citizen_id", "bride_date_of_birth", "registration_date_wish"};
  {
    Engine first(db);
    Result<json> document = cli::ReadWorkflowFile(
        std::string(MOTCUA_SOURCE_DIR) + "/workflows/HT-KETHON-marriage-registration.json");
    REQUIRE(document.ok());
    REQUIRE(first.catalog->Publish(Actor{"test", {kSystemRole}, ""}, *document).ok());
    CHECK(MemberNames(first.Procedure("HT-KETHON").at("form").at("properties")) == written);
  }
  Engine second(db);
  const ordered_json procedure = second.Procedure("HT-KETHON");
  CHECK(MemberNames(procedure.at("form").at("properties")) == written);
  CHECK(procedure.at("names").at("vi") == "Đăng ký kết hôn");
}

TEST_CASE("workflow restart: a version stored before localized names still loads and is served") {
  TempDirectory directory;
  const std::string db = directory.File("motcua.db");
  json old = LoadJson("workflows/1.003677-temporary-absence.json");
  old["procedure"].erase("names");
  for (auto& document : old["procedure"]["documents"]) document.erase("names");
  for (auto& field : old["procedure"]["form"]["properties"]) {
    field.erase("title");
    field.erase("x-widget");
  }
  for (auto& state : old["states"]) state.erase("names");
  for (auto& action : old["actions"]) action.erase("names");
  {
    Engine first(db);
    // As an older motcua stored it: no lint of today's format on the way in.
    REQUIRE(first.store->PublishDefinition("1.003677", old, "old-engine", first.clock.Now()).ok());
  }
  Engine second(db);
  const ordered_json procedure = second.Procedure("1.003677");
  const std::string name = old["procedure"]["name"];
  CHECK(procedure.at("name") == name);
  CHECK(json(procedure.at("names")) == json{{"vi", name}, {"en", name}});
  CHECK(procedure.at("states")[0].at("names").at("vi") ==
        old["states"][0]["name"].get<std::string>());
  CHECK(procedure.at("actions")[0].at("names").at("en") ==
        old["actions"][0]["title"].get<std::string>());
  CHECK(procedure.at("documents")[0].at("names").at("vi") ==
        old["procedure"]["documents"][0]["name"].get<std::string>());
  // And today's lint refuses that format for a new version.
  CHECK_FALSE(second.catalog->Publish(Actor{"test", {kSystemRole}, ""}, old).ok());
}

}  // namespace
}  // namespace motcua
