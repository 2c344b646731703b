// oidc_login_secrets.h: the one-time values an OpenID Connect authorization
// request carries: `state` (binds the redirect back to the browser that
// started the login), `nonce` (binds the ID token to this login) and the
// PKCE code verifier with its S256 challenge (RFC 7636).
//
// Each value comes from 32 bytes (256 bits) of the system's CSPRNG
// (random.h), written as base64url without padding: 43 characters, inside
// RFC 7636's 43-128 character verifier alphabet, and safe in URLs and
// cookies. The login flow keeps state, nonce and verifier server-side with
// the pending login, sends state, nonce and challenge to the provider, and
// the verifier only to the token endpoint.
//
// Thread safety: pure functions apart from the CSPRNG, which is thread-safe.
//
// Example:
//   OidcLoginSecrets secrets = NewOidcLoginSecrets();
//   url += "&state=" + secrets.state + "&nonce=" + secrets.nonce +
//          "&code_challenge=" + secrets.code_challenge + "&code_challenge_method=S256";
#pragma once

#include <string>
#include <string_view>

namespace motcua {

struct OidcLoginSecrets {
  std::string state;
  std::string nonce;
  std::string code_verifier;
  std::string code_challenge;  // PkceS256Challenge(code_verifier)
};

// Fresh, independent values; see the file comment.
OidcLoginSecrets NewOidcLoginSecrets();

// BASE64URL(SHA256(ASCII(code_verifier))), RFC 7636 section 4.2.
std::string PkceS256Challenge(std::string_view code_verifier);

}  // namespace motcua
