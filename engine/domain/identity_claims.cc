#include "engine/domain/identity_claims.h"

#include <array>
#include <utility>

namespace motcua {
namespace {

constexpr std::array<std::pair<IdentityClaim, std::string_view>, 4> kClaimNames = {{
    {IdentityClaim::kName, "name"},
    {IdentityClaim::kIdNumber, "id_number"},
    {IdentityClaim::kBirthdate, "birthdate"},
    {IdentityClaim::kAddress, "address"},
}};

// `value` as a claim's text, or nullopt when it cannot be one.
std::optional<std::string> ClaimText(const nlohmann::json& value) {
  if (!value.is_string()) return std::nullopt;
  const std::string& text = value.get_ref<const std::string&>();
  if (text.empty() || text.size() > kMaxIdentityClaimBytes) return std::nullopt;
  return text;
}

// The member `name` of `object` as a claim's text.
std::optional<std::string> MemberText(const nlohmann::json& object, const std::string& name) {
  if (!object.is_object()) return std::nullopt;
  const auto member = object.find(name);
  return member == object.end() ? std::nullopt : ClaimText(*member);
}

}  // namespace

std::string_view IdentityClaimName(IdentityClaim claim) {
  for (const auto& [known, name] : kClaimNames) {
    if (known == claim) return name;
  }
  return "name";
}

std::optional<IdentityClaim> ParseIdentityClaim(std::string_view name) {
  for (const auto& [claim, known] : kClaimNames) {
    if (known == name) return claim;
  }
  return std::nullopt;
}

VerifiedIdentity VerifiedIdentityFromIdToken(const nlohmann::json& id_token_claims,
                                             const std::string& id_number_claim) {
  VerifiedIdentity identity;
  const std::pair<IdentityClaim, std::optional<std::string>> found[] = {
      {IdentityClaim::kName, MemberText(id_token_claims, "name")},
      {IdentityClaim::kIdNumber, MemberText(id_token_claims, id_number_claim)},
      {IdentityClaim::kBirthdate, MemberText(id_token_claims, "birthdate")},
      {IdentityClaim::kAddress, MemberText(id_token_claims, "address")},
  };
  for (const auto& [claim, text] : found) {
    if (text) identity.claims.emplace(claim, *text);
  }
  if (!identity.claims.count(IdentityClaim::kAddress) && id_token_claims.is_object()) {
    // OpenID Connect Core 5.1.1: the address is an object; "formatted" is the
    // full address for display.
    const auto address = id_token_claims.find("address");
    if (address != id_token_claims.end()) {
      if (std::optional<std::string> formatted = MemberText(*address, "formatted")) {
        identity.claims.emplace(IdentityClaim::kAddress, std::move(*formatted));
      }
    }
  }
  return identity;
}

nlohmann::json VerifiedIdentityToJson(const VerifiedIdentity& identity) {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [claim, value] : identity.claims) {
    json[std::string(IdentityClaimName(claim))] = value;
  }
  return json;
}

std::optional<VerifiedIdentity> VerifiedIdentityFromJson(const nlohmann::json& json) {
  if (!json.is_object()) return std::nullopt;
  VerifiedIdentity identity;
  for (const auto& [name, value] : json.items()) {
    const std::optional<IdentityClaim> claim = ParseIdentityClaim(name);
    std::optional<std::string> text = ClaimText(value);
    if (!claim || !text) return std::nullopt;
    identity.claims.emplace(*claim, std::move(*text));
  }
  return identity;
}

nlohmann::json PrefillForm(const nlohmann::json& form_schema, const VerifiedIdentity& identity) {
  nlohmann::json values = nlohmann::json::object();
  if (!form_schema.is_object()) return values;
  const auto properties = form_schema.find("properties");
  if (properties == form_schema.end() || !properties->is_object()) return values;
  for (const auto& [field, schema] : properties->items()) {
    if (!schema.is_object()) continue;
    const auto keyword = schema.find(kIdentityClaimKeyword);
    if (keyword == schema.end() || !keyword->is_string()) continue;
    const std::optional<IdentityClaim> claim =
        ParseIdentityClaim(keyword->get_ref<const std::string&>());
    if (!claim) continue;
    const auto value = identity.claims.find(*claim);
    if (value != identity.claims.end()) values[field] = value->second;
  }
  return values;
}

std::optional<std::string> IdentityVerifiedBy(const Dossier& dossier) {
  if (dossier.history.empty()) return std::nullopt;
  const DossierEvent& created = dossier.history.front();
  if (!created.records_authentication ||
      created.actor.authenticated_by != AuthMethod::kOidcSession ||
      created.actor.identity_provider.empty() || created.actor.user_id != dossier.applicant_id) {
    return std::nullopt;
  }
  return created.actor.identity_provider;
}

std::vector<std::string> FieldsFromIdentity(const nlohmann::json& form_schema,
                                            const nlohmann::json& form,
                                            const VerifiedIdentity& identity) {
  std::vector<std::string> fields;
  if (identity.empty() || !form.is_object()) return fields;
  const nlohmann::json proposed = PrefillForm(form_schema, identity);
  for (const auto& [field, value] : proposed.items()) {
    const auto submitted = form.find(field);
    if (submitted != form.end() && *submitted == value) fields.push_back(field);
  }
  return fields;  // json objects iterate in name order
}

std::vector<std::string> IdentityDataFields(const Dossier& dossier) {
  std::vector<std::string> fields;
  if (!IdentityVerifiedBy(dossier)) return fields;
  const nlohmann::json& payload = dossier.history.front().payload;
  if (!payload.is_object()) return fields;
  const auto recorded = payload.find(kIdentityDataField);
  if (recorded == payload.end() || !recorded->is_array()) return fields;
  for (const nlohmann::json& field : *recorded) {
    if (field.is_string()) fields.push_back(field.get<std::string>());
  }
  return fields;
}

}  // namespace motcua
