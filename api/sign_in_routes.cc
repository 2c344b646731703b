#include "api/sign_in_routes.h"

#include <memory>
#include <string>

#include "api/problem.h"
#include "api/session_cookie.h"

namespace motcua {
namespace {

using nlohmann::json;

std::string HtmlEscaped(std::string_view text) {
  std::string escaped;
  for (const char c : text) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      case '\'': escaped += "&#39;"; break;
      default: escaped += c;
    }
  }
  return escaped;
}

// `text` on one log line: control characters become spaces.
std::string OneLine(std::string_view text) {
  std::string line(text);
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return line;
}

struct PlainWords {
  const char* vietnamese;
  const char* english;
};

// What a person can do about the refusal; nothing technical.
PlainWords WordsFor(const Error& error) {
  if (error.code() == ErrorCode::kUnavailable) {
    return {"Dịch vụ đăng nhập tạm thời không khả dụng. Vui lòng thử lại sau.",
            "Sign-in is unavailable at the moment. Please try again later."};
  }
  switch (error.reason()) {
    case ErrorReason::kLoginAttemptInvalid:
      return {"Phiên đăng nhập đã hết hạn hoặc không hợp lệ. Vui lòng đăng nhập lại.",
              "This sign-in has expired or is not valid. Please sign in again."};
    case ErrorReason::kIdentityProviderError:
      return {"Việc đăng nhập đã bị huỷ hoặc bị nhà cung cấp định danh từ chối.",
              "The sign-in was cancelled or refused by the identity provider."};
    case ErrorReason::kIdentityNotLinked:
      return {"Tài khoản của bạn chưa được liên kết với hệ thống. Vui lòng liên hệ quản trị viên.",
              "Your account is not linked to this system. Please contact your administrator."};
    case ErrorReason::kIdentityClaimInvalid:
      return {"Nhà cung cấp định danh không cung cấp số định danh cá nhân hợp lệ.",
              "The identity provider did not give a valid personal identification number."};
    case ErrorReason::kUserDisabled:
      return {"Tài khoản này đã bị khoá.", "This account is disabled."};
    default: return {"Không thể đăng nhập. Vui lòng thử lại.", "Sign-in failed. Please try again."};
  }
}

std::string ReasonName(const Error& error) {
  return std::string(error.reason() == ErrorReason::kNone ? ErrorCodeName(error.code())
                                                          : ErrorReasonName(error.reason()));
}

class Handlers {
 public:
  explicit Handlers(const SignInApi& api) : api_(api) {}

  HttpResponse Providers(const HttpRequest&, const PathParams&) const {
    json providers = json::array();
    for (const SignInProvider& provider : api_.login.Providers()) {
      const OidcProviderConfig& config = provider.config;
      providers.push_back(
          {{"id", config.id},
           {"kind", config.kind == OidcProviderKind::kCitizen ? "citizen" : "staff"},
           {"login_url", "/v1/auth/" + config.id + "/login"}});
    }
    return JsonResponse(200, {{"providers", providers}});
  }

  HttpResponse Login(const HttpRequest& request, const PathParams& params) const {
    Result<LoginStart> start =
        api_.login.Begin(params.at("provider"), QueryValue(request, "return_to").value_or("/"));
    if (!start.ok()) return ProblemResponse(start.error(), request.path);
    HttpResponse response;
    response.status = 302;
    response.headers = {{"Location", start->authorization_url},
                        {"Set-Cookie", LoginSetCookie(start->binding, api_.tls)},
                        {"Cache-Control", "no-store"}};
    return response;
  }

  HttpResponse Callback(const HttpRequest& request, const PathParams& params) const {
    const std::string& provider = params.at("provider");
    Result<SignedIn> signed_in =
        api_.login.Complete({provider, QueryValue(request, "state"), QueryValue(request, "code"),
                             QueryValue(request, "error"), LoginBindingFrom(request, api_.tls)});
    if (!signed_in.ok()) return Refused(provider, signed_in.error());
    HttpResponse response;
    response.status = 303;
    response.headers = {{"Location", signed_in->return_to},
                        {"Set-Cookie", SessionSetCookieUntil(signed_in->session.secret,
                                                             signed_in->session.expires_at,
                                                             api_.clock.Now(), api_.tls)},
                        {"Set-Cookie", ClearLoginSetCookie(api_.tls)},
                        {"Cache-Control", "no-store"}};
    return response;
  }

