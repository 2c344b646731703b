#include "engine/domain/fully_online.h"

#include <doctest/doctest.h>

#include <string>

#include "tests/source_tree.h"

namespace motcua {
namespace {

constexpr const char* kResultId =
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

nlohmann::json LoadPermanentResidence() {
  return LoadJson("workflows/1.004222-permanent-residence.json");
}

Workflow PermanentResidence(bool partial = false) {
  nlohmann::json document = LoadPermanentResidence();
  if (partial) document["procedure"]["online_level"] = "partial";
  Result<Workflow> parsed = ParseWorkflow(document);
  REQUIRE(parsed.ok());
  return *parsed;
}

DossierEvent Event(const std::string& action, const std::string& from, const std::string& to,
                   ApplicantStep step = ApplicantStep::kNone,
                   std::optional<Channel> channel = std::nullopt) {
  DossierEvent event;
  event.action = action;
  event.from_state = from;
  event.to_state = to;
  event.step = step;
  event.channel = channel;
  return event;
}

// A dossier that went all the way to "returned", each applicant-facing step
// on the given channel, with a signed result.
Dossier ReturnedDossier(Channel submission, Channel payment, Channel result_return) {
  Dossier d;
  d.state = "returned";
  d.result_document = kResultId;
  d.result_signatures.push_back({kResultId, "CN=Leader", "01", "ff", "ee", std::nullopt, false});
  d.history = {
      Event("submit", "", "submitted", ApplicantStep::kSubmission, submission),         // 0
      Event("receive", "submitted", "awaiting_fee"),                                    // 1
      Event("pay_fee", "awaiting_fee", "in_review", ApplicantStep::kPayment, payment),  // 2
      Event("propose_result", "in_review", "awaiting_signature"),                       // 3
      Event("sign_result", "awaiting_signature", "result_ready"),                       // 4
      Event("return_result", "result_ready", "returned", ApplicantStep::kResultReturn,
            result_return),  // 5
  };
  return d;
}

TEST_CASE("fully_online: an all-online dossier with a signed result is fully online") {
  const Workflow wf = PermanentResidence();
  const FullyOnlineVerdict verdict =
      JudgeFullyOnline(wf, ReturnedDossier(Channel::kOnline, Channel::kOnline, Channel::kOnline));
  CHECK(verdict.fully_online);
  CHECK(verdict.final);
  CHECK(verdict.reasons.empty());
}

TEST_CASE("fully_online: a result delivered by public post still counts as online") {
  const Workflow wf = PermanentResidence();
  const FullyOnlineVerdict verdict =
      JudgeFullyOnline(wf, ReturnedDossier(Channel::kOnline, Channel::kOnline, Channel::kPost));
  CHECK(verdict.fully_online);
  CHECK(verdict.reasons.empty());
}

TEST_CASE("fully_online: desk submission, cash fee and collected result give three reasons") {
  const Workflow wf = PermanentResidence();
  const FullyOnlineVerdict verdict =
      JudgeFullyOnline(wf, ReturnedDossier(Channel::kDesk, Channel::kDesk, Channel::kDesk));
  CHECK_FALSE(verdict.fully_online);
  CHECK(verdict.final);
  REQUIRE(verdict.reasons.size() == 3);
  CHECK(verdict.reasons[0].reason == NotOnlineReason::kSubmittedAtDesk);
  CHECK(verdict.reasons[0].event_index == std::optional<std::size_t>(0));
  CHECK(verdict.reasons[1].reason == NotOnlineReason::kFeePaidInPerson);
  CHECK(verdict.reasons[1].event_index == std::optional<std::size_t>(2));
  CHECK(verdict.reasons[2].reason == NotOnlineReason::kResultCollectedInPerson);
  CHECK(verdict.reasons[2].event_index == std::optional<std::size_t>(5));
  for (const NotOnlineStep& step : verdict.reasons) CHECK_FALSE(step.message.empty());
}

TEST_CASE("fully_online: submission by post is not online") {
  const Workflow wf = PermanentResidence();
  const FullyOnlineVerdict verdict =
      JudgeFullyOnline(wf, ReturnedDossier(Channel::kPost, Channel::kOnline, Channel::kOnline));
  REQUIRE(verdict.reasons.size() == 1);
  CHECK(verdict.reasons[0].reason == NotOnlineReason::kSubmittedAtDesk);
}

TEST_CASE("fully_online: an unsigned result is named at the step that issued it") {
  const Workflow wf = PermanentResidence();
  Dossier d = ReturnedDossier(Channel::kOnline, Channel::kOnline, Channel::kOnline);
  d.result_signatures.clear();
  const FullyOnlineVerdict verdict = JudgeFullyOnline(wf, d);
  CHECK_FALSE(verdict.fully_online);
  REQUIRE(verdict.reasons.size() == 1);
  CHECK(verdict.reasons[0].reason == NotOnlineReason::kResultNotSigned);
  CHECK(verdict.reasons[0].event_index == std::optional<std::size_t>(4));  // into result_ready
}

TEST_CASE("fully_online: a signature over another document does not sign the result") {
  const Workflow wf = PermanentResidence();
  Dossier d = ReturnedDossier(Channel::kOnline, Channel::kOnline, Channel::kOnline);
  d.result_signatures[0].document_id = std::string(64, 'b');
  const FullyOnlineVerdict verdict = JudgeFullyOnline(wf, d);
  REQUIRE(verdict.reasons.size() == 1);
  CHECK(verdict.reasons[0].reason == NotOnlineReason::kResultNotSigned);
}

TEST_CASE("fully_online: a partial procedure is reported first, without an event") {
  const Workflow wf = PermanentResidence(/*partial=*/true);
  const FullyOnlineVerdict verdict =
      JudgeFullyOnline(wf, ReturnedDossier(Channel::kDesk, Channel::kOnline, Channel::kOnline));
  CHECK_FALSE(verdict.fully_online);
  REQUIRE(verdict.reasons.size() == 2);
  CHECK(verdict.reasons[0].reason == NotOnlineReason::kPartialProcedure);
  CHECK_FALSE(verdict.reasons[0].event_index.has_value());
  CHECK(verdict.reasons[1].reason == NotOnlineReason::kSubmittedAtDesk);
}

TEST_CASE("fully_online: a supplement brought to the desk") {
  const Workflow wf = PermanentResidence();
  Dossier d;
  d.state = "in_review";
  d.history = {
      Event("submit", "", "submitted", ApplicantStep::kSubmission, Channel::kOnline),
      Event("request_supplement_at_reception", "submitted", "supplement_at_reception"),
      Event("resubmit", "supplement_at_reception", "submitted", ApplicantStep::kSupplement,
            Channel::kDesk),
  };
  const FullyOnlineVerdict verdict = JudgeFullyOnline(wf, d);
  CHECK_FALSE(verdict.fully_online);
  CHECK_FALSE(verdict.final);
  REQUIRE(verdict.reasons.size() == 1);
  CHECK(verdict.reasons[0].reason == NotOnlineReason::kSupplementInPerson);
  CHECK(verdict.reasons[0].event_index == std::optional<std::size_t>(2));
}

TEST_CASE("fully_online: a dossier in progress is online so far, not final") {
  const Workflow wf = PermanentResidence();
  Dossier d;
  d.state = "submitted";
  d.history = {Event("submit", "", "submitted", ApplicantStep::kSubmission, Channel::kOnline)};
  const FullyOnlineVerdict verdict = JudgeFullyOnline(wf, d);
  CHECK(verdict.fully_online);
  CHECK_FALSE(verdict.final);
}

TEST_CASE("fully_online: a refusal needs no signed result") {
  const Workflow wf = PermanentResidence();
  Dossier d;
  d.state = "refused";
  d.history = {
      Event("submit", "", "submitted", ApplicantStep::kSubmission, Channel::kOnline),
      Event("receive", "submitted", "awaiting_fee"),
      Event("pay_fee", "awaiting_fee", "in_review", ApplicantStep::kPayment),  // by the system
      Event("refuse", "in_review", "refused"),
  };
  const FullyOnlineVerdict verdict = JudgeFullyOnline(wf, d);
  CHECK(verdict.fully_online);
  CHECK(verdict.final);
}

TEST_CASE("fully_online: reason names") {
  CHECK(std::string(NotOnlineReasonName(NotOnlineReason::kPartialProcedure)) ==
        "partial_procedure");
  CHECK(std::string(NotOnlineReasonName(NotOnlineReason::kSubmittedAtDesk)) == "submitted_at_desk");
  CHECK(std::string(NotOnlineReasonName(NotOnlineReason::kSupplementInPerson)) ==
        "supplement_in_person");
  CHECK(std::string(NotOnlineReasonName(NotOnlineReason::kFeePaidInPerson)) ==
        "fee_paid_in_person");
  CHECK(std::string(NotOnlineReasonName(NotOnlineReason::kResultNotSigned)) == "result_not_signed");
  CHECK(std::string(NotOnlineReasonName(NotOnlineReason::kResultCollectedInPerson)) ==
        "result_collected_in_person");
}

}  // namespace
}  // namespace motcua
