// identity_claims.h: what an identity provider verified about a citizen, and
// the form fields a workflow fills from it.
//
// A citizen who signs in at an OpenID Provider brings verified claims in the
// ID token: name, national ID number, date of birth and address, as far as
// the provider gives them. The session keeps them (session_store.h) as a
// VerifiedIdentity. A workflow's form field names the claim it takes with
// "x-identity-claim" (kIdentityClaimKeyword), e.g.
//   "full_name": {"type": "string", "x-identity-claim": "name", ...}
// and PrefillForm gives the values of those fields, so the citizen does not
// retype what the state already knows. A pre-filled value is a proposal: the
// submitted form is validated like any other, and a value the citizen changed
// is theirs. The workflow linter checks the keyword (workflow_lint.h).
//
// Pure functions, no I/O.
//
// Example:
//   VerifiedIdentity identity = VerifiedIdentityFromIdToken(claims.all, "cccd");
//   nlohmann::json values = PrefillForm(workflow.procedure.form, identity);
#pragma once

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/domain/dossier.h"

namespace motcua {

// The form keyword naming the identity claim a field takes.
inline constexpr const char* kIdentityClaimKeyword = "x-identity-claim";

enum class IdentityClaim {
  kName,       // "name": the full name
  kIdNumber,   // "id_number": the provider's configured identity claim (12-digit citizen ID)
  kBirthdate,  // "birthdate": OpenID Connect's YYYY-MM-DD
  kAddress,    // "address": a string, or the OpenID Connect address's "formatted"
};

// The wire name of `claim` ("name", "id_number", "birthdate", "address"), as
// workflows name it and the API shows it.
std::string_view IdentityClaimName(IdentityClaim claim);
// The claim named `name` by IdentityClaimName; nullopt for any other text.
std::optional<IdentityClaim> ParseIdentityClaim(std::string_view name);

// A claim value longer than this is left out, not cut.
inline constexpr std::size_t kMaxIdentityClaimBytes = 500;

// The claims a provider verified: each non-empty text of at most
// kMaxIdentityClaimBytes. Empty for staff, the demo and bearer tokens.
struct VerifiedIdentity {
  std::map<IdentityClaim, std::string> claims;
  bool empty() const { return claims.empty(); }
};

// The verified identity in an ID token's claim set `id_token_claims` (a JSON
// object): "name"; the id number from `id_number_claim` (the provider's
// configured identity claim); "birthdate"; "address" as a string, or the
// "formatted" member of an address object. A claim that is missing, not
// text, empty or too long is left out.
VerifiedIdentity VerifiedIdentityFromIdToken(const nlohmann::json& id_token_claims,
                                             const std::string& id_number_claim);

// {"name": "...", "id_number": "...", ...}: the storage and API form.
nlohmann::json VerifiedIdentityToJson(const VerifiedIdentity& identity);
// What VerifiedIdentityToJson wrote; nullopt for anything else (an unknown
// claim name, a value that is not text, empty or too long).
std::optional<VerifiedIdentity> VerifiedIdentityFromJson(const nlohmann::json& json);

// The values `identity` gives the top-level fields of the procedure's form
// schema `form_schema` that name one of its claims with
// kIdentityClaimKeyword: {field: value}. Empty when nothing applies.
nlohmann::json PrefillForm(const nlohmann::json& form_schema, const VerifiedIdentity& identity);

// The member of a dossier's creating event payload in which the engine
// records the form fields whose values came, unchanged, from the applicant's
// identity provider: an array of field names. Only the engine writes it; a
// submission that sends it is refused.
inline constexpr const char* kIdentityDataField = "identity_data";

// The top-level fields of the submitted `form` whose value is exactly the one
// PrefillForm(form_schema, identity) proposes for them, in name order: the
// data the provider vouches for. A value the citizen changed is theirs and is
// not listed. Empty when `identity` is empty or `form` is not an object.
std::vector<std::string> FieldsFromIdentity(const nlohmann::json& form_schema,
                                            const nlohmann::json& form,
                                            const VerifiedIdentity& identity);

// The fields the dossier's creating event records under kIdentityDataField,
// when IdentityVerifiedBy names a provider; empty otherwise (a staff member
// or a bearer token cannot have brought verified data). Non-text entries are
// skipped.
std::vector<std::string> IdentityDataFields(const Dossier& dossier);

// The identity provider that verified the dossier applicant's identity: the
// provider of the creating event when the applicant submitted it themselves
// in an OpenID Connect session; nullopt after a bearer token or the demo
// sign-in, when someone else submitted, and when that event records no method.
// Read from the hash-chained creating event, it cannot change apart from it.
std::optional<std::string> IdentityVerifiedBy(const Dossier& dossier);

}  // namespace motcua
