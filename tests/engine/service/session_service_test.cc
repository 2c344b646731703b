#include "engine/service/session_service.h"

#include <doctest/doctest.h>

#include <chrono>

#include "engine/service/token_service.h"
#include "engine/service/user_admin.h"
#include "tests/fakes/memory_identity_store.h"
#include "tests/fakes/memory_session_store.h"
#include "tests/fakes/spelled_out_token_crypto.h"

namespace motcua {
namespace {

using namespace std::chrono_literals;

const Instant kStart{std::chrono::sys_days{2026y / 3 / 2}};
const SessionTimeouts kTimeouts{30min, 12h};

struct Fixture {
  MemoryIdentityStore users;
  MemorySessionStore store;
  SpelledOutCrypto crypto;
  FakeClock clock{kStart};
  SessionService sessions{users, store, crypto, clock, kTimeouts};
  User citizen{"001090012345", "An", {"applicant"}, "", {}, false, kStart};
  User clerk{"clerk-1", "Bình", {"reception_clerk"}, "000.00.01.H26", {}, false, kStart};

  Fixture() {
    REQUIRE(users.CreateUser(citizen).ok());
    REQUIRE(users.CreateUser(clerk).ok());
  }

  StartedSession StartFor(const User& user, AuthMethod method = AuthMethod::kOidcSession,
                          const std::string& provider = "vneid") {
    Result<StartedSession> started = sessions.Start(user, method, provider);
    REQUIRE(started.ok());
    return *started;
  }
  bool Valid(const std::string& secret) { return sessions.Authenticate(secret).ok(); }
};

void CheckRefusedAsInvalid(const Result<AuthenticatedSession>& result) {
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code() == ErrorCode::kUnauthenticated);
  CHECK(result.error().reason() == ErrorReason::kSessionInvalid);
}

TEST_CASE("session service: a started session authenticates its user, and only the hash is kept") {
  Fixture f;
  const StartedSession started = f.StartFor(f.clerk, AuthMethod::kOidcSession, "keycloak");
  CHECK(started.secret == "secret-1");
  CHECK(started.expires_at == kStart + 12h);
  CHECK(started.csrf_token == "mac(motcua csrf token v1,secret-1)");

  Result<AuthenticatedSession> session = f.sessions.Authenticate(started.secret);
  REQUIRE(session.ok());
  CHECK(session->actor.user_id == "clerk-1");
  CHECK(session->actor.roles == std::vector<std::string>{"reception_clerk"});
  CHECK(session->actor.agency == "000.00.01.H26");
  CHECK(session->actor.authenticated_by == AuthMethod::kOidcSession);
  CHECK(session->actor.identity_provider == "keycloak");
  CHECK(session->csrf_token == started.csrf_token);
  CHECK(session->expires_at == started.expires_at);

  const std::vector<SessionRecord> stored = f.store.Sessions();
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].session_hash == f.crypto.Hash("secret-1"));
  CHECK(stored[0].session_hash.find("secret") == std::string::npos);

  const StartedSession demo = f.StartFor(f.citizen, AuthMethod::kDemoSession, "");
  Result<AuthenticatedSession> demo_session = f.sessions.Authenticate(demo.secret);
  REQUIRE(demo_session.ok());
  CHECK(demo_session->actor.authenticated_by == AuthMethod::kDemoSession);
  CHECK(demo_session->actor.identity_provider.empty());
}

TEST_CASE("session service: a citizen's verified identity is kept with the session and handed back") {
  Fixture f;
  VerifiedIdentity identity;
  identity.claims[IdentityClaim::kName] = "Nguyễn Văn An";
  identity.claims[IdentityClaim::kIdNumber] = "001090012345";
  Result<StartedSession> started =
      f.sessions.Start(f.citizen, AuthMethod::kOidcSession, "vneid", identity);
  REQUIRE(started.ok());
  Result<AuthenticatedSession> session = f.sessions.Authenticate(started->secret);
  REQUIRE(session.ok());
  CHECK(session->verified_identity.claims == identity.claims);
  REQUIRE(f.store.Sessions().size() == 1);
  CHECK(f.store.Sessions()[0].verified_identity.claims == identity.claims);

  // Staff sessions carry none; the demo sign-in may not claim any.
  const StartedSession staff = f.StartFor(f.clerk, AuthMethod::kOidcSession, "keycloak");
  CHECK(f.sessions.Authenticate(staff.secret)->verified_identity.empty());
  Result<StartedSession> demo = f.sessions.Start(f.citizen, AuthMethod::kDemoSession, "", identity);
  REQUIRE_FALSE(demo.ok());
  CHECK(demo.error().code() == ErrorCode::kInvalidArgument);
  REQUIRE(demo.error().fields().size() == 1);
  CHECK(demo.error().fields()[0].pointer == "/verified_identity");
}

TEST_CASE("session service: Start refuses a disabled user and a method that is not a session") {
  Fixture f;
  User disabled = f.clerk;
  disabled.disabled = true;
  Result<StartedSession> refused = f.sessions.Start(disabled, AuthMethod::kOidcSession, "vneid");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code() == ErrorCode::kFailedPrecondition);
  CHECK(refused.error().reason() == ErrorReason::kUserDisabled);
  CHECK(f.sessions.Start(f.clerk, AuthMethod::kBearerToken, "").error().code() ==
        ErrorCode::kInvalidArgument);
  CHECK(f.sessions.Start(f.clerk, AuthMethod::kOidcSession, "").error().code() ==
        ErrorCode::kInvalidArgument);
  CHECK(f.store.Sessions().empty());

  // The function sign-in code receives is the same Start.
  StartSession start = f.sessions.StartFunction();
  Result<StartedSession> through_function = start(f.citizen, AuthMethod::kDemoSession, "", VerifiedIdentity{});
  REQUIRE(through_function.ok());
  CHECK(f.Valid(through_function->secret));
}

