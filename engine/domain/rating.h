// rating.h: the applicant's satisfaction rating of a dossier.
//
// Once processing has ended (the result is ready or returned, or the dossier
// was refused or stopped), the applicant who owns it may rate it once, with a
// score from 1 (very dissatisfied) to 5 (very satisfied) and an optional
// comment. The rating is recorded as a bookkeeping event (kRateAction) in
// the dossier's hash-chained history, so it is tamper-evident like the rest.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "engine/domain/clock.h"
#include "engine/domain/dossier.h"
#include "engine/domain/status.h"
#include "engine/domain/workflow.h"

namespace motcua {

inline constexpr int kLowestScore = 1;
inline constexpr int kHighestScore = 5;
// For the national index a rating counts as satisfied from this score up.
inline constexpr int kSatisfiedFromScore = 4;
inline constexpr std::size_t kMaxRatingCommentBytes = 2000;

struct SatisfactionRating {
  int score = 0;
  std::string comment;
  Instant at;
};

// The event that records `actor`'s rating of `dossier` from `payload`
// ({"score": 1-5, "comment": optional string}). Errors:
//   kPermissionDenied   "not_owner": only the applicant who owns it rates;
//   kFailedPrecondition "not_finished": processing has not ended (the state
//                       is neither terminal nor national status 9), or the
//                       dossier was withdrawn (nothing to rate);
//   kConflict           "already_rated";
//   kInvalidArgument    "invalid_payload" with "/score" or "/comment".
Result<DossierEvent> RateDossier(const Workflow& workflow, const Dossier& dossier,
                                 const Actor& actor, const nlohmann::json& payload, Instant now);

// The dossier's rating, if it has one.
std::optional<SatisfactionRating> RatingOf(const Dossier& dossier);

}  // namespace motcua
