// Fee payments through the /v1 handlers: a clerk records a desk payment; the
// gateway's HMAC-signed callback settles online payments once per
// transaction id, and forged or replayed callbacks change nothing.
#include "api/payment_routes.h"

#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "api/document_routes.h"
#include "api/dossier_routes.h"
#include "api/http_message.h"
#include "engine/crypto/hmac.h"
#include "engine/crypto/sha256.h"
#include "tests/api/payment_test_support.h"
#include "tests/api/route_test_support.h"
#include "tests/fakes/memory_store.h"
#include "tests/service_fixture.h"

namespace motcua {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

struct Api : PermanentResidenceService {
  std::unique_ptr<PaymentService> payments;
  std::unique_ptr<DossierApi> api;
  std::unique_ptr<PaymentApi> payment_api;
  Router router;

  Api() {
    payments = GatewayPayments(*this);
    api = std::make_unique<DossierApi>(
        DossierApi{*service, *catalog, TokenTable(Tokens()), *calendar});
    payment_api = std::make_unique<PaymentApi>(PaymentApi{*payments, TokenTable(Tokens())});
    REQUIRE(AddDossierRoutes(router, *api).ok());
    REQUIRE(AddPaymentRoutes(router, *payment_api).ok());
    for (const std::string& id : {std::string(64, '1'), std::string(64, '2')}) {
      REQUIRE(store.PutDocument({id, 3, "application/pdf"}, "pdf", kOwnerId, clock.Now()).ok());
    }
  }

  HttpResponse Call(const std::string& method, const std::string& target, const std::string& token,
                    const std::string& body = {}, std::vector<HttpHeader> headers = {}) {
    clock.Advance(1min);
    return CallRoute(router, method, target, token, body, std::move(headers));
  }

  // A dossier received and waiting for its fee (status 6).
  std::string AwaitingFee() {
    HttpResponse created = Call("POST", "/v1/dossiers", "t-owner",
                                PermanentResidenceSubmission(kOwnerId, kAgencyA).dump());
    REQUIRE_MESSAGE(created.status == 201, created.body);
    const std::string code = json::parse(created.body).at("code");
    HttpResponse received = Call("POST", "/v1/dossiers/" + code + "/actions/receive", "t-clerk");
    REQUIRE_MESSAGE(received.status == 200, received.body);
    REQUIRE(json::parse(received.body).at("status") == 6);
    return code;
  }

