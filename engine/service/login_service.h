// login_service.h: OpenID Connect sign-in (authorization code flow with
// PKCE S256, state and nonce) with the providers of `serve --oidc-config`.
//
// Begin(provider, return_to) makes fresh secrets, keeps a LoginAttempt
// (sign_in_store.h: the SHA-256 of state and of the login-cookie binding,
// the nonce, the PKCE verifier, return_to) and answers the provider's
// authorization URL (response_type=code, client_id, redirect_uri, scope,
// state, nonce, code_challenge, code_challenge_method=S256) and the binding,
// which the browser keeps in the login cookie (api/session_cookie.h).
//
// Complete(callback) accepts the provider's redirect back only if, in this
// order: the provider is configured; it sent no `error`; a state and the
// login cookie came; an attempt has that state, for this provider, unused,
// younger than kLoginAttemptLifetime, and bound to this cookie; it is then
// marked used (single use, even if a later step fails); a code came; the
// token endpoint redeems the code with the verifier; IdTokenVerifier accepts
// the ID token (signature, iss, aud/azp, exp/iat/nbf with the provider's
// clock skew, the attempt's nonce, the provider's algorithms); the identity
// maps to an enabled user:
//   citizen  the provider's identity_claim is a valid citizen ID, which is
//            the user id: an existing applicant account, or a new applicant
//            provisioned now (name from the "name" claim, else the id); an
//            existing account that is not an applicant's is refused;
//   staff    (iss, sub) is linked to a user (identity_links.h) who is staff
//            of the provider's agency; roles and agency are the user's own,
//            never the token's.
// Then `start_session` (engine/domain/session.h) starts the browser session.
//
// Refusals, each an Error with a reason (the route writes one log line and
// a plain page; api/sign_in_routes.h):
//   kNotFound "unknown_identity_provider"       no such configured provider;
//   kInvalidArgument "invalid_return_to"         Begin: return_to is not a
//                                                 local path (IsLocalReturnPath);
//   kUnauthenticated "identity_provider_error"   the provider sent `error`;
//   kInvalidArgument "login_attempt_invalid"     no state, no cookie, an
//       unknown, used, expired or other provider's state, a cookie of
//       another browser, no code;
//   "token_endpoint_refused"                      token_endpoint.h;
//   "id_token_refused"                            id_token_verifier.h;
//   kPermissionDenied "identity_claim_invalid"   citizen: the claim is missing
//                                                 or not a citizen ID;
//   kPermissionDenied "identity_not_linked"      staff: no link, or the linked
//       user is gone or of another agency; citizen: the account is staff;
//   kPermissionDenied "user_disabled"            the user is disabled;
//   the discovery, store and start_session errors as they come.
// Messages are one line for the log; untrusted text in them is quoted with
// QuotedForLog, and they never hold state, code, cookie or tokens.
//
// Thread safety: Begin and Complete may run on many threads; everything
// passed in must be thread-safe and outlive the service.
//
// Example:
//   Result<LoginStart> start = login.Begin("vneid", "/dossiers");
//   // 302 to start->authorization_url, Set-Cookie LoginSetCookie(start->binding)
//   Result<SignedIn> done = login.Complete({.provider = "vneid", .state = ..., .code = ...,
//                                           .binding = LoginBindingFrom(request, tls)});
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/identity.h"
#include "engine/domain/jws_public_key.h"
#include "engine/domain/oidc_provider_config.h"
#include "engine/domain/session.h"
#include "engine/domain/sign_in_store.h"
#include "engine/domain/status.h"
#include "engine/service/content_hasher.h"
#include "engine/service/id_token_verifier.h"
#include "engine/service/provider_keys.h"
#include "engine/service/token_endpoint.h"

namespace motcua {

// How long a browser has between Begin and the callback.
inline constexpr std::chrono::seconds kLoginAttemptLifetime{600};

// The one-time values of one login (engine/crypto/oidc_login_secrets.h makes
// state, nonce, verifier and challenge; `binding` is another random value,
// for the login cookie).
struct LoginSecrets {
  std::string state;
  std::string nonce;
  std::string code_verifier;
  std::string code_challenge;  // S256 of code_verifier
  std::string binding;
};
using LoginSecretsSource = std::function<LoginSecrets()>;

// One configured provider and what talks to it.
struct SignInProvider {
  OidcProviderConfig config;
  ProviderMetadataSource metadata;  // ProviderDiscovery::Metadata
  JwsKeySource& keys;               // ProviderKeys
  const TokenEndpoint& tokens;      // api/oidc_token_client.h
};

struct LoginStart {
  std::string authorization_url;
  std::string binding;  // the login cookie's value
};

// The provider's redirect back, as the browser brought it.
struct LoginCallback {
  std::string provider;
  std::optional<std::string> state;
  std::optional<std::string> code;
  std::optional<std::string> error;    // the provider's `error` parameter
  std::optional<std::string> binding;  // the login cookie's value
};

struct SignedIn {
  StartedSession session;
  std::string return_to;
  User user;
};

// True for a path on this server a sign-in may return to: it starts with one
// "/" (not "//"), has no backslash, and is printable ASCII (no scheme can
// hide in it, and browsers cannot read it as another host), at most
// kMaxReturnToBytes.
bool IsLocalReturnPath(std::string_view path);

// kNotFound "unknown_identity_provider" naming `provider`.
Error UnknownIdentityProvider(const std::string& provider);

class LoginService {
 public:
  struct Dependencies {
    SignInStore& store;
    IdentityStore& identities;
    const IdTokenVerifier& verifier;
    StartSession start_session;
    LoginSecretsSource new_secrets;
    ContentHasher sha256_hex;
    const Clock& clock;
  };

  LoginService(std::vector<SignInProvider> providers, Dependencies dependencies);

  // The configured providers, in configuration order.
  const std::vector<SignInProvider>& Providers() const { return providers_; }

  Result<LoginStart> Begin(const std::string& provider, const std::string& return_to);
  Result<SignedIn> Complete(const LoginCallback& callback);

  // The provider's RP-initiated logout URL (end_session_endpoint with
  // client_id and post_logout_redirect_uri), or nullopt when its discovery
  // document has none. Errors: unknown provider, discovery's errors.
  Result<std::optional<std::string>> EndSessionUrl(const std::string& provider,
                                                   const std::string& post_logout_redirect_uri);

 private:
  Result<const SignInProvider*> Find(const std::string& provider) const;
  // The attempt of callback.state, checked and marked used.
  Result<LoginAttempt> UseAttempt(const SignInProvider& provider, const LoginCallback& callback);
  Result<User> CitizenUser(const SignInProvider& provider, const IdTokenClaims& claims);
  Result<User> StaffUser(const SignInProvider& provider, const IdTokenClaims& claims);

  const std::vector<SignInProvider> providers_;
  Dependencies deps_;
};

}  // namespace motcua
