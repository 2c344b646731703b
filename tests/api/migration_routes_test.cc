// Route and service tests of migrating dossiers in flight (issue 21): the
// real router, catalog, dossier and migration services over the in-memory
// store. Version 2 of 1.004222 renames in_review to under_review and adds an
// optional document (tests/migration_fixture.h).
#include "api/migration_routes.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "api/document_routes.h"
#include "api/dossier_routes.h"
#include "api/http_message.h"
#include "engine/crypto/sha256.h"
#include "engine/domain/identity.h"
#include "engine/domain/payment.h"
#include "tests/api/route_test_support.h"
#include "tests/fakes/memory_store.h"
#include "tests/migration_fixture.h"
#include "tests/service_fixture.h"

namespace motcua {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

json Body(const HttpResponse& response) {
  return json::parse(response.body);
}

const json kPlan = {{"from_version", 1}, {"to_version", 2}};
const json kMappedPlan = {
    {"from_version", 1}, {"to_version", 2}, {"mapping", {{"in_review", "under_review"}}}};

struct Api : PermanentResidenceService {
  std::unique_ptr<DocumentService> documents;
  std::unique_ptr<DossierApi> api;
  std::unique_ptr<DocumentApi> document_api;
  std::unique_ptr<MigrationService> migrations;
  std::unique_ptr<MigrationApi> migration_api;
  Router router;
  std::string declaration_id;
  std::string proof_id;
  // Dossiers by the state they were brought to (before v2 was published).
  std::string submitted, awaiting_fee, in_review_1, in_review_2, not_received;

  Api() {
    api = std::make_unique<DossierApi>(
        DossierApi{*service, *catalog, TokenTable(Tokens()), *calendar});
    REQUIRE(AddDossierRoutes(router, *api).ok());
    documents = std::make_unique<DocumentService>(store, *catalog, &Sha256Hex, clock);
    document_api = std::make_unique<DocumentApi>(DocumentApi{*documents, api->authenticate});
    REQUIRE(AddDocumentRoutes(router, *document_api).ok());
    migrations = std::make_unique<MigrationService>(store, *catalog, *calendar, clock, &Sha256Hex);
    migration_api = std::make_unique<MigrationApi>(MigrationApi{*migrations, api->authenticate});
    REQUIRE(AddMigrationRoutes(router, *migration_api).ok());
    declaration_id = Upload("%PDF declaration");
    proof_id = Upload("%PDF residence proof");

    submitted = Submit();
    awaiting_fee = Submit();
    Act(awaiting_fee, "receive", "t-clerk");
    in_review_1 = Submit();
    Act(in_review_1, "receive", "t-clerk");
    PayOnline(in_review_1);
    in_review_2 = Submit();
    Act(in_review_2, "receive", "t-clerk");
    PayOnline(in_review_2);
    not_received = Submit();
    Act(not_received, "refuse_reception", "t-clerk", {{"comment", "not ours"}});
    REQUIRE(catalog->Publish(Tokens().at("t-national"), PermanentResidenceV2()).value().version ==
            2);
  }

  std::string Upload(const std::string& bytes) {
    HttpRequest request = MakeHttpRequest("POST", "/v1/documents", bytes);
    request.headers.push_back({"Authorization", "Bearer t-owner"});
    request.headers.push_back({"Content-Type", "application/pdf"});
    HttpResponse response = router.Handle(request);
    REQUIRE_MESSAGE(response.status == 201, response.body);
    return Body(response).at("id").get<std::string>();
  }

  HttpResponse Call(const std::string& method, const std::string& target, const std::string& token,
                    const std::string& body = {}, std::vector<HttpHeader> headers = {}) {
    clock.Advance(1min);
    return CallRoute(router, method, target, token, body, std::move(headers));
  }

