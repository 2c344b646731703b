// initial_admin.h: the first administrator of an empty database.
#pragma once

#include <optional>
#include <string>

#include "engine/domain/identity.h"
#include "engine/service/token_service.h"

namespace motcua::cli {

// When `store` has no users: creates user "admin" (roles admin and
// national_admin, scope `agency`, created at `clock`'s now: the
// installation's first administrator manages national procedures and every
// account), issues a 90-day token and writes its secret to `token_file`,
// created with mode 0600 so only the server's owner can read it. Returns the
// file written, or nullopt when users already existed. kFailedPrecondition if
// `token_file` exists already (it is never overwritten).
Result<std::optional<std::string>> EnsureInitialAdmin(IdentityStore& store, TokenService& tokens,
                                                      const Clock& clock,
                                                      const std::string& token_file,
                                                      const std::string& agency);

}  // namespace motcua::cli
