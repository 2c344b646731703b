#include "engine/cli/token_command.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/cli/initial_admin.h"
#include "engine/crypto/openssl_token_crypto.h"
#include "engine/crypto/sha256.h"
#include "engine/sqlite/sqlite_identity_store.h"
#include "tests/engine/cli/run_cli.h"
#include "tests/engine/sqlite/temp_directory.h"

namespace motcua::cli {
namespace {

TEST_CASE("token command: creates the user, prints the secret once, stores only its hash") {
  TempDirectory dir;
  const std::string db = dir.File("motcua.db");
  CliRun created = Cli({"token", "create", "--db", db, "--user", "clerk-1", "--roles",
                        "reception_clerk,specialist", "--agency", "000.00.01.H26"});
  REQUIRE(created.status == kExitOk);
  REQUIRE(created.out.size() == 44);  // 43 characters and a newline
  const std::string secret = created.out.substr(0, 43);

  Result<std::unique_ptr<SqliteIdentityStore>> store = SqliteIdentityStore::Open(db);
  REQUIRE(store.ok());
  Result<User> user = (*store)->GetUser("clerk-1");
  REQUIRE(user.ok());
  CHECK(user->roles == std::vector<std::string>{"reception_clerk", "specialist"});
  Result<TokenRecord> token = (*store)->GetToken(Sha256Hex(secret));
  REQUIRE(token.ok());
  CHECK(token->user_id == "clerk-1");
  CHECK((*store)->GetToken(secret).error().code() == ErrorCode::kNotFound);

  // A second token for the same user; other roles for it are refused.
  CHECK(Cli({"token", "create", "--db", db, "--user", "clerk-1", "--roles",
             "reception_clerk,specialist", "--agency", "000.00.01.H26"})
            .status == kExitOk);
  CHECK(Cli({"token", "create", "--db", db, "--user", "clerk-1", "--roles", "leader", "--agency",
             "000.00.01.H26"})
            .status == kExitUsage);

  CliRun revoked = Cli({"token", "revoke", "--db", db, "--hash", Sha256Hex(secret)});
  CHECK(revoked.status == kExitOk);
  CHECK((*store)->GetToken(Sha256Hex(secret))->revoked_at.has_value());
}

TEST_CASE("token command: invalid users and usage errors") {
  TempDirectory dir;
  const std::string db = dir.File("motcua.db");
  CliRun bad_citizen =
      Cli({"token", "create", "--db", db, "--user", "12345", "--roles", "applicant"});
  CHECK(bad_citizen.status == kExitUsage);
  CHECK(bad_citizen.err.find("/id") != std::string::npos);
  CHECK(Cli({"token", "create", "--db", db, "--user", "x", "--roles", "leader"}).status ==
        kExitUsage);  // staff without an agency
  CHECK(Cli({"token", "create", "--db", db, "--roles", "leader"}).status == kExitUsage);
  CHECK(Cli({"token", "create", "--db", db, "--user", "001090012345", "--roles", "applicant",
             "--ttl-days", "0"})
            .status == kExitUsage);
  CHECK(Cli({"token", "revoke", "--db", db, "--hash", std::string(64, 'a')}).status == kExitUsage);
  CHECK(Cli({"token", "frobnicate", "--db", db}).status == kExitUsage);
  CHECK(Cli({"token", "create", "--db", db, "--user", "001090012345", "--roles", "applicant"})
            .status == kExitOk);
}

TEST_CASE("initial admin: only on an empty database, into a new owner-only file") {
  TempDirectory dir;
  Result<std::unique_ptr<SqliteIdentityStore>> store =
      SqliteIdentityStore::Open(dir.File("motcua.db"));
  REQUIRE(store.ok());
  FakeClock clock(Instant{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2}});
  OpenSslTokenCrypto crypto;
  TokenService tokens(**store, crypto, clock);

  // An existing file is never overwritten.
  std::ofstream(dir.File("taken")) << "keep me\n";
  CHECK(EnsureInitialAdmin(**store, tokens, clock, dir.File("taken"), "000.00.00.H26")
            .error()
            .code() == ErrorCode::kFailedPrecondition);
  CHECK((*store)->CountUsers().value() == 0);

  Result<std::optional<std::string>> written =
      EnsureInitialAdmin(**store, tokens, clock, dir.File("admin-token"), "000.00.00.H26");
  REQUIRE(written.ok());
  REQUIRE(written->has_value());
  struct stat info {};
  REQUIRE(stat(dir.File("admin-token").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  std::string secret;
  std::ifstream(dir.File("admin-token")) >> secret;
  Result<Actor> admin = tokens.Authenticate(secret);
  REQUIRE(admin.ok());
  CHECK(admin->user_id == "admin");
  CHECK(admin->HasRole("admin"));
  // The installation's first administrator is also its national admin (issue 14.9).
  CHECK(admin->HasRole("national_admin"));
  // Issue 14.16: it was created "at" 1970.
  CHECK((*store)->GetUser("admin")->created_at == clock.Now());

  Result<std::optional<std::string>> again =
      EnsureInitialAdmin(**store, tokens, clock, dir.File("second-token"), "000.00.00.H26");
  REQUIRE(again.ok());
  CHECK_FALSE(again->has_value());
}

}  // namespace
}  // namespace motcua::cli