  std::string Submit(const std::string& procedure = "1.004222") {
    const json body = {
        {"procedure", procedure},
        {"agency", kAgencyA},
        {"form",
         {{"full_name", "Nguyễn Văn An"}, {"citizen_id", kOwnerId}, {"address", "12 Hàng Bài"}}},
        {"documents", {{"declaration", declaration_id}, {"legal_residence_proof", proof_id}}}};
    HttpResponse response = Call("POST", "/v1/dossiers", "t-owner", body.dump());
    REQUIRE_MESSAGE(response.status == 201, response.body);
    return Body(response).at("code").get<std::string>();
  }

  void Act(const std::string& code, const std::string& action, const std::string& token,
           const json& body = json::object()) {
    HttpResponse response =
        Call("POST", "/v1/dossiers/" + code + "/actions/" + action, token, body.dump());
    REQUIRE_MESSAGE(response.status == 200, response.body);
  }

  void PayOnline(const std::string& code) {
    PaymentRecord payment;
    payment.transaction_id = "gw-" + code;
    payment.channel = Channel::kOnline;
    payment.amount = 10000;
    REQUIRE(service->PayFee(Actor{kSystemRole, {kSystemRole}, ""}, code, payment).ok());
  }

  HttpResponse DryRun(const json& plan, const std::string& token = "t-national",
                      const std::string& query = "") {
    return Call("POST", "/v1/procedures/1.004222/migrations/dry-run" + query, token, plan.dump());
  }

  // Applies `plan` with the selection and plan etag of `report`, its dry run.
  HttpResponse Apply(const json& plan, const json& report,
                     const std::string& token = "t-national") {
    json body = plan;
    body["selection"] = report.at("selection");
    return ApplyBody(body, report.at("plan_etag").get<std::string>(), token);
  }

  HttpResponse ApplyBody(const json& body, const std::string& etag,
                         const std::string& token = "t-national") {
    return Call("POST", "/v1/procedures/1.004222/migrations/apply", token, body.dump(),
                {{"If-Match", "\"" + etag + "\""}});
  }

  // Publishes a version of 1.004222-HN01, agency A's own variant of 1.004222
  // (its admin t-admin owns it), named `name` when given.
  void PublishLocalVariant(const std::string& name = "") {
    json local = LoadJson(kPermanentResidenceFile);
    local["procedure"]["code"] = "1.004222-HN01";
    if (!name.empty()) local["procedure"]["name"] = name;
    REQUIRE(catalog->Publish(Tokens().at("t-admin"), local).ok());
  }

  Dossier Stored(const std::string& code) { return store.GetDossier(code).value(); }

  int MigrateEvents(const std::string& code) {
    const Dossier dossier = Stored(code);
    return static_cast<int>(
        std::count_if(dossier.history.begin(), dossier.history.end(),
                      [](const DossierEvent& event) { return event.action == kMigrateAction; }));
  }

