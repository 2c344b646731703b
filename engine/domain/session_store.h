// session_store.h: the storage port of browser sessions (session.h).
//
// A stored session is known only by the SHA-256 (64 lowercase hex digits) of
// its secret. It records who signed in and how, when, when it was last used,
// its absolute end, and when it was ended (logout, or its user disabled).
// Deciding whether a session is still valid (idle and absolute timeouts) is
// the session service's job; the store only keeps the facts.
//
// Last use is not written on every request: SessionStore::Touch moves
// last_seen_at only forward, and the session service calls it at most once
// per kLastSeenResolution per session, so the idle timeout is measured
// against a last use that may be up to that much old.
//
// The public methods are a non-virtual front: each checks its arguments once,
// for every adapter (kInvalidArgument with a field pointer), then calls the
// adapter's `Do...` method, which may rely on them. Adapters: the SQLite
// identity store (engine/sqlite/session_tables.h) and the in-memory fake.
// Thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/dossier.h"
#include "engine/domain/identity_claims.h"
#include "engine/domain/status.h"

namespace motcua {

struct SessionRecord {
  std::string session_hash;  // SHA-256 hex of the secret
  std::string user_id;
  AuthMethod method = AuthMethod::kDemoSession;  // kOidcSession or kDemoSession
  std::string identity_provider;                 // empty for the demo sign-in
  Instant created_at;
  Instant last_seen_at;
  Instant expires_at;  // the absolute end
  std::optional<Instant> ended_at;
  // What the provider verified about the citizen (identity_claims.h); empty
  // for staff and the demo sign-in.
  VerifiedIdentity verified_identity;
};

class SessionStore {
 public:
  virtual ~SessionStore() = default;

  // How stale a recorded last use may be: the session service writes one at
  // most this often per session.
  static constexpr std::chrono::seconds kLastSeenResolution{60};

  // Stores a new, open session. kInvalidArgument: "/session_hash" not 64
  // lowercase hex digits, "/user_id" empty, "/method" not a session method,
  // "/identity_provider" set for the demo or empty for OIDC,
  // "/verified_identity" set for the demo, "/expires_at"
  // not after created_at, "/last_seen_at" not created_at, "/ended_at" set.
  // kConflict when the hash is already stored, and in SQLite (whose users
  // table the session references) when the user does not exist.
  Status Create(const SessionRecord& session);
  // kNotFound (reason kSessionInvalid) for an unknown hash, including one that
  // is not a well-formed hash (no lookup is made).
  Result<SessionRecord> Get(const std::string& session_hash);
  // Records a use at `at`: last_seen_at becomes `at` if that is later and the
  // session is open; otherwise nothing changes. Not an error for an unknown
  // or ended session.
  Status Touch(const std::string& session_hash, Instant at);
  // Ends the session at `at` (kept: the first end wins). Not an error for an
  // unknown or already ended session.
  Status End(const std::string& session_hash, Instant at);
  // Ends every open session of the user at `at`; returns how many.
  // kInvalidArgument ("/user_id") for an empty user id.
  Result<std::int64_t> EndUserSessions(const std::string& user_id, Instant at);

 private:
  virtual Status DoCreate(const SessionRecord& session) = 0;
  virtual Result<SessionRecord> DoGet(const std::string& session_hash) = 0;
  virtual Status DoTouch(const std::string& session_hash, Instant at) = 0;
  virtual Status DoEnd(const std::string& session_hash, Instant at) = 0;
  virtual Result<std::int64_t> DoEndUserSessions(const std::string& user_id, Instant at) = 0;
};

// True for 64 lowercase hex digits, the form of a stored session hash.
bool IsSessionHash(std::string_view text);

// kNotFound, reason kSessionInvalid: what every adapter answers for a hash it
// does not hold.
Error UnknownSession();

}  // namespace motcua
