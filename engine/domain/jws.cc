#include "engine/domain/jws.h"

#include <array>
#include <utility>

#include "engine/domain/base64url.h"
#include "engine/domain/id_token_refusal.h"
#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

constexpr std::array<std::pair<JwsAlgorithm, const char*>, 4> kAlgorithmNames = {{
    {JwsAlgorithm::kRs256, "RS256"},
    {JwsAlgorithm::kPs256, "PS256"},
    {JwsAlgorithm::kEs256, "ES256"},
    {JwsAlgorithm::kEdDsa, "EdDSA"},
}};

Error Malformed(const std::string& why) {
  return IdTokenRefused(IdTokenRefusal::kMalformed, why);
}

// The JSON object that the base64url `part` encodes.
Result<nlohmann::json> DecodeJsonObject(std::string_view part, const char* what) {
  std::optional<std::string> text = Base64UrlDecode(part);
  if (!text) return Malformed(std::string("the ") + what + " is not canonical base64url");
  Result<nlohmann::json> json = ParseJson(*text, kJwsJsonLimits);
  if (!json.ok()) return Malformed(std::string("the ") + what + ": " + json.error().message());
  if (!json->is_object()) return Malformed(std::string("the ") + what + " is not a JSON object");
  return json;
}

// The header member `name` as a string: nullopt when absent, an error when
// present with another type.
Result<std::optional<std::string>> OptionalStringMember(const nlohmann::json& header,
                                                        const char* name) {
  const auto member = header.find(name);
  if (member == header.end()) return std::optional<std::string>();
  if (!member->is_string())
    return Malformed(std::string("the header's ") + name + " is not a string");
  return std::optional<std::string>(member->get<std::string>());
}

}  // namespace

const char* JwsAlgorithmName(JwsAlgorithm algorithm) {
  for (const auto& [value, name] : kAlgorithmNames) {
    if (value == algorithm) return name;
  }
  return "";
}

std::optional<JwsAlgorithm> JwsAlgorithmFromName(std::string_view name) {
  for (const auto& [value, known] : kAlgorithmNames) {
    if (name == known) return value;
  }
  return std::nullopt;
}

Result<CompactJws> ParseCompactJws(std::string_view token) {
  if (token.size() > kMaxCompactJwsBytes) {
    return IdTokenRefused(
        IdTokenRefusal::kTooLarge,
        "the token is longer than " + std::to_string(kMaxCompactJwsBytes) + " bytes");
  }
  const std::size_t first_dot = token.find('.');
  const std::size_t second_dot =
      first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos ||
      token.find('.', second_dot + 1) != std::string_view::npos) {
    return Malformed("the token is not three parts separated by '.'");
  }
  CompactJws jws;
  ASSIGN_OR_RETURN(jws.header, DecodeJsonObject(token.substr(0, first_dot), "header"));
  ASSIGN_OR_RETURN(
      jws.payload,
      DecodeJsonObject(token.substr(first_dot + 1, second_dot - first_dot - 1), "payload"));
  std::optional<std::string> signature = Base64UrlDecode(token.substr(second_dot + 1));
  if (!signature) return Malformed("the signature is not canonical base64url");
  jws.signature = std::move(*signature);
  jws.signing_input = std::string(token.substr(0, second_dot));

  if (jws.header.contains("crit")) {
    return IdTokenRefused(IdTokenRefusal::kCriticalHeader,
                          "the header names critical extensions (crit), none of which is "
                          "understood");
  }
  const auto algorithm = jws.header.find("alg");
  if (algorithm == jws.header.end() || !algorithm->is_string()) {
    return Malformed("the header's alg is missing or not a string");
  }
  jws.algorithm = algorithm->get<std::string>();
  ASSIGN_OR_RETURN(jws.key_id, OptionalStringMember(jws.header, "kid"));
  ASSIGN_OR_RETURN(jws.type, OptionalStringMember(jws.header, "typ"));
  return jws;
}

}  // namespace motcua
