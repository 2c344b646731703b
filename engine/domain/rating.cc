#include "engine/domain/rating.h"

#include <vector>

namespace motcua {

Result<DossierEvent> RateDossier(const Workflow& workflow, const Dossier& dossier,
                                 const Actor& actor, const nlohmann::json& payload, Instant now) {
  if (!actor.HasRole(kApplicantRole) || actor.user_id != dossier.applicant_id) {
    return Error(ErrorCode::kPermissionDenied, "only the applicant who owns the dossier rates it",
                 ErrorReason::kNotOwner);
  }
  const State* state = workflow.FindState(dossier.state);
  const bool ended = state != nullptr &&
                     (state->terminal || state->status == NationalStatus::kProcessed) &&
                     state->outcome != Outcome::kWithdrawn;
  if (!ended) {
    return Error(ErrorCode::kFailedPrecondition,
                 "a dossier can be rated once its processing has ended", ErrorReason::kNotFinished);
  }
  if (RatingOf(dossier).has_value()) {
    return Error(ErrorCode::kConflict, "the dossier has already been rated",
                 ErrorReason::kAlreadyRated);
  }
  std::vector<FieldError> invalid;
  if (!payload.is_object()) {
    invalid.push_back({"", "must be an object"});
  } else {
    auto score = payload.find("score");
    if (score == payload.end() || !score->is_number_integer() ||
        score->get<std::int64_t>() < kLowestScore || score->get<std::int64_t>() > kHighestScore) {
      invalid.push_back({"/score", "must be an integer from 1 to 5"});
    }
    auto comment = payload.find("comment");
    if (comment != payload.end() &&
        (!comment->is_string() || comment->get<std::string>().size() > kMaxRatingCommentBytes)) {
      invalid.push_back({"/comment", "must be a string of at most 2000 bytes"});
    }
  }
  if (!invalid.empty()) {
    return Error(ErrorCode::kInvalidArgument, "the rating is not valid",
                 ErrorReason::kInvalidPayload, std::move(invalid));
  }
  DossierEvent event;
  event.action = kRateAction;
  event.from_state = dossier.state;
  event.to_state = dossier.state;
  event.actor = actor;
  event.at = now;
  event.payload = {{"score", payload.at("score")}};
  if (payload.contains("comment")) event.payload["comment"] = payload.at("comment");
  return event;
}

std::optional<SatisfactionRating> RatingOf(const Dossier& dossier) {
  for (const DossierEvent& event : dossier.history) {
    if (event.action != kRateAction || !IsBookkeepingEvent(event)) continue;
    SatisfactionRating rating;
    rating.score = event.payload.value("score", 0);
    rating.comment = event.payload.value("comment", "");
    rating.at = event.at;
    return rating;
  }
  return std::nullopt;
}

}  // namespace motcua
