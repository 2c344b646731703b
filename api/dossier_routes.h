// dossier_routes.h: the /v1 endpoints for procedures, dossiers and queues.
//
// Handlers are thin: parse, call one use case of engine/service with the
// Actor, render JSON. Each route is declared public or authenticated where it
// is registered (AddMemberRoutes checks the token; the roles below are the
// services' access policy, engine/domain/access.h). Every error goes through
// ProblemResponse (problem.h), so the HTTP status of an error is decided in
// one place.
//
//   GET  /v1/procedures                          public
//   GET  /v1/procedures/{code}                   public
//   GET  /v1/procedures/{code}/versions          admin, auditor
//   PUT  /v1/procedures/{code}/workflow          admin; optional If-Match: the latest
//                                                version the editor started from (412 if not)
//   POST /v1/procedures/lint                     admin: lints the body (a definition's text)
//                                                without storing it; 200 {valid, problems}
//                                                with each problem's line and column
//   POST /v1/dossiers                            applicant, reception_clerk
//   GET  /v1/dossiers                            applicant (own), staff (agency's)
//   GET  /v1/dossiers/{code}                     anyone in scope
//   POST /v1/dossiers/{code}/actions/{action}    per workflow roles; If-Match: version
//   POST /v1/dossiers/{code}/claim               staff whose queue holds it; 409 if taken
//   POST /v1/dossiers/{code}/release             its assignee
//   POST /v1/dossiers/{code}/rating              its applicant, once, after processing ended
//   GET  /v1/dossiers/{code}/history             anyone in scope
//   GET  /v1/dossiers/{code}/result              anyone in scope: the bytes to sign
//   GET  /v1/dossiers/{code}/result/signatures   anyone in scope: signer, serial, time, status
//   GET  /v1/dossiers/{code}/result/signatures/{id}[.p7s]  anyone in scope: the DER
//   POST /v1/verify                              public: body = a result document's bytes
//   GET  /v1/dossiers/{code}/audit               auditor, admin in scope
//   GET  /v1/queue?role=R                        staff, own agency
//
// Scope: a dossier outside the caller's scope is 404, as if it did not exist.
#pragma once

#include <functional>
#include <string_view>

#include "api/handler_support.h"
#include "api/router.h"
#include "engine/domain/clock.h"
#include "engine/domain/dossier.h"
#include "engine/domain/status.h"
#include "engine/service/dossier_service.h"
#include "engine/service/workflow_catalog.h"

namespace motcua {

struct DossierApi {
  DossierService& dossiers;
  WorkflowCatalog& catalog;
  Authenticator authenticate;
  const WorkingCalendar& calendar;
};

// The answer of GET /v1/dossiers/{code}: the dossier as `view` shows it, with
// its version as ETag; with `status` (other routes answer a dossier too).
HttpResponse DossierResponse(int status, const DossierView& view);

// The answer of a write that leaves the dossier as `view` shows it: the
// dossier in full, as DossierResponse, or, when the request prefers
// "return=minimal" (PrefersMinimalReturn), only its code, state, national
// status, version and the caller's available actions, with
// "Preference-Applied: return=minimal". Either carries the version as ETag.
// For the minimal answer, a view of depth ViewDepth::kNextStep is enough.
HttpResponse DossierWriteResponse(int status, const DossierView& view, const HttpRequest& request);

// Registers the routes above. `api` and what it refers to must outlive the router.
Status AddDossierRoutes(Router& router, const DossierApi& api);

}  // namespace motcua
