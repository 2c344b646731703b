// Handler tests of /v1/reports: dossiers driven through the real dossier
// service and state machine over the in-memory store, then reported.
#include "api/report_routes.h"

#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "api/document_routes.h"
#include "api/dossier_routes.h"
#include "api/http_message.h"
#include "engine/crypto/sha256.h"
#include "tests/api/route_test_support.h"
#include "tests/fakes/memory_store.h"
#include "tests/service_fixture.h"

namespace motcua {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

struct ReportsApi : PermanentResidenceService {
  std::unique_ptr<DocumentService> documents;
  std::unique_ptr<ReportService> reports;
  std::unique_ptr<DossierApi> dossier_api;
  std::unique_ptr<DocumentApi> document_api;
  std::unique_ptr<ReportApi> report_api;
  Router router;

  ReportsApi() {
    documents = std::make_unique<DocumentService>(store, *catalog, &Sha256Hex, clock);
    reports = std::make_unique<ReportService>(store, clock);
    dossier_api = std::make_unique<DossierApi>(
        DossierApi{*service, *catalog, TokenTable(Tokens()), *calendar});
    document_api =
        std::make_unique<DocumentApi>(DocumentApi{*documents, dossier_api->authenticate});
    report_api =
        std::make_unique<ReportApi>(ReportApi{*reports, dossier_api->authenticate, *calendar});
    REQUIRE(AddDossierRoutes(router, *dossier_api).ok());
    REQUIRE(AddDocumentRoutes(router, *document_api).ok());
    REQUIRE(AddReportRoutes(router, *report_api).ok());
  }

  HttpResponse Call(const std::string& method, const std::string& target, const std::string& token,
                    const std::string& body = {}, std::vector<HttpHeader> headers = {}) {
    clock.Advance(1min);
    return CallRoute(router, method, target, token, body, std::move(headers));
  }

  std::string Upload(const std::string& token, const std::string& bytes) {
    HttpRequest request = MakeHttpRequest("POST", "/v1/documents", bytes);
    request.headers.push_back({"Authorization", "Bearer " + token});
    request.headers.push_back({"Content-Type", "application/pdf"});
    HttpResponse response = router.Handle(request);
    REQUIRE_MESSAGE(response.status == 201, response.body);
    return json::parse(response.body).at("id").get<std::string>();
  }

  // A new dossier of 1.004222 for agency A, submitted online by the owner or
  // at the desk by the clerk; returns its code.
  std::string Submit(const std::string& token) {
    static int n = 0;
    ++n;
    json body = {{"procedure", "1.004222"},
                 {"agency", kAgencyA},
                 {"form", {{"full_name", "An"}, {"citizen_id", kOwnerId}, {"address", "Huế"}}},
                 {"documents",
                  {{"declaration", Upload(token, "declaration " + std::to_string(n))},
                   {"legal_residence_proof", Upload(token, "proof " + std::to_string(n))}}}};
    if (token != "t-owner") body["applicant_id"] = kOwnerId;
    HttpResponse response = Call("POST", "/v1/dossiers", token, body.dump());
    REQUIRE_MESSAGE(response.status == 201, response.body);
    return json::parse(response.body).at("code").get<std::string>();
  }

  void Act(const std::string& code, const std::string& action, const std::string& token,
           const json& payload = json::object()) {
    HttpResponse response =
        Call("POST", "/v1/dossiers/" + code + "/actions/" + action, token, payload.dump());
    REQUIRE_MESSAGE(response.status == 200, action << ": " << response.body);
  }

  // Settles the fee as the gateway (online) or a clerk (desk) would.
  void Pay(const std::string& code, Channel channel) {
    PaymentRecord payment;
    payment.transaction_id = "tx-" + code;
    payment.channel = channel;
    payment.amount = channel == Channel::kOnline ? 10000 : 20000;
    const Actor payer =
        channel == Channel::kOnline ? Actor{"system", {"system"}, ""} : Tokens().at("t-clerk");
    Result<DossierView> paid = service->PayFee(payer, code, payment);
    REQUIRE_MESSAGE(paid.ok(), (paid.ok() ? "" : paid.error().message()));
  }

