#include "api/web_routes.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "api/problem.h"
#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

// If-None-Match uses the weak comparison (RFC 9110, 13.1.2): "W/" is ignored.
bool IfNoneMatchNames(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    std::size_t comma = header.find(',');
    std::string_view candidate = TrimOptionalWhitespace(header.substr(0, comma));
    if (candidate.rfind("W/", 0) == 0) candidate.remove_prefix(2);
    if (candidate == "*" || candidate == etag) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

void AddSecurityHeaders(HttpResponse& response) {
  response.headers.push_back({"Content-Security-Policy", std::string(kWebContentSecurityPolicy)});
  response.headers.push_back({"X-Content-Type-Options", "nosniff"});
  response.headers.push_back({"Referrer-Policy", "no-referrer"});
  response.headers.push_back({"X-Frame-Options", "DENY"});
}

HttpResponse ServeAsset(const HttpRequest& request, const WebAsset& asset) {
  HttpResponse response;
  AddSecurityHeaders(response);
  const std::string etag = "\"" + std::string(asset.sha256_hex) + "\"";
  response.headers.push_back({"ETag", etag});
  response.headers.push_back({"Cache-Control", "no-cache"});
  if (std::optional<std::string_view> match = request.Header("If-None-Match");
      match && IfNoneMatchNames(*match, etag)) {
    response.status = 304;
    return response;
  }
  response.content_type = std::string(WebContentType(asset.path));
  response.body = std::string(asset.bytes);
  return response;
}

const WebAsset* FindAsset(std::span<const WebAsset> assets, std::string_view path) {
  auto found = std::find_if(assets.begin(), assets.end(),
                            [path](const WebAsset& asset) { return asset.path == path; });
  return found == assets.end() ? nullptr : &*found;
}

RouteHandler AssetHandler(std::span<const WebAsset> assets) {
  return [assets](const HttpRequest& request, const PathParams& params) {
    std::string path;
    if (auto dir = params.find("dir"); dir != params.end()) path = dir->second + "/";
    path += params.at("file");
    const WebAsset* asset = FindAsset(assets, path);
    if (asset == nullptr) {
      HttpResponse missing = ProblemResponse(TransportProblem::kRouteNotFound, request.path);
      AddSecurityHeaders(missing);
      return missing;
    }
    return ServeAsset(request, *asset);
  };
}

}  // namespace

std::string_view WebContentType(std::string_view path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kTypes = {{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".txt", "text/plain; charset=utf-8"},
      {".md", "text/plain; charset=utf-8"},
  }};
  for (const auto& [extension, type] : kTypes) {
    if (path.size() > extension.size() && path.ends_with(extension)) return type;
  }
  if (path.ends_with("LICENSE") || path.ends_with("LICENCE")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

Status AddWebRoutes(Router& router, std::span<const WebAsset> assets) {
  const WebAsset* index = FindAsset(assets, "index.html");
  if (index == nullptr) {
    return Error(ErrorCode::kInvalidArgument, "the web assets have no index.html");
  }
  Status added = router.Add(
      "GET", "/",
      [index](const HttpRequest& request, const PathParams&) {
        return ServeAsset(request, *index);
      },
      RouteAccess::kPublic);
  RETURN_IF_ERROR(added);
  added = router.Add("GET", "/web/{file}", AssetHandler(assets), RouteAccess::kPublic);
  RETURN_IF_ERROR(added);
  return router.Add("GET", "/web/{dir}/{file}", AssetHandler(assets), RouteAccess::kPublic);
}

}  // namespace motcua
