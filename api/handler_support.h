// handler_support.h: what every /v1 handler does the same way.
//
// Authentication from the Authorization header, JSON bodies with a closed set
// of fields, query parameters, pagination and rendering of instants. Errors
// come back as values; handlers turn them into responses with
// ProblemResponse (problem.h) and nothing else.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/http_message.h"
#include "api/router.h"
#include "engine/domain/clock.h"
#include "engine/domain/dossier.h"
#include "engine/domain/status.h"

namespace motcua {

// Who the bearer secret belongs to; kUnauthenticated when nobody.
using Authenticator = std::function<Result<Actor>(std::string_view bearer_secret)>;

// The caller named by "Authorization: Bearer SECRET"; kUnauthenticated
// ("missing_token") without one.
Result<Actor> AuthenticateRequest(const Authenticator& authenticate, const HttpRequest& request);

// Whether `authorization`, the value of an Authorization header, names a
// caller that `authenticate` accepts (for HttpServerOptions::authenticate_body).
bool AuthorizationAuthenticates(const Authenticator& authenticate, std::string_view authorization);

// RFC 3339 in UTC, e.g. "2026-03-02T01:00:00Z"; null for an empty optional.
std::string FormatInstant(Instant t);
nlohmann::json OptionalInstant(const std::optional<Instant>& t);
// Parses FormatInstant's form, or a date "2026-03-02" (midnight UTC).
std::optional<Instant> ParseInstant(std::string_view text);

HttpResponse JsonResponse(int status, const nlohmann::json& body);

// The body as one JSON value, parsed with ParseJson under kRequestJsonLimits
// (engine/domain/json_parse.h). Errors, all kInvalidArgument:
//   "unsupported_media_type"  Content-Type is not JSON (IsJsonMediaType) (415);
//   "malformed_json"          not UTF-8, or not JSON; the message and the
//                             field error at "" name the line and column;
//   "json_too_deep", "json_too_large"  over a limit; the message and the
//                             field error at "" name the limit.
Result<nlohmann::json> ParseJsonBody(const HttpRequest& request);

// ParseJsonBody, and the value must be an object whose members are all in
// `allowed`: else kInvalidArgument "validation" naming the members.
Result<nlohmann::json> ParseObjectBody(const HttpRequest& request,
                                       std::initializer_list<std::string_view> allowed);

std::optional<std::string> QueryValue(const HttpRequest& request, const std::string& name);

// `limit` from the query: 1 to 200, default 50.
Result<int> PageLimit(const HttpRequest& request);

// The version in If-Match ("3" or "\"3\""); empty when the header is absent.
Result<std::optional<std::int64_t>> IfMatchVersion(const HttpRequest& request);

bool HasAnyRole(const Actor& actor, std::initializer_list<const char*> roles);

// kPermissionDenied, reason "role_not_allowed".
Error Forbidden(const std::string& what);

// A route served by a member function of a handler object.
template <typename Handlers>
struct MemberRoute {
  const char* method;
  const char* pattern;
  HttpResponse (Handlers::*handle)(const HttpRequest&, const PathParams&) const;
};

// Registers every route of `routes` on `handlers`, which the router keeps alive.
template <typename Handlers, std::size_t N>
Status AddMemberRoutes(Router& router, std::shared_ptr<const Handlers> handlers,
                       const MemberRoute<Handlers> (&routes)[N]) {
  for (const MemberRoute<Handlers>& route : routes) {
    auto handle = route.handle;
    Status added =
        router.Add(route.method, route.pattern,
                   [handlers, handle](const HttpRequest& request, const PathParams& params) {
                     return ((*handlers).*handle)(request, params);
                   });
    if (!added.ok()) return added;
  }
  return Status();
}

}  // namespace motcua
