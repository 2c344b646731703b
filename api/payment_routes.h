// payment_routes.h: recording fee payments.
//
//   POST /v1/dossiers/{code}/payments   staff who may take the dossier's
//                                       payment action (the desk): {"amount",
//                                       "receipt"} -> 201 with the payment
//   POST /v1/payments/callback          the payment gateway, no bearer token:
//                                       the JSON body signed in header
//                                       X-Motcua-Signature: sha256=HEX
//                                       (HMAC-SHA256 under the shared
//                                       secret) -> 200 {outcome}
#pragma once

#include "api/handler_support.h"
#include "api/router.h"
#include "engine/service/payment_service.h"

namespace motcua {

inline constexpr const char* kPaymentSignatureHeader = "X-Motcua-Signature";

struct PaymentApi {
  PaymentService& payments;
  Authenticator authenticate;
};

// `api` and what it refers to must outlive the router.
Status AddPaymentRoutes(Router& router, const PaymentApi& api);

}  // namespace motcua
