// demo_routes.h: the routes of demo mode (`motcua serve --demo`,
// engine/service/demo_service.h), registered only in demo mode; without it
// every /v1/demo/* path is the router's unknown-route 404.
//
//   GET  /v1/demo/accounts          public: {"accounts":[{"user_id","name",
//                                   "roles","agency","label_vi","label_en"}]}
//                                   (agency null for the citizen)
//   POST /v1/demo/sign-in           public, body {"user_id": ".."}: starts a
//                                   browser session as that demo account, sets
//                                   the session cookie (session_cookie.h) and
//                                   answers 200 with the GET /v1/session body.
//                                   403 "origin_refused" when an Origin is sent
//                                   that is not this server's (the cookie
//                                   routes' rule, request_authentication.h);
//                                   422 "validation" at /user_id for a user id
//                                   that is no demo account; 400/415 for a body
//                                   that is not one JSON object {"user_id"}
//   POST /v1/demo/gateway/{code}/pay  the dossier's applicant (session cookie
//                                   with X-CSRF-Token, or bearer token); the
//                                   body, if any, is not read: pays what the
//                                   dossier owes online through the demo
//                                   gateway and answers 200 with the dossier,
//                                   as GET /v1/dossiers/{code}; 404 for a
//                                   dossier the caller does not own, 409 when
//                                   nothing is due
#pragma once

#include "api/request_authentication.h"
#include "api/router.h"
#include "engine/domain/clock.h"
#include "engine/service/demo_service.h"

namespace motcua {

struct DemoApi {
  DemoService& demo;
  RequestAuthenticator authenticate;  // with the SessionService; its tls() picks the cookie
  const Clock& clock;
};

// What `api` refers to must outlive the router.
Status AddDemoRoutes(Router& router, const DemoApi& api);

}  // namespace motcua
