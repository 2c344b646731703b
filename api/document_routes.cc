#include "api/document_routes.h"

#include <memory>

#include "api/problem.h"

namespace motcua {
namespace {

nlohmann::json InfoJson(const DocumentInfo& info) {
  return {{"id", info.id}, {"size", info.size}, {"media_type", info.media_type}};
}

HttpResponse Upload(const DocumentApi& api, const HttpRequest& request) {
  Result<Actor> actor = AuthenticateRequest(api.authenticate, request);
  if (!actor.ok()) return ProblemResponse(actor.error(), request.path);
  const std::string_view type = request.Header("Content-Type").value_or("");
  Result<DocumentInfo> info = api.documents.Upload(*actor, request.body, type);
  if (!info.ok()) return ProblemResponse(info.error(), request.path);
  HttpResponse response = JsonResponse(201, InfoJson(*info));
  response.headers.push_back({"Location", "/v1/documents/" + info->id});
  return response;
}

HttpResponse Download(const DocumentApi& api, const HttpRequest& request,
                      const PathParams& params) {
  Result<Actor> actor = AuthenticateRequest(api.authenticate, request);
  if (!actor.ok()) return ProblemResponse(actor.error(), request.path);
  Result<DocumentDownload> document = api.documents.Get(*actor, params.at("id"));
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

}  // namespace

Status AddDocumentRoutes(Router& router, const DocumentApi& api) {
  Status added = router.Add(
      "POST", "/v1/documents",
      [&api](const HttpRequest& request, const PathParams&) { return Upload(api, request); });
  if (!added.ok()) return added;
  return router.Add("GET", "/v1/documents/{id}",
                    [&api](const HttpRequest& request, const PathParams& params) {
                      return Download(api, request, params);
                    });
}

}  // namespace motcua
