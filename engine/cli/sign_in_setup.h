// sign_in_setup.h: what `motcua serve` runs OpenID Connect sign-in with,
// wired from the providers of --oidc-config (oidc_providers.h): per
// provider its discovery (ProviderDiscovery), keys (ProviderKeys over
// JwksCache and the OpenSSL JWK importer) and token endpoint
// (OidcTokenClient), all through that provider's HTTPS client; the sign-in
// store on the server's database (`open_store`, database.h); the LoginService and the
// IdentityLinks administration. Without providers the routes still exist
// and list none.
//
// `start_session` starts browser sessions (engine/domain/session.h).
// Secrets come from the system CSPRNG (oidc_login_secrets.h, random.h) and
// are kept only as SHA-256.
//
// Thread safety: the services it hands out are thread-safe. Everything
// passed in must outlive it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/cli/oidc_providers.h"
#include "engine/domain/clock.h"
#include "engine/domain/identity.h"
#include "engine/domain/session.h"
#include "engine/domain/sign_in_store.h"
#include "engine/domain/status.h"
#include "engine/service/identity_links.h"
#include "engine/service/login_service.h"
#include "engine/service/user_admin.h"

namespace motcua::cli {

class SignInSetup {
 public:
  // Errors: the sign-in store cannot be opened.
  static Result<std::unique_ptr<SignInSetup>> Create(
      const std::vector<LoadedOidcProvider>& providers,
      const std::function<Result<std::unique_ptr<SignInStore>>()>& open_store,
      IdentityStore& identities, UserAdministration& users, const Clock& clock,
      StartSession start_session, std::function<void(std::string_view)> log);
  ~SignInSetup();

  LoginService& login() { return *login_; }
  IdentityLinks& links() { return *links_; }

 private:
  struct Parts;
  explicit SignInSetup(std::unique_ptr<Parts> parts);

  std::unique_ptr<Parts> parts_;
  LoginService* login_;
  IdentityLinks* links_;
};

}  // namespace motcua::cli
