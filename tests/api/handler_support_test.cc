#include "api/handler_support.h"

#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <string>

#include "tests/api/route_test_support.h"

namespace motcua {
namespace {

// Handlers that count how often they are reached and echo the caller.
struct CountingHandlers {
  mutable int reached = 0;

  HttpResponse Open(const HttpRequest&, const PathParams&) const {
    ++reached;
    return JsonResponse(200, {{"caller", nullptr}});
  }
  HttpResponse Private(const HttpRequest&, const PathParams&, const Actor& actor) const {
    ++reached;
    return JsonResponse(200, {{"caller", actor.user_id}});
  }
};

const std::map<std::string, Actor> kTokens = {
    {"clerk-token", Actor{"clerk-1", {"reception_clerk"}, "000.00.01.H26"}}};

TEST_CASE("handler support: an authenticated route without a valid token answers 401 unreached") {
  auto handlers = std::make_shared<const CountingHandlers>();
  const MemberRoute<CountingHandlers> routes[] = {
      {"GET", "/v1/open", RouteAccess::kPublic, &CountingHandlers::Open},
      {"GET", "/v1/private", RouteAccess::kAuthenticated, &CountingHandlers::Private},
  };
  Router router;
  REQUIRE(AddMemberRoutes(router, handlers, routes, TokenTable(kTokens)).ok());

  for (const char* token : {"", "wrong-token"}) {
    INFO("token: " << token);
    HttpResponse refused = CallRoute(router, "GET", "/v1/private", token);
    CHECK(refused.status == 401);
    CHECK(handlers->reached == 0);
  }
  HttpResponse missing = CallRoute(router, "GET", "/v1/private", "");
  CHECK(missing.body.find("missing_token") != std::string::npos);

  HttpResponse served = CallRoute(router, "GET", "/v1/private", "clerk-token");
  CHECK(served.status == 200);
  CHECK(nlohmann::json::parse(served.body)["caller"] == "clerk-1");
  CHECK(handlers->reached == 1);

  CHECK(CallRoute(router, "GET", "/v1/open", "").status == 200);
  CHECK(handlers->reached == 2);

  const std::vector<RouteInfo> expected = {
      {"GET", "/v1/open", RouteAccess::kPublic},
      {"GET", "/v1/private", RouteAccess::kAuthenticated},
  };
  CHECK(router.Routes() == expected);
}

TEST_CASE("handler support: a route's declared access must fit its handler") {
  auto handlers = std::make_shared<const CountingHandlers>();
  const MemberRoute<CountingHandlers> undeclared[] = {
      {"GET", "/v1/a", RouteAccess::kUndeclared, &CountingHandlers::Open}};
  const MemberRoute<CountingHandlers> public_with_actor[] = {
      {"GET", "/v1/b", RouteAccess::kPublic, &CountingHandlers::Private}};
  const MemberRoute<CountingHandlers> authenticated_without_actor[] = {
      {"GET", "/v1/c", RouteAccess::kAuthenticated, &CountingHandlers::Open}};
  Router router;
  CHECK(AddMemberRoutes(router, handlers, undeclared, TokenTable(kTokens)).error().code() ==
        ErrorCode::kInvalidArgument);
  CHECK(AddMemberRoutes(router, handlers, public_with_actor, TokenTable(kTokens)).error().code() ==
        ErrorCode::kInvalidArgument);
  CHECK(AddMemberRoutes(router, handlers, authenticated_without_actor, TokenTable(kTokens))
            .error()
            .code() == ErrorCode::kInvalidArgument);
  CHECK(router.Routes().empty());
}

}  // namespace
}  // namespace motcua
