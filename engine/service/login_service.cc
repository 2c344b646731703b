#include "engine/service/login_service.h"

#include "engine/domain/identity_claims.h"

#include <algorithm>
#include <utility>

#include "engine/domain/http_url.h"
#include "engine/domain/id_token_refusal.h"
#include "engine/domain/identity_claims.h"
#include "engine/domain/status_macros.h"
#include "engine/domain/workflow.h"

namespace motcua {
namespace {

// Names longer than this in a token are not a person's name; the id stands in.
constexpr std::size_t kMaxProvisionedNameBytes = 200;

Error AttemptInvalid(const std::string& why) {
  return Error(ErrorCode::kInvalidArgument, why, ErrorReason::kLoginAttemptInvalid);
}

Error NotLinked(const std::string& why) {
  return Error(ErrorCode::kPermissionDenied, why, ErrorReason::kIdentityNotLinked);
}

Status RefuseDisabled(const User& user) {
  if (!user.disabled) return Status();
  return Error(ErrorCode::kPermissionDenied, "user " + user.id + " is disabled",
               ErrorReason::kUserDisabled);
}

// `user` if it is an applicant's account: a citizen's sign-in never becomes
// a staff member who happens to have a citizen ID as login.
Result<User> ApplicantOnly(User user) {
  if (!user.HasRole(kApplicantRole) || !user.agency.empty()) {
    return NotLinked("user " + user.id +
                     " is a staff account; citizens sign in as applicants only");
  }
  return user;
}

// `url` with `query` appended, after the query it may already have.
std::string WithQuery(const std::string& url,
                      const std::vector<std::pair<std::string, std::string>>& query) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + FormUrlEncode(query);
}

std::string Joined(const std::vector<std::string>& words) {
  std::string joined;
  for (const std::string& word : words) joined += (joined.empty() ? "" : " ") + word;
  return joined;
}

}  // namespace

bool IsLocalReturnPath(std::string_view path) {
  if (path.empty() || path.size() > kMaxReturnToBytes || path[0] != '/') return false;
  if (path.size() > 1 && path[1] == '/') return false;
  return std::all_of(path.begin(), path.end(),
                     [](char c) { return c > ' ' && c < 0x7f && c != '\\'; });
}

Error UnknownIdentityProvider(const std::string& provider) {
  return Error(ErrorCode::kNotFound, "no identity provider is called " + QuotedForLog(provider),
               ErrorReason::kUnknownIdentityProvider);
}

LoginService::LoginService(std::vector<SignInProvider> providers, Dependencies dependencies)
    : providers_(std::move(providers)), deps_(std::move(dependencies)) {}

Result<const SignInProvider*> LoginService::Find(const std::string& provider) const {
  for (const SignInProvider& candidate : providers_) {
    if (candidate.config.id == provider) return &candidate;
  }
  return UnknownIdentityProvider(provider);
}

Result<LoginStart> LoginService::Begin(const std::string& provider_id,
                                       const std::string& return_to) {
  ASSIGN_OR_RETURN(const SignInProvider* provider, Find(provider_id));
  if (!IsLocalReturnPath(return_to)) {
    return Error(ErrorCode::kInvalidArgument,
                 "return_to must be a path on this server, starting with one /",
                 ErrorReason::kInvalidReturnTo, {{"/return_to", "must be a local path"}});
  }
  ASSIGN_OR_RETURN(ProviderMetadata metadata, provider->metadata());
  const Instant now = deps_.clock.Now();
  // Attempts nobody completed are kept as long as they can be used, no longer.
  RETURN_IF_ERROR(deps_.store.PruneLoginAttempts(now - kLoginAttemptLifetime));
  LoginSecrets secrets = deps_.new_secrets();
  LoginAttempt attempt;
  attempt.state_hash = deps_.sha256_hex(secrets.state);
  attempt.provider = provider_id;
  attempt.nonce = secrets.nonce;
  attempt.code_verifier = secrets.code_verifier;
  attempt.binding_hash = deps_.sha256_hex(secrets.binding);
  attempt.return_to = return_to;
  attempt.created_at = now;
  RETURN_IF_ERROR(deps_.store.CreateLoginAttempt(attempt));
  const OidcProviderConfig& config = provider->config;
  return LoginStart{
      WithQuery(metadata.authorization_endpoint, {{"response_type", "code"},
                                                  {"client_id", config.client_id},
                                                  {"redirect_uri", config.redirect_uri},
                                                  {"scope", Joined(config.scopes)},
                                                  {"state", secrets.state},
                                                  {"nonce", secrets.nonce},
                                                  {"code_challenge", secrets.code_challenge},
                                                  {"code_challenge_method", "S256"}}),
      std::move(secrets.binding)};
}

