#include "api/user_routes.h"

#include <memory>
#include <type_traits>

#include "api/problem.h"
#include "engine/domain/rfc3339.h"

namespace motcua {
namespace {

using nlohmann::json;

constexpr std::chrono::seconds kDefaultTokenLifetime = std::chrono::hours(24 * 30);

json UserJson(const User& user) {
  return {{"id", user.id},
          {"name", user.name},
          {"roles", user.roles},
          {"agency", user.agency.empty() ? json() : json(user.agency)},
          {"certificate_fingerprint",
           user.certificate_fingerprint ? json(*user.certificate_fingerprint) : json()},
          {"disabled", user.disabled},
          {"created_at", FormatRfc3339DateTime(user.created_at)}};
}

json TokenJson(const TokenRecord& token) {
  return {{"id", token.token_hash},
          {"user_id", token.user_id},
          {"label", token.label},
          {"created_at", FormatRfc3339DateTime(token.created_at)},
          {"expires_at", FormatRfc3339DateTime(token.expires_at)},
          {"revoked_at", OptionalInstant(token.revoked_at)}};
}

Error FieldType(const std::string& pointer, const std::string& expected) {
  return Error(ErrorCode::kInvalidArgument, pointer.substr(1) + " must be " + expected,
               ErrorReason::kValidation, {{pointer, "must be " + expected}});
}

// Reads an optional member of `body` into `out`; an error when it has the wrong type.
template <typename T>
std::optional<Error> ReadMember(const json& body, const char* name, std::optional<T>& out,
                                const std::string& expected) {
  auto found = body.find(name);
  if (found == body.end()) return std::nullopt;
  // nlohmann converts 600.9 to 600 silently; a whole number must be one.
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    if (!found->is_number_integer()) return FieldType(std::string("/") + name, expected);
  }
  try {
    out = found->get<T>();
  } catch (const json::exception&) {
    return FieldType(std::string("/") + name, expected);
  }
  return std::nullopt;
}

class Handlers {
 public:
  explicit Handlers(const UserApi& api) : api_(api) {}

  HttpResponse ListUsers(const HttpRequest& request, const PathParams&, const Actor& admin) const {
    auto users = api_.users.List(admin);
    if (!users.ok()) return ProblemResponse(users.error(), request.path);
    json items = json::array();
    for (const User& user : *users) items.push_back(UserJson(user));
    return JsonResponse(200, {{"items", items}});
  }

  HttpResponse CreateUser(const HttpRequest& request, const PathParams&, const Actor& admin) const {
    Result<json> body =
        ParseObjectBody(request, {"id", "name", "roles", "agency", "certificate_fingerprint"});
    if (!body.ok()) return ProblemResponse(body.error(), request.path);
    std::optional<std::string> id, name, agency, fingerprint;
    std::optional<std::vector<std::string>> roles;
    for (std::optional<Error> error :
         {ReadMember(*body, "id", id, "a string"), ReadMember(*body, "name", name, "a string"),
          ReadMember(*body, "agency", agency, "a string"),
          ReadMember(*body, "certificate_fingerprint", fingerprint, "a string"),
          ReadMember(*body, "roles", roles, "an array of role names")}) {
      if (error) return ProblemResponse(*error, request.path);
    }
    if (!id) return ProblemResponse(FieldType("/id", "a user id"), request.path);
    if (!roles) return ProblemResponse(FieldType("/roles", "an array of role names"), request.path);
    User user;
    user.id = *id;
    user.name = name.value_or(*id);
    user.roles = *roles;
    user.agency = agency.value_or("");
    user.certificate_fingerprint = fingerprint;
    Result<User> created = api_.users.Create(admin, std::move(user));
    if (!created.ok()) return ProblemResponse(created.error(), request.path);
    HttpResponse response = JsonResponse(201, UserJson(*created));
    response.headers.push_back({"Location", "/v1/users/" + created->id});
    return response;
  }

  HttpResponse GetUser(const HttpRequest& request, const PathParams& params,
                       const Actor& admin) const {
    Result<User> user = api_.users.Get(admin, params.at("id"));
    if (!user.ok()) return ProblemResponse(user.error(), request.path);
    return JsonResponse(200, UserJson(*user));
  }