  std::vector<std::string> InFlight() const {
    return {submitted, awaiting_fee, in_review_1, in_review_2};
  }
};

const json* StateSummary(const json& report, const std::string& state) {
  for (const json& summary : report.at("states")) {
    if (summary.at("state") == state) return &summary;
  }
  return nullptr;
}

TEST_CASE("migration dry run: counts per state, the unmapped state reported, nothing changes") {
  Api api;
  std::map<std::string, std::int64_t> versions;
  for (const std::string& code : api.InFlight()) versions[code] = api.Stored(code).version;

  const HttpResponse response = api.DryRun(kPlan);
  REQUIRE_MESSAGE(response.status == 200, response.body);
  const json report = Body(response);
  CHECK(report.at("total") == 4);  // the refused dossier is terminal: not selected
  CHECK(report.at("movable") == 2);
  CHECK(report.at("blocked") == 2);
  CHECK(report.at("states").size() == 3);
  const json* submitted = StateSummary(report, "submitted");
  REQUIRE(submitted != nullptr);
  CHECK(*submitted ==
        json{{"state", "submitted"}, {"count", 1}, {"movable", 1}, {"blocked", json::object()}});
  const json* in_review = StateSummary(report, "in_review");
  REQUIRE(in_review != nullptr);
  CHECK(*in_review == json{{"state", "in_review"},
                           {"count", 2},
                           {"movable", 0},
                           {"blocked", {{"state_unmapped", 2}}}});
  CHECK(StateSummary(report, "not_received") == nullptr);
  const std::string etag = report.at("plan_etag");
  CHECK(etag.size() == 64);
  CHECK(response.Header("ETag") == "\"" + etag + "\"");
  for (const json& item : report.at("items")) {
    if (item.at("state") == "in_review") {
      CHECK(item.at("can_move") == false);
      CHECK(item.at("reason") == "state_unmapped");
      CHECK(item.at("target_state").is_null());
    } else {
      CHECK(item.at("can_move") == true);
      CHECK(item.at("reason").is_null());
      CHECK(item.at("target_state") == item.at("state"));
    }
  }

  // The mapped plan moves all four; a dry run is repeatable: same dossiers, same etag.
  const json mapped = Body(api.DryRun(kMappedPlan));
  CHECK(mapped.at("movable") == 4);
  CHECK(mapped.at("plan_etag") != etag);
  CHECK(Body(api.DryRun(kMappedPlan)).at("plan_etag") == mapped.at("plan_etag"));

  // Nothing moved.
  for (const std::string& code : api.InFlight()) {
    CHECK(api.Stored(code).definition_version == 1);
    CHECK(api.Stored(code).version == versions[code]);
  }
}

TEST_CASE("migration dry run: the full CSV, by Accept or ?format=csv") {
  Api api;
  for (bool by_query : {false, true}) {
    CAPTURE(by_query);
    const HttpResponse response =
        by_query ? api.DryRun(kPlan, "t-national", "?format=csv")
                 : api.Call("POST", "/v1/procedures/1.004222/migrations/dry-run", "t-national",
                            kPlan.dump(), {{"Accept", "text/csv"}});
    REQUIRE_MESSAGE(response.status == 200, response.body);
    CHECK(response.content_type.rfind("text/csv", 0) == 0);
    const std::string& csv = response.body;
    CHECK(csv.rfind("code,version,state,target_state,can_move,reason,detail\r\n", 0) == 0);
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 5);  // header + 4 dossiers
    CHECK(csv.find(api.in_review_1 + ",3,in_review,,false,state_unmapped,") != std::string::npos);
    CHECK(csv.find(api.submitted + ",1,submitted,submitted,true,,") != std::string::npos);
  }
}

