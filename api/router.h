// router.h: maps "METHOD /path/{param}" patterns to handlers.
//
// Patterns are literal segments and "{name}" parameters, e.g.
// "/v1/dossiers/{code}/actions/{action}". Matching works segment by segment on
// the raw request target (no regular expressions); each segment is
// percent-decoded after splitting, so "%2F" can never forge a "/".
//
// Handle() answers, in this order:
//   400 problem  the target is not origin-form ("/..."), has a bad percent
//                escape, or a decoded segment is "." or "..", contains "/",
//                "\", NUL or another control character, or is not UTF-8;
//   404 problem  no pattern matches the path;
//   405 problem  some pattern matches but none for this method; "Allow" lists
//                every method of the matching patterns, sorted, with HEAD
//                wherever GET is;
//   otherwise    the handler of the most specific matching pattern (a literal
//                segment beats a parameter, left to right). HEAD runs the GET
//                handler; the server sends its headers without the body.
//
// Thread safety: Add() must finish before Handle() is called; Handle() and
// Routes() may then be called concurrently.
//
// Example:
//   Router router;
//   router.Add("POST", "/v1/dossiers/{code}/actions/{action}", RunAction);
//   HttpResponse response = router.Handle(request);
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_message.h"
#include "engine/domain/status.h"

namespace motcua {

// Decoded path parameters by name, e.g. {"code": "H26-260105-0001"}.
using PathParams = std::map<std::string, std::string, std::less<>>;

using RouteHandler = std::function<HttpResponse(const HttpRequest&, const PathParams&)>;

// Who a route answers, as declared where it is registered: anyone, or only a
// caller with a valid bearer token (the check is AddMemberRoutes', in
// handler_support.h). The router only keeps the declaration, for Routes().
enum class RouteAccess { kUndeclared, kPublic, kAuthenticated };

// Whether a route's handler may wait, and on what. kInline declares a
// handler that never waits: no store, no network, no lock held for long (GET
// /healthz). The server may then run it on the I/O thread that read the
// request, sparing two thread hand-offs. kStoreWaitsOnly declares one whose
// only waits are the stores' (dossiers, identities, idempotency keys): no
// outbound network call, no lock held across a store call. When the stores'
// waits park fibers (fiber_parking.h: SQLite's group commit), the server may
// run it on a fiber (fiber_pool.h). Every other handler runs on the handler
// pool.
enum class RouteExecution { kMayWait, kInline, kStoreWaitsOnly };

// One registered route, as listed by Router::Routes().
struct RouteInfo {
  std::string method;
  std::string pattern;
  RouteAccess access = RouteAccess::kUndeclared;

  friend bool operator==(const RouteInfo&, const RouteInfo&) = default;
};

class Router {
 public:
  // Registers `handler` for `method` on `pattern`. Fails with
  // kInvalidArgument when the method is empty or not an upper-case token,
  // the pattern does not start with "/", has an empty segment, a malformed or
  // repeated "{param}", or a segment needing percent-encoding; fails with
  // kConflict when the same method and pattern (parameter names aside) is
  // already registered. HEAD need not be registered: GET implies it.
  // `access` is recorded, not enforced (see RouteAccess). `execution`
  // kInline is accepted only for GET on a pattern without parameters.
  Status Add(std::string_view method, std::string_view pattern, RouteHandler handler,
             RouteAccess access = RouteAccess::kUndeclared,
             RouteExecution execution = RouteExecution::kMayWait);

  // Routes `request` (see the file comment). Never throws if handlers don't.
  // `matched_pattern`, when given, receives the pattern dispatched to, or ""
  // when the answer is the router's own 400, 404 or 405.
  HttpResponse Handle(const HttpRequest& request, std::string* matched_pattern = nullptr) const;

  // The pattern `request` would be dispatched to (for metrics labels), or
  // nullopt when Handle() would answer 400, 404 or 405.
  std::optional<std::string> MatchedPattern(const HttpRequest& request) const;

  // True when `request` goes to a route declared RouteExecution::kInline: a
  // GET or HEAD whose target (query aside) is that route's pattern exactly.
  // A lookup in a set built by Add(), cheap enough to ask for every request;
  // a target spelled another way (percent-escapes) answers false, which is
  // always safe.
  bool RunsInline(const HttpRequest& request) const;

  // True when `request` goes to a route declared RouteExecution::
  // kStoreWaitsOnly (matched as Handle() would, parameters included).
  bool WaitsOnStoreOnly(const HttpRequest& request) const;

  // Every registered route, sorted by pattern then method.
  std::vector<RouteInfo> Routes() const;

 private:
  struct Segment {
    bool is_param = false;
    std::string text;  // the literal, or the parameter name
  };
  struct Route {
    std::string method;
    std::string pattern;
    RouteAccess access;
    RouteExecution execution;
    std::vector<Segment> segments;
    RouteHandler handler;
  };
  struct Dispatch;

  Dispatch Resolve(const HttpRequest& request) const;

  std::vector<Route> routes_;
  std::set<std::string, std::less<>> inline_paths_;  // patterns of kInline GET routes
  bool any_store_waits_only_ = false;
};

// Splits the path of a raw target into percent-decoded segments, rejecting
// the path tricks listed in the file comment with kInvalidArgument. "/" gives
// no segments; "/a/" gives {"a", ""}.
Result<std::vector<std::string>> DecodePathSegments(std::string_view target);

// True when `text` is well-formed UTF-8 (no overlongs, surrogates, or code
// points above U+10FFFF).
bool IsValidUtf8(std::string_view text);

}  // namespace motcua