Result<LoginAttempt> LoginService::UseAttempt(const SignInProvider& provider,
                                              const LoginCallback& callback) {
  if (!callback.state || callback.state->empty())
    return AttemptInvalid("the callback has no state");
  if (!callback.binding || callback.binding->empty()) {
    return AttemptInvalid(
        "no login cookie: the sign-in was started in another browser, or the cookie expired");
  }
  Result<LoginAttempt> attempt = deps_.store.GetLoginAttempt(deps_.sha256_hex(*callback.state));
  if (!attempt.ok()) {
    if (attempt.error().reason() != ErrorReason::kLoginAttemptInvalid) return attempt.error();
    return AttemptInvalid("no login attempt has this state");
  }
  if (attempt->provider != provider.config.id) {
    return AttemptInvalid("the state belongs to a sign-in at another provider");
  }
  if (attempt->used_at) return AttemptInvalid("the state was used already");
  const Instant now = deps_.clock.Now();
  if (now - attempt->created_at >= kLoginAttemptLifetime || attempt->created_at > now) {
    return AttemptInvalid("the login attempt expired (10 minutes)");
  }
  if (deps_.sha256_hex(*callback.binding) != attempt->binding_hash) {
    return AttemptInvalid(
        "the login cookie is not the one of the browser that started the sign-in");
  }
  if (Status used = deps_.store.MarkLoginAttemptUsed(attempt->state_hash, now); !used.ok()) {
    if (used.error().reason() != ErrorReason::kLoginAttemptInvalid) return used.error();
    return AttemptInvalid("the state was used already");
  }
  return attempt;
}

Result<SignedIn> LoginService::Complete(const LoginCallback& callback) {
  ASSIGN_OR_RETURN(const SignInProvider* provider, Find(callback.provider));
  if (callback.error) {
    return Error(ErrorCode::kUnauthenticated,
                 "the provider answered error=" + QuotedForLog(*callback.error),
                 ErrorReason::kIdentityProviderError);
  }
  ASSIGN_OR_RETURN(LoginAttempt attempt, UseAttempt(*provider, callback));
  if (!callback.code || callback.code->empty()) {
    return AttemptInvalid("the callback has no authorization code");
  }
  ASSIGN_OR_RETURN(ProviderMetadata metadata, provider->metadata());
  ASSIGN_OR_RETURN(
      TokenResponse tokens,
      provider->tokens.Exchange({metadata.token_endpoint, *callback.code, attempt.code_verifier,
                                 provider->config.redirect_uri}));
  IdTokenPolicy policy;
  policy.issuer = provider->config.issuer;
  policy.client_id = provider->config.client_id;
  policy.expected_nonce = attempt.nonce;
  policy.allowed_algorithms = provider->config.allowed_algorithms;
  policy.clock_skew = provider->config.clock_skew;
  ASSIGN_OR_RETURN(IdTokenClaims claims,
                   deps_.verifier.Verify(tokens.id_token, policy, provider->keys));
  ASSIGN_OR_RETURN(User user, provider->config.kind == OidcProviderKind::kCitizen
                                  ? CitizenUser(*provider, claims)
                                  : StaffUser(*provider, claims));
  RETURN_IF_ERROR(RefuseDisabled(user));
  // A citizen's provider vouches for their identity data; staff bring none.
  const VerifiedIdentity verified =
      provider->config.kind == OidcProviderKind::kCitizen
          ? VerifiedIdentityFromIdToken(claims.all, provider->config.identity_claim)
          : VerifiedIdentity{};
  ASSIGN_OR_RETURN(StartedSession session, deps_.start_session(user, AuthMethod::kOidcSession,
                                                               provider->config.id, verified));
  return SignedIn{std::move(session), std::move(attempt.return_to), std::move(user)};
}