  // Five dossiers of agency A:
  //  1 online, received, paid online, refused by the leader (finished on time);
  //  2 online, withdrawn before reception;
  //  3 online, received, waiting for the fee (paused, in progress);
  //  4 at the desk, received, fee paid at the desk, in review (in progress);
  //  5 online, refused at reception.
  void DriveFiveDossiers() {
    const json comment = {{"comment", "ghi chú"}};
    const std::string d1 = Submit("t-owner");
    Act(d1, "receive", "t-clerk");
    Pay(d1, Channel::kOnline);
    Act(d1, "refuse", "t-leader", comment);
    const std::string d2 = Submit("t-owner");
    Act(d2, "withdraw", "t-owner", comment);
    const std::string d3 = Submit("t-owner");
    Act(d3, "receive", "t-clerk");
    const std::string d4 = Submit("t-clerk");
    Act(d4, "receive", "t-clerk");
    Pay(d4, Channel::kDesk);
    const std::string d5 = Submit("t-owner");
    Act(d5, "refuse_reception", "t-clerk", comment);
  }
};

json Body(const HttpResponse& response) {
  return json::parse(response.body);
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find("\r\n", start)) != std::string::npos; start = end + 2) {
    lines.push_back(text.substr(start, end - start));
  }
  CHECK(start == text.size());  // every record ends with CRLF
  return lines;
}

TEST_CASE("report routes: documents attached again to a later dossier count as reused") {
  ReportsApi api;
  const std::string declaration = api.Upload("t-owner", "declaration kept");
  const std::string proof = api.Upload("t-owner", "proof kept");
  auto submission = [&](const std::string& first, const std::string& second) {
    return json{{"procedure", "1.004222"},
                {"agency", kAgencyA},
                {"form", {{"full_name", "An"}, {"citizen_id", kOwnerId}, {"address", "Huế"}}},
                {"documents", {{"declaration", first}, {"legal_residence_proof", second}}}};
  };
  HttpResponse first =
      api.Call("POST", "/v1/dossiers", "t-owner", submission(declaration, proof).dump());
  REQUIRE_MESSAGE(first.status == 201, first.body);
  // The second dossier attaches the declaration again and a new proof.
  const std::string new_proof = api.Upload("t-owner", "proof renewed");
  HttpResponse second =
      api.Call("POST", "/v1/dossiers", "t-owner", submission(declaration, new_proof).dump());
  REQUIRE_MESSAGE(second.status == 201, second.body);
  // Only the engine says what was reused.
  json forged = submission(new_proof, proof);
  forged["reused_documents"] = json::array({new_proof});
  HttpResponse refused = api.Call("POST", "/v1/dossiers", "t-owner", forged.dump());
  CHECK(refused.status == 422);
  CHECK(refused.body.find("/reused_documents") != std::string::npos);

  HttpResponse response =
      api.Call("GET", "/v1/reports/summary?from=2026-03-01&to=2026-04-01", "t-admin");
  REQUIRE_MESSAGE(response.status == 200, response.body);
  const json counts = Body(response).at("total").at("counts");
  CHECK(counts.at("dossiers") == 2);
  CHECK(counts.at("documents_total") == 4);
  CHECK(counts.at("documents_reused") == 1);
}

