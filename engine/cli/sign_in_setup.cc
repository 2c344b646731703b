#include "engine/cli/sign_in_setup.h"

#include <utility>

#include "api/oidc_token_client.h"
#include "engine/crypto/oidc_login_secrets.h"
#include "engine/crypto/openssl_jwk.h"
#include "engine/crypto/random.h"
#include "engine/crypto/sha256.h"
#include "engine/domain/status_macros.h"
#include "engine/service/id_token_verifier.h"
#include "engine/service/provider_discovery.h"
#include "engine/service/provider_keys.h"

namespace motcua::cli {

struct SignInSetup::Parts {
  explicit Parts(const Clock& clock) : verifier(clock) {}

  OpenSslJwkImporter jwk_importer;
  IdTokenVerifier verifier;
  std::unique_ptr<SignInStore> store;
  std::vector<std::unique_ptr<ProviderDiscovery>> discoveries;
  std::vector<std::unique_ptr<ProviderKeys>> keys;
  std::vector<std::unique_ptr<OidcTokenClient>> token_clients;
  std::unique_ptr<LoginService> login;
  std::unique_ptr<IdentityLinks> links;
};

SignInSetup::SignInSetup(std::unique_ptr<Parts> parts)
    : parts_(std::move(parts)), login_(parts_->login.get()), links_(parts_->links.get()) {}

SignInSetup::~SignInSetup() = default;

Result<std::unique_ptr<SignInSetup>> SignInSetup::Create(
    const std::vector<LoadedOidcProvider>& providers,
    const std::function<Result<std::unique_ptr<SignInStore>>()>& open_store,
    IdentityStore& identities, UserAdministration& users, const Clock& clock,
    StartSession start_session, std::function<void(std::string_view)> log) {
  auto parts = std::make_unique<Parts>(clock);
  ASSIGN_OR_RETURN(parts->store, open_store());
  std::vector<SignInProvider> sign_in_providers;
  std::vector<OidcProviderConfig> configs;
  for (const LoadedOidcProvider& provider : providers) {
    ProviderDiscoveryOptions discovery_options;
    discovery_options.log = log;
    parts->discoveries.push_back(std::make_unique<ProviderDiscovery>(
        DiscoveryExpectationsOf(provider.config), *provider.http, clock, discovery_options));
    ProviderMetadataSource metadata = [discovery = parts->discoveries.back().get()] {
      return discovery->Metadata();
    };
    JwksCacheOptions key_options;
    key_options.log = log;
    key_options.min_refetch_interval = provider.config.jwks_refetch_interval;
    parts->keys.push_back(std::make_unique<ProviderKeys>(metadata, *provider.http,
                                                         parts->jwk_importer, clock, key_options));
    parts->token_clients.push_back(std::make_unique<OidcTokenClient>(
        provider.http, provider.config.client_id, provider.client_secret));
    sign_in_providers.push_back(
        {provider.config, metadata, *parts->keys.back(), *parts->token_clients.back()});
    configs.push_back(provider.config);
  }
  parts->login = std::make_unique<LoginService>(
      std::move(sign_in_providers),
      LoginService::Dependencies{
          *parts->store, identities, parts->verifier, std::move(start_session),
          [] {
            OidcLoginSecrets secrets = NewOidcLoginSecrets();
            return LoginSecrets{secrets.state, secrets.nonce, secrets.code_verifier,
                                secrets.code_challenge, RandomToken()};
          },
          &Sha256Hex, clock});
  parts->links = std::make_unique<IdentityLinks>(std::move(configs), *parts->store, users, clock);
  return std::unique_ptr<SignInSetup>(new SignInSetup(std::move(parts)));
}

}  // namespace motcua::cli
