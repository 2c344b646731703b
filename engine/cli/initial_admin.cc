#include "engine/cli/initial_admin.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "engine/domain/status_macros.h"

namespace motcua::cli {

Result<std::optional<std::string>> EnsureInitialAdmin(IdentityStore& store, TokenService& tokens,
                                                      const Clock& clock,
                                                      const std::string& token_file,
                                                      const std::string& agency) {
  ASSIGN_OR_RETURN(std::int64_t users, store.CountUsers());
  if (users > 0) return std::optional<std::string>();

  const int fd = open(token_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int saved = errno;
    return Error(saved == EEXIST ? ErrorCode::kFailedPrecondition : ErrorCode::kUnavailable,
                 token_file + ": cannot create the admin token file: " + std::strerror(saved) +
                     (saved == EEXIST ? " (remove it, or use --admin-token-file)" : ""));
  }
  User admin{"admin", "Administrator", {kAdminRole, kNationalAdminRole}, agency, {},
             false,   clock.Now()};
  Status valid = ValidateUser(admin);
  Status created = valid.ok() ? store.CreateUser(admin) : valid;
  Result<TokenService::Issued> issued =
      created.ok() ? tokens.Issue("admin", "initial admin token", std::chrono::hours(24 * 90))
                   : Result<TokenService::Issued>(created.error());
  if (!issued.ok()) {
    close(fd);
    unlink(token_file.c_str());
    return issued.error();
  }
  const std::string line = issued->secret + "\n";
  const bool written = write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  const bool synced = fsync(fd) == 0;
  close(fd);
  if (!written || !synced) {
    unlink(token_file.c_str());
    return Error(ErrorCode::kUnavailable, token_file + ": cannot write the admin token");
  }
  return std::optional<std::string>(token_file);
}

}  // namespace motcua::cli