TEST_CASE("report routes: by default a report counts what was submitted in its own second") {
  ReportsApi api;
  const json submission = {
      {"procedure", "1.004222"},
      {"agency", kAgencyA},
      {"form", {{"full_name", "An"}, {"citizen_id", kOwnerId}, {"address", "Huế"}}},
      {"documents",
       {{"declaration", api.Upload("t-owner", "declaration")},
        {"legal_residence_proof", api.Upload("t-owner", "proof")}}}};
  HttpResponse created = api.Call("POST", "/v1/dossiers", "t-owner", submission.dump());
  REQUIRE_MESSAGE(created.status == 201, created.body);
  // The same clock second as the submission: times are stored in whole seconds.
  HttpResponse now = CallRoute(api.router, "GET", "/v1/reports/summary", "t-admin", "");
  REQUIRE_MESSAGE(now.status == 200, now.body);
  CHECK(Body(now).at("total").at("counts").at("dossiers") == 1);
  // An explicit end at that second leaves it out: the end is exclusive.
  const std::string to = Body(now).at("generated_at").get<std::string>();
  HttpResponse until = CallRoute(api.router, "GET", "/v1/reports/summary?to=" + to, "t-admin", "");
  REQUIRE_MESSAGE(until.status == 200, until.body);
  CHECK(Body(until).at("total").at("counts").at("dossiers") == 0);
}

TEST_CASE("report routes: the summary counts dossiers driven through the service") {
  ReportsApi api;
  api.DriveFiveDossiers();

  HttpResponse response =
      api.Call("GET", "/v1/reports/summary?from=2026-03-01&to=2026-04-01", "t-admin");
  REQUIRE_MESSAGE(response.status == 200, response.body);
  CHECK(response.content_type == "application/json");
  const json body = Body(response);
  CHECK(body.at("agency") == kAgencyA);
  CHECK(body.at("group_by") == "procedure");
  CHECK(body.at("from") == "2026-02-28T17:00:00Z");  // a date is local midnight (UTC+7)
  REQUIRE(body.at("groups").size() == 1);
  const json& group = body.at("groups").at(0);
  CHECK(group.at("key") == "1.004222");
  const json& counts = group.at("counts");
  CHECK(counts.at("dossiers") == 5);
  CHECK(counts.at("received") == 3);
  CHECK(counts.at("finished") == 3);
  CHECK(counts.at("finished_on_time") == 1);
  CHECK(counts.at("finished_late") == 0);
  CHECK(counts.at("in_progress_on_time") == 2);
  CHECK(counts.at("in_progress_overdue") == 0);
  CHECK(counts.at("submitted_online") == 4);
  CHECK(counts.at("fee_bearing") == 5);
  CHECK(counts.at("paid_online") == 1);
  CHECK(counts.at("refused") == 1);
  CHECK(counts.at("withdrawn") == 1);
  CHECK(counts.at("not_received") == 1);
  CHECK(counts.at("results") == 0);
  CHECK(counts.at("documents_total") == 10);
  CHECK(counts.at("documents_digitized") == 10);
  CHECK(counts.at("ratings") == 0);
  const json& rates = group.at("rates");
  CHECK(rates.at("on_time") == 1.0);
  CHECK(rates.at("online") == 0.8);
  CHECK(rates.at("online_payment") == 0.2);
  CHECK(rates.at("documents_digitized") == 1.0);
  CHECK(rates.at("electronic_results").is_null());  // no result issued
  CHECK(rates.at("rating_average").is_null());
  CHECK(body.at("total").at("key") == "total");
  CHECK(body.at("total").at("counts") == counts);

  // Three weeks later the dossier in review is overdue; the one waiting for
  // the fee is paused and is not.
  api.clock.Advance(24h * 21);
  const json later = Body(api.Call("GET", "/v1/reports/summary?group_by=month", "t-auditor"));
  REQUIRE(later.at("groups").size() == 1);
  CHECK(later.at("groups").at(0).at("key") == "2026-03");
  CHECK(later.at("total").at("counts").at("in_progress_on_time") == 1);
  CHECK(later.at("total").at("counts").at("in_progress_overdue") == 1);
  CHECK(later.at("total").at("rates").at("on_time") == 0.6667);  // 2 / 3, 4 decimals

  // Nothing in another period: no groups, null rates in the total.
  const json empty =
      Body(api.Call("GET", "/v1/reports/summary?from=2025-01-01&to=2025-02-01", "t-admin"));
  CHECK(empty.at("groups").empty());
  CHECK(empty.at("total").at("counts").at("dossiers") == 0);
  CHECK(empty.at("total").at("rates").at("on_time").is_null());

  // The procedure filter.
  const json other = Body(api.Call("GET", "/v1/reports/summary?procedure=1.001471", "t-admin"));
  CHECK(other.at("groups").empty());
}

