#include "api/document_routes.h"

#include <memory>

#include "api/problem.h"
#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

nlohmann::json InfoJson(const DocumentInfo& info) {
  return {{"id", info.id}, {"size", info.size}, {"media_type", info.media_type}};
}

struct Handlers {
  explicit Handlers(const DocumentApi& api_in) : api(api_in) {}
  const DocumentApi& api;

  HttpResponse Upload(const HttpRequest& request, const PathParams&, const Actor& actor) const {
    const std::string_view type = request.Header("Content-Type").value_or("");
    Result<DocumentInfo> info = api.documents.Upload(actor, request.body, type);
    if (!info.ok()) return ProblemResponse(info.error(), request.path);
    HttpResponse response = JsonResponse(201, InfoJson(*info));
    response.headers.push_back({"Location", "/v1/documents/" + info->id});
    return response;
  }

  HttpResponse Download(const HttpRequest& request, const PathParams& params,
                        const Actor& actor) const {
    Result<DocumentDownload> document = api.documents.Get(actor, params.at("id"));
    if (!document.ok()) return ProblemResponse(document.error(), request.path);
    HttpResponse response;
    response.status = 200;
    response.content_type = document->info.media_type;
    response.body = std::move(document->bytes);
    response.headers.push_back({"ETag", "\"" + document->info.id + "\""});
    response.headers.push_back(
        {"Content-Disposition", "attachment; filename=\"" + document->info.id + "\""});
    response.headers.push_back({"X-Content-Type-Options", "nosniff"});
    response.headers.push_back({"Cache-Control", "private, max-age=0"});
    return response;
  }
};

}  // namespace

Status AddDocumentRoutes(Router& router, const DocumentApi& api) {
  auto handlers = std::make_shared<const Handlers>(api);
  // An upload waits on nothing but the stores (its bytes are hashed, then
  // written): it may run on a fiber, unless its body is too large for one
  // (HttpServerOptions::max_fiber_body_bytes). A download's answer is as
  // large as the document, read whole from the store: it stays on the
  // handler pool.
  const MemberRoute<Handlers> uploads[] = {
      {"POST", "/v1/documents", RouteAccess::kAuthenticated, &Handlers::Upload},
  };
  const MemberRoute<Handlers> downloads[] = {
      {"GET", "/v1/documents/{id}", RouteAccess::kAuthenticated, &Handlers::Download},
  };
  RETURN_IF_ERROR(AddMemberRoutes(router, handlers, uploads, api.authenticate,
                                  RouteExecution::kStoreWaitsOnly));
  return AddMemberRoutes(router, handlers, downloads, api.authenticate);
}

}  // namespace motcua