TEST_CASE("migration apply: the dossiers continue on v2, each with one migrate event") {
  Api api;
  const json report = Body(api.DryRun(kMappedPlan));
  const std::string etag = report.at("plan_etag");
  const Dossier before = api.Stored(api.in_review_1);

  const HttpResponse response = api.Apply(kMappedPlan, report);
  REQUIRE_MESSAGE(response.status == 200, response.body);
  const json applied = Body(response);
  CHECK(applied.at("moved") == 4);
  CHECK(applied.at("skipped") == 0);
  CHECK(applied.at("items").size() == 4);
  for (const json& item : applied.at("items")) CHECK(item.at("outcome") == "moved");

  for (const std::string& code : api.InFlight()) {
    CAPTURE(code);
    const Dossier dossier = api.Stored(code);
    CHECK(dossier.definition_version == 2);
    CHECK(api.MigrateEvents(code) == 1);
    const DossierEvent& event = dossier.history.back();
    CHECK(event.action == "migrate");
    CHECK(event.actor.user_id == "national-1");
    CHECK(event.payload.at("plan_etag") == etag);
  }
  const Dossier after = api.Stored(api.in_review_1);
  CHECK(after.state == "under_review");
  CHECK(after.version == before.version + 1);
  CHECK(after.clock.due_at == before.clock.due_at);  // the legal clock is carried over
  CHECK(after.clock.received_at == before.clock.received_at);
  CHECK(api.Stored(api.not_received).definition_version == 1);  // terminal: left alone

  // The history shows the migration.
  const json history =
      Body(api.Call("GET", "/v1/dossiers/" + api.in_review_1 + "/history", "t-specialist"));
  bool shows_migrate = false;
  for (const json& item : history.at("items")) shows_migrate |= item.at("action") == "migrate";
  CHECK(shows_migrate);
  // Its stays on v1 are named and judged by v1: in_review (which v2 renamed)
  // keeps its title and its SLA; the stay after the move is v2's under_review.
  const json& in_review = history.at("items").at(history.at("items").size() - 2);
  CHECK(in_review.at("state") == "in_review");
  CHECK(in_review.at("action") == "migrate");
  CHECK(in_review.at("state_title").at("vi") == "Đang xử lý: chuyên viên thẩm định");
  CHECK_FALSE(in_review.at("due").is_null());  // v1's 5 working days
  CHECK_FALSE(in_review.at("timeliness").is_null());
  const json& under_review = history.at("items").back();
  CHECK(under_review.at("state") == "under_review");
  CHECK(under_review.at("state_title").at("vi") == "Đang xử lý: chuyên viên thẩm định");

  // The specialist's queue shows it in its new state, and work continues on v2.
  const json queue = Body(api.Call("GET", "/v1/queue?role=specialist", "t-specialist"));
  std::vector<std::string> queued;
  for (const json& item : queue.at("items")) queued.push_back(item.at("state").get<std::string>());
  CHECK(queued == std::vector<std::string>{"under_review", "under_review"});
  REQUIRE(api.Call("POST", "/v1/dossiers/" + api.in_review_1 + "/claim", "t-specialist").status ==
          200);
  api.Act(api.in_review_1, "request_supplement", "t-specialist", {{"comment", "a copy, please"}});
  CHECK(api.Stored(api.in_review_1).state == "supplement_requested");

  // Reports count each dossier once.
  ReportQuery query;
  query.procedure_code = "1.004222";
  query.from = Instant{};
  query.to = api.clock.Now() + 24h;
  query.now = api.clock.Now();
  const auto groups = api.store.AggregateReport(query).value();
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].counts.dossiers == 5);
  CHECK(groups[0].counts.received == 3);

  // Applying again moves nothing: each dossier is already migrated.
  const HttpResponse again = api.Apply(kMappedPlan, report);
  REQUIRE_MESSAGE(again.status == 200, again.body);
  const json again_body = Body(again);  // alive while its items are walked
  CHECK(again_body.at("moved") == 0);
  CHECK(again_body.at("skipped") == 4);
  for (const json& item : again_body.at("items")) {
    CHECK(item.at("reason") == "already_migrated");
    CHECK(item.at("outcome") == "skipped");
  }
  for (const std::string& code : api.InFlight()) CHECK(api.MigrateEvents(code) == 1);
}

TEST_CASE("migration apply: dossiers whose state is unmapped stay on v1, the others move") {
  Api api;
  const json applied = Body(api.Apply(kPlan, Body(api.DryRun(kPlan))));
  CHECK(applied.at("moved") == 2);
  CHECK(applied.at("skipped") == 2);
  CHECK(api.Stored(api.in_review_1).definition_version == 1);
  CHECK(api.Stored(api.in_review_1).state == "in_review");
  CHECK(api.Stored(api.submitted).definition_version == 2);
}

