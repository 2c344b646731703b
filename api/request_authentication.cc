#include "api/request_authentication.h"

#include <string>

#include "api/session_cookie.h"
#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

Error NoSession(const std::string& why) {
  return Error(ErrorCode::kUnauthenticated, why, ErrorReason::kSessionInvalid);
}

bool IsSafeMethod(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

}  // namespace

bool OriginIsOwn(const HttpRequest& request, bool tls) {
  std::optional<std::string_view> origin = request.Header("Origin");
  if (!origin) return true;
  std::optional<std::string_view> host = request.Header("Host");
  if (!host || host->empty()) return false;
  const std::string own = std::string(tls ? "https://" : "http://") + std::string(*host);
  return EqualsIgnoreCase(*origin, own);
}

RequestAuthenticator BearerOnly(BearerAuthenticator bearer) {
  return RequestAuthenticator(std::move(bearer), nullptr, /*tls=*/false);
}

Result<Actor> RequestAuthenticator::operator()(const HttpRequest& request) const {
  if (request.facts != nullptr && request.facts->caller) return *request.facts->caller;
  VerifiedIdentity verified;
  Result<Actor> caller = Authenticate(request, verified);
  if (request.facts != nullptr) {
    if (caller.ok()) {
      request.facts->user_id = caller->user_id;
      request.facts->auth_method = std::string(AuthMethodName(caller->authenticated_by));
      request.facts->verified_identity = std::move(verified);
    }
    request.facts->caller = caller;
  }
  return caller;
}

Result<Actor> RequestAuthenticator::Authenticate(const HttpRequest& request,
                                                 VerifiedIdentity& verified) const {
  std::optional<std::string_view> authorization = request.Header("Authorization");
  std::optional<std::string> secret;
  if (!authorization && sessions_ != nullptr) secret = SessionSecretFrom(request, tls_);
  if (!secret) {
    constexpr std::string_view kScheme = "Bearer ";
    if (!authorization || authorization->size() <= kScheme.size() ||
        !EqualsIgnoreCase(authorization->substr(0, kScheme.size()), kScheme)) {
      return Error(ErrorCode::kUnauthenticated, "a bearer token is required",
                   ErrorReason::kMissingToken);
    }
    return bearer_(authorization->substr(kScheme.size()));
  }

  ASSIGN_OR_RETURN(AuthenticatedSession session, sessions_->Authenticate(*secret));
  verified = session.verified_identity;
  if (IsSafeMethod(request.method)) return session.actor;
  if (!OriginIsOwn(request, tls_)) {
    return Error(ErrorCode::kPermissionDenied,
                 "a request authenticated by the session cookie must come from this site",
                 ErrorReason::kOriginRefused);
  }
  std::optional<std::string_view> csrf = request.Header("X-CSRF-Token");
  if (!csrf || !sessions_->CsrfTokenMatches(*secret, *csrf)) {
    return Error(ErrorCode::kPermissionDenied,
                 "a request authenticated by the session cookie needs the session's token in "
                 "X-CSRF-Token (GET /v1/session)",
                 ErrorReason::kCsrfTokenInvalid);
  }
  return session.actor;
}

Result<AuthenticatedSession> RequestAuthenticator::Session(const HttpRequest& request) const {
  if (request.Header("Authorization")) {
    return NoSession("a bearer token is not a browser session");
  }
  std::optional<std::string> secret;
  if (sessions_ != nullptr) secret = SessionSecretFrom(request, tls_);
  if (!secret) return NoSession("no browser session: sign in");
  return sessions_->Authenticate(*secret);
}

}  // namespace motcua
