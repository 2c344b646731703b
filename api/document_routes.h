// document_routes.h: the /v1/documents endpoints.
//
//   POST /v1/documents        any signed-in user but auditors; raw bytes with
//                             their Content-Type -> 201 {id, size, media_type}
//   GET  /v1/documents/{id}   its uploaders, and whoever can see a dossier
//                             that names it; others 404
//
// Downloads are served as attachments with `X-Content-Type-Options: nosniff`,
// so an uploaded HTML or SVG file never runs in the portal's origin.
#pragma once

#include "api/handler_support.h"
#include "api/router.h"
#include "engine/service/document_service.h"

namespace motcua {

struct DocumentApi {
  DocumentService& documents;
  Authenticator authenticate;
};

// `api` and what it refers to must outlive the router.
Status AddDocumentRoutes(Router& router, const DocumentApi& api);

}  // namespace motcua
