#include "engine/service/session_service.h"

#include <algorithm>

#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

Error InvalidSession() {
  return Error(ErrorCode::kUnauthenticated, "the session is not valid; sign in again",
               ErrorReason::kSessionInvalid);
}

}  // namespace

Result<StartedSession> SessionService::Start(const User& user, AuthMethod method,
                                             const std::string& identity_provider,
                                             const VerifiedIdentity& verified_identity) {
  if (user.disabled) {
    return Error(ErrorCode::kFailedPrecondition, "user " + user.id + " is disabled",
                 ErrorReason::kUserDisabled);
  }
  const Instant now = clock_.Now();
  StartedSession started;
  started.secret = crypto_.NewSecret();
  started.csrf_token = crypto_.Derive(started.secret, kCsrfLabel);
  started.expires_at = now + timeouts_.lifetime;

  SessionRecord record;
  record.session_hash = crypto_.Hash(started.secret);
  record.user_id = user.id;
  record.method = method;
  record.identity_provider = identity_provider;
  record.verified_identity = verified_identity;
  record.created_at = now;
  record.last_seen_at = now;
  record.expires_at = started.expires_at;
  RETURN_IF_ERROR(sessions_.Create(record));
  return started;
}

StartSession SessionService::StartFunction() {
  return [this](const User& user, AuthMethod method, const std::string& identity_provider,
                const VerifiedIdentity& verified_identity) {
    return Start(user, method, identity_provider, verified_identity);
  };
}

Result<AuthenticatedSession> SessionService::Authenticate(std::string_view secret) {
  if (secret.empty() || secret.size() > kMaxSecretSize) return InvalidSession();
  const std::string hash = crypto_.Hash(secret);
  Result<SessionRecord> session = sessions_.Get(hash);
  if (!session.ok()) {
    return session.error().code() == ErrorCode::kNotFound ? InvalidSession() : session.error();
  }
  const Instant now = clock_.Now();
  const Instant absolute_end =
      std::min(session->expires_at, session->created_at + timeouts_.lifetime);
  if (session->ended_at || now >= absolute_end || now >= session->last_seen_at + timeouts_.idle) {
    return InvalidSession();
  }
  Result<User> user = users_.GetUser(session->user_id);
  if (!user.ok()) {
    return user.error().code() == ErrorCode::kNotFound ? InvalidSession() : user.error();
  }
  if (user->disabled) return InvalidSession();

  if (now - session->last_seen_at >= SessionStore::kLastSeenResolution) {
    RETURN_IF_ERROR(sessions_.Touch(hash, now));
  }
  AuthenticatedSession authenticated;
  authenticated.actor = user->AsActor();
  authenticated.actor.authenticated_by = session->method;
  authenticated.actor.identity_provider = session->identity_provider;
  authenticated.user_name = user->name;
  authenticated.csrf_token = crypto_.Derive(secret, kCsrfLabel);
  authenticated.expires_at = session->expires_at;
  authenticated.verified_identity = std::move(session->verified_identity);
  return authenticated;
}

bool SessionService::CsrfTokenMatches(std::string_view secret, std::string_view presented) const {
  if (secret.empty() || secret.size() > kMaxSecretSize || presented.empty()) return false;
  return crypto_.DerivedMatches(secret, kCsrfLabel, presented);
}

Status SessionService::End(std::string_view secret) {
  if (secret.empty() || secret.size() > kMaxSecretSize) return Status();
  const std::string hash = crypto_.Hash(secret);
  if (!IsSessionHash(hash)) return Status();
  return sessions_.End(hash, clock_.Now());
}

Status SessionService::EndUserSessions(const std::string& user_id) {
  RETURN_IF_ERROR(sessions_.EndUserSessions(user_id, clock_.Now()));
  return Status();
}

}  // namespace motcua
