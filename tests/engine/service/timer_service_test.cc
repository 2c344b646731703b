// The timer sweep over the in-memory store, driven by the injected clock.
#include "engine/service/timer_service.h"

#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>

#include "engine/domain/payment.h"
#include "tests/fakes/memory_store.h"
#include "tests/service_fixture.h"
#include "tests/source_tree.h"

namespace motcua {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const std::string kDeclaration(64, '1');
const std::string kProof(64, '2');

// Permanent residence: "awaiting_fee" stops the dossier after 15 working
// days without payment (timer), as "system".
struct Fixture : PermanentResidenceService {
  Fixture() {
    for (const std::string& id : {kDeclaration, kProof}) {
      REQUIRE(store.PutDocument({id, 3, "application/pdf"}, "pdf", kOwner, clock.Now()).ok());
    }
  }

  // A dossier received at the desk's first opportunity: waiting for its fee.
  std::string AwaitingFee() {
    NewDossier request{
        "1.004222",
        kAgency,
        {{"form",
          {{"full_name", "Nguyễn Văn An"}, {"citizen_id", kOwner}, {"address", "12 Hàng Bài"}}},
         {"documents", {{"declaration", kDeclaration}, {"legal_residence_proof", kProof}}}},
        VerifiedIdentity{}};
    Result<DossierView> created = service->Submit(
        Actor{kOwner, {"applicant"}, "", AuthMethod::kOidcSession, "vneid"}, request);
    REQUIRE_MESSAGE(created.ok(), (created.ok() ? "" : created.error().message()));
    const std::string code = created->dossier.code;
    clock.Advance(1h);
    Result<DossierView> received =
        service->Act(Actor{"clerk-1", {"reception_clerk"}, kAgency, AuthMethod::kBearerToken},
                     ActionCall{code, "receive", std::nullopt, ActionInput{}});
    REQUIRE_MESSAGE(received.ok(), (received.ok() ? "" : received.error().message()));
    REQUIRE(received->dossier.state == "awaiting_fee");
    return code;
  }
};

TEST_CASE("timers: a sweep's log shows a few failures and how many more") {
  SweepResult quiet;
  CHECK(SweepLogLines(quiet).empty());
  SweepResult busy;
  busy.timers_fired = 2;
  busy.report_facts_added = 7;
  for (int i = 0; i < 12; ++i) busy.failures.push_back("D-" + std::to_string(i) + " failed");
  const std::vector<std::string> lines = SweepLogLines(busy, 3);
  REQUIRE(lines.size() == 6);
  CHECK(lines[0] == "2 fired, 0 automatic actions resumed, 0 escalated");
  CHECK(lines[1] == "report facts added for 7 older dossiers");
  CHECK(lines[2] == "D-0 failed");
  CHECK(lines[4] == "D-2 failed");
  CHECK(lines[5] == "... and 9 more failures, tried again next sweep");
  busy.failures.resize(3);
  CHECK(SweepLogLines(busy, 3).size() == 5);
}

TEST_CASE("timers: dossiers from before report facts get theirs, once") {
  Fixture f;
  const std::string code = f.AwaitingFee();
  // The same dossier under another code, stored without facts, as a dossier
  // created before migration 0006 was.
  Result<Dossier> stored = f.store.GetDossier(code);
  REQUIRE(stored.ok());
  Dossier old = *stored;
  old.code = code.substr(0, code.size() - 1) + "9";
  REQUIRE(f.store.CreateDossier(old, {"reception_clerk"}, 2).ok());
  ReportQuery query;
  query.agency = std::string(kAgency);
  query.to = f.clock.Now();
  query.now = f.clock.Now();
  auto report = [&] {
    Result<std::vector<ReportGroup>> groups = f.store.AggregateReport(query);
    REQUIRE(groups.ok());
    REQUIRE(groups->size() == 1);
    return groups->front().counts;
  };
  CHECK(report().dossiers == 1);

  TimerService timers(f.store, *f.catalog, *f.service, f.clock);
  Result<SweepResult> swept = timers.Sweep();
  REQUIRE(swept.ok());
  CHECK(swept->report_facts_added == 1);
  CHECK(swept->failures.empty());
  const ReportCounts counts = report();
  CHECK(counts.dossiers == 2);
  CHECK(counts.received == 2);
  CHECK(counts.documents_total == 4);
  swept = timers.Sweep();
  REQUIRE(swept.ok());
  CHECK(swept->report_facts_added == 0);
  CHECK(report().dossiers == 2);
}

TEST_CASE("timers: a state timer fires as system once due, and only then") {
  Fixture f;
  const std::string code = f.AwaitingFee();  // received Mon 2026-03-02 09:00
  TimerService timers(f.store, *f.catalog, *f.service, f.clock);

  // 14 working days later (Fri 2026-03-20): not yet.
  f.clock.Advance(std::chrono::days(18));
  Result<SweepResult> early = timers.Sweep();
  REQUIRE(early.ok());
  CHECK(early->timers_fired == 0);
  CHECK(early->failures.empty());
  CHECK(f.store.GetDossier(code)->state == "awaiting_fee");

  // 15 working days after entering the state: stopped, by "system".
  f.clock.Advance(std::chrono::days(4));  // Tue 2026-03-24
  Result<SweepResult> due = timers.Sweep();
  REQUIRE(due.ok());
  CHECK(due->timers_fired == 1);
  CHECK(due->failures.empty());
  const Dossier stopped = f.store.GetDossier(code).value();
  CHECK(stopped.state == "stopped");
  CHECK(stopped.history.back().action == "stop_processing");
  CHECK(stopped.history.back().actor.user_id == "system");
  // The sweep acts as the engine, not as whoever acted last.
  CHECK(stopped.history.back().records_authentication);
  CHECK(stopped.history.back().actor.authenticated_by == AuthMethod::kSystem);
  CHECK(stopped.history.back().actor.identity_provider.empty());
  CHECK(stopped.history[1].actor.authenticated_by == AuthMethod::kBearerToken);
  CHECK(stopped.history[0].actor.identity_provider == "vneid");
  CHECK(stopped.history.back().payload.at("comment").get<std::string>().find("15 working days") !=
        std::string::npos);

  // Nothing left to do; a new service (a restarted server) agrees.
  TimerService restarted(f.store, *f.catalog, *f.service, f.clock);
  Result<SweepResult> again = restarted.Sweep();
  REQUIRE(again.ok());
  CHECK(again->timers_fired == 0);
}

TEST_CASE("timers: derived from stored state, a timer that fell due while down fires later") {
  Fixture f;
  const std::string first = f.AwaitingFee();
  f.clock.Advance(std::chrono::days(2));
  const std::string second = f.AwaitingFee();
  // The server was down for two months: both are due at the first sweep.
  f.clock.Advance(std::chrono::days(60));
  TimerService timers(f.store, *f.catalog, *f.service, f.clock);
  Result<SweepResult> swept = timers.Sweep();
  REQUIRE(swept.ok());
  CHECK(swept->timers_fired == 2);
  CHECK(f.store.GetDossier(first)->state == "stopped");
  CHECK(f.store.GetDossier(second)->state == "stopped");
}

TEST_CASE("timers: a paid dossier leaves the timed state and is never stopped") {
  Fixture f;
  const std::string code = f.AwaitingFee();
  f.clock.Advance(std::chrono::days(3));
  PaymentRecord payment;
  payment.transaction_id = "gw-1";
  payment.channel = Channel::kOnline;
  payment.amount = 10000;
  Result<DossierView> paid = f.service->PayFee(Actor{"system", {"system"}, ""}, code, payment);
  REQUIRE(paid.ok());
  f.clock.Advance(std::chrono::days(60));
  TimerService timers(f.store, *f.catalog, *f.service, f.clock);
  Result<SweepResult> swept = timers.Sweep();
  REQUIRE(swept.ok());
  CHECK(swept->timers_fired == 0);
  CHECK(f.store.GetDossier(code)->state == "in_review");
}

TEST_CASE("timers: a dossier overstaying its state's SLA is escalated once to the supervisor") {
  Fixture f;
  const std::string code = f.AwaitingFee();
  PaymentRecord payment;
  payment.transaction_id = "gw-sla";
  payment.channel = Channel::kOnline;
  payment.amount = 10000;
  REQUIRE(f.service->PayFee(Actor{"system", {"system"}, ""}, code, payment).ok());
  REQUIRE(f.store.GetDossier(code)->state == "in_review");  // SLA: 5 working days
  TimerService timers(f.store, *f.catalog, *f.service, f.clock);
  QueueQuery leaders;
  leaders.role = "leader";
  leaders.agency = kAgency;

  f.clock.Advance(std::chrono::days(6));  // 4 working days and a weekend later
  Result<SweepResult> early = timers.Sweep();
  REQUIRE(early.ok());
  CHECK(early->escalated == 0);
  CHECK(f.store.ListQueue(leaders)->empty());

  f.clock.Advance(std::chrono::days(2));  // past 5 working days
  Result<SweepResult> late = timers.Sweep();
  REQUIRE(late.ok());
  CHECK(late->escalated == 1);
  CHECK(late->failures.empty());
  const Dossier escalated = f.store.GetDossier(code).value();
  CHECK(escalated.state == "in_review");  // still with the specialist...
  CHECK(escalated.history.back().action == "escalate");
  CHECK(escalated.history.back().payload.at("to_role") == "leader");
  std::vector<std::string> in_queue;
  const std::vector<DossierSummary> queue = f.store.ListQueue(leaders).value();
  for (const DossierSummary& s : queue) in_queue.push_back(s.code);
  CHECK(in_queue == std::vector<std::string>{code});  // ...and in the leader's queue

  // Once per stay in the state.
  Result<SweepResult> again = timers.Sweep();
  REQUIRE(again.ok());
  CHECK(again->escalated == 0);
}

}  // namespace
}  // namespace motcua