  HttpResponse UpdateUser(const HttpRequest& request, const PathParams& params,
                          const Actor& admin) const {
    Result<json> body =
        ParseObjectBody(request, {"name", "roles", "disabled", "certificate_fingerprint"});
    if (!body.ok()) return ProblemResponse(body.error(), request.path);
    UserChanges changes;
    for (std::optional<Error> error :
         {ReadMember(*body, "name", changes.name, "a string"),
          ReadMember(*body, "roles", changes.roles, "an array of role names"),
          ReadMember(*body, "disabled", changes.disabled, "true or false"),
          ReadMember(*body, "certificate_fingerprint", changes.certificate_fingerprint,
                     "a SHA-256 fingerprint in hex, or \"\" to unbind")}) {
      if (error) return ProblemResponse(*error, request.path);
    }
    Result<User> user = api_.users.Update(admin, params.at("id"), changes);
    if (!user.ok()) return ProblemResponse(user.error(), request.path);
    return JsonResponse(200, UserJson(*user));
  }

  HttpResponse ListTokens(const HttpRequest& request, const PathParams&, const Actor& admin) const {
    std::optional<std::string> user = QueryValue(request, "user");
    if (!user) return ProblemResponse(FieldType("/user", "a user id"), request.path);
    auto tokens = api_.users.ListTokens(admin, *user);
    if (!tokens.ok()) return ProblemResponse(tokens.error(), request.path);
    json items = json::array();
    for (const TokenRecord& token : *tokens) items.push_back(TokenJson(token));
    return JsonResponse(200, {{"items", items}});
  }

  HttpResponse IssueToken(const HttpRequest& request, const PathParams&, const Actor& admin) const {
    Result<json> body = ParseObjectBody(request, {"user_id", "label", "ttl_seconds"});
    if (!body.ok()) return ProblemResponse(body.error(), request.path);
    std::optional<std::string> user_id, label;
    std::optional<std::int64_t> ttl;
    for (std::optional<Error> error :
         {ReadMember(*body, "user_id", user_id, "a user id"),
          ReadMember(*body, "label", label, "a string"),
          ReadMember(*body, "ttl_seconds", ttl, "a whole number of seconds")}) {
      if (error) return ProblemResponse(*error, request.path);
    }
    if (!user_id) return ProblemResponse(FieldType("/user_id", "a user id"), request.path);
    const std::chrono::seconds lifetime = ttl ? std::chrono::seconds(*ttl) : kDefaultTokenLifetime;
    auto issued = api_.users.IssueToken(admin, *user_id, label.value_or(""), lifetime);
    if (!issued.ok()) return ProblemResponse(issued.error(), request.path);
    json rendered = TokenJson(issued->record);
    rendered["token"] = issued->secret;
    HttpResponse response = JsonResponse(201, rendered);
    response.headers.push_back({"Cache-Control", "no-store"});
    return response;
  }

  HttpResponse RevokeToken(const HttpRequest& request, const PathParams& params,
                           const Actor& admin) const {
    Status revoked = api_.users.RevokeToken(admin, params.at("id"));
    if (!revoked.ok()) return ProblemResponse(revoked.error(), request.path);
    HttpResponse response;
    response.status = 204;
    return response;
  }

 private:
  const UserApi& api_;
};

}  // namespace

Status AddUserRoutes(Router& router, const UserApi& api) {
  auto handlers = std::make_shared<const Handlers>(api);
  const MemberRoute<Handlers> routes[] = {
      {"GET", "/v1/users", RouteAccess::kAuthenticated, &Handlers::ListUsers},
      {"POST", "/v1/users", RouteAccess::kAuthenticated, &Handlers::CreateUser},
      {"GET", "/v1/users/{id}", RouteAccess::kAuthenticated, &Handlers::GetUser},
      {"PATCH", "/v1/users/{id}", RouteAccess::kAuthenticated, &Handlers::UpdateUser},
      {"GET", "/v1/tokens", RouteAccess::kAuthenticated, &Handlers::ListTokens},
      {"POST", "/v1/tokens", RouteAccess::kAuthenticated, &Handlers::IssueToken},
      {"DELETE", "/v1/tokens/{id}", RouteAccess::kAuthenticated, &Handlers::RevokeToken},
  };
  return AddMemberRoutes(router, handlers, routes, api.authenticate);
}

}  // namespace motcua