Result<User> LoginService::CitizenUser(const SignInProvider& provider,
                                       const IdTokenClaims& claims) {
  const std::string& claim_name = provider.config.identity_claim;
  auto claim = claims.all.find(claim_name);
  if (claim == claims.all.end() || !claim->is_string() ||
      !IsValidCitizenId(claim->get<std::string>())) {
    return Error(ErrorCode::kPermissionDenied,
                 "the token's claim " + QuotedForLog(claim_name) +
                     (claim == claims.all.end() ? " is missing" : " is not a 12-digit citizen ID"),
                 ErrorReason::kIdentityClaimInvalid);
  }
  const std::string id = claim->get<std::string>();
  Result<User> existing = deps_.identities.GetUser(id);
  if (existing.ok()) return ApplicantOnly(std::move(existing).value());
  if (existing.error().code() != ErrorCode::kNotFound) return existing.error();

  User applicant;
  applicant.id = id;
  applicant.name = id;
  if (auto name = claims.all.find("name");
      name != claims.all.end() && name->is_string() && !name->get<std::string>().empty() &&
      name->get<std::string>().size() <= kMaxProvisionedNameBytes) {
    applicant.name = name->get<std::string>();
  }
  applicant.roles = {kApplicantRole};
  applicant.created_at = deps_.clock.Now();
  RETURN_IF_ERROR(ValidateUser(applicant));
  Status created = deps_.identities.CreateUser(applicant);
  if (created.ok()) return applicant;
  if (created.error().code() != ErrorCode::kConflict) return created.error();
  // Two first sign-ins of the same citizen at once: the other one made it.
  ASSIGN_OR_RETURN(User raced, deps_.identities.GetUser(id));
  return ApplicantOnly(std::move(raced));
}

Result<User> LoginService::StaffUser(const SignInProvider& provider, const IdTokenClaims& claims) {
  Result<ExternalIdentity> link = deps_.store.FindIdentity(claims.issuer, claims.subject);
  if (!link.ok()) {
    if (link.error().reason() != ErrorReason::kIdentityNotLinked) return link.error();
    return NotLinked("subject " + QuotedForLog(claims.subject) + " of " + claims.issuer +
                     " is not linked to a user; an admin links it with PUT "
                     "/v1/users/{id}/identities/" +
                     provider.config.id);
  }
  Result<User> user = deps_.identities.GetUser(link->user_id);
  if (!user.ok()) {
    if (user.error().code() != ErrorCode::kNotFound) return user.error();
    return NotLinked("the linked user " + link->user_id + " does not exist");
  }
  if (user->agency != provider.config.agency) {
    return NotLinked("user " + user->id + " is not staff of " + provider.config.agency +
                     ", the agency of provider " + provider.config.id);
  }
  return user;
}

Result<std::optional<std::string>> LoginService::EndSessionUrl(
    const std::string& provider_id, const std::string& post_logout_redirect_uri) {
  ASSIGN_OR_RETURN(const SignInProvider* provider, Find(provider_id));
  ASSIGN_OR_RETURN(ProviderMetadata metadata, provider->metadata());
  if (!metadata.end_session_endpoint) return std::optional<std::string>();
  return std::optional<std::string>(WithQuery(
      *metadata.end_session_endpoint, {{"client_id", provider->config.client_id},
                                       {"post_logout_redirect_uri", post_logout_redirect_uri}}));
}

}  // namespace motcua
