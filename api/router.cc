#include "api/router.h"

#include <algorithm>
#include <cstddef>
#include <set>
#include <tuple>
#include <utility>

#include "api/problem.h"

namespace motcua {
namespace {

bool IsUpperToken(std::string_view method) {
  if (method.empty()) return false;
  return std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// Characters allowed unescaped in a pattern's literal segment (RFC 3986
// unreserved plus a few sub-delims that need no encoding in a path).
bool IsPlainPatternChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~' || c == ':' || c == '@';
}

bool IsParamName(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string_view PathOfTarget(std::string_view target) {
  return target.substr(0, target.find('?'));
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned int code_point = 0;
    if ((byte & 0xE0) == 0xC0) {
      length = 2;
      code_point = byte & 0x1Fu;
    } else if ((byte & 0xF0) == 0xE0) {
      length = 3;
      code_point = byte & 0x0Fu;
    } else if ((byte & 0xF8) == 0xF0) {
      length = 4;
      code_point = byte & 0x07u;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      auto continuation = static_cast<unsigned char>(text[i + k]);
      if ((continuation & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (continuation & 0x3Fu);
    }
    static constexpr unsigned int kMinimumForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kMinimumForLength[length]) return false;        // overlong
    if (code_point >= 0xD800 && code_point <= 0xDFFF) return false;  // surrogate
    if (code_point > 0x10FFFF) return false;
    i += length;
  }
  return true;
}

Result<std::vector<std::string>> DecodePathSegments(std::string_view target) {
  std::string_view path = PathOfTarget(target);
  if (path.empty() || path.front() != '/') {
    return Error(ErrorCode::kInvalidArgument, "The request target must be a path starting with /.");
  }
  std::vector<std::string> segments;
  if (path == "/") return segments;
  std::string_view rest = path.substr(1);
  while (true) {
    std::size_t slash = rest.find('/');
    std::string_view raw = rest.substr(0, slash);
    std::optional<std::string> decoded = PercentDecode(raw, /*plus_as_space=*/false);
    if (!decoded) {
      return Error(ErrorCode::kInvalidArgument, "The path has a malformed percent escape.");
    }
    if (*decoded == "." || *decoded == "..") {
      return Error(ErrorCode::kInvalidArgument, "The path must not contain . or .. segments.");
    }
    for (char c : *decoded) {
      auto byte = static_cast<unsigned char>(c);
      if (c == '/' || c == '\\') {
        return Error(ErrorCode::kInvalidArgument,
                     "A path segment must not contain an encoded / or \\.");
      }
      if (byte < 0x20 || byte == 0x7F) {
        return Error(ErrorCode::kInvalidArgument,
                     "The path must not contain NUL or other control characters.");
      }
    }
    if (!IsValidUtf8(*decoded)) {
      return Error(ErrorCode::kInvalidArgument, "The path is not valid UTF-8.");
    }
    segments.push_back(std::move(*decoded));
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  return segments;
}

struct Router::Dispatch {
  std::optional<Error> bad_path;  // set: answer 400
  const Route* route = nullptr;   // set: run this handler
  PathParams params;
  std::vector<std::string> allowed;  // no route, non-empty: 405; empty: 404
};

Status Router::Add(std::string_view method, std::string_view pattern, RouteHandler handler,
                   RouteAccess access, RouteExecution execution) {
  if (execution == RouteExecution::kInline &&
      (method != "GET" || pattern.find('{') != std::string_view::npos)) {
    return Error(ErrorCode::kInvalidArgument,
                 "Only GET routes without parameters may run inline: " + std::string(method) + " " +
                     std::string(pattern));
  }
  if (!IsUpperToken(method)) {
    return Error(ErrorCode::kInvalidArgument,
                 "Route method must be an upper-case token: " + std::string(method));
  }
  if (pattern.empty() || pattern.front() != '/') {
    return Error(ErrorCode::kInvalidArgument,
                 "Route pattern must start with /: " + std::string(pattern));
  }
  Route route{std::string(method), std::string(pattern), access, execution, {}, std::move(handler)};
  std::set<std::string, std::less<>> param_names;
  if (pattern != "/") {
    std::string_view rest = pattern.substr(1);
    while (true) {
      std::size_t slash = rest.find('/');
      std::string_view text = rest.substr(0, slash);
      if (text.empty()) {
        return Error(ErrorCode::kInvalidArgument,
                     "Route pattern has an empty segment: " + std::string(pattern));
      }
      if (text.front() == '{') {
        std::string_view name = text.substr(1, text.size() - 1);
        if (text.back() != '}' || !IsParamName(name.substr(0, name.size() - 1))) {
          return Error(ErrorCode::kInvalidArgument,
                       "Route pattern has a malformed parameter: " + std::string(pattern));
        }
        name.remove_suffix(1);
        if (!param_names.emplace(name).second) {
          return Error(ErrorCode::kInvalidArgument,
                       "Route pattern repeats a parameter: " + std::string(pattern));
        }
        route.segments.push_back({true, std::string(name)});
      } else {
        if (!std::all_of(text.begin(), text.end(), IsPlainPatternChar) || text == "." ||
            text == "..") {
          return Error(ErrorCode::kInvalidArgument,
                       "Route pattern segment needs percent-encoding: " + std::string(pattern));
        }
        route.segments.push_back({false, std::string(text)});
      }
      if (slash == std::string_view::npos) break;
      rest = rest.substr(slash + 1);
    }
  }
  for (const Route& existing : routes_) {
    if (existing.method != route.method || existing.segments.size() != route.segments.size()) {
      continue;
    }
    bool same_shape = true;
    for (std::size_t i = 0; i < route.segments.size() && same_shape; ++i) {
      const Segment& a = existing.segments[i];
      const Segment& b = route.segments[i];
      same_shape = a.is_param == b.is_param && (a.is_param || a.text == b.text);
    }
    if (same_shape) {
      return Error(ErrorCode::kConflict,
                   "Route already registered: " + route.method + " " + std::string(pattern));
    }
  }
  routes_.push_back(std::move(route));
  if (execution == RouteExecution::kInline) inline_paths_.emplace(pattern);
  if (execution == RouteExecution::kStoreWaitsOnly) any_store_waits_only_ = true;
  return {};
}

bool Router::RunsInline(const HttpRequest& request) const {
  if (inline_paths_.empty() || (request.method != "GET" && request.method != "HEAD")) return false;
  return inline_paths_.find(PathOfTarget(request.target)) != inline_paths_.end();
}

bool Router::WaitsOnStoreOnly(const HttpRequest& request) const {
  if (!any_store_waits_only_) return false;
  const Dispatch dispatch = Resolve(request);
  return dispatch.route != nullptr && dispatch.route->execution == RouteExecution::kStoreWaitsOnly;
}

Router::Dispatch Router::Resolve(const HttpRequest& request) const {
  Dispatch dispatch;
  Result<std::vector<std::string>> segments = DecodePathSegments(request.target);
  if (!segments.ok()) {
    dispatch.bad_path = segments.error();
    return dispatch;
  }
  const std::vector<std::string>& path = *segments;
  std::string_view lookup_method = request.method;
  if (lookup_method == "HEAD") lookup_method = "GET";
  // A parameter matches any non-empty segment, a literal itself.
  auto matches = [&path](const Route& route) {
    if (route.segments.size() != path.size()) return false;
    for (std::size_t i = 0; i < path.size(); ++i) {
      const Segment& segment = route.segments[i];
      if (segment.is_param ? path[i].empty() : segment.text != path[i]) return false;
    }
    return true;
  };
  // Of two routes matching the same path, the more specific has a literal
  // where the other has a parameter, at the first segment where they differ.
  auto more_specific = [](const Route& a, const Route& b) {
    for (std::size_t i = 0; i < a.segments.size(); ++i) {
      if (a.segments[i].is_param != b.segments[i].is_param) return !a.segments[i].is_param;
    }
    return false;
  };
  for (const Route& route : routes_) {
    if (route.method != lookup_method || !matches(route)) continue;
    if (dispatch.route == nullptr || more_specific(route, *dispatch.route)) dispatch.route = &route;
  }
  if (dispatch.route != nullptr) {
    for (std::size_t i = 0; i < path.size(); ++i) {
      const Segment& segment = dispatch.route->segments[i];
      if (segment.is_param) dispatch.params.emplace(segment.text, path[i]);
    }
    return dispatch;
  }
  // No route of the method: the methods the path has, for a 405's Allow.
  std::set<std::string> allowed;
  for (const Route& route : routes_) {
    if (!matches(route)) continue;
    allowed.insert(route.method);
    if (route.method == "GET") allowed.insert("HEAD");
  }
  dispatch.allowed.assign(allowed.begin(), allowed.end());
  return dispatch;
}

HttpResponse Router::Handle(const HttpRequest& request, std::string* matched_pattern) const {
  std::string instance(PathOfTarget(request.target));
  Dispatch dispatch = Resolve(request);
  if (matched_pattern != nullptr) {
    *matched_pattern = dispatch.route != nullptr ? dispatch.route->pattern : std::string();
  }
  if (dispatch.bad_path) {
    return ProblemResponse(TransportProblem::kMalformedRequest, instance,
                           dispatch.bad_path->message());
  }
  if (dispatch.route == nullptr) {
    if (dispatch.allowed.empty())
      return ProblemResponse(TransportProblem::kRouteNotFound, instance);
    return MethodNotAllowedResponse(dispatch.allowed, instance);
  }
  if (request.facts != nullptr) request.facts->route = dispatch.route->pattern;
  return dispatch.route->handler(request, dispatch.params);
}

std::optional<std::string> Router::MatchedPattern(const HttpRequest& request) const {
  Dispatch dispatch = Resolve(request);
  if (dispatch.route == nullptr) return std::nullopt;
  return dispatch.route->pattern;
}

std::vector<RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> routes;
  routes.reserve(routes_.size());
  for (const Route& route : routes_) routes.push_back({route.method, route.pattern, route.access});
  std::sort(routes.begin(), routes.end(), [](const RouteInfo& a, const RouteInfo& b) {
    return std::tie(a.pattern, a.method) < std::tie(b.pattern, b.method);
  });
  return routes;
}

}  // namespace motcua