TEST_CASE("migration apply: a dossier acted on between the dry run and apply is skipped, the "
          "others move") {
  Api api;
  const json report = Body(api.DryRun(kMappedPlan));
  REQUIRE(report.at("selection").size() == 4);
  api.Act(api.submitted, "receive", "t-clerk");  // acted on after the dry run
  const Dossier acted_on = api.Stored(api.submitted);

  const HttpResponse response = api.Apply(kMappedPlan, report);
  REQUIRE_MESSAGE(response.status == 200, response.body);
  const json applied = Body(response);
  CHECK(applied.at("moved") == 3);
  CHECK(applied.at("skipped") == 1);
  REQUIRE(applied.at("items").size() == 4);  // the listed dossiers only
  for (const json& item : applied.at("items")) {
    CAPTURE(item.dump());
    if (item.at("code") == api.submitted) {
      CHECK(item.at("outcome") == "skipped");
      CHECK(item.at("reason") == "changed_since_plan");
      CHECK(item.at("state") == acted_on.state);
      CHECK(item.at("version") == acted_on.version);
    } else {
      CHECK(item.at("outcome") == "moved");
    }
  }
  // Not clobbered: the received dossier keeps v1, its state and its history.
  const Dossier kept = api.Stored(api.submitted);
  CHECK(kept.definition_version == 1);
  CHECK(kept.version == acted_on.version);
  CHECK(api.MigrateEvents(api.submitted) == 0);
  for (const std::string& code : {api.awaiting_fee, api.in_review_1, api.in_review_2}) {
    CHECK(api.Stored(code).definition_version == 2);
  }
  // A new dry run finds the one left behind, with a new etag.
  const json next = Body(api.DryRun(kMappedPlan));
  CHECK(next.at("total") == 1);
  CHECK(next.at("selection").at(0).at("code") == api.submitted);
  CHECK(next.at("plan_etag") != report.at("plan_etag"));
}

TEST_CASE("migration apply: a dossier that came into the plan's filter after the dry run stays") {
  Api api;
  json plan = kMappedPlan;
  plan["filter"] = {{"states", {"in_review"}}};
  const json report = Body(api.DryRun(plan));
  REQUIRE(report.at("total") == 2);
  api.PayOnline(api.awaiting_fee);  // now in_review too, but not in the selection
  REQUIRE(api.Stored(api.awaiting_fee).state == "in_review");

  const json applied = Body(api.Apply(plan, report));
  CHECK(applied.at("moved") == 2);
  CHECK(applied.at("items").size() == 2);
  CHECK(api.Stored(api.awaiting_fee).definition_version == 1);
  CHECK(api.MigrateEvents(api.awaiting_fee) == 0);
  CHECK(Body(api.DryRun(plan)).at("total") == 1);
}

TEST_CASE("migration apply: If-Match must be the etag of the plan and selection sent, else 412") {
  Api api;
  const json report = Body(api.DryRun(kMappedPlan));
  const std::string etag = report.at("plan_etag");
  auto with_selection = [&](const json& selection) {
    json body = kMappedPlan;
    body["selection"] = selection;
    return body;
  };
  auto expect_412 = [&](const HttpResponse& response) {
    CHECK(response.status == 412);
    CHECK(response.content_type == "application/problem+json");
    CHECK(Body(response).at("type") == "https://motcua.example/problems/plan_changed");
  };
  // A selection edited by the client: a version changed, a dossier dropped or added.
  json bumped = report.at("selection");
  bumped[0]["version"] = bumped[0]["version"].get<int>() + 1;
  expect_412(api.ApplyBody(with_selection(bumped), etag));
  json dropped = report.at("selection");
  dropped.erase(dropped.begin());
  expect_412(api.ApplyBody(with_selection(dropped), etag));
  json added = report.at("selection");
  added.push_back({{"code", api.not_received}, {"version", api.Stored(api.not_received).version}});
  expect_412(api.ApplyBody(with_selection(added), etag));
  // Another plan with this plan's selection and etag, and this plan with another's etag.
  json other_plan = kPlan;
  other_plan["selection"] = report.at("selection");
  expect_412(api.ApplyBody(other_plan, etag));
  expect_412(api.ApplyBody(with_selection(report.at("selection")),
                           Body(api.DryRun(kPlan)).at("plan_etag").get<std::string>()));
  for (const std::string& code : api.InFlight()) CHECK(api.Stored(code).definition_version == 1);

  // Without the selection: 422 naming it. Without If-Match: 400.
  const HttpResponse no_selection = api.ApplyBody(kMappedPlan, etag);
  CHECK(no_selection.status == 422);
  CHECK(Body(no_selection).at("errors").at(0).at("pointer") == "/selection");
  const HttpResponse bare = api.Call("POST", "/v1/procedures/1.004222/migrations/apply",
                                     "t-national", with_selection(report.at("selection")).dump());
  CHECK(bare.status == 400);
  CHECK(Body(bare).at("type") == "https://motcua.example/problems/invalid_if_match");
  // A malformed selection: 422 naming the item's member.
  const HttpResponse malformed =
      api.ApplyBody(with_selection(json::array({{{"code", 7}, {"version", 1}}})), etag);
  CHECK(malformed.status == 422);
  CHECK(Body(malformed).at("errors").at(0).at("pointer") == "/selection/0/code");
  for (const std::string& code : api.InFlight()) CHECK(api.Stored(code).definition_version == 1);
}

