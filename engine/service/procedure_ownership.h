// procedure_ownership.h: who may change a published procedure.
//
// One policy for publishing a procedure's next version (WorkflowCatalog) and
// for migrating its dossiers in flight (MigrationService): the owner of its
// latest version decides (StoredDefinition::owner_agency).
//  - a national procedure (no owner): national admins, or the engine itself
//    (role system);
//  - an agency's own procedure: that agency's admins, or the engine.
// Staff with the applicant role never qualify.
#pragma once

#include <string>

#include "engine/domain/dossier.h"
#include "engine/domain/status.h"

namespace motcua {

// A national admin with an agency (not an applicant), or the engine.
bool ActsNationally(const Actor& actor);

// An admin of an agency (not an applicant).
bool IsAgencyAdmin(const Actor& actor);

// OK when `actor` may change procedure `code` whose latest version is owned
// by `owner_agency` (empty: national); else kPermissionDenied, reason
// "not_your_procedure", saying who may.
Status MayChangeProcedure(const Actor& actor, const std::string& code,
                          const std::string& owner_agency);

}  // namespace motcua
