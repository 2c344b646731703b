#include "api/demo_routes.h"

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "api/dossier_routes.h"
#include "api/handler_support.h"
#include "api/problem.h"
#include "api/session_cookie.h"
#include "api/session_routes.h"

namespace motcua {
namespace {

using nlohmann::json;

class Handlers {
 public:
  explicit Handlers(DemoApi api) : api_(std::move(api)) {}

  HttpResponse Accounts(const HttpRequest& request, const PathParams&) const {
    Result<std::vector<DemoAccount>> accounts = api_.demo.Accounts();
    if (!accounts.ok()) return ProblemResponse(accounts.error(), request.path);
    json listed = json::array();
    for (const DemoAccount& account : *accounts) {
      listed.push_back({{"user_id", account.user_id},
                        {"name", account.name},
                        {"roles", account.roles},
                        {"agency", account.agency.empty() ? json() : json(account.agency)},
                        {"label_vi", account.label_vi},
                        {"label_en", account.label_en}});
    }
    return JsonResponse(200, {{"accounts", listed}});
  }

  HttpResponse SignIn(const HttpRequest& request, const PathParams&) const {
    if (!OriginIsOwn(request, api_.authenticate.tls())) {
      return ProblemResponse(
          Error(ErrorCode::kPermissionDenied, "a demo sign-in must come from this site",
                ErrorReason::kOriginRefused),
          request.path);
    }
    Result<json> body = ParseObjectBody(request, {"user_id"});
    if (!body.ok()) return ProblemResponse(body.error(), request.path);
    auto user_id = body->find("user_id");
    if (user_id == body->end() || !user_id->is_string()) {
      return ProblemResponse(
          Error(ErrorCode::kInvalidArgument, "user_id must be a string", ErrorReason::kValidation,
                {{"/user_id", "must be the user id of a demo account"}}),
          request.path);
    }
    Result<DemoSignIn> signed_in = api_.demo.SignIn(user_id->get<std::string>());
    if (!signed_in.ok()) return ProblemResponse(signed_in.error(), request.path);
    HttpResponse response = SessionResponse(signed_in->session);
    response.headers.push_back(
        {"Set-Cookie", SessionSetCookieUntil(signed_in->secret, signed_in->session.expires_at,
                                             api_.clock.Now(), api_.authenticate.tls())});
    return response;
  }

  HttpResponse Pay(const HttpRequest& request, const PathParams& params, const Actor& actor) const {
    Result<DossierView> view = api_.demo.PayOnline(actor, params.at("code"));
    if (!view.ok()) return ProblemResponse(view.error(), request.path);
    return DossierResponse(200, *view);
  }

 private:
  DemoApi api_;
};

}  // namespace

Status AddDemoRoutes(Router& router, const DemoApi& api) {
  const MemberRoute<Handlers> routes[] = {
      {"GET", "/v1/demo/accounts", RouteAccess::kPublic, &Handlers::Accounts},
      {"POST", "/v1/demo/sign-in", RouteAccess::kPublic, &Handlers::SignIn},
      {"POST", "/v1/demo/gateway/{code}/pay", RouteAccess::kAuthenticated, &Handlers::Pay},
  };
  return AddMemberRoutes(router, std::make_shared<const Handlers>(api), routes, api.authenticate);
}

}  // namespace motcua
