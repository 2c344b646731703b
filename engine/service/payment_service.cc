#include "engine/service/payment_service.h"

#include <vector>

#include "engine/domain/access.h"
#include "engine/domain/json_parse.h"
#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

constexpr std::size_t kMaxIdBytes = 128;

bool IsIdText(const nlohmann::json& value) {
  return value.is_string() && !value.get<std::string>().empty() &&
         value.get<std::string>().size() <= kMaxIdBytes;
}

Error InvalidPayload(std::vector<FieldError> fields) {
  return Error(ErrorCode::kInvalidArgument, "the payment is not valid",
               ErrorReason::kInvalidPayload, std::move(fields));
}

}  // namespace

Result<DossierView> PaymentService::RecordDeskPayment(const Actor& clerk, const std::string& code,
                                                      const nlohmann::json& payload) {
  if (Status allowed = Authorize(clerk, Operation::kRecordDeskPayment); !allowed.ok()) {
    return allowed.error();
  }
  std::vector<FieldError> invalid;
  auto amount = payload.find("amount");
  if (amount == payload.end() || !amount->is_number_integer() || amount->get<std::int64_t>() < 0) {
    invalid.push_back({"/amount", "must be a non-negative integer amount in VND"});
  }
  auto receipt = payload.find("receipt");
  if (receipt == payload.end() || !IsIdText(*receipt)) {
    invalid.push_back({"/receipt", "must be the receipt number, 1-128 characters"});
  }
  if (!invalid.empty()) return InvalidPayload(std::move(invalid));
  PaymentRecord payment;
  payment.transaction_id = "desk:" + clerk.agency + ":" + receipt->get<std::string>();
  payment.channel = Channel::kDesk;
  payment.amount = amount->get<std::int64_t>();
  return dossiers_.PayFee(clerk, code, std::move(payment));
}

Result<GatewayConfirmation> PaymentService::ConfirmOnline(std::string_view body,
                                                          std::string_view signature) {
  if (!verify_) {
    return Error(ErrorCode::kUnavailable, "no payment gateway secret is configured",
                 ErrorReason::kPaymentsUnavailable);
  }
  if (!verify_(body, signature)) {
    return Error(ErrorCode::kUnauthenticated, "the callback's signature is not valid",
                 ErrorReason::kBadSignature);
  }
  Result<nlohmann::json> parsed_body = ParseJson(body, kRequestJsonLimits);
  if (!parsed_body.ok()) return InvalidPayload({{"", parsed_body.error().message()}});
  const nlohmann::json& parsed = *parsed_body;
  if (!parsed.is_object()) return InvalidPayload({{"", "must be a JSON object"}});
  std::vector<FieldError> invalid;
  if (!IsIdText(parsed.value("transaction_id", nlohmann::json()))) {
    invalid.push_back({"/transaction_id", "must be the gateway's id, 1-128 characters"});
  }
  if (!IsIdText(parsed.value("dossier", nlohmann::json()))) {
    invalid.push_back({"/dossier", "must be the dossier code"});
  }
  const nlohmann::json amount = parsed.value("amount", nlohmann::json());
  if (!amount.is_number_integer() || amount.get<std::int64_t>() < 0) {
    invalid.push_back({"/amount", "must be a non-negative integer amount in VND"});
  }
  const std::string status = parsed.value("status", "");
  if (status != "paid" && status != "failed") {
    invalid.push_back({"/status", "must be \"paid\" or \"failed\""});
  }
  if (!invalid.empty()) return InvalidPayload(std::move(invalid));

  GatewayConfirmation confirmation{parsed.at("transaction_id").get<std::string>(),
                                   parsed.at("dossier").get<std::string>(), "ignored"};
  if (status != "paid") return confirmation;

  // A confirmation of a transaction already recorded changes nothing, if it
  // is the same payment.
  auto replay = [&](const PaymentRecord& record) -> Result<GatewayConfirmation> {
    if (record.dossier_code != confirmation.dossier_code ||
        record.amount != amount.get<std::int64_t>() || record.channel != Channel::kOnline) {
      return Error(ErrorCode::kConflict,
                   "transaction " + confirmation.transaction_id +
                       " was recorded for another dossier or amount",
                   ErrorReason::kTransactionReused);
    }
    confirmation.outcome = "replayed";
    return confirmation;
  };
  auto recorded = [&]() { return store_.FindPayment(confirmation.transaction_id); };
  ASSIGN_OR_RETURN(std::optional<PaymentRecord> known, recorded());
  if (known.has_value()) return replay(*known);

  PaymentRecord payment;
  payment.transaction_id = confirmation.transaction_id;
  payment.channel = Channel::kOnline;
  payment.amount = amount.get<std::int64_t>();
  Result<DossierView> paid = dossiers_.PayFee(Actor{kSystemRole, {kSystemRole}, ""},
                                              confirmation.dossier_code, std::move(payment));
  if (!paid.ok()) {
    // The same confirmation delivered twice at once: the other one won.
    if (paid.error().reason() == ErrorReason::kDuplicatePayment) {
      ASSIGN_OR_RETURN(std::optional<PaymentRecord> winner, recorded());
      if (!winner.has_value()) return Error(ErrorCode::kInternal, "payment vanished");
      return replay(*winner);
    }
    return paid.error();
  }
  confirmation.outcome = "recorded";
  return confirmation;
}

}  // namespace motcua
