// identity_links.h: administrators link staff users to their subject at
// their agency's identity provider, so that a staff sign-in
// (login_service.h) knows which user it is.
//
// Link(admin, user_id, provider, subject) records that `subject` at the
// provider's issuer is `user_id`, replacing the user's previous subject at
// that provider; Unlink removes it. Both require, in this order:
//   - the admin may manage the user: UserAdministration::Get's rules
//     (kPermissionDenied for a non-admin; staff of another agency are
//     invisible, kNotFound "user_not_found"; applicants and national admins
//     kPermissionDenied "not_your_user");
//   - the provider is configured (kNotFound "unknown_identity_provider"),
//     is a staff provider (kInvalidArgument "validation": citizens sign in
//     by their citizen ID and are never linked), and its agency is the
//     user's (kPermissionDenied "wrong_agency").
// Link refuses an empty or over-long subject (kInvalidArgument, pointer
// "/subject") and a subject linked to another user (kConflict
// "identity_already_linked"). Unlink of a user without an identity at the
// provider is kNotFound "identity_not_linked".
//
// Thread safety: state lives in the stores; any number of threads.
//
// Example:
//   Result<ExternalIdentity> linked = links.Link(admin, "clerk-a", "keycloak-a", "f3c2...");
#pragma once

#include <string>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/dossier.h"
#include "engine/domain/oidc_provider_config.h"
#include "engine/domain/sign_in_store.h"
#include "engine/domain/status.h"
#include "engine/service/user_admin.h"

namespace motcua {

class IdentityLinks {
 public:
  IdentityLinks(std::vector<OidcProviderConfig> providers, SignInStore& store,
                UserAdministration& users, const Clock& clock)
      : providers_(std::move(providers)), store_(store), users_(users), clock_(clock) {}

  Result<ExternalIdentity> Link(const Actor& admin, const std::string& user_id,
                                const std::string& provider, const std::string& subject);
  Status Unlink(const Actor& admin, const std::string& user_id, const std::string& provider);

 private:
  // The provider's configuration, if `admin` may link `user_id` at it.
  Result<OidcProviderConfig> CheckLinkable(const Actor& admin, const std::string& user_id,
                                           const std::string& provider);

  const std::vector<OidcProviderConfig> providers_;
  SignInStore& store_;
  UserAdministration& users_;
  const Clock& clock_;
};

}  // namespace motcua
