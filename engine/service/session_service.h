// session_service.h: starting, checking and ending browser sessions
// (engine/domain/session.h).
//
// Start makes a 256-bit secret (TokenCrypto::NewSecret) and stores only its
// Hash. The session's CSRF token is not stored: it is Derive(secret,
// kCsrfLabel), HMAC-SHA256 keyed with the secret, so only the holder of the
// cookie can compute it, and knowing it (the page can read it) reveals
// neither the secret nor the stored hash. CsrfTokenMatches compares in
// constant time.
//
// Authenticate refuses, all alike (kUnauthenticated, reason
// "session_invalid", without saying which): a secret of absurd size, an
// unknown or ended session, one unused for idle_timeout (the idle end is
// last use + idle_timeout, exclusive), one past its absolute end (created +
// lifetime, exclusive), a disabled or deleted user. Every call reads the
// session and the user, so a change to the user (roles, agency, disabled)
// applies to their very next request; there is no cache to go stale. A use
// is written at most once per SessionStore::kLastSeenResolution per session,
// so the idle end can come up to that much earlier than the last request +
// idle_timeout.
//
// Thread-safe (state lives in the stores).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "engine/domain/clock.h"
#include "engine/domain/identity.h"
#include "engine/domain/session.h"
#include "engine/domain/session_store.h"
#include "engine/domain/token_crypto.h"

namespace motcua {

struct SessionTimeouts {
  std::chrono::seconds idle{1800};       // serve --session-idle-timeout
  std::chrono::seconds lifetime{43200};  // serve --session-lifetime
};

// A session that Authenticate accepted: its user as an Actor
// (authenticated_by and identity_provider from the session), its CSRF token
// and absolute end.
struct AuthenticatedSession {
  Actor actor;
  std::string user_name;  // User::name, for the page to greet
  std::string csrf_token;
  Instant expires_at;
  // What the provider verified about the citizen at sign-in; empty for staff
  // and the demo sign-in.
  VerifiedIdentity verified_identity;
};

class SessionService {
 public:
  // The label of the CSRF derivation; changing it changes every token.
  static constexpr std::string_view kCsrfLabel = "motcua csrf token v1";
  // Secrets longer than this are refused before hashing (ours are 43 chars).
  static constexpr std::size_t kMaxSecretSize = 256;

  // `timeouts` must be positive (the command line checks its flags).
  SessionService(IdentityStore& users, SessionStore& sessions, const TokenCrypto& crypto,
                 const Clock& clock, SessionTimeouts timeouts = {})
      : users_(users), sessions_(sessions), crypto_(crypto), clock_(clock), timeouts_(timeouts) {}

  // The StartSession contract (session.h): kFailedPrecondition
  // ("user_disabled") for a disabled user, kInvalidArgument for a method
  // other than kOidcSession/kDemoSession or a provider that does not fit it.
  Result<StartedSession> Start(const User& user, AuthMethod method,
                               const std::string& identity_provider,
                               const VerifiedIdentity& verified_identity = {});
  // Start, as the function sign-in code receives; valid while this lives.
  StartSession StartFunction();

  Result<AuthenticatedSession> Authenticate(std::string_view secret);

  // Whether `presented` is the CSRF token of the session of `secret`.
  bool CsrfTokenMatches(std::string_view secret, std::string_view presented) const;

  // Ends the session of `secret` (logout). Unknown or ended: nothing to do.
  Status End(std::string_view secret);
  // Ends every open session of the user (their account was disabled).
  Status EndUserSessions(const std::string& user_id);

  const SessionTimeouts& timeouts() const { return timeouts_; }

 private:
  IdentityStore& users_;
  SessionStore& sessions_;
  const TokenCrypto& crypto_;
  const Clock& clock_;
  const SessionTimeouts timeouts_;
};

}  // namespace motcua
