// One page-limit rule (engine/domain/page_limit.h) on every list route: the
// same bad `limit` gets the same answer on each (status, problem type,
// field), whatever the listing's ceiling.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "api/dossier_routes.h"
#include "api/feed_routes.h"
#include "engine/service/feed_service.h"
#include "tests/api/route_test_support.h"
#include "tests/service_fixture.h"

namespace motcua {
namespace {

using nlohmann::json;

struct ListRoutes : PermanentResidenceService {
  FeedService feed{store, &store};
  DossierApi dossier_api{*service, *catalog, TokenTable(Tokens()), *calendar};
  FeedApi feed_api{feed, TokenTable(Tokens())};
  Router router;

  ListRoutes() {
    REQUIRE(AddDossierRoutes(router, dossier_api).ok());
    REQUIRE(AddFeedRoutes(router, feed_api).ok());
  }
};

TEST_CASE("page limits: the same bad limit gets the same answer on every list route") {
  ListRoutes f;
  struct ListRoute {
    const char* target;  // ends where "limit=" may follow
    const char* token;
  };
  const ListRoute routes[] = {
      {"/v1/dossiers?", "t-owner"},
      {"/v1/dossiers?", "t-clerk"},
      {"/v1/queue?role=reception_clerk&", "t-clerk"},
      {"/v1/feed?", "t-sync"},
      {"/v1/feed/dead-letters?", "t-admin"},
  };
  for (const ListRoute& route : routes) {
    CAPTURE(route.target);
    CHECK(CallRoute(f.router, "GET", std::string(route.target) + "limit=1", route.token).status ==
          200);
  }
  for (const char* bad :
       {"0", "-1", "", "abc", "1.5", "+5", "1e3", "100000", "99999999999999999999"}) {
    CAPTURE(bad);
    for (const ListRoute& route : routes) {
      CAPTURE(route.target);
      HttpResponse response =
          CallRoute(f.router, "GET", std::string(route.target) + "limit=" + bad, route.token);
      CHECK(response.status == 422);
      CHECK(response.content_type == "application/problem+json");
      const json problem = json::parse(response.body);
      CHECK(problem["type"].get<std::string>().ends_with("validation"));
      REQUIRE(problem["errors"].size() == 1);
      CHECK(problem["errors"][0]["pointer"] == "/limit");
      CHECK(problem["errors"][0]["message"].get<std::string>().starts_with(
          "must be a whole number from 1 to "));
    }
  }
}

}  // namespace
}  // namespace motcua
