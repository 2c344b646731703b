#include "api/web_routes.h"

#include <doctest/doctest.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "api/web_assets.h"
#include "engine/crypto/sha256.h"

namespace motcua {
namespace {

constexpr std::string_view kIndexDigest =
    "1111111111111111111111111111111111111111111111111111111111111111";

const std::array<WebAsset, 3> kTestAssets = {{
    {"app.css", "body{}", "2222222222222222222222222222222222222222222222222222222222222222"},
    {"index.html", "<!doctype html><title>t</title>", kIndexDigest},
    {"vendor/lib.mjs", "export const x=1;",
     "3333333333333333333333333333333333333333333333333333333333333333"},
}};

Router TestRouter(std::span<const WebAsset> assets = kTestAssets) {
  Router router;
  REQUIRE(AddWebRoutes(router, assets).ok());
  return router;
}

HttpResponse Get(const Router& router, const std::string& target,
                 std::vector<HttpHeader> headers = {}) {
  HttpRequest request = MakeHttpRequest("GET", target);
  request.headers = std::move(headers);
  return router.Handle(request);
}

void CheckSecurityHeaders(const HttpResponse& response) {
  CHECK(response.Header("Content-Security-Policy") == kWebContentSecurityPolicy);
  CHECK(response.Header("X-Content-Type-Options") == "nosniff");
  CHECK(response.Header("Referrer-Policy") == "no-referrer");
  CHECK(response.Header("X-Frame-Options") == "DENY");
}

TEST_CASE("the front page is index.html with the security and revalidation headers") {
  HttpResponse response = Get(TestRouter(), "/");
  CHECK(response.status == 200);
  CHECK(response.body == "<!doctype html><title>t</title>");
  CHECK(response.content_type == "text/html; charset=utf-8");
  CHECK(response.Header("Cache-Control") == "no-cache");
  CHECK(response.Header("ETag") == "\"" + std::string(kIndexDigest) + "\"");
  CheckSecurityHeaders(response);
}

TEST_CASE("the content security policy allows nothing inline and no framing") {
  const std::string_view policy = kWebContentSecurityPolicy;
  CHECK(policy.find("default-src 'self'") != std::string_view::npos);
  CHECK(policy.find("frame-ancestors 'none'") != std::string_view::npos);
  CHECK(policy.find("object-src 'none'") != std::string_view::npos);
  CHECK(policy.find("unsafe-inline") == std::string_view::npos);
  CHECK(policy.find("unsafe-eval") == std::string_view::npos);
}

TEST_CASE("assets are served by name, one folder deep, with their media types") {
  Router router = TestRouter();
  HttpResponse css = Get(router, "/web/app.css");
  CHECK(css.status == 200);
  CHECK(css.content_type == "text/css; charset=utf-8");
  CheckSecurityHeaders(css);
  HttpResponse module = Get(router, "/web/vendor/lib.mjs");
  CHECK(module.status == 200);
  CHECK(module.body == "export const x=1;");
  CHECK(module.content_type == "text/javascript; charset=utf-8");
  HttpRequest head = MakeHttpRequest("HEAD", "/web/app.css");
  CHECK(router.Handle(head).status == 200);
}

TEST_CASE("a matching If-None-Match is 304 without a body, another tag gets the full answer") {
  Router router = TestRouter();
  const std::string etag = "\"" + std::string(kIndexDigest) + "\"";
  struct Case {
    std::string if_none_match;
    int status;
  };
  for (const Case& c : {Case{etag, 304}, Case{"W/" + etag, 304}, Case{"\"x\", " + etag, 304},
                        Case{"*", 304}, Case{"\"x\"", 200}, Case{"\"" + etag, 200},
                        Case{std::string(kIndexDigest), 200}, Case{"", 200}}) {
    CAPTURE(c.if_none_match);
    HttpResponse response = Get(router, "/", {{"If-None-Match", c.if_none_match}});
    CHECK(response.status == c.status);
    CHECK(response.Header("ETag") == etag);
    if (c.status == 304) {
      CHECK(response.body.empty());
      CHECK(response.content_type.empty());
    } else {
      CHECK(response.body.size() > 0);
    }
  }
}

TEST_CASE("unknown assets are 404 problems and paths cannot leave the asset table") {
  Router router = TestRouter();
  for (const char* target :
       {"/web/missing.js", "/web/vendor/missing.mjs", "/web/index.html.bak", "/web/vendor",
        "/web/Index.html", "/web/a/b/c.js", "/index.html", "/web/", "/favicon.ico"}) {
    CAPTURE(target);
    HttpResponse response = Get(router, target);
    CHECK(response.status == 404);
    CHECK(response.content_type == "application/problem+json");
  }
  // The router refuses dot segments and encoded separators before any lookup.
  for (const char* target :
       {"/web/../index.html", "/web/vendor/../../etc/passwd", "/web/%2e%2e/index.html",
        "/web/vendor%2Flib.mjs", "/web/..%2F..%2Fetc%2Fpasswd", "/web/%2E%2E", "/web/.",
        "/web/vendor%5Clib.mjs", "/web/app.css%00", "/web/%c0%ae%c0%ae/x"}) {
    CAPTURE(target);
    HttpResponse response = Get(router, target);
    CHECK(response.status == 400);
    CHECK(response.body.find("export const") == std::string::npos);
  }
  CHECK(Get(router, "/web/vendor/lib.mjs?v=1").status == 200);
}

TEST_CASE("the front-end routes need index.html and are GET only") {
  Router without_index;
  const std::array<WebAsset, 1> no_index = {{{"app.css", "", ""}}};
  CHECK(AddWebRoutes(without_index, no_index).error().code() == ErrorCode::kInvalidArgument);
  Router router = TestRouter();
  CHECK(router.Handle(MakeHttpRequest("POST", "/web/app.css", "x")).status == 405);
  CHECK(router.Handle(MakeHttpRequest("DELETE", "/")).status == 405);
}

TEST_CASE("media types follow the extension") {
  CHECK(WebContentType("a.js") == "text/javascript; charset=utf-8");
  CHECK(WebContentType("x/y.svg") == "image/svg+xml");
  CHECK(WebContentType("vendor/preact.LICENSE.txt") == "text/plain; charset=utf-8");
  CHECK(WebContentType(".js") == "application/octet-stream");
  CHECK(WebContentType("archive.js.gz") == "application/octet-stream");
  CHECK(WebContentType("noextension") == "application/octet-stream");
}

TEST_CASE("the embedded assets are exactly api/web/, byte for byte, with their SHA-256") {
  const std::filesystem::path root = std::filesystem::path(MOTCUA_SOURCE_DIR) / "api" / "web";
  std::set<std::string> on_disk;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) {
      on_disk.insert(entry.path().lexically_relative(root).generic_string());
    }
  }
  std::set<std::string> embedded;
  for (const WebAsset& asset : EmbeddedWebAssets()) {
    CAPTURE(asset.path);
    embedded.insert(std::string(asset.path));
    std::ifstream file(root / std::string(asset.path), std::ios::binary);
    REQUIRE(file.good());
    const std::string bytes((std::istreambuf_iterator<char>(file)), {});
    CHECK(asset.bytes == bytes);
    CHECK(asset.sha256_hex == Sha256Hex(bytes));
  }
  CHECK(embedded == on_disk);
  CHECK(embedded.count("index.html") == 1);
  Router router;
  REQUIRE(AddWebRoutes(router, EmbeddedWebAssets()).ok());
  CHECK(Get(router, "/web/vendor/preact.mjs").status == 200);
}

TEST_CASE("index.html loads no inline script or style, which the policy would block") {
  for (const WebAsset& asset : EmbeddedWebAssets()) {
    if (!asset.path.ends_with(".html")) continue;
    CAPTURE(asset.path);
    const std::string_view html = asset.bytes;
    std::size_t at = 0;
    while ((at = html.find("<script", at)) != std::string_view::npos) {
      const std::size_t end = html.find('>', at);
      REQUIRE(end != std::string_view::npos);
      CHECK(html.substr(at, end - at).find("src=") != std::string_view::npos);
      at = end;
    }
    CHECK(html.find("<style") == std::string_view::npos);
    CHECK(html.find(" style=") == std::string_view::npos);
    CHECK(html.find(" onclick=") == std::string_view::npos);
  }
}

}  // namespace
}  // namespace motcua