TEST_CASE("migration apply: a selection naming another procedure's dossier says nothing of it") {
  Api api;
  // Another procedure's dossier, listed with the version it has, under an
  // etag the caller computed itself (the etag is a plain hash, not a secret).
  api.PublishLocalVariant();
  const std::string foreign = api.Submit("1.004222-HN01");
  const Dossier before = api.Stored(foreign);
  MigrationPlan plan = ParseMigrationPlan(kMappedPlan, "1.004222").value();
  MigrationSelection selection = {{"HN-NO-SUCH-DOSSIER", 1}, {foreign, before.version}};
  std::sort(selection.begin(), selection.end());  // the etag's order
  const std::string etag = Sha256Hex(MigrationEtagText(plan, selection));
  json body = kMappedPlan;
  body["selection"] = MigrationSelectionJson(selection);
  const HttpResponse response = api.ApplyBody(body, etag);
  REQUIRE_MESSAGE(response.status == 200, response.body);
  const json applied = Body(response);
  CHECK(applied.at("moved") == 0);
  REQUIRE(applied.at("items").size() == 2);
  // The foreign dossier and a code of no dossier get the same answer.
  for (const json& item : applied.at("items")) {
    CAPTURE(item.dump());
    CHECK(item.at("outcome") == "skipped");
    CHECK(item.at("reason") == "changed_since_plan");
    CHECK(item.at("state") == "");  // its state is not told
    CHECK(item.at("detail") == "No dossier of this procedure has this code.");
  }
  const Dossier after = api.Stored(foreign);
  CHECK(after.version == before.version);
  CHECK(after.definition_version == before.definition_version);
}

TEST_CASE("migration apply: a dossier acted on after the check is skipped, not clobbered") {
  Api api;
  const json report = Body(api.DryRun(kMappedPlan));
  // The specialist claims in_review_2 just before the migration reaches it.
  api.migrations->SetBeforeMove([&](const std::string& code) {
    if (code == api.in_review_2) {
      REQUIRE(api.service->Claim(Tokens().at("t-specialist"), code).ok());
    }
  });
  const json applied = Body(api.Apply(kMappedPlan, report));
  CHECK(applied.at("moved") == 3);
  CHECK(applied.at("skipped") == 1);
  for (const json& item : applied.at("items")) {
    if (item.at("code") == api.in_review_2) {
      CHECK(item.at("outcome") == "skipped");
      CHECK(item.at("reason") == "changed_since_plan");
    }
  }
  const Dossier kept = api.Stored(api.in_review_2);
  CHECK(kept.definition_version == 1);
  CHECK(kept.state == "in_review");
  CHECK(kept.assignee == std::optional<std::string>("specialist-a"));
  CHECK(api.MigrateEvents(api.in_review_2) == 0);
}

