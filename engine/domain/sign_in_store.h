// sign_in_store.h: what OpenID Connect sign-in keeps (the storage port of
// engine/service/login_service.h): pending login attempts, and which motcua
// user a provider's (issuer, subject) is.
//
// A login attempt is written when a browser is sent to a provider and used
// once when the provider sends it back. It is found by the SHA-256 of its
// `state`, and it holds the SHA-256 of the login-cookie value that binds it
// to that browser: the store never sees the state or the cookie themselves,
// so a copy of the database completes nobody's sign-in. Using an attempt is
// one conditional update (used_at is set only if it was empty), so of two
// callbacks racing with the same state exactly one wins.
//
// An external identity links (issuer, subject) to one user; a user has at
// most one identity per provider, and an (issuer, subject) belongs to at most
// one user.
//
// The public methods are a non-virtual front: each checks its arguments (the
// rules below, one place for every adapter) and only then calls the adapter's
// private Do... method, which may rely on them. Argument errors are
// kInvalidArgument with a JSON pointer naming the member.
//
// Thread safety: adapters are thread-safe.
//
// Example:
//   RETURN_IF_ERROR(store.CreateLoginAttempt(attempt));
//   ...
//   Result<LoginAttempt> attempt = store.GetLoginAttempt(Sha256Hex(state));
//   RETURN_IF_ERROR(store.MarkLoginAttemptUsed(attempt->state_hash, now));
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "engine/domain/clock.h"
#include "engine/domain/status.h"

namespace motcua {

inline constexpr std::size_t kMaxReturnToBytes = 2048;
inline constexpr std::size_t kMaxLoginSecretBytes = 128;   // nonce, PKCE verifier
inline constexpr std::size_t kMaxIdentityPartBytes = 255;  // issuer, subject

struct LoginAttempt {
  std::string state_hash;  // SHA-256 hex of `state`: the key
  std::string provider;    // the configured provider id
  std::string nonce;
  std::string code_verifier;  // PKCE
  std::string binding_hash;   // SHA-256 hex of the login cookie's value
  std::string return_to;      // a path on this server
  Instant created_at{};
  std::optional<Instant> used_at;

  friend bool operator==(const LoginAttempt&, const LoginAttempt&) = default;
};

struct ExternalIdentity {
  std::string issuer;
  std::string subject;
  std::string user_id;
  std::string provider;  // the configured provider id it was linked for
  Instant created_at{};

  friend bool operator==(const ExternalIdentity&, const ExternalIdentity&) = default;
};

class SignInStore {
 public:
  virtual ~SignInStore() = default;

  // Stores a new, unused attempt. Arguments: state_hash and binding_hash
  // 64 lower-case hex digits; provider, nonce and code_verifier non-empty,
  // at most kMaxLoginSecretBytes; return_to starting with "/", at most
  // kMaxReturnToBytes; used_at empty. kConflict if the state_hash exists.
  Status CreateLoginAttempt(const LoginAttempt& attempt);
  // The attempt, used or not. kNotFound (reason "login_attempt_invalid").
  Result<LoginAttempt> GetLoginAttempt(const std::string& state_hash);
  // Sets used_at to `at` if it is empty. kNotFound when there is no such
  // attempt; kConflict (reason "login_attempt_invalid") when it was used
  // already, by this caller or a racing one.
  Status MarkLoginAttemptUsed(const std::string& state_hash, Instant at);
  // Deletes the attempts created before `created_before`, used or not.
  Status PruneLoginAttempts(Instant created_before);

  // Links identity.(issuer, subject) to identity.user_id, replacing that
  // user's previous identity at identity.provider (relinking the same pair
  // to the same user keeps its created_at). Arguments: issuer and subject
  // 1 to kMaxIdentityPartBytes bytes; user_id and provider non-empty.
  // kConflict (reason "identity_already_linked") when the pair belongs to
  // another user.
  Status LinkIdentity(const ExternalIdentity& identity);
  // The link of (issuer, subject). kNotFound (reason "identity_not_linked").
  Result<ExternalIdentity> FindIdentity(const std::string& issuer, const std::string& subject);
  // The user's identity at `provider`. kNotFound (reason "identity_not_linked").
  Result<ExternalIdentity> FindUserIdentity(const std::string& user_id,
                                            const std::string& provider);
  // Removes the user's identity at `provider`. kNotFound (reason
  // "identity_not_linked") when there is none.
  Status UnlinkIdentity(const std::string& user_id, const std::string& provider);

 private:
  virtual Status DoCreateLoginAttempt(const LoginAttempt& attempt) = 0;
  virtual Result<LoginAttempt> DoGetLoginAttempt(const std::string& state_hash) = 0;
  virtual Status DoMarkLoginAttemptUsed(const std::string& state_hash, Instant at) = 0;
  virtual Status DoPruneLoginAttempts(Instant created_before) = 0;
  virtual Status DoLinkIdentity(const ExternalIdentity& identity) = 0;
  virtual Result<ExternalIdentity> DoFindIdentity(const std::string& issuer,
                                                  const std::string& subject) = 0;
  virtual Result<ExternalIdentity> DoFindUserIdentity(const std::string& user_id,
                                                      const std::string& provider) = 0;
  virtual Status DoUnlinkIdentity(const std::string& user_id, const std::string& provider) = 0;
};

// The errors every adapter returns for the same cases, so callers can rely
// on code and reason whatever the adapter.
Error LoginAttemptNotFound();
Error LoginAttemptAlreadyUsed();
Error IdentityNotLinked(const std::string& message);
Error IdentityAlreadyLinked(const std::string& issuer, const std::string& subject);

}  // namespace motcua
