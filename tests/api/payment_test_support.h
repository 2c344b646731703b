// payment_test_support.h: the payment gateway of the route tests that pay
// fees: its shared secret, a PaymentService that checks callbacks against
// it, and the submission of a permanent-residence dossier (workflow 1.004222,
// service_fixture.h), whose fee is due once a clerk receives it.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "engine/crypto/hmac.h"
#include "engine/service/payment_service.h"
#include "tests/service_fixture.h"

namespace motcua {

inline constexpr const char* kGatewaySecret = "gateway-shared-secret-0123456789";

// A PaymentService on `world` whose gateway signs with kGatewaySecret.
inline std::unique_ptr<PaymentService> GatewayPayments(PermanentResidenceService& world) {
  return std::make_unique<PaymentService>(
      *world.service, world.store, [](std::string_view body, std::string_view signature) {
        return HmacSha256Matches(kGatewaySecret, body, signature);
      });
}

// The body of POST /v1/dossiers for a permanent-residence dossier of
// `applicant` at `agency`, naming the documents 64 '1's and 64 '2's (which
// the test stores for the applicant).
inline nlohmann::json PermanentResidenceSubmission(const std::string& applicant,
                                                   const std::string& agency) {
  return {
      {"procedure", "1.004222"},
      {"agency", agency},
      {"form", {{"full_name", "Nguyễn Văn An"}, {"citizen_id", applicant}, {"address", "Huế"}}},
      {"documents",
       {{"declaration", std::string(64, '1')}, {"legal_residence_proof", std::string(64, '2')}}}};
}

}  // namespace motcua
