// identity_codec.h: how users' roles and browser sessions map to the columns
// of every SQL store (engine/sqlite, engine/postgres), as column_codec.h does
// for dossiers. Decoding never throws: a malformed stored value is kInternal
// (reason kCorruptRow).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/identity.h"
#include "engine/domain/session_store.h"
#include "engine/domain/status.h"

namespace motcua {

// users.roles: a JSON list of role names.
std::string EncodeUserRoles(const std::vector<std::string>& roles);
Result<std::vector<std::string>> DecodeUserRoles(const std::string& text,
                                                 const std::string& user_id);

// sessions.verified_identity: the claim set as JSON, NULL when empty.
std::optional<std::string> EncodeVerifiedIdentity(const VerifiedIdentity& identity);

// A sessions row as read, before decoding.
struct SessionColumns {
  std::string session_hash;
  std::string user_id;
  std::string auth_method;
  std::string identity_provider;
  std::int64_t created_at = 0;
  std::int64_t last_seen_at = 0;
  std::int64_t expires_at = 0;
  std::optional<std::int64_t> ended_at;
  std::optional<std::string> verified_identity;
};
Result<SessionRecord> DecodeSessionColumns(SessionColumns columns);

// The sessions columns in the order SessionColumns lists them.
inline constexpr const char* kSessionColumnList =
    "session_hash, user_id, auth_method, identity_provider, created_at, last_seen_at, "
    "expires_at, ended_at, verified_identity";

}  // namespace motcua
