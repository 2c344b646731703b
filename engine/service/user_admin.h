// user_admin.h: what administrators do with users and their tokens.
//
// Scope (MayManageUser in identity.h): an agency admin manages the staff of
// their own agency, except national admins; a national admin manages every
// account. Staff of other agencies are invisible to an agency admin
// (kNotFound); applicant accounts and national admins are refused
// (kPermissionDenied "not_your_user"), so no agency admin can act as a
// citizen. Only admins and national admins call these; others get
// kPermissionDenied. Nobody can be given the engine's own "system" role.
//
// Disabling a user ends their browser sessions (when a SessionService is
// given); their tokens stop working through the TokenService's check.
//
// Thread-safe: state lives in the IdentityStore and the TokenService.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/identity.h"
#include "engine/domain/status.h"
#include "engine/service/session_service.h"
#include "engine/service/token_service.h"

namespace motcua {

// Changes to a user; empty members stay as they are.
struct UserChanges {
  std::optional<std::string> name;
  std::optional<std::vector<std::string>> roles;
  std::optional<bool> disabled;
  // An empty string unbinds the certificate.
  std::optional<std::string> certificate_fingerprint;
};

class UserAdministration {
 public:
  static constexpr std::chrono::hours kMaxTokenLifetime{24 * 365};

  // `sessions` may be null (no browser sessions are served).
  UserAdministration(IdentityStore& store, TokenService& tokens, const Clock& clock,
                     SessionService* sessions = nullptr)
      : store_(store), tokens_(tokens), clock_(clock), sessions_(sessions) {}

  // The staff of the admin's agency, by id.
  Result<std::vector<User>> List(const Actor& admin);
  Result<User> Get(const Actor& admin, const std::string& id);
  // A staff user with no agency gets the admin's; another agency is denied
  // to agency admins (kPermissionDenied "wrong_agency"), and so is an
  // applicant or a national admin ("not_your_user"). kConflict if the id is
  // taken; kInvalidArgument from ValidateUser.
  Result<User> Create(const Actor& admin, User user);
  Result<User> Update(const Actor& admin, const std::string& id, const UserChanges& changes);

  // A new token for a user in scope; `ttl` from 1 minute to kMaxTokenLifetime.
  Result<TokenService::Issued> IssueToken(const Actor& admin, const std::string& user_id,
                                          const std::string& label, std::chrono::seconds ttl);
  Result<std::vector<TokenRecord>> ListTokens(const Actor& admin, const std::string& user_id);
  // Revokes a token of a user in scope; kNotFound otherwise.
  Status RevokeToken(const Actor& admin, const std::string& token_hash);

 private:
  // The user, if `admin` is an admin and the user is in their scope.
  Result<User> LoadInScope(const Actor& admin, const std::string& id);

  IdentityStore& store_;
  TokenService& tokens_;
  const Clock& clock_;
  SessionService* sessions_;
};

}  // namespace motcua
