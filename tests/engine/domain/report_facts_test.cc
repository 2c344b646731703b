#include "engine/domain/report_facts.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "engine/domain/national_index.h"
#include "engine/domain/report_query.h"
#include "tests/source_tree.h"

namespace motcua {
namespace {

using namespace std::chrono_literals;

constexpr const char* kResultId =
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
constexpr const char* kOldResultId =
    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

Workflow PermanentResidence() {
  return BundledWorkflow("workflows/1.004222-permanent-residence.json");
}

WorkingCalendar Calendar() {
  return BundledCalendar();
}

// Monday 2 March 2026, `hour`:00 in Hanoi (UTC+7).
Instant March2(int hour) {
  return Instant{std::chrono::sys_days{2026y / 3 / 2}} + std::chrono::hours{hour - 7};
}

DossierEvent Event(const std::string& action, const std::string& from, const std::string& to,
                   Instant at, ApplicantStep step = ApplicantStep::kNone,
                   std::optional<Channel> channel = std::nullopt) {
  DossierEvent event;
  event.action = action;
  event.from_state = from;
  event.to_state = to;
  event.at = at;
  event.step = step;
  event.channel = channel;
  return event;
}

// A dossier of 1.004222 submitted at 00:30 on 2 March (local; still 1 March
// in UTC), received at 08:00, paid, signed and returned within `days` days,
// applicant-facing steps on `channel`.
Dossier Returned(Channel channel, std::chrono::days finished_after, Instant due) {
  Dossier d;
  d.code = "000.00.01.H26-260302-0001";
  d.procedure_code = "1.004222";
  d.agency = "000.00.01.H26";
  d.state = "returned";
  d.documents = {{"declaration", kOldResultId}, {"legal_residence_proof", kResultId}};
  d.result_document = kResultId;
  d.result_signatures.push_back({kResultId, "CN=Leader", "01", "ff", "ee", std::nullopt, false});
  const Instant submitted = March2(0) + 30min;
  const Instant received = March2(8);
  const Instant finished = received + finished_after;
  d.clock.received_at = received;
  d.clock.due_at = due;
  d.clock.finished_at = finished;
  d.history = {
      Event("submit", "", "submitted", submitted, ApplicantStep::kSubmission, channel),
      Event("receive", "submitted", "awaiting_fee", received),
      Event("pay_fee", "awaiting_fee", "in_review", received + 1h, ApplicantStep::kPayment,
            channel),
      Event("propose_result", "in_review", "awaiting_signature", received + 2h),
      Event("sign_result", "awaiting_signature", "result_ready", finished),
      Event("return_result", "result_ready", "returned", finished + 1h,
            ApplicantStep::kResultReturn, channel),
  };
  return d;
}

TEST_CASE("report facts: an all-online dossier returned early") {
  const Workflow wf = PermanentResidence();
  const WorkingCalendar calendar = Calendar();
  const Dossier d = Returned(Channel::kOnline, std::chrono::days{1}, March2(17) + 24h * 8);
  const ReportFacts facts = ComputeReportFacts(wf, d, calendar);
  CHECK(facts.dossier_code == d.code);
  CHECK(facts.agency == "000.00.01.H26");
  CHECK(facts.procedure_code == "1.004222");
  CHECK(facts.submitted_at == d.history.front().at);
  CHECK(facts.submitted_month == "2026-03");  // 1 March in UTC, 2 March in Hanoi
  CHECK(facts.received_at == March2(8));
  CHECK(facts.submitted_online);
  CHECK(facts.finished_at == March2(8) + 24h);
  REQUIRE(facts.outcome.has_value());
  CHECK(*facts.outcome == ReportOutcome::kApproved);
  CHECK(facts.timeliness == Timeliness::kEarly);
  CHECK_FALSE(facts.counts_late_in_index);
  CHECK(facts.fully_online);
  CHECK(facts.fee_bearing);
  CHECK(facts.paid_online);
  CHECK(facts.has_result);
  CHECK(facts.electronic_result);
  CHECK(facts.documents_total == 2);
  CHECK(facts.documents_digitized == 2);
  CHECK_FALSE(facts.paused_at.has_value());
  CHECK_FALSE(facts.rating.has_value());
}

TEST_CASE("report facts: only the applicant's own submission at a provider uses population data") {
  const Workflow wf = PermanentResidence();
  Dossier d = Returned(Channel::kOnline, std::chrono::days{1}, March2(17) + 24h * 8);
  d.applicant_id = "001090012345";
  CHECK_FALSE(ComputeReportFacts(wf, d, Calendar()).population_data);  // no actor recorded
  d.history.Mutable().front().actor =
      Actor{"001090012345", {"applicant"}, "", AuthMethod::kOidcSession, "vneid"};
  CHECK(ComputeReportFacts(wf, d, Calendar()).population_data);
  d.history.Mutable().front().actor.authenticated_by = AuthMethod::kBearerToken;
  CHECK_FALSE(ComputeReportFacts(wf, d, Calendar()).population_data);

  ReportCounts counts;
  ReportFacts facts = ComputeReportFacts(wf, d, Calendar());
  facts.population_data = true;
  CountSettledFacts(facts, counts);
  CountSettledFacts(ComputeReportFacts(wf, d, Calendar()), counts);
  CHECK(counts.dossiers == 2);
  CHECK(counts.population_data == 1);
}

TEST_CASE("report facts: desk submission and cash payment, finished late") {
  const Workflow wf = PermanentResidence();
  const Dossier d = Returned(Channel::kDesk, std::chrono::days{10}, March2(17) + 24h);
  const ReportFacts facts = ComputeReportFacts(wf, d, Calendar());
  CHECK_FALSE(facts.submitted_online);
  CHECK_FALSE(facts.paid_online);
  CHECK_FALSE(facts.fully_online);
  CHECK(facts.fee_bearing);
  CHECK(facts.timeliness == Timeliness::kLate);
  CHECK(facts.counts_late_in_index);
}

TEST_CASE("report facts: a signature over an earlier result is no electronic result") {
  const Workflow wf = PermanentResidence();
  Dossier d = Returned(Channel::kOnline, std::chrono::days{1}, March2(17) + 24h * 8);
  d.result_signatures.front().document_id = kOldResultId;
  const ReportFacts facts = ComputeReportFacts(wf, d, Calendar());
  CHECK(facts.has_result);
  CHECK_FALSE(facts.electronic_result);
  CHECK_FALSE(facts.fully_online);
}

TEST_CASE("report facts: refused at reception is finished, not received, with no verdict") {
  const Workflow wf = PermanentResidence();
  Dossier d;
  d.code = "X-1";
  d.agency = "000.00.01.H26";
  d.procedure_code = "1.004222";
  d.state = "not_received";
  d.history = {
      Event("submit", "", "submitted", March2(8), ApplicantStep::kSubmission, Channel::kOnline),
      Event("claim", "submitted", "submitted", March2(9)),
      Event("refuse_reception", "submitted", "not_received", March2(10)),
      Event("release", "not_received", "not_received", March2(11)),
  };
  const ReportFacts facts = ComputeReportFacts(wf, d, Calendar());
  REQUIRE(facts.outcome.has_value());
  CHECK(*facts.outcome == ReportOutcome::kNotReceived);
  CHECK(facts.finished_at == March2(10));  // entering the terminal state, not the release
  CHECK_FALSE(facts.received_at.has_value());
  CHECK_FALSE(facts.timeliness.has_value());
  CHECK_FALSE(facts.has_result);
}

TEST_CASE("report facts: a dossier waiting for a supplement records its pause") {
  const Workflow wf = PermanentResidence();
  Dossier d;
  d.code = "X-2";
  d.agency = "000.00.01.H26";
  d.procedure_code = "1.004222";
  d.state = "supplement_requested";
  d.clock.received_at = March2(8);
  d.clock.due_at = March2(17) + 24h * 8;
  d.clock.paused.push_back({March2(9), std::nullopt});
  d.history = {
      Event("submit", "", "submitted", March2(7), ApplicantStep::kSubmission, Channel::kOnline),
      Event("receive", "submitted", "in_review", March2(8)),
      Event("request_supplement", "in_review", "supplement_requested", March2(9)),
  };
  const ReportFacts facts = ComputeReportFacts(wf, d, Calendar());
  CHECK(facts.paused_at == March2(9));
  CHECK_FALSE(facts.finished_at.has_value());
  CHECK_FALSE(facts.outcome.has_value());
  CHECK_FALSE(facts.timeliness.has_value());
  CHECK_FALSE(facts.fully_online);  // not finished
}

TEST_CASE("report query: the timeliness counts partition the received dossiers") {
  const Instant now = March2(12);
  struct Case {
    const char* name;
    bool received;
    bool finished;
    bool late;
    std::optional<Instant> due;
    std::optional<Instant> paused;
    std::int64_t ReportCounts::*expected;
  };
  const Case cases[] = {
      {"finished on time", true, true, false, now, {}, &ReportCounts::finished_on_time},
      {"finished late", true, true, true, now, {}, &ReportCounts::finished_late},
      {"in progress, due later",
       true,
       false,
       false,
       now + 1h,
       {},
       &ReportCounts::in_progress_on_time},
      {"in progress, due passed",
       true,
       false,
       false,
       now - 1h,
       {},
       &ReportCounts::in_progress_overdue},
      {"paused before due", true, false, false, now - 1h, now - 2h,
       &ReportCounts::in_progress_on_time},
      {"second supplement", true, false, true, now + 1h, {}, &ReportCounts::in_progress_overdue},
      {"no due date", true, false, false, {}, {}, &ReportCounts::in_progress_on_time},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    ReportFacts facts;
    facts.submitted_at = now - 24h;
    if (c.received) facts.received_at = now - 20h;
    if (c.finished) facts.finished_at = now - 1h;
    facts.counts_late_in_index = c.late;
    facts.due_at = c.due;
    facts.paused_at = c.paused;
    ReportCounts counts;
    CountFacts(facts, now, counts);
    CHECK(counts.received == 1);
    CHECK(counts.*(c.expected) == 1);
    CHECK(counts.finished_on_time + counts.finished_late + counts.in_progress_on_time +
              counts.in_progress_overdue ==
          1);
  }
}

TEST_CASE("national index: points are max x min(1, ratio / threshold) - no data is not zero") {
  ReportCounts counts;
  counts.dossiers = 10;
  counts.received = 8;
  counts.finished_on_time = 5;
  counts.in_progress_on_time = 1;
  counts.submitted_online = 3;  // 30% of a 50% threshold
  counts.fee_bearing = 0;       // no data
  counts.results = 4;
  counts.electronic_results = 2;  // 0.5
  counts.documents_total = 10;
  counts.documents_digitized = 10;  // 1.0
  counts.population_data = 6;       // 0.6 of 10 dossiers -> mean 0.7 of 0.8
  const std::vector<IndexComponent> components = ScoreNationalIndex(counts);
  REQUIRE(components.size() == 5);
  CHECK(components[0].component == "timeliness");
  CHECK(components[0].ratio == doctest::Approx(0.75));
  CHECK(*components[0].points == doctest::Approx(15.0));
  CHECK(components[1].component == "online_services");
  CHECK(*components[1].points == doctest::Approx(12 * 0.3 / 0.5));
  CHECK(components[2].component == "online_payment");
  CHECK_FALSE(components[2].ratio.has_value());
  CHECK_FALSE(components[2].points.has_value());
  CHECK(components[3].component == "satisfaction");
  CHECK_FALSE(components[3].points.has_value());
  CHECK(components[4].component == "digitization");
  CHECK(*components[4].ratio == doctest::Approx(0.7));
  CHECK(*components[4].points == doctest::Approx(22 * 0.7 / 0.8));
  // Without dossiers there is no population part; the others still count.
  ReportCounts no_dossiers = counts;
  no_dossiers.dossiers = 0;
  no_dossiers.population_data = 0;
  CHECK(*ScoreNationalIndex(no_dossiers)[4].ratio == doctest::Approx(0.75));
  CHECK(IndexPoints(kOnlineServicesRule, 0.9) == doctest::Approx(12.0));  // capped at max
}

}  // namespace
}  // namespace motcua
