#include "engine/cli/token_command.h"

#include <charconv>
#include <chrono>
#include <ostream>
#include <sstream>

#include "engine/cli/database.h"
#include "engine/cli/options.h"
#include "engine/cli/system_clock.h"
#include "engine/crypto/openssl_token_crypto.h"
#include "engine/service/token_service.h"

namespace motcua::cli {
namespace {

constexpr std::string_view kUsage =
    "Usage: motcua token create --db PATH|URI --user ID --roles ROLE[,ROLE...] [--agency ID]\n"
    "                           [--name NAME] [--ttl-days N] [--label TEXT]\n"
    "       motcua token revoke --db PATH|URI --hash SHA256\n"
    "\n"
    "create: makes the user if it does not exist (applicants: --user is the\n"
    "12-digit citizen ID and --roles applicant; staff need --agency), issues a\n"
    "token valid for --ttl-days (default 90) and prints the secret on stdout,\n"
    "once: only its SHA-256 is stored.\n"
    "revoke: ends a token at once, by its SHA-256.\n"
    "\n"
    "Exit status: 0 done, 2 usage error, 3 the database refused.\n";

std::vector<std::string> SplitRoles(const std::string& text) {
  std::vector<std::string> roles;
  std::stringstream in(text);
  for (std::string role; std::getline(in, role, ',');) {
    if (!role.empty()) roles.push_back(role);
  }
  return roles;
}

int Usage(CommandIo io, const std::string& message) {
  io.err << "motcua token: " << message << '\n';
  return kExitUsage;
}

int RunToken(const std::vector<std::string>& args, CommandIo io) {
  Result<ParsedOptions> options =
      ParseOptions(args, {"db", "user", "roles", "agency", "name", "ttl-days", "label", "hash"});
  if (!options.ok()) return Usage(io, options.error().message());
  const std::vector<std::string>& verb = options->positional;
  if (verb.size() != 1 || (verb[0] != "create" && verb[0] != "revoke") || !options->Get("db")) {
    io.err << kUsage;
    return kExitUsage;
  }
  SystemClock clock;
  Result<IdentityDatabase> store = OpenIdentityDatabase(*options->Get("db"), &clock);
  if (!store.ok()) {
    io.err << "motcua token: " << store.error().message() << '\n';
    return kExitFailure;
  }
  IdentityStore& identities = *store->identities;
  OpenSslTokenCrypto crypto;
  TokenService tokens(identities, crypto, clock);

  if (verb[0] == "revoke") {
    std::optional<std::string> hash = options->Get("hash");
    if (!hash) return Usage(io, "revoke needs --hash");
    Result<TokenRecord> token = identities.GetToken(*hash);
    if (!token.ok()) return Usage(io, "no token has that hash");
    Status revoked = tokens.Revoke(*hash);
    if (!revoked.ok()) {
      io.err << "motcua token: " << revoked.error().message() << '\n';
      return kExitFailure;
    }
    io.err << "token of " << token->user_id << " revoked\n";
    return kExitOk;
  }

  std::optional<std::string> user_id = options->Get("user");
  std::optional<std::string> roles = options->Get("roles");
  if (!user_id || !roles) return Usage(io, "create needs --user and --roles");
  int ttl_days = 90;
  if (auto ttl = options->Get("ttl-days")) {
    auto [end, error] = std::from_chars(ttl->data(), ttl->data() + ttl->size(), ttl_days);
    if (error != std::errc() || end != ttl->data() + ttl->size() || ttl_days < 1 ||
        ttl_days > 3660) {
      return Usage(io, "--ttl-days must be 1-3660");
    }
  }
  User wanted{*user_id,
              options->Get("name").value_or(""),
              SplitRoles(*roles),
              options->Get("agency").value_or(""),
              {},
              false,
              clock.Now()};
  Result<User> existing = identities.GetUser(*user_id);
  if (existing.ok()) {
    if (existing->roles != wanted.roles || existing->agency != wanted.agency) {
      return Usage(io, "user " + *user_id + " exists with other roles or agency");
    }
  } else {
    Status valid = ValidateUser(wanted);
    if (!valid.ok()) {
      std::string problems;
      for (const FieldError& field : valid.error().fields()) {
        problems += "\n  " + field.pointer + ": " + field.message;
      }
      return Usage(io, "the user is not valid:" + problems);
    }
    Status created = identities.CreateUser(wanted);
    if (!created.ok()) {
      io.err << "motcua token: " << created.error().message() << '\n';
      return kExitFailure;
    }
  }
  Result<TokenService::Issued> issued =
      tokens.Issue(*user_id, options->Get("label").value_or("motcua token create"),
                   std::chrono::hours(24 * ttl_days));
  if (!issued.ok()) {
    io.err << "motcua token: " << issued.error().message() << '\n';
    return kExitFailure;
  }
  io.out << issued->secret << '\n';
  io.err << "token for " << *user_id << " (hash " << issued->record.token_hash << "), valid "
         << ttl_days << " days; it is shown only this once\n";
  return kExitOk;
}

}  // namespace

Command TokenCommand() {
  return {"token", "create or revoke bearer tokens", kUsage, &RunToken};
}

}  // namespace motcua::cli