TEST_CASE("session service: the idle timeout ends a session exactly at its boundary") {
  Fixture f;
  const StartedSession started = f.StartFor(f.citizen);
  f.clock.Advance(30min - 1s);
  CHECK(f.Valid(started.secret));  // recorded: last use is now start + 30min - 1s
  f.clock.Advance(30min - 1s);
  CHECK(f.Valid(started.secret));
  f.clock.Advance(30min);
  CheckRefusedAsInvalid(f.sessions.Authenticate(started.secret));

  const StartedSession unused = f.StartFor(f.citizen);
  f.clock.Advance(30min);
  CheckRefusedAsInvalid(f.sessions.Authenticate(unused.secret));
}

TEST_CASE("session service: the absolute lifetime ends a session in use, exactly at its end") {
  Fixture f;
  const StartedSession started = f.StartFor(f.citizen);
  for (int step = 0; step < 12 * 4 - 1; ++step) {
    f.clock.Advance(15min);
    REQUIRE(f.Valid(started.secret));
  }
  f.clock.Advance(15min - 1s);
  CHECK(f.Valid(started.secret));
  f.clock.Advance(1s);
  CHECK(f.clock.Now() == started.expires_at);
  CheckRefusedAsInvalid(f.sessions.Authenticate(started.secret));
}

TEST_CASE("session service: last use is written at most once a minute per session") {
  Fixture f;
  const StartedSession started = f.StartFor(f.citizen);
  for (int request = 0; request < 100; ++request) {
    f.clock.Advance(1s);
    REQUIRE(f.Valid(started.secret));
  }
  CHECK(f.store.touches() == 1);  // at +60s
  CHECK(f.store.Sessions()[0].last_seen_at == kStart + 60s);
}

TEST_CASE("session service: an ended session, another's secret and absurd secrets are refused") {
  Fixture f;
  const StartedSession mine = f.StartFor(f.citizen);
  const StartedSession theirs = f.StartFor(f.clerk);
  REQUIRE(f.sessions.End(mine.secret).ok());
  CheckRefusedAsInvalid(f.sessions.Authenticate(mine.secret));
  CHECK(f.Valid(theirs.secret));
  REQUIRE(f.sessions.End(mine.secret).ok());  // twice: nothing to do

  CheckRefusedAsInvalid(f.sessions.Authenticate("secret-99"));
  CheckRefusedAsInvalid(f.sessions.Authenticate(""));
  CheckRefusedAsInvalid(f.sessions.Authenticate(std::string(257, 'x')));
  CheckRefusedAsInvalid(f.sessions.Authenticate(std::string(10 << 20, 'x')));
  CHECK(f.sessions.End(std::string(10 << 20, 'x')).ok());
  CHECK(f.Valid(theirs.secret));
}

TEST_CASE("session service: the CSRF token is the session's own, compared whole") {
  Fixture f;
  const StartedSession mine = f.StartFor(f.citizen);
  const StartedSession theirs = f.StartFor(f.clerk);
  CHECK(f.sessions.CsrfTokenMatches(mine.secret, mine.csrf_token));
  CHECK_FALSE(f.sessions.CsrfTokenMatches(mine.secret, theirs.csrf_token));
  CHECK_FALSE(f.sessions.CsrfTokenMatches(theirs.secret, mine.csrf_token));
  CHECK_FALSE(f.sessions.CsrfTokenMatches(mine.secret, ""));
  CHECK_FALSE(f.sessions.CsrfTokenMatches(mine.secret, mine.csrf_token + "x"));
  CHECK_FALSE(f.sessions.CsrfTokenMatches(mine.secret, mine.secret));
  CHECK_FALSE(f.sessions.CsrfTokenMatches("", ""));
  CHECK_FALSE(f.sessions.CsrfTokenMatches(std::string(1 << 20, 'x'), mine.csrf_token));
}

TEST_CASE("session service: a change to the user applies to the next request") {
  Fixture f;
  const StartedSession started = f.StartFor(f.clerk);
  User promoted = f.clerk;
  promoted.roles = {"reception_clerk", "leader"};
  REQUIRE(f.users.UpdateUser(promoted).ok());
  CHECK(f.sessions.Authenticate(started.secret)->actor.roles == promoted.roles);

  User disabled = promoted;
  disabled.disabled = true;
  REQUIRE(f.users.UpdateUser(disabled).ok());
  CheckRefusedAsInvalid(f.sessions.Authenticate(started.secret));
}

TEST_CASE("session service: disabling a user through user administration ends their sessions") {
  Fixture f;
  TokenService tokens(f.users, f.crypto, f.clock);
  UserAdministration admin_service(f.users, tokens, f.clock, &f.sessions);
  const Actor admin{"admin-1", {"admin"}, "000.00.01.H26"};
  const StartedSession first = f.StartFor(f.clerk);
  const StartedSession second = f.StartFor(f.clerk, AuthMethod::kDemoSession, "");
  const StartedSession citizen = f.StartFor(f.citizen);

  UserChanges disable;
  disable.disabled = true;
  REQUIRE(admin_service.Update(admin, "clerk-1", disable).ok());
  UserChanges enable;
  enable.disabled = false;
  REQUIRE(admin_service.Update(admin, "clerk-1", enable).ok());

  // Enabled again, but the sessions stay ended: the user signs in anew.
  CheckRefusedAsInvalid(f.sessions.Authenticate(first.secret));
  CheckRefusedAsInvalid(f.sessions.Authenticate(second.secret));
  CHECK(f.Valid(citizen.secret));
}

}  // namespace
}  // namespace motcua
