// Who may publish which workflow definition (issue 14.9): national
// definitions only by a national admin or the engine, an agency's own
// procedures only by that agency's admins.
#include "engine/service/workflow_catalog.h"

#include <doctest/doctest.h>

#include "engine/domain/identity.h"
#include "tests/service_fixture.h"

namespace motcua {
namespace {

const Actor kNational{"national-1", {"national_admin"}, "000.00.00.H26"};
const Actor kAdminX{"admin-x", {"admin"}, "000.00.01.H26"};
const Actor kAdminY{"admin-y", {"admin"}, "000.00.02.H26"};
const Actor kClerkX{"clerk-x", {"reception_clerk"}, "000.00.01.H26"};

nlohmann::json Residence(const std::string& code, const std::string& first_state_name) {
  nlohmann::json document = LoadJson("workflows/1.004222-permanent-residence.json");
  document["procedure"]["code"] = code;
  document["states"][0]["name"] = first_state_name;
  return document;
}

ErrorCode Refusal(const Result<StoredDefinition>& published) {
  return published.ok() ? ErrorCode::kInternal : published.error().code();
}

TEST_CASE("workflow catalog: national definitions are the national admin's") {
  PermanentResidenceService s;  // 1.004222 published by the engine: national
  CHECK(Refusal(s.catalog->Publish(kAdminX, Residence("1.004222", "X's"))) ==
        ErrorCode::kPermissionDenied);
  CHECK(Refusal(s.catalog->Publish(kClerkX, Residence("1.004222", "X's"))) ==
        ErrorCode::kPermissionDenied);
  CHECK(s.catalog->Get("1.004222").value()->definition.version == 1);
  // Nor may an agency claim a national code nobody has published yet.
  CHECK(Refusal(s.catalog->Publish(kAdminX, Residence("1.999999", "X's"))) ==
        ErrorCode::kPermissionDenied);

  Result<StoredDefinition> national = s.catalog->Publish(kNational, Residence("1.004222", "N"));
  REQUIRE(national.ok());
  CHECK(national->version == 2);
  CHECK(national->owner_agency.empty());
  CHECK(national->published_by == "national-1");
}

TEST_CASE("workflow catalog: an agency's variant is changed by that agency's admins only") {
  PermanentResidenceService s;
  Result<StoredDefinition> variant = s.catalog->Publish(kAdminX, Residence("1.004222-X", "X v1"));
  REQUIRE(variant.ok());
  CHECK(variant->owner_agency == "000.00.01.H26");
  CHECK(Refusal(s.catalog->Publish(kAdminY, Residence("1.004222-X", "Y's"))) ==
        ErrorCode::kPermissionDenied);
  CHECK(Refusal(s.catalog->Publish(kNational, Residence("1.004222-X", "N's"))) ==
        ErrorCode::kPermissionDenied);
  Result<StoredDefinition> second = s.catalog->Publish(kAdminX, Residence("1.004222-X", "X v2"));
  REQUIRE(second.ok());
  CHECK(second->version == 2);
  CHECK(second->owner_agency == "000.00.01.H26");
}

}  // namespace
}  // namespace motcua