  HttpResponse Callback(const json& body, const std::string& secret = kGatewaySecret) {
    const std::string text = body.dump();
    return Call("POST", "/v1/payments/callback", "", text,
                {{kPaymentSignatureHeader, "sha256=" + HmacSha256Hex(secret, text)}});
  }
};

json Paid(const std::string& transaction, const std::string& code, std::int64_t amount) {
  return {
      {"transaction_id", transaction}, {"dossier", code}, {"amount", amount}, {"status", "paid"}};
}

TEST_CASE("payments: the gateway's signed confirmation settles the fee once") {
  Api api;
  const std::string code = api.AwaitingFee();
  const std::int64_t version = api.store.GetDossier(code)->version;

  // Forged: another secret, no signature, or a body changed after signing.
  CHECK(api.Callback(Paid("gw-1", code, 10000), "not-the-secret-0123456789").status == 401);
  CHECK(api.Call("POST", "/v1/payments/callback", "", Paid("gw-1", code, 10000).dump()).status ==
        401);
  const std::string signed_text = Paid("gw-1", code, 10000).dump();
  const std::string changed = Paid("gw-1", code, 1).dump();
  CHECK(
      api.Call("POST", "/v1/payments/callback", "", changed,
               {{kPaymentSignatureHeader, "sha256=" + HmacSha256Hex(kGatewaySecret, signed_text)}})
          .status == 401);
  // Signed but wrong: the online amount is 10,000 VND.
  HttpResponse short_paid = api.Callback(Paid("gw-1", code, 20000));
  CHECK(short_paid.status == 400);
  CHECK(short_paid.body.find("amount_mismatch") != std::string::npos);
  CHECK(api.Callback({{"transaction_id", "gw-1"}, {"dossier", code}}).status == 422);
  // A failed payment is acknowledged and changes nothing.
  HttpResponse failed = api.Callback(
      {{"transaction_id", "gw-0"}, {"dossier", code}, {"amount", 10000}, {"status", "failed"}});
  CHECK(failed.status == 200);
  CHECK(json::parse(failed.body).at("outcome") == "ignored");
  CHECK(api.store.GetDossier(code)->version == version);
  CHECK_FALSE(api.store.FindPayment("gw-1")->has_value());

  HttpResponse paid = api.Callback(Paid("gw-1", code, 10000));
  REQUIRE_MESSAGE(paid.status == 200, paid.body);
  CHECK(json::parse(paid.body).at("outcome") == "recorded");
  const Dossier after = api.store.GetDossier(code).value();
  CHECK(after.state == "in_review");
  CHECK(after.version == version + 1);
  CHECK(after.history.back().channel == Channel::kOnline);
  CHECK(after.history.back().actor.user_id == "system");
  const std::optional<PaymentRecord> record = api.store.FindPayment("gw-1").value();
  REQUIRE(record.has_value());
  CHECK(record->amount == 10000);
  CHECK(record->dossier_code == code);
  // Still fully online: the payment was made online.
  CHECK(json::parse(api.Call("GET", "/v1/dossiers/" + code, "t-owner").body)
            .at("fully_online")
            .at("fully_online") == true);

  // A replay changes nothing; the same id for another dossier is refused.
  HttpResponse replay = api.Callback(Paid("gw-1", code, 10000));
  CHECK(replay.status == 200);
  CHECK(json::parse(replay.body).at("outcome") == "replayed");
  CHECK(api.store.GetDossier(code)->version == version + 1);
  const std::string other = api.AwaitingFee();
  HttpResponse reused = api.Callback(Paid("gw-1", other, 10000));
  CHECK(reused.status == 409);
  CHECK(reused.body.find("transaction_reused") != std::string::npos);
  CHECK(api.store.GetDossier(other)->state == "awaiting_fee");
  // A dossier not waiting for a fee.
  HttpResponse late = api.Callback(Paid("gw-2", code, 10000));
  CHECK(late.status == 409);
  CHECK(late.body.find("not_awaiting_payment") != std::string::npos);
}

TEST_CASE("payments: a clerk records a desk payment with its receipt - nobody else pays") {
  Api api;
  const std::string code = api.AwaitingFee();
  const std::string path = "/v1/dossiers/" + code + "/payments";
  const std::string desk = json{{"amount", 20000}, {"receipt", "BL-000123"}}.dump();

  // The applicant cannot claim to have paid, through either door.
  CHECK(api.Call("POST", path, "t-owner", desk).status == 403);
  HttpResponse direct = api.Call("POST", "/v1/dossiers/" + code + "/actions/pay_fee", "t-owner",
                                 json{{"channel", "online"}}.dump());
  CHECK(direct.status == 409);
  CHECK(direct.body.find("payment_required") != std::string::npos);
  CHECK(api.Call("POST", path, "t-clerk-b", desk).status == 404);
  CHECK(api.Call("POST", path, "t-specialist", desk).status == 409);
  CHECK(api.Call("POST", path, "", desk).status == 401);
  HttpResponse online_amount =
      api.Call("POST", path, "t-clerk", json{{"amount", 10000}, {"receipt", "BL-1"}}.dump());
  CHECK(online_amount.status == 400);
  CHECK(online_amount.body.find("/amount") != std::string::npos);
  CHECK(api.Call("POST", path, "t-clerk", json{{"amount", 20000}}.dump()).status == 422);

  HttpResponse recorded = api.Call("POST", path, "t-clerk", desk);
  REQUIRE_MESSAGE(recorded.status == 201, recorded.body);
  CHECK(json::parse(recorded.body).at("state") == "in_review");
  CHECK(api.store.FindPayment(std::string("desk:") + kAgencyA + ":BL-000123")->has_value());
  const Dossier after = api.store.GetDossier(code).value();
  CHECK(after.history.back().channel == Channel::kDesk);
  // Paid at the desk: no longer fully online, and the verdict says why.
  const json view = json::parse(api.Call("GET", "/v1/dossiers/" + code, "t-owner").body);
  CHECK(view.at("fully_online").at("fully_online") == false);

  // The same receipt cannot settle another dossier.
  const std::string other = api.AwaitingFee();
  HttpResponse again = api.Call("POST", "/v1/dossiers/" + other + "/payments", "t-clerk", desk);
  CHECK(again.status == 409);
  CHECK(again.body.find("duplicate_payment") != std::string::npos);
  CHECK(api.store.GetDossier(other)->state == "awaiting_fee");
}

TEST_CASE("payments: without a configured secret the callback is unavailable") {
  Api api;
  PaymentService unconfigured(*api.service, api.store, CallbackVerifier());
  Result<GatewayConfirmation> refused = unconfigured.ConfirmOnline("{}", "00");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code() == ErrorCode::kUnavailable);
  CHECK(refused.error().reason() == ErrorReason::kPaymentsUnavailable);
}

}  // namespace
}  // namespace motcua
