// handler_support.h: what every /v1 handler does the same way.
//
// Route registration with its access declaration (the one place a caller is
// authenticated: authenticated handlers receive the Actor), JSON bodies
// with a closed set of fields, query parameters, pagination and rendering of
// instants. Errors come back as values; handlers turn them into responses
// with ProblemResponse (problem.h) and nothing else.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/http_message.h"
#include "api/router.h"
#include "engine/domain/clock.h"
#include "engine/domain/dossier.h"
#include "engine/domain/page_limit.h"
#include "engine/domain/status.h"
#include "engine/domain/status_macros.h"

namespace motcua {

// Who sent the request; kUnauthenticated when nobody. The server's is a
// RequestAuthenticator (request_authentication.h): bearer token or session
// cookie, with the cookie's CSRF and Origin rules.
using Authenticator = std::function<Result<Actor>(const HttpRequest& request)>;

// FormatRfc3339DateTime (engine/domain/rfc3339.h), e.g. "2026-03-02T01:00:00Z";
// null for an empty optional.
nlohmann::json OptionalInstant(const std::optional<Instant>& t);

HttpResponse JsonResponse(int status, const nlohmann::json& body);
// JsonResponse for a body whose object members keep their insertion order
// (a form's fields, form_order.h). A name of its own: a braced body would
// convert to either JSON type.
HttpResponse OrderedJsonResponse(int status, const nlohmann::ordered_json& body);
// JsonResponse for a body already written as JSON text (json_text.h).
HttpResponse JsonTextResponse(int status, std::string body);

// kInvalidArgument "unsupported_media_type" (415) unless the Content-Type is
// JSON (IsJsonMediaType).
Status CheckJsonMediaType(const HttpRequest& request);

// The body as one JSON value, parsed with ParseJson under kRequestJsonLimits
// (engine/domain/json_parse.h). Errors, all kInvalidArgument:
//   "unsupported_media_type"  Content-Type is not JSON (IsJsonMediaType) (415);
//   "malformed_json"          not UTF-8, or not JSON; the message and the
//                             field error at "" name the line and column;
//   "json_too_deep", "json_too_large"  over a limit; the message and the
//                             field error at "" name the limit.
Result<nlohmann::json> ParseJsonBody(const HttpRequest& request);

// ParseJsonBody for a workflow definition: parsed with ParseWorkflowText
// (engine/domain/form_order.h), which records the order of the form's fields.
Result<nlohmann::json> ParseWorkflowBody(const HttpRequest& request);

// ParseJsonBody, and the value must be an object whose members are all in
// `allowed`: else kInvalidArgument "validation" naming the members.
Result<nlohmann::json> ParseObjectBody(const HttpRequest& request,
                                       std::span<const std::string_view> allowed);
Result<nlohmann::json> ParseObjectBody(const HttpRequest& request,
                                       std::initializer_list<std::string_view> allowed);

std::optional<std::string> QueryValue(const HttpRequest& request, const std::string& name);

// Query parameter `name` as an instant: an RFC 3339 date-time with an offset,
// or a date meaning its midnight at `offset_of_dates` east of UTC
// (ParseRfc3339DateOrDateTime, engine/domain/rfc3339.h). Empty when absent.
// Anything else is empty too, and adds a field error at "/name" to `invalid`,
// which the handler reports as kInvalidArgument "validation" (422) with its
// other parameters' errors.
std::optional<Instant> InstantQuery(const HttpRequest& request, const std::string& name,
                                    std::chrono::minutes offset_of_dates,
                                    std::vector<FieldError>& invalid);

// `limit` from the query under `rule` (engine/domain/page_limit.h).
Result<int> PageLimit(const HttpRequest& request, PageLimitRule rule = kDossierPageRule);

// The version in If-Match ("3" or "\"3\""); empty when the header is absent.
Result<std::optional<std::int64_t>> IfMatchVersion(const HttpRequest& request);

// Whether the request's Prefer headers (RFC 7240) hold "return=minimal": the
// client wants a write acknowledged with the least representation. Names
// and values compare without case; the value may be quoted; parameters
// after ';' and unknown preferences are ignored.
bool PrefersMinimalReturn(const HttpRequest& request);

// The header a response that honoured PrefersMinimalReturn carries.
inline constexpr std::string_view kMinimalReturnApplied = "return=minimal";

// A handler of an authenticated route: called only with the caller.
using ActorRouteHandler =
    std::function<HttpResponse(const HttpRequest&, const PathParams&, const Actor&)>;

// `handler` behind `authenticate`: a request it refuses gets its problem
// (401, or 403 for a cookie request without its CSRF token) and never
// reaches `handler`.
RouteHandler RequireActor(Authenticator authenticate, ActorRouteHandler handler);

// A route served by a member function of a handler object, declared public
// (the handler takes the request) or authenticated (it also takes the Actor).
template <typename Handlers>
struct MemberRoute {
  using PublicHandle = HttpResponse (Handlers::*)(const HttpRequest&, const PathParams&) const;
  using ActorHandle = HttpResponse (Handlers::*)(const HttpRequest&, const PathParams&,
                                                 const Actor&) const;
  const char* method;
  const char* pattern;
  RouteAccess access;
  std::variant<PublicHandle, ActorHandle> handle;
};

// Registers every route of `routes` on `handlers`, which the router keeps
// alive; authenticated ones behind RequireActor(authenticate). kInvalidArgument
// when a route's access is undeclared or does not fit its handler's form.
// Every route is declared `execution` (see RouteExecution).
template <typename Handlers, std::size_t N>
Status AddMemberRoutes(Router& router, std::shared_ptr<const Handlers> handlers,
                       const MemberRoute<Handlers> (&routes)[N], const Authenticator& authenticate,
                       RouteExecution execution = RouteExecution::kMayWait) {
  using Route = MemberRoute<Handlers>;
  for (const Route& route : routes) {
    RouteHandler handler;
    if (const auto* handle = std::get_if<typename Route::ActorHandle>(&route.handle);
        handle != nullptr && route.access == RouteAccess::kAuthenticated) {
      handler = RequireActor(
          authenticate, [handlers, handle = *handle](const HttpRequest& request,
                                                     const PathParams& params, const Actor& actor) {
            return ((*handlers).*handle)(request, params, actor);
          });
    } else if (const auto* open = std::get_if<typename Route::PublicHandle>(&route.handle);
               open != nullptr && route.access == RouteAccess::kPublic) {
      handler = [handlers, handle = *open](const HttpRequest& request, const PathParams& params) {
        return ((*handlers).*handle)(request, params);
      };
    } else {
      return Error(ErrorCode::kInvalidArgument,
                   std::string("route ") + route.method + " " + route.pattern +
                       " must be declared public (handler without Actor) or authenticated "
                       "(handler with Actor)");
    }
    RETURN_IF_ERROR(
        router.Add(route.method, route.pattern, std::move(handler), route.access, execution));
  }
  return Status();
}

}  // namespace motcua