  HttpResponse Link(const HttpRequest& request, const PathParams& params,
                    const Actor& admin) const {
    Result<json> body = ParseObjectBody(request, {"subject"});
    if (!body.ok()) return ProblemResponse(body.error(), request.path);
    auto subject = body->find("subject");
    if (subject == body->end() || !subject->is_string()) {
      return ProblemResponse(
          Error(ErrorCode::kInvalidArgument, "subject must be a string", ErrorReason::kValidation,
                {{"/subject", "must be the user's subject (sub) at the provider"}}),
          request.path);
    }
    Result<ExternalIdentity> linked =
        api_.links.Link(admin, params.at("id"), params.at("provider"), subject->get<std::string>());
    if (!linked.ok()) return ProblemResponse(linked.error(), request.path);
    return JsonResponse(200, {{"provider", linked->provider},
                              {"issuer", linked->issuer},
                              {"subject", linked->subject},
                              {"user_id", linked->user_id}});
  }

  HttpResponse Unlink(const HttpRequest& request, const PathParams& params,
                      const Actor& admin) const {
    Status unlinked = api_.links.Unlink(admin, params.at("id"), params.at("provider"));
    if (!unlinked.ok()) return ProblemResponse(unlinked.error(), request.path);
    HttpResponse response;
    response.status = 204;
    return response;
  }

 private:
  // The plain page of a refused sign-in, and its one log line.
  HttpResponse Refused(const std::string& provider, const Error& error) const {
    const std::string reason = ReasonName(error);
    if (api_.log) {
      api_.log("sign-in refused: provider=" + OneLine(provider) + " reason=" + reason +
               " detail=" + OneLine(error.message()));
    }
    const PlainWords words = WordsFor(error);
    HttpResponse response;
    response.status = HttpStatusFor(error);
    response.content_type = "text/html; charset=utf-8";
    response.headers = {{"Set-Cookie", ClearLoginSetCookie(api_.tls)},
                        {"Cache-Control", "no-store"},
                        {"Content-Security-Policy", "default-src 'none'"}};
    response.body = std::string(
                        "<!doctype html>\n<html lang=\"vi\">\n<head><meta charset=\"utf-8\">"
                        "<title>Đăng nhập không thành công / Sign-in failed</title></head>\n"
                        "<body>\n<h1>Đăng nhập không thành công</h1>\n<p>") +
                    HtmlEscaped(words.vietnamese) +
                    "</p>\n<h1 lang=\"en\">Sign-in failed</h1>\n<p lang=\"en\">" +
                    HtmlEscaped(words.english) +
                    "</p>\n<p>Mã lỗi / Error code: " + HtmlEscaped(reason) +
                    "</p>\n<p><a href=\"/\">Trang chủ / Home</a></p>\n</body>\n</html>\n";
    return response;
  }

  const SignInApi& api_;
};

}  // namespace

Status AddSignInRoutes(Router& router, const SignInApi& api) {
  const MemberRoute<Handlers> routes[] = {
      {"GET", "/v1/auth/providers", RouteAccess::kPublic, &Handlers::Providers},
      {"GET", "/v1/auth/{provider}/login", RouteAccess::kPublic, &Handlers::Login},
      {"GET", "/v1/auth/{provider}/callback", RouteAccess::kPublic, &Handlers::Callback},
      {"PUT", "/v1/users/{id}/identities/{provider}", RouteAccess::kAuthenticated, &Handlers::Link},
      {"DELETE", "/v1/users/{id}/identities/{provider}", RouteAccess::kAuthenticated,
       &Handlers::Unlink},
  };
  return AddMemberRoutes(router, std::make_shared<const Handlers>(api), routes, api.authenticate);
}

}  // namespace motcua
