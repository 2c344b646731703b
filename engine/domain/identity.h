// identity.h: users, their roles and agency scope, and bearer tokens.
//
// Staff users have roles (reception_clerk, specialist, leader, admin,
// auditor, ...) and exactly one agency scope. Applicants are identified by
// their 12-digit citizen ID, which is their user id. Bearer tokens are random
// secrets handed out once; only their SHA-256 is ever stored, so a copy of the
// database does not let anyone log in. Tokens expire and can be revoked.
//
// The domain defines the model and the storage port; engine/sqlite stores it,
// engine/service issues and checks tokens (with randomness and hashing from
// engine/crypto).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/dossier.h"
#include "engine/domain/status.h"

namespace motcua {

// Roles the engine knows. Workflows may use other staff roles too.
// An admin manages the staff of their own agency and publishes that agency's
// own procedures (user_admin.h, workflow_catalog.h).
inline constexpr const char* kAdminRole = "admin";
// The national-level administrator: publishes national procedure definitions
// (which every agency runs) and manages every account, applicants included.
// Only a national admin (or the command line) grants this role.
inline constexpr const char* kNationalAdminRole = "national_admin";
inline constexpr const char* kAuditorRole = "auditor";
// A staff account of the national-portal synchronisation: reads its agency's
// sync feed (GET /v1/feed) and nothing else.
inline constexpr const char* kPortalSyncRole = "portal_sync";

// True for a 12-digit Vietnamese citizen ID (căn cước công dân): 12 ASCII
// digits, the first three a province code 001-096.
bool IsValidCitizenId(std::string_view id);

// True for an actor whose only role is auditor: they read, they change nothing.
bool IsAuditorOnly(const Actor& actor);

struct User {
  std::string id;  // citizen ID for applicants, a login name for staff
  std::string name;
  std::vector<std::string> roles;
  std::string agency;  // empty for applicants
  // SHA-256 (hex) of the DER certificate a leader signs with, if bound.
  std::optional<std::string> certificate_fingerprint;
  bool disabled = false;
  Instant created_at;

  Actor AsActor() const { return Actor{id, roles, agency}; }
  bool HasRole(std::string_view role) const;
};

// True when `admin` may manage `user` (read, change, disable, issue, list and
// revoke their tokens): a national admin manages every account; an agency
// admin manages the staff of their own agency, except national admins.
// Applicant accounts belong to no agency, so no agency admin manages them.
bool MayManageUser(const Actor& admin, const User& user);

// kInvalidArgument with pointers ("/id", "/roles/0", "/agency") naming what
// is wrong: applicants need a valid citizen ID and no agency; staff need an
// agency and no "applicant" role; "system" is never a user's role.
Status ValidateUser(const User& user);

struct TokenRecord {
  std::string token_hash;  // SHA-256 hex of the secret
  std::string user_id;
  std::string label;
  Instant created_at;
  Instant expires_at;
  std::optional<Instant> revoked_at;
};

class IdentityStore {
 public:
  virtual ~IdentityStore() = default;

  // kConflict if a user with the id exists.
  virtual Status CreateUser(const User& user) = 0;
  virtual Status UpdateUser(const User& user) = 0;  // kNotFound if absent
  virtual Result<User> GetUser(const std::string& id) = 0;
  virtual Result<std::vector<User>> ListUsers(std::optional<std::string> agency) = 0;
  virtual Result<std::int64_t> CountUsers() = 0;

  virtual Status CreateToken(const TokenRecord& token) = 0;
  virtual Result<TokenRecord> GetToken(const std::string& token_hash) = 0;  // kNotFound
  // The user's tokens, newest first (revoked and expired ones included).
  virtual Result<std::vector<TokenRecord>> ListTokens(const std::string& user_id) = 0;
  virtual Status RevokeToken(const std::string& token_hash, Instant at) = 0;

  // A number that changes whenever a token is revoked or a user is changed,
  // by any process writing the same store (the command line included).
  // Cheap: callers that cache authentications read it on every use.
  virtual Result<std::int64_t> IdentityGeneration() = 0;
};

}  // namespace motcua
