#include "engine/domain/identity_claims.h"

#include <doctest/doctest.h>

#include <string>

namespace motcua {
namespace {

using nlohmann::json;

const json kForm = {
    {"type", "object"},
    {"properties",
     {{"full_name", {{"type", "string"}, {"x-identity-claim", "name"}}},
      {"citizen_id", {{"type", "string"}, {"x-identity-claim", "id_number"}}},
      {"born", {{"type", "string"}, {"x-identity-claim", "birthdate"}}},
      {"address", {{"type", "string"}, {"x-identity-claim", "address"}}},
      {"relationship", {{"type", "string"}}},
      {"odd", {{"type", "string"}, {"x-identity-claim", "blood_type"}}},
      {"home",
       {{"type", "object"},
        {"properties", {{"street", {{"type", "string"}, {"x-identity-claim", "address"}}}}}}}}}};

TEST_CASE("identity claims: the verified claims of an ID token, as the provider gives them") {
  const json token = {{"sub", "s-1"},
                      {"name", "Nguyễn Văn An"},
                      {"cccd", "001090012345"},
                      {"birthdate", "1990-02-01"},
                      {"address", {{"formatted", "12 Hàng Bài, Hà Nội"}, {"country", "VN"}}},
                      {"id_number", "not the configured claim"}};
  const VerifiedIdentity identity = VerifiedIdentityFromIdToken(token, "cccd");
  REQUIRE(identity.claims.size() == 4);
  CHECK(identity.claims.at(IdentityClaim::kName) == "Nguyễn Văn An");
  CHECK(identity.claims.at(IdentityClaim::kIdNumber) == "001090012345");
  CHECK(identity.claims.at(IdentityClaim::kBirthdate) == "1990-02-01");
  CHECK(identity.claims.at(IdentityClaim::kAddress) == "12 Hàng Bài, Hà Nội");

  const VerifiedIdentity plain = VerifiedIdentityFromIdToken({{"address", "Huế"}}, "cccd");
  CHECK(plain.claims.at(IdentityClaim::kAddress) == "Huế");
}

TEST_CASE("identity claims: what is missing, not text, empty or absurdly long is left out") {
  const json token = {{"name", std::string(kMaxIdentityClaimBytes + 1, 'a')},
                      {"cccd", 1090012345},
                      {"birthdate", ""},
                      {"address", {{"formatted", json::array({"x"})}}}};
  CHECK(VerifiedIdentityFromIdToken(token, "cccd").empty());
  CHECK(VerifiedIdentityFromIdToken(json::array({1, 2}), "cccd").empty());
  CHECK(VerifiedIdentityFromIdToken(json("name"), "name").empty());
  const json longest = {{"name", std::string(kMaxIdentityClaimBytes, 'a')}};
  CHECK(VerifiedIdentityFromIdToken(longest, "cccd").claims.size() == 1);
}

TEST_CASE("identity claims: the stored form reads back, and nothing else does") {
  VerifiedIdentity identity;
  identity.claims = {{IdentityClaim::kName, "An"}, {IdentityClaim::kBirthdate, "1990-02-01"}};
  const json stored = VerifiedIdentityToJson(identity);
  CHECK(stored == json{{"name", "An"}, {"birthdate", "1990-02-01"}});
  const std::optional<VerifiedIdentity> read = VerifiedIdentityFromJson(stored);
  REQUIRE(read.has_value());
  CHECK(read->claims == identity.claims);
  CHECK(VerifiedIdentityFromJson(json::object())->empty());
  for (const json& bad : {json{{"roles", "admin"}}, json{{"name", 7}}, json{{"name", ""}},
                          json{{"name", std::string(kMaxIdentityClaimBytes + 1, 'x')}},
                          json::array(), json("name")}) {
    CAPTURE(bad.dump());
    CHECK_FALSE(VerifiedIdentityFromJson(bad).has_value());
  }
}

TEST_CASE("identity claims: a form's fields take the claims they name, top-level fields only") {
  VerifiedIdentity identity;
  identity.claims = {{IdentityClaim::kName, "Nguyễn Văn An"},
                     {IdentityClaim::kIdNumber, "001090012345"},
                     {IdentityClaim::kAddress, "12 Hàng Bài"}};
  CHECK(PrefillForm(kForm, identity) == json{{"full_name", "Nguyễn Văn An"},
                                             {"citizen_id", "001090012345"},
                                             {"address", "12 Hàng Bài"}});
  CHECK(PrefillForm(kForm, VerifiedIdentity{}) == json::object());
  CHECK(PrefillForm(json::object(), identity) == json::object());
  CHECK(PrefillForm(json{{"properties", json::array()}}, identity) == json::object());
  CHECK(PrefillForm(json{{"properties", {{"a", {{"x-identity-claim", 3}}}}}}, identity) ==
        json::object());
}

TEST_CASE("identity claims: a dossier's identity is verified only by its applicant's own sign-in") {
  Dossier dossier;
  dossier.applicant_id = "001090012345";
  CHECK_FALSE(IdentityVerifiedBy(dossier).has_value());  // no history
  DossierEvent submitted;
  submitted.action = "submit";
  submitted.actor = Actor{"001090012345", {"applicant"}, "", AuthMethod::kOidcSession, "vneid"};
  dossier.history.push_back(submitted);
  CHECK(IdentityVerifiedBy(dossier) == std::optional<std::string>("vneid"));

  struct Case {
    const char* name;
    void (*change)(DossierEvent&);
  };
  const Case unverified[] = {
      {"bearer token",
       [](DossierEvent& e) { e.actor.authenticated_by = AuthMethod::kBearerToken; }},
      {"demo",
       [](DossierEvent& e) {
         e.actor.authenticated_by = AuthMethod::kDemoSession;
         e.actor.identity_provider.clear();
       }},
      {"a clerk for the applicant", [](DossierEvent& e) { e.actor.user_id = "clerk-1"; }},
      {"no provider", [](DossierEvent& e) { e.actor.identity_provider.clear(); }},
      {"stored before methods were recorded",
       [](DossierEvent& e) { e.records_authentication = false; }},
  };
  for (const Case& c : unverified) {
    CAPTURE(c.name);
    Dossier changed = dossier;
    c.change(changed.history.Mutable().front());
    CHECK_FALSE(IdentityVerifiedBy(changed).has_value());
  }
  // Later actions in a session do not make an unverified submission verified.
  Dossier later = dossier;
  later.history.Mutable().front().actor.authenticated_by = AuthMethod::kBearerToken;
  later.history.push_back(submitted);
  CHECK_FALSE(IdentityVerifiedBy(later).has_value());
}

TEST_CASE("identity claims: only fields submitted exactly as verified count as the provider's") {
  VerifiedIdentity identity;
  identity.claims = {{IdentityClaim::kName, "Nguyễn Văn An"},
                     {IdentityClaim::kIdNumber, "001090012345"},
                     {IdentityClaim::kBirthdate, "1990-05-01"}};
  const json form = {{"full_name", "Nguyễn Văn An"},  // as verified
                     {"citizen_id", "001090012346"},  // changed by the citizen
                     {"born", "1990-05-01"},          // as verified
                     {"relationship", "Nguyễn Văn An"}};
  CHECK(FieldsFromIdentity(kForm, form, identity) == std::vector<std::string>{"born", "full_name"});
  CHECK(FieldsFromIdentity(kForm, form, VerifiedIdentity{}).empty());
  CHECK(FieldsFromIdentity(kForm, json::array(), identity).empty());
  CHECK(FieldsFromIdentity(kForm, json{{"full_name", json::array({"Nguyễn Văn An"})}}, identity)
            .empty());
}

TEST_CASE("identity claims: the recorded identity data counts only for a verified submission") {
  Dossier dossier;
  dossier.applicant_id = "001090012345";
  CHECK(IdentityDataFields(dossier).empty());
  DossierEvent submitted;
  submitted.action = "submit";
  submitted.actor = Actor{"001090012345", {"applicant"}, "", AuthMethod::kOidcSession, "vneid"};
  submitted.payload = {{"form", json::object()},
                       {kIdentityDataField, json::array({"full_name", 7, "born"})}};
  dossier.history.push_back(submitted);
  CHECK(IdentityDataFields(dossier) == std::vector<std::string>{"full_name", "born"});

  // The same record from a clerk's or a token's submission counts for nothing.
  Dossier by_clerk = dossier;
  by_clerk.history.Mutable().front().actor.user_id = "clerk-1";
  CHECK(IdentityDataFields(by_clerk).empty());
  Dossier by_token = dossier;
  by_token.history.Mutable().front().actor.authenticated_by = AuthMethod::kBearerToken;
  CHECK(IdentityDataFields(by_token).empty());
  Dossier not_a_list = dossier;
  not_a_list.history.Mutable().front().payload[kIdentityDataField] = "full_name";
  CHECK(IdentityDataFields(not_a_list).empty());
}

TEST_CASE("identity claims: names round-trip, and only they parse") {
  for (IdentityClaim claim : {IdentityClaim::kName, IdentityClaim::kIdNumber,
                              IdentityClaim::kBirthdate, IdentityClaim::kAddress}) {
    CHECK(ParseIdentityClaim(IdentityClaimName(claim)) == claim);
  }
  CHECK_FALSE(ParseIdentityClaim("Name").has_value());
  CHECK_FALSE(ParseIdentityClaim("").has_value());
}

}  // namespace
}  // namespace motcua
