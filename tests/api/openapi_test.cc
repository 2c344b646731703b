// api/openapi.yaml documents exactly the routes the server registers, and
// each route is declared public or authenticated as the document says.
#include <doctest/doctest.h>

#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include "api/demo_routes.h"
#include "api/document_routes.h"
#include "api/dossier_routes.h"
#include "api/feed_routes.h"
#include "api/health.h"
#include "api/metrics.h"
#include "api/migration_routes.h"
#include "api/payment_routes.h"
#include "api/report_routes.h"
#include "api/router.h"
#include "api/session_routes.h"
#include "api/sign_in_routes.h"
#include "api/user_routes.h"
#include "api/web_assets.h"
#include "api/web_routes.h"
#include "tests/fakes/memory_identity_store.h"
#include "tests/fakes/memory_session_store.h"
#include "tests/fakes/memory_sign_in_store.h"
#include "tests/fakes/memory_store.h"

namespace motcua {
namespace {

using Route = std::pair<std::string, std::string>;  // method, path pattern

// (method, path) pairs under `paths:`: paths are 2-space-indented keys
// starting with "/", methods 4-space-indented HTTP method keys below them.
// `open`, if given, receives those whose operation says `security: []`.
std::set<Route> DocumentedRoutes(const std::string& yaml, std::set<Route>* open = nullptr) {
  std::set<Route> routes;
  Route current;
  std::istringstream lines(yaml);
  bool in_paths = false;
  std::string path;
  for (std::string line; std::getline(lines, line);) {
    if (line == "paths:") {
      in_paths = true;
      continue;
    }
    if (!in_paths) continue;
    if (!line.empty() && line[0] != ' ') break;  // the next top-level key
    if (line.rfind("  /", 0) == 0 && line.back() == ':') {
      path = line.substr(2, line.size() - 3);
      continue;
    }
    if (line == "      security: []" && open != nullptr) open->insert(current);
    for (const char* method : {"get", "put", "post", "delete", "patch"}) {
      if (line == std::string("    ") + method + ":") {
        std::string upper = method;
        for (char& c : upper) c = static_cast<char>(c - 'a' + 'A');
        current = {upper, path};
        routes.insert(current);
      }
    }
  }
  return routes;
}

std::string OpenApiText() {
  std::ifstream file(std::string(MOTCUA_SOURCE_DIR) + "/api/openapi.yaml");
  REQUIRE(file.good());
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// Registers every route the server registers (as serve_command.cc does,
// with --demo) on one router and hands it to `use`.
void WithEveryRoute(const std::function<void(const Router&)>& use) {
  FakeClock clock(Instant{});
  MemoryStore store(&clock);
  Result<WorkingCalendar> calendar = WorkingCalendar::FromJson({nlohmann::json::parse(R"({
      "country": "VN", "year": 2026, "utc_offset": "+07:00", "weekend": ["saturday", "sunday"],
      "office_hours": [{"start": "07:30", "end": "17:00"}], "holidays": [], "working_days": []})")});
  REQUIRE(calendar.ok());
  Result<JsonSchema> schema = JsonSchema::Compile(nlohmann::json::object());
  REQUIRE(schema.ok());
  WorkflowCatalog catalog(store, *schema, *calendar, clock);
  DossierService service(store, catalog, *calendar, clock);
  DossierApi api{service, catalog,
                 [](const HttpRequest&) -> Result<Actor> {
                   return Error(ErrorCode::kUnauthenticated, "no tokens in this test");
                 },
                 *calendar};
  Router router;
  Metrics metrics;
  REQUIRE(AddOperationalRoutes(router, metrics).ok());
  REQUIRE(AddDossierRoutes(router, api).ok());
  DocumentService documents(
      store, catalog, [](std::string_view) { return std::string(); }, clock);
  DocumentApi document_api{documents, api.authenticate};
  REQUIRE(AddDocumentRoutes(router, document_api).ok());
  MemoryIdentityStore identities;
  struct NoCrypto final : TokenCrypto {
    std::string NewSecret() const override { return "secret"; }
    std::string Hash(std::string_view secret) const override { return std::string(secret); }
    std::string Derive(std::string_view secret, std::string_view) const override {
      return std::string(secret);
    }
    bool DerivedMatches(std::string_view, std::string_view, std::string_view) const override {
      return false;
    }
  } no_crypto;
  TokenService tokens(identities, no_crypto, clock);
  UserAdministration users(identities, tokens, clock);
  UserApi user_api{users, api.authenticate};
  REQUIRE(AddUserRoutes(router, user_api).ok());
  FeedService feed(store, &store);
  FeedApi feed_api{feed, api.authenticate};
  REQUIRE(AddFeedRoutes(router, feed_api).ok());
  PaymentService payments(service, store, CallbackVerifier());
  PaymentApi payment_api{payments, api.authenticate};
  REQUIRE(AddPaymentRoutes(router, payment_api).ok());
  ReportService reports(store, clock);
  ReportApi report_api{reports, api.authenticate, *calendar};
  REQUIRE(AddReportRoutes(router, report_api).ok());
  MigrationService migrations(store, catalog, *calendar, clock,
                              [](std::string_view) { return std::string(); });
  MigrationApi migration_api{migrations, api.authenticate};
  REQUIRE(AddMigrationRoutes(router, migration_api).ok());
  MemorySessionStore session_store;
  SessionService sessions(identities, session_store, no_crypto, clock);
  REQUIRE(AddSessionRoutes(router,
                           SessionApi{RequestAuthenticator(BearerAuthenticator(), &sessions, false),
                                      LogoutUrl()})
              .ok());
  DemoService demo(DemoServices{identities, sessions, service, payments, no_crypto, clock},
                   CallbackSigner(), "000.00.01.H26");
  REQUIRE(AddDemoRoutes(
              router,
              DemoApi{demo, RequestAuthenticator(BearerAuthenticator(), &sessions, false), clock})
              .ok());
  MemorySignInStore sign_in_store;
  IdTokenVerifier verifier(clock);
  LoginService login({}, {sign_in_store, identities, verifier, StartSession(), LoginSecretsSource(),
                          ContentHasher(), clock});
  IdentityLinks links({}, sign_in_store, users, clock);
  SignInApi sign_in_api{login, links, api.authenticate, clock, false, nullptr};
  REQUIRE(AddSignInRoutes(router, sign_in_api).ok());
  REQUIRE(AddWebRoutes(router, EmbeddedWebAssets()).ok());
  use(router);
}

TEST_CASE("openapi: every registered route is documented and nothing else") {
  std::set<Route> registered;
  WithEveryRoute([&](const Router& router) {
    for (const RouteInfo& route : router.Routes()) registered.insert({route.method, route.pattern});
  });
  const std::set<Route> documented = DocumentedRoutes(OpenApiText());
  REQUIRE(registered.size() >= 25);

  for (const Route& route : registered) {
    INFO("registered but not documented: " << route.first << " " << route.second);
    CHECK(documented.count(route) == 1);
  }
  for (const Route& route : documented) {
    INFO("documented but not registered: " << route.first << " " << route.second);
    CHECK(registered.count(route) == 1);
  }
}

TEST_CASE("openapi: every /v1 route is declared public or authenticated, as documented") {
  std::set<Route> open;
  DocumentedRoutes(OpenApiText(), &open);
  int declared = 0;
  WithEveryRoute([&](const Router& router) {
    for (const RouteInfo& route : router.Routes()) {
      if (route.pattern.rfind("/v1/", 0) != 0 && route.pattern != "/v1") continue;
      INFO(route.method << " " << route.pattern);
      CHECK(route.access != RouteAccess::kUndeclared);
      const bool documented_public = open.count({route.method, route.pattern}) == 1;
      CHECK((route.access == RouteAccess::kPublic) == documented_public);
      ++declared;
    }
  });
  CHECK(declared >= 25);
  CHECK(open.count({"POST", "/v1/verify"}) == 1);
}

}  // namespace
}  // namespace motcua
