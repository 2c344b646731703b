#include "engine/storage/identity_codec.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "engine/domain/json_parse.h"
#include "engine/storage/column_codec.h"

namespace motcua {
namespace {

Error CorruptSession(const std::string& why) {
  return Error(ErrorCode::kInternal, "a stored session " + why, ErrorReason::kCorruptRow);
}

}  // namespace

std::string EncodeUserRoles(const std::vector<std::string>& roles) {
  return nlohmann::json(roles).dump();
}

Result<std::vector<std::string>> DecodeUserRoles(const std::string& text,
                                                 const std::string& user_id) {
  const Error corrupt(ErrorCode::kInternal,
                      "stored roles of user " + user_id + " are not a JSON list",
                      ErrorReason::kCorruptRow);
  Result<nlohmann::json> roles = ParseJson(text, kStoredJsonLimits);
  if (!roles.ok()) return corrupt;
  try {
    return roles->get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception&) {
    return corrupt;
  }
}

std::optional<std::string> EncodeVerifiedIdentity(const VerifiedIdentity& identity) {
  if (identity.empty()) return std::nullopt;
  return VerifiedIdentityToJson(identity).dump();
}

Result<SessionRecord> DecodeSessionColumns(SessionColumns columns) {
  SessionRecord session;
  session.session_hash = std::move(columns.session_hash);
  session.user_id = std::move(columns.user_id);
  std::optional<AuthMethod> method = ParseAuthMethod(columns.auth_method);
  if (!method) return CorruptSession("has an unknown auth_method");
  session.method = *method;
  session.identity_provider = std::move(columns.identity_provider);
  session.created_at = FromSeconds(columns.created_at);
  session.last_seen_at = FromSeconds(columns.last_seen_at);
  session.expires_at = FromSeconds(columns.expires_at);
  if (columns.ended_at) session.ended_at = FromSeconds(*columns.ended_at);
  if (columns.verified_identity) {
    Result<nlohmann::json> parsed = ParseJson(*columns.verified_identity);
    std::optional<VerifiedIdentity> read;
    if (parsed.ok()) read = VerifiedIdentityFromJson(*parsed);
    if (!read) return CorruptSession("has a verified_identity that is not a claim set");
    session.verified_identity = std::move(*read);
  }
  return session;
}

}  // namespace motcua
