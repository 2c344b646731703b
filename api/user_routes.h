// user_routes.h: the administrators' endpoints for users and tokens.
//
//   GET    /v1/users            admin: staff of their agency
//   POST   /v1/users            admin: a staff user of their agency, or an applicant
//   GET    /v1/users/{id}       admin, user in scope
//   PATCH  /v1/users/{id}       admin: name, roles, disabled, certificate_fingerprint
//   GET    /v1/tokens?user=ID   admin: the user's tokens (never their secrets)
//   POST   /v1/tokens           admin: a new token; the secret is in this response only
//   DELETE /v1/tokens/{id}      admin: revokes it (id = the token's SHA-256)
//
// Scope rules are UserAdministration's (engine/service/user_admin.h).
#pragma once

#include "api/handler_support.h"
#include "api/router.h"
#include "engine/service/user_admin.h"

namespace motcua {

struct UserApi {
  UserAdministration& users;
  Authenticator authenticate;
};

// `api` and what it refers to must outlive the router.
Status AddUserRoutes(Router& router, const UserApi& api);

}  // namespace motcua