TEST_CASE("report routes: the scorecard shows points with their formula inputs") {
  ReportsApi api;
  api.DriveFiveDossiers();
  HttpResponse response = api.Call("GET", "/v1/reports/scorecard", "t-admin");
  REQUIRE_MESSAGE(response.status == 200, response.body);
  const json body = Body(response);
  const json& components = body.at("components");
  REQUIRE(components.size() == 5);
  std::map<std::string, json> by_name;
  for (const json& c : components) by_name[c.at("component")] = c;

  const json& timeliness = by_name.at("timeliness");
  CHECK(timeliness.at("inputs") ==
        json{{"finished_on_time", 1}, {"in_progress_on_time", 2}, {"received", 3}});
  CHECK(timeliness.at("ratio") == 1.0);
  CHECK(timeliness.at("points") == 20.0);
  CHECK(timeliness.at("max_points") == 20.0);

  const json& online = by_name.at("online_services");
  CHECK(online.at("inputs") == json{{"submitted_online", 4}, {"dossiers", 5}});
  CHECK(online.at("threshold") == 0.5);
  CHECK(online.at("points") == 12.0);  // 80% is past the 50% of full marks

  const json& payment = by_name.at("online_payment");
  CHECK(payment.at("inputs") == json{{"paid_online", 1}, {"fee_bearing", 5}});
  CHECK(payment.at("ratio") == 0.2);
  CHECK(payment.at("points") == 2.0);

  const json& satisfaction = by_name.at("satisfaction");
  CHECK(satisfaction.at("status") == "no_data");
  CHECK(satisfaction.at("ratio").is_null());
  CHECK(satisfaction.at("points").is_null());

  const json& digitization = by_name.at("digitization");
  CHECK(digitization.at("inputs").at("documents_digitized") == 10);
  CHECK(digitization.at("inputs").at("results") == 0);
  // Submitted by bearer token, none used the population database: the mean of
  // documents (100%) and population data (0 of 5) is 50%, of 80%.
  CHECK(digitization.at("inputs").at("population_data") == 0);
  CHECK(digitization.at("inputs").at("dossiers") == 5);
  CHECK(digitization.at("points").get<double>() == doctest::Approx(22 * 0.5 / 0.8));

  CHECK(body.at("points").get<double>() == doctest::Approx(20 + 12 + 2 + 22 * 0.5 / 0.8));
  CHECK(body.at("max_points") == 64.0);  // satisfaction has no data
}

TEST_CASE("report routes: applicants' ratings feed the satisfaction component") {
  ReportsApi api;
  api.DriveFiveDossiers();
  // Dossiers 1 (refused after review) and 5 (refused at reception) have ended.
  int rated = 0;
  const json listed = Body(api.Call("GET", "/v1/dossiers?limit=50", "t-owner"));
  for (const json& item : listed.at("items")) {
    const std::string state = item.at("state");
    if (state != "refused" && state != "not_received") continue;
    const int score = rated == 0 ? 5 : 2;
    HttpResponse response =
        api.Call("POST", "/v1/dossiers/" + item.at("code").get<std::string>() + "/rating",
                 "t-owner", json{{"score", score}}.dump());
    REQUIRE_MESSAGE(response.status == 201, response.body);
    ++rated;
  }
  REQUIRE(rated == 2);
  const json body = Body(api.Call("GET", "/v1/reports/scorecard", "t-admin"));
  int satisfaction_rows = 0;  // the checks below must run, exactly once
  for (const json& c : body.at("components")) {
    if (c.at("component") != "satisfaction") continue;
    ++satisfaction_rows;
    CHECK(c.at("inputs") == json{{"ratings_satisfied", 1}, {"ratings", 2}});
    CHECK(c.at("ratio") == 0.5);
    CHECK(c.at("points").get<double>() > 0);
  }
  CHECK(satisfaction_rows == 1);
  CHECK(body.at("max_points") == 82.0);  // satisfaction now has data
}

