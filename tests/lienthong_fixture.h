// lienthong_fixture.h: the agencies of the inter-agency (liên thông) tests
// of every layer (issue 22): a commune that receives the bundled birth and
// death groups, and the police and social insurance offices that fill their
// agency roles for it.
#pragma once

#include <nlohmann/json.hpp>

namespace motcua::lienthong {

inline constexpr const char* kCommune = "000.00.01.H26";
inline constexpr const char* kPolice = "000.00.20.H26";
inline constexpr const char* kInsurance = "000.00.30.H26";
inline constexpr const char* kCitizen = "001090012345";

inline constexpr const char* kBirthGroupFile =
    "workflows/LT-KHAISINH-birth-residence-health-insurance.json";
inline constexpr const char* kDeathGroupFile =
    "workflows/1.011537-lienthong-death-residence-funeral.json";

// The agency roles of both groups for the commune, as `serve --agency-roles`
// reads them (AgencyRoleDirectory::FromJson).
inline nlohmann::json AgencyRoles() {
  return {{kCommune, {{"residence_police", kPolice}, {"social_insurance", kInsurance}}}};
}

}  // namespace motcua::lienthong
