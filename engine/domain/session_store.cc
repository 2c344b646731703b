#include "engine/domain/session_store.h"

#include <algorithm>

namespace motcua {
namespace {

Error InvalidSessionField(const std::string& pointer, const std::string& problem) {
  return Error(ErrorCode::kInvalidArgument, "session " + pointer.substr(1) + " " + problem,
               ErrorReason::kNone, {FieldError{pointer, problem}});
}

Status CheckSessionHash(const std::string& session_hash) {
  if (!IsSessionHash(session_hash)) {
    return InvalidSessionField("/session_hash", "must be 64 lowercase hex digits");
  }
  return Status();
}

Status CheckNewSession(const SessionRecord& session) {
  if (Status hash = CheckSessionHash(session.session_hash); !hash.ok()) return hash;
  if (session.user_id.empty()) return InvalidSessionField("/user_id", "must not be empty");
  switch (session.method) {
    case AuthMethod::kOidcSession:
      if (session.identity_provider.empty()) {
        return InvalidSessionField("/identity_provider", "must name the provider");
      }
      break;
    case AuthMethod::kDemoSession:
      if (!session.identity_provider.empty()) {
        return InvalidSessionField("/identity_provider", "must be empty for the demo sign-in");
      }
      if (!session.verified_identity.empty()) {
        return InvalidSessionField("/verified_identity",
                                   "must be empty: the demo sign-in verifies nobody");
      }
      break;
    default: return InvalidSessionField("/method", "must be oidc_session or demo_session");
  }
  if (session.expires_at <= session.created_at) {
    return InvalidSessionField("/expires_at", "must be after created_at");
  }
  if (session.last_seen_at != session.created_at) {
    return InvalidSessionField("/last_seen_at", "must be created_at");
  }
  if (session.ended_at) return InvalidSessionField("/ended_at", "must be empty");
  return Status();
}

}  // namespace

bool IsSessionHash(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Error UnknownSession() {
  return Error(ErrorCode::kNotFound, "no such session", ErrorReason::kSessionInvalid);
}

Status SessionStore::Create(const SessionRecord& session) {
  if (Status valid = CheckNewSession(session); !valid.ok()) return valid;
  return DoCreate(session);
}

Result<SessionRecord> SessionStore::Get(const std::string& session_hash) {
  if (!IsSessionHash(session_hash)) return UnknownSession();
  return DoGet(session_hash);
}

Status SessionStore::Touch(const std::string& session_hash, Instant at) {
  if (Status hash = CheckSessionHash(session_hash); !hash.ok()) return hash;
  return DoTouch(session_hash, at);
}

Status SessionStore::End(const std::string& session_hash, Instant at) {
  if (Status hash = CheckSessionHash(session_hash); !hash.ok()) return hash;
  return DoEnd(session_hash, at);
}

Result<std::int64_t> SessionStore::EndUserSessions(const std::string& user_id, Instant at) {
  if (user_id.empty()) return InvalidSessionField("/user_id", "must not be empty");
  return DoEndUserSessions(user_id, at);
}

}  // namespace motcua
