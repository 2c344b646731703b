// migration_routes.h: moving a procedure's dossiers in flight to another
// workflow version (issue 21) over HTTP.
//
//   POST /v1/procedures/{code}/migrations/dry-run   owners' admins; the owning
//        agency's auditors. Body: the plan (workflow_migration.h). 200 with
//        the plan etag (also the ETag header), a summary per source state and
//        every selected dossier's verdict (at most kMaxDryRunItems in JSON,
//        items_truncated says so) and the whole `selection`, each selected
//        dossier's code and version; `Accept: text/csv` or `?format=csv`
//        answers every verdict as CSV instead (RFC 4180): code, version,
//        state, target_state, can_move, reason, detail.
//   POST /v1/procedures/{code}/migrations/apply     owners' admins. Body: the
//        same plan and the dry run's `selection` (required; 422 naming it);
//        If-Match: "<plan_etag>" (required: a missing or empty one is 400
//        invalid_if_match). 200 with moved and skipped counts and each
//        listed dossier's outcome (one acted on since the dry run is
//        skipped, changed_since_plan); 412 plan_changed when If-Match is not
//        the etag of that plan and selection.
//
// Who may, the etag and resuming are MigrationService's
// (engine/service/migration_service.h). Errors are problem+json (problem.h).
#pragma once

#include <cstddef>

#include "api/handler_support.h"
#include "api/router.h"
#include "engine/service/migration_service.h"

namespace motcua {

struct MigrationApi {
  MigrationService& migrations;
  Authenticator authenticate;
};

// The most verdicts a JSON dry-run answer lists; the CSV lists all.
inline constexpr std::size_t kMaxDryRunItems = 1000;

// `api` and what it refers to must outlive the router.
Status AddMigrationRoutes(Router& router, const MigrationApi& api);

}  // namespace motcua