TEST_CASE("migration routes: only the procedure's owners apply, others get 403") {
  Api api;
  const json report = Body(api.DryRun(kMappedPlan));
  struct Case {
    const char* token;
    int dry_run;
    int apply;
    const char* reason;
  };
  const Case cases[] = {
      {"t-admin", 403, 403, "not_your_procedure"},  // an agency admin; 1.004222 is national
      {"t-auditor", 403, 403, nullptr},             // a national procedure's dossiers span agencies
      {"t-clerk", 403, 403, "role_not_allowed"},
      {"t-owner", 403, 403, "role_not_allowed"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.token);
    const HttpResponse dry_run = api.DryRun(kMappedPlan, c.token);
    CHECK(dry_run.status == c.dry_run);
    const HttpResponse apply = api.Apply(kMappedPlan, report, c.token);
    CHECK(apply.status == c.apply);
    if (c.reason != nullptr) {
      CHECK(Body(apply).at("type") == std::string("https://motcua.example/problems/") + c.reason);
    }
  }
  CHECK(api.Call("POST", "/v1/procedures/1.004222/migrations/dry-run", "", kPlan.dump()).status ==
        401);
  for (const std::string& code : api.InFlight()) CHECK(api.Stored(code).definition_version == 1);
}

TEST_CASE("migration routes: an agency's own procedure: its admins and auditors dry-run") {
  Api api;
  api.PublishLocalVariant();
  api.PublishLocalVariant("Local variant, v2");
  const std::string path = "/v1/procedures/1.004222-HN01/migrations/dry-run";
  CHECK(api.Call("POST", path, "t-admin", kPlan.dump()).status == 200);
  CHECK(api.Call("POST", path, "t-auditor", kPlan.dump()).status == 200);
  CHECK(api.Call("POST", path, "t-admin-b", kPlan.dump()).status == 403);
  CHECK(api.Call("POST", path, "t-national", kPlan.dump()).status == 403);
  const json report = Body(api.Call("POST", path, "t-admin", kPlan.dump()));
  const std::string etag = report.at("plan_etag");
  json body = kPlan;
  body["selection"] = report.at("selection");
  CHECK(api.Call("POST", "/v1/procedures/1.004222-HN01/migrations/apply", "t-auditor", body.dump(),
                 {{"If-Match", etag}})
            .status == 403);
  const HttpResponse applied = api.Call("POST", "/v1/procedures/1.004222-HN01/migrations/apply",
                                        "t-admin", body.dump(), {{"If-Match", etag}});
  CHECK(applied.status == 200);
}

TEST_CASE("migration routes: an invalid plan is 422 naming its fields, a missing version 404") {
  Api api;
  const HttpResponse invalid =
      api.DryRun({{"from_version", 1}, {"to_version", 1}, {"mapping", {{"nowhere", 3}}}});
  CHECK(invalid.status == 422);
  std::vector<std::string> pointers;
  const json invalid_body = Body(invalid);  // alive while its errors are walked
  for (const json& error : invalid_body.at("errors"))
    pointers.push_back(error.at("pointer").get<std::string>());
  CHECK(pointers == std::vector<std::string>{"/to_version", "/mapping/nowhere"});

  const HttpResponse unknown_state =
      api.DryRun({{"from_version", 1}, {"to_version", 2}, {"mapping", {{"nowhere", "x"}}}});
  CHECK(unknown_state.status == 422);
  CHECK(Body(unknown_state).at("errors").at(0).at("pointer") == "/mapping/nowhere");

  const HttpResponse missing = api.DryRun({{"from_version", 1}, {"to_version", 3}});
  CHECK(missing.status == 404);
  CHECK(Body(missing).at("errors").at(0).at("pointer") == "/to_version");
  CHECK(api.Call("POST", "/v1/procedures/9.999999/migrations/dry-run", "t-national", kPlan.dump())
            .status == 404);
  CHECK(api.DryRun({{"from_version", 1}, {"to_version", 2}, {"colour", "red"}}).status == 422);
}

}  // namespace
}  // namespace motcua
