// payment_service.h: recording fee payments, at the desk and from the
// payment gateway.
//
// A clerk records a payment taken at the one-stop desk (with its receipt
// number). The gateway confirms online payments by calling back with a JSON
// body signed with a shared secret (HMAC-SHA256); a confirmation is recorded
// once per gateway transaction id, so a replay changes nothing and a forged
// one is refused before anything is read. Both settle the dossier through
// DossierService::PayFee, in one transaction with the payment record.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "engine/domain/store.h"
#include "engine/service/dossier_service.h"

namespace motcua {

// True when `signature` is the gateway's signature of exactly `body`.
using CallbackVerifier = std::function<bool(std::string_view body, std::string_view signature)>;

struct GatewayConfirmation {
  std::string transaction_id;
  std::string dossier_code;
  // "recorded" (this call settled the fee), "replayed" (already recorded;
  // nothing changed) or "ignored" (the gateway reports a payment that did
  // not go through; nothing changed).
  std::string outcome;
};

class PaymentService {
 public:
  // Without `verify` (no shared secret configured) the gateway callback is
  // refused with kUnavailable "payments_unavailable".
  PaymentService(DossierService& dossiers, DossierStore& store, CallbackVerifier verify)
      : dossiers_(dossiers), store_(store), verify_(std::move(verify)) {}

  // A payment taken at the desk: `payload` {"amount": VND, "receipt": the
  // receipt number}. The transaction id is desk:AGENCY:RECEIPT, so a receipt
  // is recorded once per agency (kConflict "duplicate_payment"). Only staff
  // (kPermissionDenied "role_not_allowed" for applicants); other errors as
  // DossierService::PayFee; kInvalidArgument "invalid_payload".
  Result<DossierView> RecordDeskPayment(const Actor& clerk, const std::string& code,
                                        const nlohmann::json& payload);

  // The gateway's callback: `body` is {"transaction_id", "dossier",
  // "amount", "status": "paid" | "failed"}, `signature` its HMAC.
  // Errors: kUnauthenticated "bad_signature"; kInvalidArgument
  // "invalid_payload"; kConflict "transaction_reused" (the id was recorded
  // for another dossier or amount); PayFee's errors.
  Result<GatewayConfirmation> ConfirmOnline(std::string_view body, std::string_view signature);

 private:
  DossierService& dossiers_;
  DossierStore& store_;
  CallbackVerifier verify_;
};

}  // namespace motcua