TEST_CASE("report routes: Accept text/csv gives RFC 4180 CSV") {
  ReportsApi api;
  api.DriveFiveDossiers();
  HttpResponse summary =
      api.Call("GET", "/v1/reports/summary", "t-admin", "", {{"Accept", "text/csv"}});
  REQUIRE(summary.status == 200);
  CHECK(summary.content_type == "text/csv; charset=utf-8");
  const std::vector<std::string> rows = Lines(summary.body);
  REQUIRE(rows.size() == 3);  // header, 1.004222, total
  CHECK(rows[0].rfind("key,dossiers,received,finished,", 0) == 0);
  CHECK(rows[0].find(",on_time_rate,online_rate,") != std::string::npos);
  CHECK(rows[1].rfind("1.004222,5,3,3,", 0) == 0);
  CHECK(rows[2].rfind("total,5,3,3,", 0) == 0);
  CHECK(rows[2].find(",1.0,0.8,") != std::string::npos);  // on_time, online rates
  CHECK(rows[2].back() == ',');                           // rating_average: null is empty

  HttpResponse card =
      api.Call("GET", "/v1/reports/scorecard", "t-auditor", "", {{"Accept", "text/csv"}});
  REQUIRE(card.status == 200);
  const std::vector<std::string> lines = Lines(card.body);
  REQUIRE(lines.size() == 6);
  CHECK(lines[0] == "component,status,points,max_points,ratio,threshold,formula,inputs");
  CHECK(lines[1].rfind("timeliness,ok,20.0,20.0,1.0,1.0,", 0) == 0);
  CHECK(lines[4].rfind("satisfaction,no_data,,18.0,,0.9,", 0) == 0);

  CHECK(CsvRecord({"a,b", "say \"hi\"", "plain", "two\nlines", ""}) ==
        "\"a,b\",\"say \"\"hi\"\"\",plain,\"two\nlines\",\r\n");
}

TEST_CASE("report routes: admins and auditors of the agency only") {
  ReportsApi api;
  api.DriveFiveDossiers();
  struct Cell {
    const char* target;
    const char* token;
    int status;
  };
  const Cell cells[] = {
      {"/v1/reports/summary", "t-admin", 200},
      {"/v1/reports/summary?agency=000.00.01.H26", "t-admin", 200},
      {"/v1/reports/summary?agency=000.00.02.H26", "t-admin", 403},
      {"/v1/reports/summary", "t-auditor", 200},
      {"/v1/reports/summary?agency=000.00.02.H26", "t-auditor", 403},
      {"/v1/reports/summary", "t-clerk", 403},
      {"/v1/reports/summary", "t-leader", 403},
      {"/v1/reports/summary", "t-owner", 403},
      {"/v1/reports/summary", "", 401},
      {"/v1/reports/scorecard", "t-admin", 200},
      {"/v1/reports/scorecard?agency=000.00.02.H26", "t-admin", 403},
      {"/v1/reports/scorecard", "t-auditor", 200},
      {"/v1/reports/scorecard", "t-clerk", 403},
      {"/v1/reports/scorecard", "t-owner", 403},
      {"/v1/reports/scorecard", "", 401},
  };
  for (const Cell& cell : cells) {
    HttpResponse response = api.Call("GET", cell.target, cell.token);
    INFO(cell.target << " as " << (*cell.token ? cell.token : "anonymous") << ": "
                     << response.body);
    CHECK(response.status == cell.status);
    if (response.status >= 400) CHECK(response.content_type == "application/problem+json");
  }

  // Agency B's admin sees B's (empty) numbers, never A's.
  const json b = Body(api.Call("GET", "/v1/reports/summary", "t-admin-b"));
  CHECK(b.at("agency") == kAgencyB);
  CHECK(b.at("total").at("counts").at("dossiers") == 0);
}

