#include "api/session_routes.h"

#include "api/handler_support.h"
#include "api/problem.h"
#include "api/session_cookie.h"
#include "engine/domain/rfc3339.h"

namespace motcua {
namespace {

using nlohmann::json;

// Responses about a session must not be kept by a shared cache.
HttpResponse Private(HttpResponse response) {
  response.headers.push_back({"Cache-Control", "no-store"});
  return response;
}

}  // namespace

HttpResponse SessionResponse(const AuthenticatedSession& session) {
  const Actor& actor = session.actor;
  return Private(
      JsonResponse(200, {{"user_id", actor.user_id},
                         {"name", session.user_name},
                         {"roles", actor.roles},
                         {"agency", actor.agency.empty() ? json() : json(actor.agency)},
                         {"authenticated_by", AuthMethodName(actor.authenticated_by)},
                         {"identity_provider",
                          actor.identity_provider.empty() ? json() : json(actor.identity_provider)},
                         {"verified_identity",
                          session.verified_identity.empty()
                              ? json()
                              : VerifiedIdentityToJson(session.verified_identity)},
                         {"csrf_token", session.csrf_token},
                         {"expires_at", FormatRfc3339DateTime(session.expires_at)}}));
}

Status AddSessionRoutes(Router& router, const SessionApi& api) {
  if (api.authenticate.sessions() == nullptr) {
    return Error(ErrorCode::kInvalidArgument, "session routes need a session service");
  }
  Status added = router.Add(
      "GET", "/v1/session",
      [api](const HttpRequest& request, const PathParams&) {
        Result<AuthenticatedSession> session = api.authenticate.Session(request);
        if (!session.ok()) return ProblemResponse(session.error(), request.path);
        return SessionResponse(*session);
      },
      RouteAccess::kAuthenticated);
  RETURN_IF_ERROR(added);
  return router.Add(
      "POST", "/v1/session/logout",
      [api](const HttpRequest& request, const PathParams&) {
        // A bearer caller has no session to end.
        Result<AuthenticatedSession> session = api.authenticate.Session(request);
        if (!session.ok()) return ProblemResponse(session.error(), request.path);
        Result<Actor> checked = api.authenticate(request);  // CSRF and Origin
        if (!checked.ok()) return ProblemResponse(checked.error(), request.path);
        const std::optional<std::string> secret =
            SessionSecretFrom(request, api.authenticate.tls());
        if (Status ended = api.authenticate.sessions()->End(secret.value_or("")); !ended.ok()) {
          return ProblemResponse(ended.error(), request.path);
        }
        std::optional<std::string> logout;
        if (api.logout_url && !checked->identity_provider.empty()) {
          logout = api.logout_url(checked->identity_provider);
        }
        HttpResponse response =
            Private(JsonResponse(200, {{"logout_url", logout ? json(*logout) : json()}}));
        response.headers.push_back({"Set-Cookie", ClearSessionSetCookie(api.authenticate.tls())});
        return response;
      },
      RouteAccess::kAuthenticated);
}

}  // namespace motcua
