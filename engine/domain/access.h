// access.h: who may do what, on which scope. One policy for every caller:
// the services ask it whoever calls them (HTTP handlers, the command line,
// timers), and refuse what it refuses.
//
// Operations (Operation below) are granted per role with a scope, in one
// table (access.cc, kGrants); ScopeOf reads it, Authorize turns "no scope"
// into the operation's kPermissionDenied error. Example:
//   if (Status allowed = Authorize(actor, Operation::kReadAuditTrail); !allowed.ok())
//     return allowed.error();
//
// Which dossier an actor sees (CanSeeDossier) is the read scope of every
// dossier path (the API maps a denied read to "not found", so that the
// existence of other people's dossiers never leaks):
//  - an applicant sees only dossiers whose applicant_id is their user id;
//  - staff (any other role) see dossiers of their agency: the receiving
//    agency, or an agency that handles the dossier's current state or handled
//    one of its earlier states (inter-agency procedures);
//  - the engine's own `system` actor sees everything;
//  - a feed reader (portal_sync only) sees no dossier at all: it reads its
//    agency's sync feed (feed_service.h) and nothing else.
// Role checks for workflow actions (who may press which button) are the
// state machine's, since each workflow names its own roles.
#pragma once

#include <optional>

#include "engine/domain/dossier.h"
#include "engine/domain/status.h"
#include "engine/domain/workflow.h"

namespace motcua {

// What an actor asks to do, for the checks that do not depend on a workflow.
enum class Operation {
  kListWorkflowVersions,  // GET /v1/procedures/{code}/versions
  kPublishWorkflow,       // publish a definition (ownership: workflow_catalog.h)
  kReadAuditTrail,        // a dossier's hash-chained audit trail
  kReadReports,           // summaries and the national index scorecard
  kManageUsers,           // users and their tokens (which ones: MayManageUser)
  kReadFeed,              // the national sync feed
  kListDeadLetters,       // feed entries the pusher gave up on
  kPruneFeed,             // delete feed entries past their retention (the engine's own upkeep)
  kRecordDeskPayment,     // a fee paid at the desk
  kSubmitDossier,         // the first gate; the state machine then checks roles
  kUploadDocument,        // a document, before any dossier names it
  kListDossiers,          // the applicant's own dossiers, or the agency's
  kWorkInQueue,  // a role's queue in the actor's agency (claiming: the workflow's queue roles)
};

// How far a granted operation reaches, narrowest first: the actor's own
// dossiers (applicants), the actor's agency, or every agency.
enum class AccessScope { kOwn, kAgency, kNational };

// The widest scope any of the actor's roles grants for `operation`, or
// nullopt when none does. A grant that needs agency standing counts only for
// an actor with an agency and neither the applicant nor the system role.
std::optional<AccessScope> ScopeOf(const Actor& actor, Operation operation);

// OK when ScopeOf grants some scope; otherwise kPermissionDenied with the
// operation's own message and reason (e.g. "only auditors and admins read
// audit trails", "role_not_allowed").
Status Authorize(const Actor& actor, Operation operation);

// The scope ScopeOf grants, or Authorize's refusal: for operations whose
// result depends on the scope (an applicant lists their own dossiers, staff
// their agency's).
Result<AccessScope> AuthorizedScope(const Actor& actor, Operation operation);

// True when `actor` is the applicant (holds the applicant role only).
bool IsApplicantOnly(const Actor& actor);

// False for an actor whose roles are all portal_sync: the national portal's
// synchronisation account, which reaches the sync feed only. CanSeeDossier
// asks this; dossier lists, queues and document uploads refuse it through the
// table (kListDossiers, kWorkInQueue, kUploadDocument).
bool ReachesDossiers(const Actor& actor);

bool CanSeeDossier(const Actor& actor, const Dossier& dossier, const Workflow& workflow);

}  // namespace motcua