// from=%2B026-01-01 was read by sscanf as the year 26 and answered 200 with
// "from":"25-12-31T17:00:00Z", which is no date-time at all.
TEST_CASE("report routes: a from or to that is not a strict RFC 3339 date is 422 naming it") {
  ReportsApi api;
  for (const char* name : {"from", "to"}) {
    for (const char* value :
         {"%2B026-01-01", "-026-01-01", "2026-%2B1-01", "2026-%201-01", "2026-+1-01",
          "2026-01-01T%2B8:00:00Z", "2026-02-29", "2026-13-01", "0000-01-01", "10000-01-01",
          "2026-01-01T24:00:00Z", "2026-01-01T23:58:60Z", "2026-01-01T08:00:00%2B24:00",
          "2026-01-01T08:00:00%2B07", "2026-01-01%00", "2026-01-01T08:00:00Z%00", ""}) {
      for (const char* route : {"/v1/reports/summary?", "/v1/reports/scorecard?"}) {
        const std::string target = std::string(route) + name + "=" + value;
        HttpResponse response = api.Call("GET", target, "t-admin");
        INFO(target << ": " << response.body);
        CHECK(response.status == 422);
        CHECK(response.content_type == "application/problem+json");
        CHECK(Body(response).at("errors").at(0).at("pointer") == std::string("/") + name);
      }
    }
  }
}

TEST_CASE("report routes: from and to take a date-time at any offset, and answer in UTC") {
  ReportsApi api;
  auto from_of = [&](const std::string& from) {
    HttpResponse response = api.Call("GET", "/v1/reports/summary?from=" + from, "t-admin");
    REQUIRE_MESSAGE(response.status == 200, response.body);
    return Body(response).at("from").get<std::string>();
  };
  CHECK(from_of("2026-03-01") == "2026-02-28T17:00:00Z");
  CHECK(from_of("2026-03-01T00:00:00%2B07:00") == "2026-02-28T17:00:00Z");
  CHECK(from_of("2026-02-28T12:00:00-05:00") == "2026-02-28T17:00:00Z");
  CHECK(from_of("2026-02-28t17:00:00.999z") == "2026-02-28T17:00:00Z");
  CHECK(from_of("0001-01-01T00:00:00Z") == "0001-01-01T00:00:00Z");
}

TEST_CASE("report routes: a local midnight before the year 1 is refused, not moved") {
  ReportsApi api;
  HttpResponse response = api.Call("GET", "/v1/reports/summary?from=0001-01-01", "t-admin");
  CHECK(response.status == 422);
  CHECK(Body(response).at("errors").at(0).at("pointer") == "/from");
}

TEST_CASE("report routes: bad parameters are 422 naming the parameter") {
  ReportsApi api;
  struct Cell {
    const char* target;
    const char* pointer;
  };
  const Cell cells[] = {
      {"/v1/reports/summary?from=yesterday", "/from"},
      {"/v1/reports/summary?to=2026-13-01", "/to"},
      {"/v1/reports/summary?group_by=week", "/group_by"},
      {"/v1/reports/summary?group_by=none", "/group_by"},
      {"/v1/reports/summary?from=2026-03-02&to=2026-03-01", "/to"},
      {"/v1/reports/scorecard?from=2026-03-02T08:00:00", "/from"},
      {"/v1/reports/scorecard?from=2026-03-02&to=2026-03-02", "/to"},
  };
  for (const Cell& cell : cells) {
    HttpResponse response = api.Call("GET", cell.target, "t-admin");
    INFO(cell.target << ": " << response.body);
    CHECK(response.status == 422);
    CHECK(response.content_type == "application/problem+json");
    CHECK(Body(response).at("errors").at(0).at("pointer") == cell.pointer);
  }
}

}  // namespace
}  // namespace motcua
