#include "api/payment_routes.h"

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "api/problem.h"

namespace motcua {
namespace {

using nlohmann::json;

struct Handlers {
  explicit Handlers(PaymentApi api_in) : api(std::move(api_in)) {}
  PaymentApi api;

  HttpResponse RecordDeskPayment(const HttpRequest& request, const PathParams& params,
                                 const Actor& actor) const {
    Result<json> body = ParseObjectBody(request, {"amount", "receipt"});
    if (!body.ok()) return ProblemResponse(body.error(), request.path);
    Result<DossierView> view = api.payments.RecordDeskPayment(actor, params.at("code"), *body);
    if (!view.ok()) return ProblemResponse(view.error(), request.path);
    return JsonResponse(201, {{"dossier", view->dossier.code},
                              {"state", view->dossier.state},
                              {"status", static_cast<int>(view->status)},
                              {"version", view->dossier.version},
                              {"payment",
                               {{"channel", "desk"},
                                {"amount", body->at("amount")},
                                {"receipt", body->at("receipt")}}}});
  }

  HttpResponse GatewayCallback(const HttpRequest& request, const PathParams&) const {
    constexpr std::string_view kScheme = "sha256=";
    std::string_view signature = request.Header(kPaymentSignatureHeader).value_or("");
    if (signature.substr(0, kScheme.size()) == kScheme) signature.remove_prefix(kScheme.size());
    Result<GatewayConfirmation> confirmed = api.payments.ConfirmOnline(request.body, signature);
    if (!confirmed.ok()) return ProblemResponse(confirmed.error(), request.path);
    return JsonResponse(200, {{"transaction_id", confirmed->transaction_id},
                              {"dossier", confirmed->dossier_code},
                              {"outcome", confirmed->outcome}});
  }
};

}  // namespace

Status AddPaymentRoutes(Router& router, const PaymentApi& api) {
  auto handlers = std::make_shared<const Handlers>(api);
  const MemberRoute<Handlers> routes[] = {
      {"POST", "/v1/dossiers/{code}/payments", RouteAccess::kAuthenticated,
       &Handlers::RecordDeskPayment},
      {"POST", "/v1/payments/callback", RouteAccess::kPublic, &Handlers::GatewayCallback},
  };
  return AddMemberRoutes(router, handlers, routes, api.authenticate);
}

}  // namespace motcua
