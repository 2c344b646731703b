#include "api/router.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace motcua {
namespace {

// A handler that echoes which route ran and with which parameters, as
// "<name> key=value key=value".
RouteHandler Echo(std::string name) {
  return [name](const HttpRequest&, const PathParams& params) {
    HttpResponse response;
    response.content_type = "text/plain";
    response.body = name;
    for (const auto& [key, value] : params) response.body += " " + key + "=" + value;
    return response;
  };
}

Router MakeRouter() {
  Router router;
  REQUIRE(router.Add("GET", "/v1/dossiers", Echo("list")).ok());
  REQUIRE(router.Add("POST", "/v1/dossiers", Echo("create")).ok());
  REQUIRE(router.Add("GET", "/v1/dossiers/{code}", Echo("get")).ok());
  REQUIRE(router.Add("GET", "/v1/dossiers/search", Echo("search")).ok());
  REQUIRE(router.Add("POST", "/v1/dossiers/{code}/actions/{action}", Echo("act")).ok());
  REQUIRE(router.Add("DELETE", "/v1/dossiers/{code}/actions/{action}", Echo("undo")).ok());
  REQUIRE(router.Add("GET", "/", Echo("root")).ok());
  return router;
}

TEST_CASE("router: dispatches to the matching route with decoded parameters") {
  Router router = MakeRouter();
  struct Case {
    const char* method;
    const char* target;
    const char* body;
  };
  const Case cases[] = {
      {"GET", "/", "root"},
      {"GET", "/v1/dossiers", "list"},
      {"GET", "/v1/dossiers?status=4&x", "list"},
      {"POST", "/v1/dossiers", "create"},
      {"GET", "/v1/dossiers/H26-260105-0001", "get code=H26-260105-0001"},
      {"GET", "/v1/dossiers/search", "search"},  // the literal beats {code}
      {"POST", "/v1/dossiers/H26-1/actions/receive", "act action=receive code=H26-1"},
      {"DELETE", "/v1/dossiers/H26-1/actions/receive", "undo action=receive code=H26-1"},
      {"GET", "/v1/dossiers/A%20B%2Dc", "get code=A B-c"},
      {"GET", "/v1/dossiers/a+b", "get code=a+b"},  // "+" is literal in a path
      {"GET", "/v1/dossiers/H%E1%BB%93", "get code=H\xE1\xBB\x93"},
      {"HEAD", "/v1/dossiers/X", "get code=X"},
  };
  for (const Case& c : cases) {
    INFO(std::string(c.method));
    INFO(std::string(c.target));
    HttpResponse response = router.Handle(MakeHttpRequest(c.method, c.target));
    CHECK(response.status == 200);
    CHECK(response.body == c.body);
  }
}

TEST_CASE("router: of two matching routes the literal at the first difference wins") {
  // Both patterns of a prefix match /<prefix>/y/x; the order they were
  // added in does not matter.
  Router router;
  REQUIRE(router.Add("GET", "/v1/{a}/x", Echo("param-first")).ok());
  REQUIRE(router.Add("GET", "/v1/y/{b}", Echo("literal-first")).ok());
  REQUIRE(router.Add("GET", "/v2/y/{b}", Echo("literal-first")).ok());
  REQUIRE(router.Add("GET", "/v2/{a}/x", Echo("param-first")).ok());
  CHECK(router.Handle(MakeHttpRequest("GET", "/v1/y/x")).body == "literal-first b=x");
  CHECK(router.Handle(MakeHttpRequest("GET", "/v2/y/x")).body == "literal-first b=x");
  CHECK(router.Handle(MakeHttpRequest("GET", "/v1/z/x")).body == "param-first a=z");
  CHECK(router.Handle(MakeHttpRequest("HEAD", "/v2/z/x")).body == "param-first a=z");
  // Another method on a matching path: 405, naming the path's methods.
  HttpResponse other = router.Handle(MakeHttpRequest("PUT", "/v1/y/x"));
  CHECK(other.status == 405);
  CHECK(other.Header("Allow") == "GET, HEAD");
}

TEST_CASE("router: unknown paths are 404 problems") {
  Router router = MakeRouter();
  const char* targets[] = {"/v2/dossiers",     "/v1/dossiers/",          "/v1//dossiers",
                           "/v1/dossiers/a/b", "/v1/dossiers/x/actions", "/V1/dossiers"};
  for (const char* target : targets) {
    INFO(std::string(target));
    HttpResponse response = router.Handle(MakeHttpRequest("GET", target));
    CHECK(response.status == 404);
    CHECK(response.content_type == "application/problem+json");
    CHECK(nlohmann::json::parse(response.body)["type"] ==
          "https://motcua.example/problems/route_not_found");
  }
}

TEST_CASE("router: known path with another method is 405 with the exact Allow") {
  Router router = MakeRouter();
  struct Case {
    const char* method;
    const char* target;
    const char* allow;
  };
  const Case cases[] = {
      {"DELETE", "/v1/dossiers", "GET, HEAD, POST"},
      {"PUT", "/v1/dossiers/X", "GET, HEAD"},
      {"GET", "/v1/dossiers/X/actions/receive", "DELETE, POST"},
      {"HEAD", "/v1/dossiers/X/actions/receive", "DELETE, POST"},
      {"get", "/v1/dossiers", "GET, HEAD, POST"},  // methods are case-sensitive
  };
  for (const Case& c : cases) {
    INFO(std::string(c.method));
    INFO(std::string(c.target));
    HttpResponse response = router.Handle(MakeHttpRequest(c.method, c.target));
    CHECK(response.status == 405);
    CHECK(response.Header("Allow") == c.allow);
  }
}

TEST_CASE("router: path tricks are 400 problems") {
  Router router = MakeRouter();
  const char* targets[] = {
      "/v1/dossiers/..",
      "/v1/dossiers/%2e%2E",
      "/v1/dossiers/.",
      "/v1/dossiers/a%2Fb",
      "/v1/dossiers/a%2fb",
      "/v1/dossiers/a%5Cb",
      "/v1/dossiers/a%00",
      "/v1/dossiers/%0A",
      "/v1/dossiers/%ff",
      "/v1/dossiers/%C0%AF",
      "/v1/dossiers/%ED%A0%80",
      "/v1/dossiers/%zz",
      "/v1/dossiers/%4",
      "v1/dossiers",
      "*",
      "http://h/v1/dossiers",
      "/v1/../v1/dossiers",
      "",
  };
  for (const char* target : targets) {
    INFO(std::string(target));
    HttpResponse response = router.Handle(MakeHttpRequest("GET", target));
    CHECK(response.status == 400);
    CHECK(nlohmann::json::parse(response.body)["type"] ==
          "https://motcua.example/problems/malformed_request");
  }
}

TEST_CASE("router: Add validates patterns and rejects duplicates") {
  Router router;
  CHECK(router.Add("GET", "/a/{id}", Echo("a")).ok());
  CHECK(router.Add("GET", "/a/{other}", Echo("b")).error().code() == ErrorCode::kConflict);
  CHECK(router.Add("POST", "/a/{other}", Echo("c")).ok());
  const char* bad_patterns[] = {"",         "a",    "/a//b",  "/a/", "/{",    "/{}",
                                "/{a}/{a}", "/a b", "/a%2Fb", "/..", "/{a-b}"};
  for (const char* pattern : bad_patterns) {
    INFO(std::string(pattern));
    CHECK(router.Add("GET", pattern, Echo("x")).error().code() == ErrorCode::kInvalidArgument);
  }
  CHECK(router.Add("get", "/b", Echo("x")).error().code() == ErrorCode::kInvalidArgument);
  CHECK(router.Add("", "/b", Echo("x")).error().code() == ErrorCode::kInvalidArgument);
}

TEST_CASE("router: Routes lists every route sorted by pattern then method") {
  Router router = MakeRouter();
  std::vector<RouteInfo> expected = {
      {"GET", "/"},
      {"GET", "/v1/dossiers"},
      {"POST", "/v1/dossiers"},
      {"GET", "/v1/dossiers/search"},
      {"GET", "/v1/dossiers/{code}"},
      {"DELETE", "/v1/dossiers/{code}/actions/{action}"},
      {"POST", "/v1/dossiers/{code}/actions/{action}"},
  };
  CHECK(router.Routes() == expected);
}

TEST_CASE("router: MatchedPattern names the pattern, never the raw path") {
  Router router = MakeRouter();
  CHECK(router.MatchedPattern(MakeHttpRequest("POST", "/v1/dossiers/H26-9/actions/x")) ==
        "/v1/dossiers/{code}/actions/{action}");
  CHECK_FALSE(router.MatchedPattern(MakeHttpRequest("GET", "/nope")).has_value());
  CHECK_FALSE(router.MatchedPattern(MakeHttpRequest("PUT", "/v1/dossiers")).has_value());
}

TEST_CASE("router: Handle tells the pattern it dispatched to, empty for its own problems") {
  Router router = MakeRouter();
  std::string pattern = "stale";
  router.Handle(MakeHttpRequest("POST", "/v1/dossiers/H26-9/actions/x"), &pattern);
  CHECK(pattern == "/v1/dossiers/{code}/actions/{action}");
  CHECK(router.Handle(MakeHttpRequest("GET", "/nope"), &pattern).status == 404);
  CHECK(pattern.empty());
  pattern = "stale";
  CHECK(router.Handle(MakeHttpRequest("PUT", "/v1/dossiers"), &pattern).status == 405);
  CHECK(pattern.empty());
}

TEST_CASE("router: MakeHttpRequest decodes path and query") {
  HttpRequest request = MakeHttpRequest("GET", "/a%20b/c?x=1&y=a+b%26c&x=2&flag");
  CHECK(request.path == "/a b/c");
  std::multimap<std::string, std::string> expected = {
      {"x", "1"}, {"y", "a b&c"}, {"x", "2"}, {"flag", ""}};
  CHECK(request.query == expected);
  CHECK(MakeHttpRequest("GET", "/a%zz").path.empty());
}

TEST_CASE("router: IsValidUtf8") {
  CHECK(IsValidUtf8(""));
  CHECK(IsValidUtf8("abc"));
  CHECK(IsValidUtf8("H\xE1\xBB\x93 s\xC6\xA1"));  // "Hồ sơ"
  CHECK(IsValidUtf8("\xF0\x9F\x98\x80"));         // U+1F600
  CHECK_FALSE(IsValidUtf8("\x80"));
  CHECK_FALSE(IsValidUtf8("\xC3"));
  CHECK_FALSE(IsValidUtf8("\xC0\x80"));          // overlong NUL
  CHECK_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  CHECK_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
}

}  // namespace
}  // namespace motcua

