// session_test_support.h: the route tests' callers as browser sessions.
//
// SessionCallers makes one user per bearer secret of a token table (the same
// user id, roles and agency), starts a browser session for each through a
// real SessionService, and turns a bearer call into the same call by session
// cookie, with the session's CSRF token and a same-origin Origin. A secret
// not in the table becomes a cookie nobody was given.
#pragma once

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "api/http_message.h"
#include "api/request_authentication.h"
#include "api/session_cookie.h"
#include "engine/crypto/openssl_token_crypto.h"
#include "engine/service/session_service.h"
#include "tests/fakes/memory_identity_store.h"
#include "tests/fakes/memory_session_store.h"

namespace motcua {

// The host the tests' requests address.
inline constexpr const char* kTestHost = "motcua.test";

class SessionCallers {
 public:
  SessionCallers(const std::map<std::string, Actor>& tokens, const Clock& clock)
      : clock_(clock), service_(users_, store_, crypto_, clock_) {
    for (const auto& [token, actor] : tokens) {
      const User user{
          actor.user_id, "Name of " + actor.user_id, actor.roles, actor.agency, {}, false,
          clock.Now()};
      if (!users_.GetUser(user.id).ok()) REQUIRE(users_.CreateUser(user).ok());
      Result<StartedSession> started = service_.Start(user, AuthMethod::kOidcSession, "vneid");
      REQUIRE(started.ok());
      sessions_[token] = *started;
      user_ids_[token] = user.id;
    }
  }

  // Signs `token`'s user in again at "vneid", now with `identity` verified:
  // that token's requests come from the new session.
  void SignInAgainWith(const std::string& token, const VerifiedIdentity& identity) {
    Result<User> user = users_.GetUser(user_ids_.at(token));
    REQUIRE(user.ok());
    Result<StartedSession> started =
        service_.Start(*user, AuthMethod::kOidcSession, "vneid", identity);
    REQUIRE(started.ok());
    sessions_[token] = *started;
  }

  SessionService& service() { return service_; }
  MemoryIdentityStore& users() { return users_; }
  const StartedSession& SessionOf(const std::string& token) const { return sessions_.at(token); }

  // Bearer tokens of `bearer`, or the session cookie of these sessions.
  RequestAuthenticator Authenticator(BearerAuthenticator bearer) {
    return RequestAuthenticator(std::move(bearer), &service_, /*tls=*/false);
  }

  // The headers that make a request come from `token`'s browser session.
  std::vector<HttpHeader> HeadersOf(const std::string& token) const {
    auto found = sessions_.find(token);
    const std::string secret = found != sessions_.end() ? found->second.secret : "forged-" + token;
    const std::string csrf = found != sessions_.end() ? found->second.csrf_token : "forged";
    return {{"Cookie", "motcua_session=" + secret},
            {"X-CSRF-Token", csrf},
            {"Host", kTestHost},
            {"Origin", std::string("http://") + kTestHost}};
  }

 private:
  const Clock& clock_;
  MemoryIdentityStore users_;
  MemorySessionStore store_;
  OpenSslTokenCrypto crypto_;
  SessionService service_;
  std::map<std::string, StartedSession> sessions_;
  std::map<std::string, std::string> user_ids_;  // token -> user id
};

}  // namespace motcua
