// access.h: who may see which dossier.
//
// Scope rules for every read and write path (the API maps a denied read to
// "not found", so that the existence of other people's dossiers never leaks):
//  - an applicant sees only dossiers whose applicant_id is their user id;
//  - staff (any other role) see dossiers of their agency: the receiving
//    agency, or an agency that handles the dossier's current state or handled
//    one of its earlier states (inter-agency procedures);
//  - the engine's own `system` actor sees everything;
//  - a feed reader (portal_sync only) sees no dossier at all: it reads its
//    agency's sync feed (feed_service.h) and nothing else.
// Role checks for actions (who may press which button) are the state
// machine's; this file only answers "is it in the actor's scope".
#pragma once

#include "engine/domain/dossier.h"
#include "engine/domain/workflow.h"

namespace motcua {

// True when `actor` is the applicant (holds the applicant role only).
bool IsApplicantOnly(const Actor& actor);

// False for an actor whose roles are all portal_sync: the national portal's
// synchronisation account, which reaches the sync feed only. Every path to
// dossiers and documents asks this (CanSeeDossier below; dossier lists,
// queues and document uploads in the services), so that such an account
// gets nothing but its feed.
bool ReachesDossiers(const Actor& actor);

bool CanSeeDossier(const Actor& actor, const Dossier& dossier, const Workflow& workflow);

}  // namespace motcua