namespace motcua {
namespace {

HttpRequest Get(const std::string& method, const std::string& target) {
  HttpRequest request;
  request.method = method;
  request.target = target;
  return request;
}

TEST_CASE("router: only GET routes without parameters may be declared inline") {
  Router router;
  const RouteHandler ok = [](const HttpRequest&, const PathParams&) { return HttpResponse{}; };
  CHECK(router.Add("GET", "/healthz", ok, RouteAccess::kPublic, RouteExecution::kInline).ok());
  Status post = router.Add("POST", "/ping", ok, RouteAccess::kPublic, RouteExecution::kInline);
  REQUIRE_FALSE(post.ok());
  CHECK(post.error().code() == ErrorCode::kInvalidArgument);
  Status with_param =
      router.Add("GET", "/v1/things/{id}", ok, RouteAccess::kPublic, RouteExecution::kInline);
  REQUIRE_FALSE(with_param.ok());
  CHECK(with_param.error().code() == ErrorCode::kInvalidArgument);
  CHECK(router.Add("GET", "/v1/things/{id}", ok, RouteAccess::kPublic).ok());
}

TEST_CASE("router: RunsInline answers true only for the exact path of an inline route") {
  Router router;
  const RouteHandler ok = [](const HttpRequest&, const PathParams&) { return HttpResponse{}; };
  REQUIRE(router.Add("GET", "/healthz", ok, RouteAccess::kPublic, RouteExecution::kInline).ok());
  REQUIRE(router.Add("GET", "/metrics", ok, RouteAccess::kPublic).ok());
  REQUIRE(router.Add("POST", "/healthz", ok, RouteAccess::kPublic).ok());
  CHECK(router.RunsInline(Get("GET", "/healthz")));
  CHECK(router.RunsInline(Get("HEAD", "/healthz")));
  CHECK(router.RunsInline(Get("GET", "/healthz?probe=1")));
  CHECK_FALSE(router.RunsInline(Get("POST", "/healthz")));
  CHECK_FALSE(router.RunsInline(Get("GET", "/metrics")));
  CHECK_FALSE(router.RunsInline(Get("GET", "/healthz/")));
  CHECK_FALSE(router.RunsInline(Get("GET", "/%68ealthz")));  // safe: the pool serves it
  CHECK_FALSE(router.RunsInline(Get("GET", "/HEALTHZ")));
}

TEST_CASE("router: WaitsOnStoreOnly answers true for requests that go to a store-bound route") {
  Router router;
  const RouteHandler ok = [](const HttpRequest&, const PathParams&) { return HttpResponse{}; };
  CHECK_FALSE(router.WaitsOnStoreOnly(Get("GET", "/v1/things/7")));  // no such routes at all
  REQUIRE(router
              .Add("POST", "/v1/things/{id}/actions/{action}", ok, RouteAccess::kAuthenticated,
                   RouteExecution::kStoreWaitsOnly)
              .ok());
  REQUIRE(router.Add("GET", "/v1/things/{id}", ok, RouteAccess::kAuthenticated).ok());
  REQUIRE(router.Add("GET", "/healthz", ok, RouteAccess::kPublic, RouteExecution::kInline).ok());
  CHECK(router.WaitsOnStoreOnly(Get("POST", "/v1/things/7/actions/receive")));
  CHECK(router.WaitsOnStoreOnly(Get("POST", "/v1/things/%41b/actions/receive?x=1")));
  CHECK_FALSE(router.WaitsOnStoreOnly(Get("GET", "/v1/things/7/actions/receive")));  // 405
  CHECK_FALSE(router.WaitsOnStoreOnly(Get("GET", "/v1/things/7")));
  CHECK_FALSE(router.WaitsOnStoreOnly(Get("GET", "/healthz")));
  CHECK_FALSE(router.WaitsOnStoreOnly(Get("POST", "/v1/things/7/actions")));           // 404
  CHECK_FALSE(router.WaitsOnStoreOnly(Get("POST", "/v1/things/../actions/receive")));  // 400
}

}  // namespace
}  // namespace motcua
