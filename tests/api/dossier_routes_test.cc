// Handler tests of the /v1 routes, without sockets: the real router, service,
// state machine and workflow over the in-memory store and a table of tokens.
#include "api/dossier_routes.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/document_routes.h"
#include "api/http_message.h"
#include "engine/crypto/sha256.h"
#include "engine/domain/identity.h"
#include "engine/domain/payment.h"
#include "engine/domain/workflow_lint.h"
#include "tests/api/route_test_support.h"
#include "tests/api/session_test_support.h"
#include "tests/fakes/memory_store.h"
#include "tests/service_fixture.h"

namespace motcua {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// BearerTable, whose callers are marked as the token service marks them.
BearerAuthenticator TokenServiceTable(const std::map<std::string, Actor>& tokens) {
  return [table = BearerTable(tokens)](std::string_view secret) -> Result<Actor> {
    Result<Actor> actor = table(secret);
    if (actor.ok()) actor->authenticated_by = AuthMethod::kBearerToken;
    return actor;
  };
}

struct Api : PermanentResidenceService {
  std::unique_ptr<DocumentService> documents;
  std::unique_ptr<DossierApi> api;
  std::unique_ptr<DocumentApi> document_api;
  Router router;
  std::string declaration_id;  // documents the owner uploaded
  std::string proof_id;
  // The same callers as browser sessions; Call uses them when by_session.
  SessionCallers sessions{Tokens(), clock};
  bool by_session = false;

  Api() {
    api = std::make_unique<DossierApi>(DossierApi{
        *service, *catalog, sessions.Authenticator(TokenServiceTable(Tokens())), *calendar});
    REQUIRE(AddDossierRoutes(router, *api).ok());
    documents = std::make_unique<DocumentService>(store, *catalog, &Sha256Hex, clock);
    document_api = std::make_unique<DocumentApi>(DocumentApi{*documents, api->authenticate});
    REQUIRE(AddDocumentRoutes(router, *document_api).ok());
    declaration_id = Upload("t-owner", "%PDF declaration", "application/pdf");
    proof_id = Upload("t-owner", "%PDF residence proof", "application/pdf");
  }

  // Uploads `bytes` as `token`'s user; returns the document id.
  std::string Upload(const std::string& token, const std::string& bytes,
                     const std::string& media_type) {
    HttpRequest request = MakeHttpRequest("POST", "/v1/documents", bytes);
    request.headers.push_back({"Authorization", "Bearer " + token});
    request.headers.push_back({"Content-Type", media_type});
    HttpResponse response = router.Handle(request);
    REQUIRE_MESSAGE(response.status == 201, response.body);
    return nlohmann::json::parse(response.body).at("id").get<std::string>();
  }

  json Documents() const {
    return {{"declaration", declaration_id}, {"legal_residence_proof", proof_id}};
  }

  HttpResponse Call(const std::string& method, const std::string& target, const std::string& token,
                    const std::string& body = {}, std::vector<HttpHeader> headers = {}) {
    clock.Advance(1min);
    if (by_session && !token.empty()) {
      for (HttpHeader& header : sessions.HeadersOf(token)) headers.push_back(std::move(header));
      return CallRoute(router, method, target, "", body, std::move(headers));
    }
    return CallRoute(router, method, target, token, body, std::move(headers));
  }

  // The clerk records the desk fee (20,000 VND) of a dossier awaiting it.
  void PayAtDesk(const std::string& code) {
    PaymentRecord desk;
    desk.transaction_id = std::string("desk:") + kAgencyA + ":" + code;
    desk.channel = Channel::kDesk;
    desk.amount = 20000;
    REQUIRE(service->PayFee(Tokens().at("t-clerk"), code, desk).ok());
  }

  // A new dossier of the owner, received by agency A; returns its code.
  std::string Submit() {
    const json body = {
        {"procedure", "1.004222"},
        {"agency", kAgencyA},
        {"form",
         {{"full_name", "Nguyễn Văn An"}, {"citizen_id", kOwnerId}, {"address", "12 Hàng Bài"}}},
        {"documents", Documents()}};
    HttpResponse response = Call("POST", "/v1/dossiers", "t-owner", body.dump());
    REQUIRE_MESSAGE(response.status == 201, response.body);
    return json::parse(response.body).at("code").get<std::string>();
  }
};

json Body(const HttpResponse& response) {
  return json::parse(response.body);
}

TEST_CASE("dossier routes: an applicant submits and the dossier is visible only in scope") {
  Api api;
  HttpResponse created =
      api.Call("POST", "/v1/dossiers", "t-owner",
               json{{"procedure", "1.004222"},
                    {"agency", kAgencyA},
                    {"form", {{"full_name", "An"}, {"citizen_id", kOwnerId}, {"address", "Huế"}}},
                    {"documents", api.Documents()}}
                   .dump());
  REQUIRE(created.status == 201);
  const json dossier = Body(created);
  const std::string code = dossier.at("code");
  CHECK(code == std::string(kAgencyA) + "-260302-0001");
  CHECK(dossier.at("status") == 1);
  CHECK(dossier.at("version") == 1);
  CHECK(dossier.at("fully_online").at("fully_online") == true);
  CHECK(created.Header("Location") == "/v1/dossiers/" + code);
  CHECK(created.Header("ETag") == "\"1\"");

  CHECK(api.Call("GET", "/v1/dossiers/" + code, "t-owner").status == 200);
  CHECK(api.Call("GET", "/v1/dossiers/" + code, "t-clerk").status == 200);
  HttpResponse hidden = api.Call("GET", "/v1/dossiers/" + code, "t-other");
  CHECK(hidden.status == 404);
  CHECK(hidden.content_type == "application/problem+json");
  CHECK(api.Call("GET", "/v1/dossiers/" + code, "t-clerk-b").status == 404);
  HttpResponse anonymous = api.Call("GET", "/v1/dossiers/" + code, "");
  CHECK(anonymous.status == 401);
  CHECK(anonymous.Header("WWW-Authenticate").has_value());
  CHECK(api.Call("GET", "/v1/dossiers/" + code, "forged").status == 401);

  HttpResponse mine = api.Call("GET", "/v1/dossiers", "t-owner");
  REQUIRE(mine.status == 200);
  REQUIRE(Body(mine).at("items").size() == 1);
  CHECK(Body(api.Call("GET", "/v1/dossiers", "t-other")).at("items").empty());
}

TEST_CASE("dossier routes: submission and every status change write the national sync payload") {
  Api api;
  const std::string code = api.Submit();
  REQUIRE(api.Call("POST", "/v1/dossiers/" + code + "/actions/receive", "t-clerk", "{}").status ==
          200);
  const std::vector<OutboxEntry> outbox = api.store.Outbox();
  REQUIRE(outbox.size() == 2);
  const json submitted = json::parse(outbox[0].payload_json);
  CHECK(outbox[0].topic == "dossier.status");
  CHECK(submitted.at("dossier").at("MaHoSo") == code);
  CHECK(submitted.at("dossier").at("TrangThaiHoSo") == 1);
  CHECK(submitted.at("dossier").at("LoaiDoiTuong") == 1);
  CHECK(submitted.at("dossier").at("DanhSachLePhi").at(0).at("MucPhi") == 10000);  // online
  CHECK(submitted.at("dossier").at("TaiLieuNop").size() == 2);
  CHECK(submitted.at("progress").at("NguoiXuLy") == kOwnerId);
  CHECK(submitted.at("progress").at("TrangThai") == 1);
  const json received = json::parse(outbox[1].payload_json);
  CHECK(received.at("dossier").at("TrangThaiHoSo") == 6);  // awaiting the fee
  CHECK(received.at("dossier").at("NgayTiepNhan") == "20260302080200");
  CHECK(received.at("dossier").at("DonViXuLy") == kAgencyA);
  CHECK(received.at("progress").at("NguoiXuLy") == "clerk-a");
  CHECK(received.at("progress").at("ChucDanh") == "reception_clerk");
  CHECK(received.at("progress").at("PhongBanXuLy") == kAgencyA);
  CHECK(received.at("progress").at("NoiDungXuLy") == "Receive the dossier");
  CHECK(received.at("progress").at("NgayBatDau") == "20260302080100");
  CHECK(received.at("progress").at("ThoiDiemXuLy") == "20260302080200");
}

TEST_CASE("dossier routes: the audit trail shows how each actor authenticated") {
  Api api;
  const std::string code = api.Submit();  // by bearer token
  api.by_session = true;                  // the clerk signed in at the provider "vneid"
  REQUIRE(api.Call("POST", "/v1/dossiers/" + code + "/actions/receive", "t-clerk", "{}").status ==
          200);
  PaymentRecord payment;  // the payment gateway's confirmation, applied as the engine
  payment.transaction_id = "gw-audit";
  payment.channel = Channel::kOnline;
  payment.amount = 10000;
  REQUIRE(api.service->PayFee(Actor{kSystemRole, {kSystemRole}, ""}, code, payment).ok());

  for (bool by_session : {false, true}) {
    CAPTURE(by_session);
    api.by_session = by_session;
    const HttpResponse audit = api.Call("GET", "/v1/dossiers/" + code + "/audit", "t-auditor");
    REQUIRE_MESSAGE(audit.status == 200, audit.body);
    const json items = Body(audit).at("items");
    REQUIRE(items.size() == 3);
    CHECK(items[0].at("actor").at("id") == kOwnerId);
    CHECK(items[0].at("actor").at("authenticated_by") == "bearer_token");
    CHECK(items[0].at("actor").at("identity_provider").is_null());
    CHECK(items[1].at("actor").at("id") == "clerk-a");
    CHECK(items[1].at("actor").at("authenticated_by") == "oidc_session");
    CHECK(items[1].at("actor").at("identity_provider") == "vneid");
    CHECK(items[2].at("action") == "pay_fee");
    CHECK(items[2].at("actor").at("authenticated_by") == "system");
    CHECK(items[2].at("actor").at("identity_provider").is_null());
  }
}

TEST_CASE("dossier routes: a submission in a provider's session records the verified identity") {
  Api api;
  const std::string by_token = api.Submit();
  CHECK(Body(api.Call("GET", "/v1/dossiers/" + by_token, "t-owner"))
            .at("identity_verified_by")
            .is_null());
  api.by_session = true;  // signed in at "vneid"
  const std::string by_session = api.Submit();
  for (const char* reader : {"t-owner", "t-clerk", "t-auditor"}) {
    CAPTURE(reader);
    const HttpResponse read = api.Call("GET", "/v1/dossiers/" + by_session, reader);
    REQUIRE_MESSAGE(read.status == 200, read.body);
    CHECK(Body(read).at("identity_verified_by") == "vneid");
  }
  // A clerk signed in at a provider vouches for themselves, not for the applicant.
  const json for_owner = {
      {"procedure", "1.004222"},
      {"agency", kAgencyA},
      {"applicant_id", kOwnerId},
      {"form", {{"full_name", "An"}, {"citizen_id", kOwnerId}, {"address", "Huế"}}},
      {"documents",
       {{"declaration", api.Upload("t-clerk", "%PDF desk declaration", "application/pdf")},
        {"legal_residence_proof", api.Upload("t-clerk", "%PDF desk proof", "application/pdf")}}}};
  const HttpResponse at_desk = api.Call("POST", "/v1/dossiers", "t-clerk", for_owner.dump());
  REQUIRE_MESSAGE(at_desk.status == 201, at_desk.body);
  CHECK(Body(at_desk).at("identity_verified_by").is_null());
}

TEST_CASE("dossier routes: the fields a citizen submits as their provider verified them are recorded") {
  Api api;
  VerifiedIdentity identity;
  identity.claims[IdentityClaim::kName] = "Nguyễn Văn An";
  identity.claims[IdentityClaim::kIdNumber] = kOwnerId;
  identity.claims[IdentityClaim::kAddress] = "5 Lê Lợi";  // Submit() sends "12 Hàng Bài"
  api.sessions.SignInAgainWith("t-owner", identity);

  api.by_session = true;
  const std::string code = api.Submit();
  for (const char* reader : {"t-owner", "t-clerk", "t-auditor"}) {
    CAPTURE(reader);
    const HttpResponse read = api.Call("GET", "/v1/dossiers/" + code, reader);
    REQUIRE_MESSAGE(read.status == 200, read.body);
    CHECK(Body(read).at("identity_verified_by") == "vneid");
    // The address the citizen changed is theirs, not the provider's.
    CHECK(Body(read).at("identity_data_fields") == json{"citizen_id", "full_name"});
  }
  // By bearer token the same form is just what the citizen typed.
  api.by_session = false;
  const std::string by_token = api.Submit();
  CHECK(Body(api.Call("GET", "/v1/dossiers/" + by_token, "t-owner")).at("identity_data_fields") ==
        json::array());

  // Nobody may claim the record themselves, not even through the service.
  json forged = {{"procedure", "1.004222"},
                 {"agency", kAgencyA},
                 {"form", {{"full_name", "X"}, {"citizen_id", kOwnerId}, {"address", "Huế"}}},
                 {"documents", api.Documents()},
                 {"identity_data", {"full_name"}}};
  const HttpResponse refused = api.Call("POST", "/v1/dossiers", "t-owner", forged.dump());
  CHECK(refused.status / 100 == 4);
  CHECK(refused.body.find("/identity_data") != std::string::npos);
  NewDossier direct;
  direct.procedure_code = "1.004222";
  direct.agency = kAgencyA;
  direct.payload = forged;
  direct.payload.erase("procedure");
  direct.payload.erase("agency");
  direct.verified_identity = identity;
  Result<DossierView> through_service = api.service->Submit(Tokens().at("t-owner"), direct);
  REQUIRE_FALSE(through_service.ok());
  CHECK(through_service.error().code() == ErrorCode::kInvalidArgument);
  REQUIRE(through_service.error().fields().size() == 1);
  CHECK(through_service.error().fields()[0].pointer == "/identity_data");
}

TEST_CASE("dossier routes: a daily number another writer already stored is skipped") {
  Api api;
  // Another writer of the database stored the day's first two numbers
  // without this store handing them out.
  for (const char* taken : {"-260302-0001", "-260302-0002"}) {
    Dossier other;
    other.code = std::string(kAgencyA) + taken;
    other.procedure_code = "1.004222";
    other.definition_version = 1;
    other.applicant_id = kOwnerId;
    other.agency = kAgencyA;
    other.state = "submitted";
    other.version = 1;
    REQUIRE(api.store.CreateDossier(other, {"reception_clerk"}, 1).ok());
  }
  CHECK(api.Submit() == std::string(kAgencyA) + "-260302-0003");
  CHECK(api.Submit() == std::string(kAgencyA) + "-260302-0004");
}

// Every endpoint x every role: allow (the status of success) or deny.
// The matrix, with each caller's bearer token or, `by_session`, the same
// user's browser session (cookie and CSRF token).
void CheckAuthorizationMatrix(bool by_session) {
  struct Cell {
    const char* method;
    const char* route;  // "{code}" is replaced by a fresh dossier of the owner in agency A
    const char* token;
    int status;
  };
  const std::vector<Cell> cells = {
      // Reading a dossier: owner and agency A staff; others see nothing.
      {"GET", "/v1/dossiers/{code}", "t-owner", 200},
      {"GET", "/v1/dossiers/{code}", "t-other", 404},
      {"GET", "/v1/dossiers/{code}", "t-clerk", 200},
      {"GET", "/v1/dossiers/{code}", "t-clerk-b", 404},
      {"GET", "/v1/dossiers/{code}", "t-specialist", 200},
      {"GET", "/v1/dossiers/{code}", "t-leader", 200},
      {"GET", "/v1/dossiers/{code}", "t-admin", 200},
      {"GET", "/v1/dossiers/{code}", "t-auditor", 200},
      {"GET", "/v1/dossiers/{code}", "", 401},
      // The process control slip: same scope.
      {"GET", "/v1/dossiers/{code}/history", "t-owner", 200},
      {"GET", "/v1/dossiers/{code}/history", "t-other", 404},
      {"GET", "/v1/dossiers/{code}/history", "t-clerk", 200},
      {"GET", "/v1/dossiers/{code}/history", "t-clerk-b", 404},
      {"GET", "/v1/dossiers/{code}/history", "t-specialist", 200},
      {"GET", "/v1/dossiers/{code}/history", "t-leader", 200},
      {"GET", "/v1/dossiers/{code}/history", "t-admin", 200},
      {"GET", "/v1/dossiers/{code}/history", "t-auditor", 200},
      {"GET", "/v1/dossiers/{code}/history", "", 401},
      // The audit trail: auditors and admins of the agency only.
      {"GET", "/v1/dossiers/{code}/audit", "t-owner", 403},
      {"GET", "/v1/dossiers/{code}/audit", "t-other", 403},
      {"GET", "/v1/dossiers/{code}/audit", "t-clerk", 403},
      {"GET", "/v1/dossiers/{code}/audit", "t-clerk-b", 403},
      {"GET", "/v1/dossiers/{code}/audit", "t-specialist", 403},
      {"GET", "/v1/dossiers/{code}/audit", "t-leader", 403},
      {"GET", "/v1/dossiers/{code}/audit", "t-admin", 200},
      {"GET", "/v1/dossiers/{code}/audit", "t-auditor", 200},
      {"GET", "/v1/dossiers/{code}/audit", "", 401},
      // Receiving: the reception clerk of agency A only.
      {"POST", "/v1/dossiers/{code}/actions/receive", "t-owner", 403},
      {"POST", "/v1/dossiers/{code}/actions/receive", "t-other", 404},
      {"POST", "/v1/dossiers/{code}/actions/receive", "t-clerk", 200},
      {"POST", "/v1/dossiers/{code}/actions/receive", "t-clerk-b", 404},
      {"POST", "/v1/dossiers/{code}/actions/receive", "t-specialist", 403},
      {"POST", "/v1/dossiers/{code}/actions/receive", "t-leader", 403},
      {"POST", "/v1/dossiers/{code}/actions/receive", "t-admin", 403},
      {"POST", "/v1/dossiers/{code}/actions/receive", "t-auditor", 403},
      {"POST", "/v1/dossiers/{code}/actions/receive", "", 401},
      // Withdrawing: the owner only.
      {"POST", "/v1/dossiers/{code}/actions/withdraw", "t-owner", 200},
      {"POST", "/v1/dossiers/{code}/actions/withdraw", "t-other", 404},
      {"POST", "/v1/dossiers/{code}/actions/withdraw", "t-clerk", 403},
      {"POST", "/v1/dossiers/{code}/actions/withdraw", "t-clerk-b", 404},
      {"POST", "/v1/dossiers/{code}/actions/withdraw", "t-specialist", 403},
      {"POST", "/v1/dossiers/{code}/actions/withdraw", "t-leader", 403},
      {"POST", "/v1/dossiers/{code}/actions/withdraw", "t-admin", 403},
      {"POST", "/v1/dossiers/{code}/actions/withdraw", "t-auditor", 403},
      {"POST", "/v1/dossiers/{code}/actions/withdraw", "", 401},
      // Claiming from the queue: staff whose queue holds the dossier.
      {"POST", "/v1/dossiers/{code}/claim", "t-owner", 403},
      {"POST", "/v1/dossiers/{code}/claim", "t-other", 404},
      {"POST", "/v1/dossiers/{code}/claim", "t-clerk", 200},
      {"POST", "/v1/dossiers/{code}/claim", "t-clerk-b", 404},
      {"POST", "/v1/dossiers/{code}/claim", "t-specialist", 403},
      {"POST", "/v1/dossiers/{code}/claim", "t-leader", 403},
      {"POST", "/v1/dossiers/{code}/claim", "t-admin", 403},
      {"POST", "/v1/dossiers/{code}/claim", "t-auditor", 403},
      {"POST", "/v1/dossiers/{code}/claim", "", 401},
      // Releasing: only the assignee (nobody holds a fresh dossier).
      {"POST", "/v1/dossiers/{code}/release", "t-owner", 403},
      {"POST", "/v1/dossiers/{code}/release", "t-other", 404},
      {"POST", "/v1/dossiers/{code}/release", "t-clerk", 403},
      {"POST", "/v1/dossiers/{code}/release", "t-clerk-b", 404},
      {"POST", "/v1/dossiers/{code}/release", "", 401},
      // Queues: staff for a role they hold.
      {"GET", "/v1/queue?role=reception_clerk", "t-owner", 403},
      {"GET", "/v1/queue?role=reception_clerk", "t-other", 403},
      {"GET", "/v1/queue?role=reception_clerk", "t-clerk", 200},
      {"GET", "/v1/queue?role=reception_clerk", "t-clerk-b", 200},
      {"GET", "/v1/queue?role=reception_clerk", "t-specialist", 403},
      {"GET", "/v1/queue?role=reception_clerk", "t-leader", 403},
      {"GET", "/v1/queue?role=reception_clerk", "t-admin", 403},
      {"GET", "/v1/queue?role=reception_clerk", "t-auditor", 403},
      {"GET", "/v1/queue?role=reception_clerk", "", 401},
      // Dossier lists: applicants their own, staff their agency's (contents
      // are checked in "dossier lists are scoped").
      {"GET", "/v1/dossiers", "t-owner", 200},
      {"GET", "/v1/dossiers", "t-other", 200},
      {"GET", "/v1/dossiers", "t-clerk", 200},
      {"GET", "/v1/dossiers", "t-clerk-b", 200},
      {"GET", "/v1/dossiers", "t-specialist", 200},
      {"GET", "/v1/dossiers", "t-leader", 200},
      {"GET", "/v1/dossiers", "t-admin", 200},
      {"GET", "/v1/dossiers", "t-auditor", 200},
      {"GET", "/v1/dossiers", "", 401},
      // Submitting: applicants for themselves (staff need an applicant_id,
      // checked in their own test); auditors never.
      {"POST", "/v1/dossiers", "t-owner", 201},
      {"POST", "/v1/dossiers", "t-other", 201},
      {"POST", "/v1/dossiers", "t-clerk", 201},
      {"POST", "/v1/dossiers", "t-clerk-b", 403},
      {"POST", "/v1/dossiers", "t-specialist", 403},
      {"POST", "/v1/dossiers", "t-leader", 403},
      {"POST", "/v1/dossiers", "t-admin", 403},
      {"POST", "/v1/dossiers", "t-auditor", 403},
      {"POST", "/v1/dossiers", "", 401},
      // Releasing, the rest of the roles: only the assignee.
      {"POST", "/v1/dossiers/{code}/release", "t-specialist", 403},
      {"POST", "/v1/dossiers/{code}/release", "t-leader", 403},
      {"POST", "/v1/dossiers/{code}/release", "t-admin", 403},
      {"POST", "/v1/dossiers/{code}/release", "t-auditor", 403},
      // Publishing a workflow: admins only.
      {"PUT", "/v1/procedures/1.004222/workflow", "t-owner", 403},
      {"PUT", "/v1/procedures/1.004222/workflow", "t-other", 403},
      {"PUT", "/v1/procedures/1.004222/workflow", "t-clerk", 403},
      {"PUT", "/v1/procedures/1.004222/workflow", "t-clerk-b", 403},
      {"PUT", "/v1/procedures/1.004222/workflow", "t-specialist", 403},
      {"PUT", "/v1/procedures/1.004222/workflow", "t-leader", 403},
      {"PUT", "/v1/procedures/1.004222/workflow", "t-admin", 403},  // national: issue 14.9
      {"PUT", "/v1/procedures/1.004222/workflow", "t-national", 200},
      {"PUT", "/v1/procedures/1.004222/workflow", "t-auditor", 403},
      {"PUT", "/v1/procedures/1.004222/workflow", "", 401},
      // Reading a document: its uploader and whoever sees a dossier naming it.
      {"GET", "/v1/documents/{doc}", "t-owner", 200},
      {"GET", "/v1/documents/{doc}", "t-other", 404},
      {"GET", "/v1/documents/{doc}", "t-clerk", 200},
      {"GET", "/v1/documents/{doc}", "t-clerk-b", 404},
      {"GET", "/v1/documents/{doc}", "t-specialist", 200},
      {"GET", "/v1/documents/{doc}", "t-leader", 200},
      {"GET", "/v1/documents/{doc}", "t-admin", 200},
      {"GET", "/v1/documents/{doc}", "t-auditor", 200},
      {"GET", "/v1/documents/{doc}", "", 401},
      // Uploading: every signed-in user but auditors.
      {"POST", "/v1/documents", "t-owner", 201},
      {"POST", "/v1/documents", "t-other", 201},
      {"POST", "/v1/documents", "t-clerk", 201},
      {"POST", "/v1/documents", "t-clerk-b", 201},
      {"POST", "/v1/documents", "t-specialist", 201},
      {"POST", "/v1/documents", "t-leader", 201},
      {"POST", "/v1/documents", "t-admin", 201},
      {"POST", "/v1/documents", "t-auditor", 403},
      {"POST", "/v1/documents", "", 401},
      // Published versions: admins and auditors.
      {"GET", "/v1/procedures/1.004222/versions", "t-owner", 403},
      {"GET", "/v1/procedures/1.004222/versions", "t-other", 403},
      {"GET", "/v1/procedures/1.004222/versions", "t-clerk", 403},
      {"GET", "/v1/procedures/1.004222/versions", "t-clerk-b", 403},
      {"GET", "/v1/procedures/1.004222/versions", "t-specialist", 403},
      {"GET", "/v1/procedures/1.004222/versions", "t-leader", 403},
      {"GET", "/v1/procedures/1.004222/versions", "t-admin", 200},
      {"GET", "/v1/procedures/1.004222/versions", "t-auditor", 200},
      {"GET", "/v1/procedures/1.004222/versions", "", 401},
      // A diff of published versions: the same readers.
      {"GET", "/v1/procedures/1.004222/versions/1/diff/1", "t-owner", 403},
      {"GET", "/v1/procedures/1.004222/versions/1/diff/1", "t-clerk", 403},
      {"GET", "/v1/procedures/1.004222/versions/1/diff/1", "t-leader", 403},
      {"GET", "/v1/procedures/1.004222/versions/1/diff/1", "t-admin", 200},
      {"GET", "/v1/procedures/1.004222/versions/1/diff/1", "t-auditor", 200},
      {"GET", "/v1/procedures/1.004222/versions/1/diff/1", "t-sync", 403},
      {"GET", "/v1/procedures/1.004222/versions/1/diff/1", "", 401},
      // portal_sync reads the sync feed and nothing else (issue 14.8).
      {"GET", "/v1/dossiers/{code}", "t-sync", 404},
      {"GET", "/v1/dossiers/{code}/history", "t-sync", 404},
      {"GET", "/v1/dossiers/{code}/audit", "t-sync", 403},
      {"GET", "/v1/dossiers/{code}/result", "t-sync", 404},
      {"GET", "/v1/dossiers/{code}/result/signatures", "t-sync", 404},
      {"POST", "/v1/dossiers/{code}/actions/receive", "t-sync", 404},
      {"POST", "/v1/dossiers/{code}/claim", "t-sync", 404},
      {"GET", "/v1/dossiers", "t-sync", 403},
      {"GET", "/v1/queue?role=portal_sync", "t-sync", 403},
      {"GET", "/v1/documents/{doc}", "t-sync", 404},
      {"POST", "/v1/documents", "t-sync", 403},
      {"PUT", "/v1/procedures/1.004222/workflow", "t-sync", 403},
      // Public catalogue: everyone, even without a token.
      {"GET", "/v1/procedures", "", 200},
      {"GET", "/v1/procedures/1.004222", "", 200},
      {"GET", "/v1/procedures/1.004222", "t-owner", 200},
  };
  for (const Cell& cell : cells) {
    Api api;
    api.by_session = by_session;
    std::string target = cell.route;
    if (std::size_t at = target.find("{code}"); at != std::string::npos) {
      target.replace(at, 6, api.Submit());
    }
    if (std::size_t at = target.find("{doc}"); at != std::string::npos) {
      api.Submit();  // the declaration is now named by a dossier of agency A
      target.replace(at, 5, api.declaration_id);
    }
    std::string body = std::string(cell.method) == "POST" ? R"({"comment":"ok"})" : "";
    if (target == "/v1/dossiers") {
      // Each caller submits with documents they uploaded; staff at the desk
      // name the applicant and receive for agency A.
      // (Auditors and sync accounts cannot upload: they use the owner's, and
      // are denied anyway.)
      const std::string who = *cell.token && std::string(cell.token) != "t-auditor" &&
                                      std::string(cell.token) != "t-sync"
                                  ? cell.token
                                  : "t-owner";
      const json own_documents = {
          {"declaration", api.Upload(who, std::string("declaration of ") + who, "text/plain")},
          {"legal_residence_proof", api.Upload(who, std::string("proof of ") + who, "text/plain")}};
      json submission = {
          {"procedure", "1.004222"},
          {"agency", kAgencyA},
          {"form", {{"full_name", "An"}, {"citizen_id", kOwnerId}, {"address", "Huế"}}},
          {"documents", own_documents}};
      const bool staff = Tokens().count(who) != 0 && !Tokens().at(who).agency.empty();
      if (staff) submission["applicant_id"] = kOwnerId;
      body = submission.dump();
    } else if (target.find("/workflow") != std::string::npos) {
      json workflow = LoadJson("workflows/1.004222-permanent-residence.json");
      workflow["states"][0]["name"] = "Renamed";
      body = workflow.dump();
    }
    HttpResponse response = api.Call(cell.method, target, cell.token, body);
    INFO(cell.method << " " << target << " as " << (*cell.token ? cell.token : "anonymous") << ": "
                     << response.body);
    CHECK(response.status == cell.status);
    if (response.status >= 400) CHECK(response.content_type == "application/problem+json");
  }
}

TEST_CASE("dossier routes: authorization matrix") {
  CheckAuthorizationMatrix(/*by_session=*/false);
}

TEST_CASE("dossier routes: authorization matrix, callers signed in by browser session") {
  CheckAuthorizationMatrix(/*by_session=*/true);
}

TEST_CASE("dossier routes: If-Match carries the version - a stale one is 412 and changes nothing") {
  Api api;
  const std::string code = api.Submit();
  const std::string receive = "/v1/dossiers/" + code + "/actions/receive";
  HttpResponse stale = api.Call("POST", receive, "t-clerk", {}, {{"If-Match", "\"7\""}});
  CHECK(stale.status == 412);
  CHECK(Body(stale).at("type") == "https://motcua.example/problems/stale_version");
  CHECK(Body(api.Call("GET", "/v1/dossiers/" + code, "t-clerk")).at("version") == 1);
  CHECK(api.Call("POST", receive, "t-clerk", {}, {{"If-Match", "seven"}}).status == 400);
  HttpResponse received = api.Call("POST", receive, "t-clerk", {}, {{"If-Match", "\"1\""}});
  REQUIRE(received.status == 200);
  CHECK(Body(received).at("status") == 6);  // fee requested
  CHECK(received.Header("ETag") == "\"2\"");
  CHECK(Body(received).at("due_at") != nullptr);
}

TEST_CASE("dossier routes: Prefer return=minimal answers a write with the dossier's state only") {
  Api api;
  const std::string code = api.Submit();
  // Other preferences, alone or around it, and other values, leave the full view.
  HttpResponse claimed = api.Call("POST", "/v1/dossiers/" + code + "/claim", "t-clerk", {},
                                  {{"Prefer", "respond-async, return=representation"}});
  REQUIRE_MESSAGE(claimed.status == 200, claimed.body);
  CHECK_FALSE(claimed.Header("Preference-Applied").has_value());
  CHECK(Body(claimed).contains("fully_online"));
  HttpResponse released =
      api.Call("POST", "/v1/dossiers/" + code + "/release", "t-clerk", {},
               {{"Prefer", "respond-async"}, {"Prefer", "wait=5, return=minimal"}});
  REQUIRE_MESSAGE(released.status == 200, released.body);
  CHECK(released.Header("Preference-Applied") == "return=minimal");
  CHECK_FALSE(Body(released).contains("fully_online"));
  const std::int64_t version = Body(released).at("version").get<std::int64_t>();
  CHECK(released.Header("ETag") == "\"" + std::to_string(version) + "\"");

  const std::string receive = "/v1/dossiers/" + code + "/actions/receive";
  const std::string if_match = "\"" + std::to_string(version) + "\"";
  HttpResponse minimal =
      api.Call("POST", receive, "t-clerk", {},
               {{"If-Match", if_match}, {"Prefer", "Return = \"Minimal\"; x=1"}});
  REQUIRE_MESSAGE(minimal.status == 200, minimal.body);
  CHECK(minimal.Header("Preference-Applied") == "return=minimal");
  CHECK(minimal.Header("ETag") == "\"" + std::to_string(version + 1) + "\"");
  const json state = Body(minimal);
  CHECK(state == json{{"code", code},
                      {"state", state.at("state")},
                      {"status", 6},  // fee requested
                      {"version", version + 1},
                      {"available_actions", state.at("available_actions")}});
  CHECK(minimal.body == state.dump());  // the text nlohmann writes, byte for byte
  // The same facts the full view gives the same caller.
  const json full = Body(api.Call("GET", "/v1/dossiers/" + code, "t-clerk"));
  CHECK(state.at("state") == full.at("state"));
  CHECK(state.at("available_actions") == full.at("available_actions"));
  CHECK(full.at("version") == version + 1);

  // A refused write is the same problem either way.
  HttpResponse stale = api.Call("POST", receive, "t-clerk", {},
                                {{"If-Match", if_match}, {"Prefer", "return=minimal"}});
  CHECK(stale.status == 412);
  CHECK_FALSE(stale.Header("Preference-Applied").has_value());

  // A submission too.
  const json body = {
      {"procedure", "1.004222"},
      {"agency", kAgencyA},
      {"form",
       {{"full_name", "Nguyễn Văn An"}, {"citizen_id", kOwnerId}, {"address", "1 Tràng Tiền"}}},
      {"documents", api.Documents()}};
  HttpResponse submitted =
      api.Call("POST", "/v1/dossiers", "t-owner", body.dump(), {{"Prefer", "return=minimal"}});
  REQUIRE_MESSAGE(submitted.status == 201, submitted.body);
  CHECK(submitted.Header("Location") ==
        "/v1/dossiers/" + Body(submitted).at("code").get<std::string>());
  CHECK(Body(submitted).at("version") == 1);
  CHECK(Body(submitted).size() == 5);
}

TEST_CASE("dossier routes: bad input is a 4xx problem naming the field") {
  Api api;
  struct Case {
    const char* what;
    std::string body;
    int status;
    const char* pointer;  // expected in "errors", or nullptr
  };
  const std::string form =
      R"("form":{"full_name":"An","citizen_id":"001090012345","address":"Huế"})";
  const std::string docs = R"("documents":)" + api.Documents().dump();
  const Case cases[] = {
      {"malformed JSON", R"({"procedure": "1.004222",)", 400, ""},
      {"not an object", R"(["1.004222"])", 422, ""},
      {"unknown field", R"({"procedure":"1.004222","bogus":1})", 422, "/bogus"},
      {"procedure missing", R"({"agency":"000.00.01.H26"})", 422, "/procedure"},
      {"procedure of the wrong type", R"({"procedure":7})", 422, "/procedure"},
      {"unknown procedure", R"({"procedure":"9.999999","agency":"000.00.01.H26"})", 404, nullptr},
      {"invalid agency", R"({"procedure":"1.004222","agency":"../etc",)" + form + "," + docs + "}",
       422, "/agency"},
      {"citizen ID of 11 digits",
       R"({"procedure":"1.004222","agency":"000.00.01.H26","form":{"full_name":"An","citizen_id":"00109001234","address":"Huế"},)" +
           docs + "}",
       422, "/form/citizen_id"},
      {"someone else's document",
       R"({"procedure":"1.004222","agency":"000.00.01.H26",)" + form +
           R"(,"documents":{"declaration":")" + api.Upload("t-other", "theirs", "text/plain") +
           R"(","legal_residence_proof":")" + api.proof_id + R"("}})",
       422, "/documents/declaration"},
      {"a document nobody uploaded",
       R"({"procedure":"1.004222","agency":"000.00.01.H26",)" + form +
           R"(,"documents":{"declaration":")" + std::string(64, 'a') +
           R"(","legal_residence_proof":")" + api.proof_id + R"("}})",
       422, "/documents/declaration"},
      {"required document missing",
       R"({"procedure":"1.004222","agency":"000.00.01.H26",)" + form + R"(,"documents":{}})", 422,
       "/documents/declaration"},
  };
  for (const Case& c : cases) {
    HttpResponse response = api.Call("POST", "/v1/dossiers", "t-owner", c.body);
    INFO(std::string(c.what) << ": " << response.body);
    CHECK(response.status == c.status);
    CHECK(response.content_type == "application/problem+json");
    if (c.pointer != nullptr && *c.pointer != '\0') {
      bool named = false;
      for (const json& e : Body(response).value("errors", json::array())) {
        named = named || e.at("pointer") == c.pointer;
      }
      CHECK(named);
    }
  }
  HttpRequest wrong_type = MakeHttpRequest("POST", "/v1/dossiers", R"({"procedure":"1.004222"})");
  wrong_type.headers = {{"Authorization", "Bearer t-owner"}, {"Content-Type", "text/plain"}};
  CHECK(api.router.Handle(wrong_type).status == 415);
  CHECK(api.Call("GET", "/v1/dossiers?limit=0", "t-owner").status == 422);
  CHECK(api.Call("GET", "/v1/dossiers?limit=abc", "t-owner").status == 422);
}

TEST_CASE("dossier routes: a rejected submission takes no dossier number") {
  Api api;
  const json form = {
      {"full_name", "Nguyễn Văn An"}, {"citizen_id", kOwnerId}, {"address", "12 Hàng Bài"}};
  const json rejected[] = {
      {{"procedure", "1.004222"},
       {"agency", kAgencyA},
       {"form", form},
       {"documents", json::object()}},
      {{"procedure", "1.004222"},
       {"agency", kAgencyA},
       {"form", form},
       {"documents",
        {{"declaration", api.Upload("t-other", "theirs", "text/plain")},
         {"legal_residence_proof", api.proof_id}}}},
  };
  for (const json& body : rejected) {
    CHECK(api.Call("POST", "/v1/dossiers", "t-owner", body.dump()).status == 422);
  }
  const std::string code = api.Submit();
  CHECK(code.substr(code.size() - 5) == "-0001");
}

// `depth` levels of arrays around 1, e.g. Nested(2) == "[[1]]".
std::string Nested(std::size_t depth) {
  return std::string(depth, '[') + "1" + std::string(depth, ']');
}

TEST_CASE("dossier routes: deeply nested JSON is refused with 400 naming the limit") {
  Api api;
  const std::string code = api.Submit();
  const std::string docs = R"("documents":)" + api.Documents().dump();
  const std::string form_prefix = R"({"procedure":"1.004222","agency":"000.00.01.H26",)" + docs;
  struct Case {
    const char* what;
    std::string method;
    std::string target;
    std::string token;
    std::string body;
    int status;
  };
  // The body object is level 1 and "form" level 2: 62 arrays inside it reach
  // the limit of 64, 63 go over it.
  const Case cases[] = {
      {"form at the limit", "POST", "/v1/dossiers", "t-owner",
       form_prefix + R"(,"form":{"full_name":)" + Nested(62) + "}}", 422},
      {"form one level over", "POST", "/v1/dossiers", "t-owner",
       form_prefix + R"(,"form":{"full_name":)" + Nested(63) + "}}", 400},
      {"100,000 arrays in form", "POST", "/v1/dossiers", "t-owner",
       form_prefix + R"(,"form":)" + Nested(100'000) + "}", 400},
      {"100,000 arrays in an action body", "POST", "/v1/dossiers/" + code + "/actions/receive",
       "t-clerk", R"({"comment":)" + Nested(100'000) + "}", 400},
      {"100,000 arrays as a workflow", "PUT", "/v1/procedures/1.004222/workflow", "t-admin",
       Nested(100'000), 400},
      {"100,000 unclosed objects", "POST", "/v1/dossiers", "t-owner",
       [] {
         std::string text;
         for (int i = 0; i < 100'000; ++i) text += R"({"a":)";
         return text;
       }(),
       400},
  };
  for (const Case& c : cases) {
    HttpResponse response = api.Call(c.method, c.target, c.token, c.body);
    INFO(std::string(c.what) << ": " << response.body.substr(0, 300));
    CHECK(response.status == c.status);
    CHECK(response.content_type == "application/problem+json");
    if (c.status == 400) {
      const json problem = Body(response);
      CHECK(problem.at("type") == "https://motcua.example/problems/json_too_deep");
      CHECK(problem.at("detail") == "the JSON nests deeper than 64 levels");
    }
  }
  // The refusals changed nothing: the dossier is where it was.
  CHECK(Body(api.Call("GET", "/v1/dossiers/" + code, "t-owner")).at("version") == 1);
}

TEST_CASE("dossier routes: only application/json and +json media types are read as JSON") {
  Api api;
  const std::string body = json{
      {"procedure", "1.004222"},
      {"agency", kAgencyA},
      {"form", {{"full_name", "An"}, {"citizen_id", kOwnerId}, {"address", "Huế"}}},
      {"documents",
       api.Documents()}}.dump();
  struct Case {
    const char* content_type;
    int status;
  };
  const Case cases[] = {
      {"application/json", 201},
      {"application/json; charset=utf-8", 201},
      {"Application/JSON;charset=UTF-8", 201},
      {"application/vnd.motcua.dossier+json", 201},
      {"application/jsonp", 415},
      {"application/json-seq", 415},
      {"application/jsonx; charset=utf-8", 415},
      {"text/json", 415},
      {"text/plain", 415},
      {"application/x-www-form-urlencoded", 415},
      {"application/+json", 415},
  };
  for (const Case& c : cases) {
    HttpResponse response =
        CallRoute(api.router, "POST", "/v1/dossiers", "t-owner", body, {}, c.content_type);
    INFO(c.content_type << ": " << response.body);
    CHECK(response.status == c.status);
    if (c.status == 415) {
      CHECK(Body(response).at("type") == "https://motcua.example/problems/unsupported_media_type");
    }
  }
  const std::string code = api.Submit();
  HttpResponse action = CallRoute(api.router, "POST", "/v1/dossiers/" + code + "/actions/receive",
                                  "t-clerk", R"({"comment":"ok"})", {}, "application/jsonp");
  CHECK(action.status == 415);
  HttpResponse publish =
      CallRoute(api.router, "PUT", "/v1/procedures/1.004222/workflow", "t-admin",
                LoadJson("workflows/1.004222-permanent-residence.json").dump(), {}, "text/json");
  CHECK(publish.status == 415);
}

// Regression (issue 14.16): a clerk could submit for applicant "", "system"
// or "x", and an applicant to an agency that does not exist.
TEST_CASE("dossier routes: staff name a real applicant - the agency must be one served here") {
  Api api;
  DossierService checked(api.store, *api.catalog, *api.calendar, api.clock, nullptr,
                         [](const std::string& agency) -> Result<bool> {
                           return agency == kAgencyA || agency == kAgencyB;
                         });
  DossierApi checked_api{checked, *api.catalog, TokenTable(Tokens()), *api.calendar};
  Router router;
  REQUIRE(AddDossierRoutes(router, checked_api).ok());
  auto submit = [&](const std::string& token, const json& extra, const json& documents) {
    json body = {
        {"procedure", "1.004222"},
        {"agency", kAgencyA},
        {"form", {{"full_name", "Nguyễn Văn An"}, {"citizen_id", kOwnerId}, {"address", "Huế"}}},
        {"documents", documents}};
    body.update(extra);
    api.clock.Advance(1min);
    return CallRoute(router, "POST", "/v1/dossiers", token, body.dump());
  };
  auto names = [](const HttpResponse& response, const std::string& pointer) {
    for (const json& e : Body(response).value("errors", json::array())) {
      if (e.at("pointer") == pointer) return true;
    }
    return false;
  };
  const json clerk_documents = {
      {"declaration", api.Upload("t-clerk", "%PDF desk declaration", "application/pdf")},
      {"legal_residence_proof", api.Upload("t-clerk", "%PDF desk proof", "application/pdf")}};
  for (const char* bad : {"", "system", "x", "clerk-a", "00109001234", "0010900123456",
                          "0101234567-1", "01012345678"}) {
    CAPTURE(bad);
    HttpResponse response = submit("t-clerk", {{"applicant_id", bad}}, clerk_documents);
    CHECK(response.status == 422);
    CHECK(names(response, "/applicant_id"));
  }
  for (const char* good : {kOwnerId, "0101234567", "0101234567-001"}) {
    CAPTURE(good);
    HttpResponse response = submit("t-clerk", {{"applicant_id", good}}, clerk_documents);
    CHECK_MESSAGE(response.status == 201, response.body);
  }

  HttpResponse nowhere = submit("t-owner", {{"agency", "000.00.99.H26"}}, api.Documents());
  CHECK(nowhere.status == 422);
  CHECK(names(nowhere, "/agency"));
  CHECK(submit("t-owner", {{"agency", kAgencyB}}, api.Documents()).status == 201);
}

TEST_CASE("dossier routes: admins publish workflows - lint problems are 422 with pointers") {
  Api api;
  json workflow = LoadJson("workflows/1.004222-permanent-residence.json");
  workflow["actions"][0]["to"] = "nowhere";
  HttpResponse invalid =
      api.Call("PUT", "/v1/procedures/1.004222/workflow", "t-national", workflow.dump());
  CHECK(invalid.status == 422);
  INFO(invalid.body);
  bool named = false;
  const json problem = Body(invalid);  // the loop below must not iterate a temporary
  for (const json& e : problem.at("errors")) named = named || e.at("pointer") == "/actions/0/to";
  CHECK(named);

  workflow = LoadJson("workflows/1.004222-permanent-residence.json");
  workflow["states"][0]["name"] = "Awaiting reception at the one-stop desk";
  // 1.004222 is national: an agency's admin may not change it for everyone.
  HttpResponse hijack =
      api.Call("PUT", "/v1/procedures/1.004222/workflow", "t-admin", workflow.dump());
  CHECK(hijack.status == 403);
  CHECK(Body(hijack).at("type") == "https://motcua.example/problems/not_your_procedure");
  HttpResponse published =
      api.Call("PUT", "/v1/procedures/1.004222/workflow", "t-national", workflow.dump());
  REQUIRE(published.status == 200);
  CHECK(Body(published).at("version") == 2);
  CHECK(api.Call("PUT", "/v1/procedures/1.004194/workflow", "t-national", workflow.dump()).status ==
        422);  // the body's code differs from the path's
  CHECK(api.Call("PUT", "/v1/procedures/1.004222/workflow", "t-clerk", workflow.dump()).status ==
        403);
  HttpResponse versions = api.Call("GET", "/v1/procedures/1.004222/versions", "t-auditor");
  REQUIRE(versions.status == 200);
  CHECK(Body(versions).at("items").size() == 2);
}

TEST_CASE("dossier routes: the diff of two published versions names what changed, with pointers") {
  Api api;
  json workflow = LoadJson("workflows/1.004222-permanent-residence.json");
  // Published through the API, as the versions compared below are.
  HttpResponse base =
      api.Call("PUT", "/v1/procedures/1.004222/workflow", "t-national", workflow.dump());
  REQUIRE(base.status == 200);
  const std::int64_t from = Body(base).at("version").get<std::int64_t>();
  workflow["procedure"]["deadline"] = {{"working_days", 4}};
  workflow["roles"].push_back("archivist");
  HttpResponse next =
      api.Call("PUT", "/v1/procedures/1.004222/workflow", "t-national", workflow.dump());
  REQUIRE(next.status == 200);
  const std::int64_t to = Body(next).at("version").get<std::int64_t>();
  REQUIRE(to == from + 1);
  const std::string versions = "/v1/procedures/1.004222/versions/";

  HttpResponse diff =
      api.Call("GET", versions + std::to_string(from) + "/diff/" + std::to_string(to), "t-auditor");
  REQUIRE(diff.status == 200);
  const json body = Body(diff);
  INFO(body.dump(1));
  CHECK(body.at("from") == from);
  CHECK(body.at("to") == to);
  const json& changes = body.at("changes");
  REQUIRE(changes.size() == 2);
  CHECK(changes[0] == json{{"category", "deadline"},
                           {"key", "deadline"},
                           {"change", "changed"},
                           {"from_pointer", "/procedure/deadline"},
                           {"to_pointer", "/procedure/deadline"},
                           {"changed_members", json::array({"/working_days"})}});
  CHECK(changes[1].at("category") == "role");
  CHECK(changes[1].at("change") == "added");
  CHECK(changes[1].at("from_pointer").is_null());
  // Backwards, the role is removed.
  const json back = Body(api.Call(
      "GET", versions + std::to_string(to) + "/diff/" + std::to_string(from), "t-auditor"));
  CHECK(back.at("changes")[1].at("change") == "removed");
  CHECK(Body(api.Call("GET", "/v1/procedures/1.004222/versions/2/diff/2", "t-admin"))
            .at("changes")
            .empty());

  // Not numbers, and versions that do not exist, name the field.
  HttpResponse words = api.Call("GET", "/v1/procedures/1.004222/versions/one/diff/0", "t-auditor");
  CHECK(words.status == 422);
  CHECK(Body(words).at("errors").size() == 2);
  CHECK(Body(words).at("errors")[0].at("pointer") == "/from");
  HttpResponse missing = api.Call("GET", "/v1/procedures/1.004222/versions/1/diff/9", "t-auditor");
  CHECK(missing.status == 404);
  CHECK(Body(missing).at("errors")[0].at("pointer") == "/to");
  CHECK(api.Call("GET", "/v1/procedures/9.999999/versions/1/diff/2", "t-auditor").status == 404);
}

// Issue 14.16: a racing action without If-Match lost with 412, as if its
// (absent) precondition had failed; 409 is the answer to a lost race.
TEST_CASE("dossier routes: race losers that sent no If-Match get 409, not 412") {
  for (int round = 0; round < 5; ++round) {
    Api api;
    const std::string code = api.Submit();
    const std::string receive = "/v1/dossiers/" + code + "/actions/receive";
    std::vector<std::thread> threads;
    std::mutex mutex;
    std::vector<int> statuses;
    for (int i = 0; i < 12; ++i) {
      threads.emplace_back([&] {
        HttpRequest request = MakeHttpRequest("POST", receive, "{}");
        request.headers = {{"Authorization", "Bearer t-clerk"},
                           {"Content-Type", "application/json"}};
        HttpResponse response = api.router.Handle(request);
        std::lock_guard lock(mutex);
        statuses.push_back(response.status);
      });
    }
    for (std::thread& thread : threads) thread.join();
    CHECK(std::count(statuses.begin(), statuses.end(), 200) == 1);
    CHECK(std::count(statuses.begin(), statuses.end(), 409) == 11);
    CHECK(std::count(statuses.begin(), statuses.end(), 412) == 0);
  }
}

TEST_CASE("dossier routes: queues are per role and agency, ordered by due date") {
  Api api;
  const std::string first = api.Submit();
  const std::string second = api.Submit();
  json queue = Body(api.Call("GET", "/v1/queue?role=reception_clerk", "t-clerk"));
  REQUIRE(queue.at("items").size() == 2);
  CHECK(Body(api.Call("GET", "/v1/queue?role=reception_clerk", "t-clerk-b")).at("items").empty());
  CHECK(Body(api.Call("GET", "/v1/queue", "t-specialist")).at("items").empty());
  json page = Body(api.Call("GET", "/v1/queue?role=reception_clerk&limit=1", "t-clerk"));
  REQUIRE(page.at("items").size() == 1);
  CHECK(page.at("next_cursor") == page.at("items")[0].at("code"));
  (void)first;
  (void)second;
}

TEST_CASE("dossier routes: of concurrent claimers exactly one wins, the others get 409") {
  Api api;
  const std::string code = api.Submit();
  const std::string claim = "/v1/dossiers/" + code + "/claim";
  std::vector<std::thread> threads;
  std::mutex mutex;
  std::map<std::string, std::vector<int>> statuses;  // token -> statuses
  for (int i = 0; i < 8; ++i) {
    const std::string token = i % 2 == 0 ? "t-clerk" : "t-clerk-2";
    threads.emplace_back([&api, &mutex, &statuses, claim, token] {
      HttpRequest request = MakeHttpRequest("POST", claim);
      request.headers.push_back({"Authorization", "Bearer " + token});
      HttpResponse response = api.router.Handle(request);
      std::lock_guard lock(mutex);
      statuses[token].push_back(response.status);
    });
  }
  for (std::thread& thread : threads) thread.join();
  auto all = [](const std::vector<int>& v, int status) {
    return std::all_of(v.begin(), v.end(), [status](int s) { return s == status; });
  };
  const bool first_won = all(statuses["t-clerk"], 200) && all(statuses["t-clerk-2"], 409);
  const bool second_won = all(statuses["t-clerk-2"], 200) && all(statuses["t-clerk"], 409);
  CHECK(first_won != second_won);
  const std::string winner = first_won ? "clerk-a" : "clerk-a2";
  const std::string winner_token = first_won ? "t-clerk" : "t-clerk-2";
  const std::string loser_token = first_won ? "t-clerk-2" : "t-clerk";
  json dossier = Body(api.Call("GET", "/v1/dossiers/" + code, "t-owner"));
  CHECK(dossier.at("assignee") == winner);
  CHECK(dossier.at("version") == 2);  // one claim event, not four

  CHECK(api.Call("POST", "/v1/dossiers/" + code + "/release", loser_token).status == 403);
  HttpResponse released = api.Call("POST", "/v1/dossiers/" + code + "/release", winner_token);
  REQUIRE(released.status == 200);
  CHECK(Body(released).at("assignee") == nullptr);
  CHECK(api.Call("POST", claim, loser_token).status == 200);

  // Claims are audited but are not hand-offs of the process control slip.
  json audit = Body(api.Call("GET", "/v1/dossiers/" + code + "/audit", "t-auditor"));
  CHECK(audit.at("items").size() == 4);  // submit, claim, release, claim
  json history = Body(api.Call("GET", "/v1/dossiers/" + code + "/history", "t-owner"));
  CHECK(history.at("items").size() == 1);
}

TEST_CASE("dossier routes: dossier lists are scoped and filtered") {
  Api api;
  const std::string first = api.Submit();
  const std::string second = api.Submit();
  REQUIRE(api.Call("POST", "/v1/dossiers/" + second + "/actions/receive", "t-clerk").status == 200);
  auto codes = [&](const std::string& target, const std::string& token) {
    HttpResponse response = api.Call("GET", target, token);
    REQUIRE_MESSAGE(response.status == 200, response.body);
    std::vector<std::string> result;
    const json page = Body(response);  // the loop must not iterate a temporary
    for (const json& item : page.at("items")) result.push_back(item.at("code").get<std::string>());
    return result;
  };
  CHECK(codes("/v1/dossiers", "t-owner") == std::vector<std::string>{second, first});
  CHECK(codes("/v1/dossiers", "t-clerk") == std::vector<std::string>{second, first});
  CHECK(codes("/v1/dossiers", "t-clerk-b").empty());
  CHECK(codes("/v1/dossiers", "t-other").empty());
  CHECK(codes("/v1/dossiers?state=submitted", "t-clerk") == std::vector<std::string>{first});
  CHECK(codes("/v1/dossiers?received_from=2026-03-02", "t-clerk") ==
        std::vector<std::string>{second});
  CHECK(codes("/v1/dossiers?received_to=2026-03-02", "t-clerk").empty());
  CHECK(codes("/v1/dossiers?procedure=1.004194", "t-clerk").empty());
  CHECK(codes("/v1/dossiers?limit=1&after=" + second, "t-clerk") ==
        std::vector<std::string>{first});
  HttpResponse bad_date = api.Call("GET", "/v1/dossiers?received_from=yesterday", "t-clerk");
  CHECK(bad_date.status == 422);
  CHECK(bad_date.body.find("/received_from") != std::string::npos);
}

// The list filters were read with sscanf, which took "+026" for the year 26
// and " 1" for January.
TEST_CASE("dossier routes: a list filter that is not a strict RFC 3339 date is 422 naming it") {
  Api api;
  const std::string code = api.Submit();
  REQUIRE(api.Call("POST", "/v1/dossiers/" + code + "/actions/receive", "t-clerk").status == 200);
  for (const char* name : {"received_from", "received_to"}) {
    for (const char* value :
         {"%2B026-01-01", "2026-%2B1-01", "2026-%201-01", "2026-+1-01", "2026-01-01T%2B8:00:00Z",
          "2026-02-29", "2026-13-01", "0000-01-01", "10000-01-01", "2026-01-01T24:00:00Z",
          "2026-01-01T08:00:00", "2026-01-01%2008:00:00Z", "2026-01-01%00", "%00", ""}) {
      const std::string target = std::string("/v1/dossiers?") + name + "=" + value;
      HttpResponse response = api.Call("GET", target, "t-clerk");
      INFO(target << ": " << response.body);
      CHECK(response.status == 422);
      CHECK(response.content_type == "application/problem+json");
      CHECK(Body(response).at("errors").at(0).at("pointer") == std::string("/") + name);
    }
  }
  // A date-time at any offset names the same instant as in UTC.
  auto count = [&](const std::string& query) {
    HttpResponse response = api.Call("GET", "/v1/dossiers?" + query, "t-clerk");
    REQUIRE_MESSAGE(response.status == 200, response.body);
    return Body(response).at("items").size();
  };
  CHECK(count("received_from=2000-01-01T00:00:00Z") == 1);
  CHECK(count("received_from=2000-01-01T07:00:00%2B07:00") == 1);
  CHECK(count("received_to=2000-01-01T07:00:00%2B07:00") == 0);
  CHECK(count("received_from=9999-12-31T23:59:59Z") == 0);
  CHECK(count("received_to=9999-12-31T23:59:59Z") == 1);
}

TEST_CASE("document routes: upload once, download in scope, as an attachment") {
  Api api;
  const std::string bytes = "<html><script>alert(1)</script></html>";
  const std::string id = api.Upload("t-owner", bytes, "Text/HTML; charset=utf-8");
  CHECK(id == Sha256Hex(bytes));
  CHECK(api.Upload("t-other", bytes, "text/plain") == id);  // same bytes, same id

  HttpResponse mine = api.Call("GET", "/v1/documents/" + id, "t-owner");
  REQUIRE(mine.status == 200);
  CHECK(mine.body == bytes);
  CHECK(mine.content_type == "text/html");  // the first upload's type, normalised
  CHECK(mine.Header("X-Content-Type-Options") == "nosniff");
  CHECK(mine.Header("Content-Disposition").value_or("").find("attachment") == 0);
  // t-other also uploaded the bytes, and downloads them with the type they
  // gave: nothing tells them how t-owner declared the same bytes.
  HttpResponse theirs = api.Call("GET", "/v1/documents/" + id, "t-other");
  CHECK(theirs.status == 200);
  CHECK(theirs.content_type == "text/plain");
  CHECK(api.Call("GET", "/v1/documents/" + id, "t-owner").content_type == "text/html");
  CHECK(api.Call("GET", "/v1/documents/" + id, "t-clerk").status == 404);  // no dossier names it
  CHECK(api.Call("GET", "/v1/documents/" + std::string(64, 'f'), "t-owner").status == 404);
  CHECK(api.Call("GET", "/v1/documents/..%2Fetc", "t-owner").status >= 400);
  CHECK(api.Call("GET", "/v1/documents/not-a-hash", "t-owner").status == 404);

  HttpRequest empty = MakeHttpRequest("POST", "/v1/documents", "");
  empty.headers = {{"Authorization", "Bearer t-owner"}, {"Content-Type", "application/pdf"}};
  HttpResponse empty_response = api.router.Handle(empty);
  CHECK(empty_response.status == 422);
  CHECK(empty_response.body.find("/body") != std::string::npos);
  HttpRequest untyped = MakeHttpRequest("POST", "/v1/documents", "abc");
  untyped.headers = {{"Authorization", "Bearer t-owner"}, {"Content-Type", "pdf"}};
  HttpResponse untyped_response = api.router.Handle(untyped);
  CHECK(untyped_response.status == 422);
  CHECK(untyped_response.body.find("/content-type") != std::string::npos);
}

TEST_CASE("dossier routes: the result document's exact bytes, in scope, once there is one") {
  Api api;
  const std::string code = api.Submit();
  const std::string result = "/v1/dossiers/" + code + "/result";
  HttpResponse none = api.Call("GET", result, "t-owner");
  CHECK(none.status == 404);
  CHECK(none.body.find("no_result") != std::string::npos);

  // A specialist's result document, attached as a transition would.
  const std::string bytes = std::string("Quyết định\0\x01binary", 20);
  const std::string id = api.Upload("t-specialist", bytes, "application/pdf");
  Dossier before = api.store.GetDossier(code).value();
  Dossier after = before;
  after.result_document = id;
  after.version = before.version + 1;
  DossierEvent event;
  event.action = "attach_result";
  event.from_state = before.state;
  event.to_state = before.state;
  event.actor = Tokens().at("t-specialist");
  event.at = api.clock.Now();
  DossierStore::TransitionCommit commit;
  commit.after = &after;
  commit.expected_version = before.version;
  commit.event = &event;
  REQUIRE(api.store.CommitTransition(commit).ok());

  HttpResponse owner = api.Call("GET", result, "t-owner");
  REQUIRE(owner.status == 200);
  CHECK(owner.body == bytes);
  CHECK(owner.Header("X-Content-Type-Options") == "nosniff");
  CHECK(api.Call("GET", result, "t-leader").status == 200);
  CHECK(api.Call("GET", result, "t-other").status == 404);
  CHECK(api.Call("GET", result, "t-clerk-b").status == 404);
  CHECK(api.Call("GET", result, "").status == 401);
}

TEST_CASE("dossier routes: the applicant rates once, after processing ended") {
  Api api;
  const std::string code = api.Submit();
  const std::string rating = "/v1/dossiers/" + code + "/rating";
  const std::string good = json{{"score", 4}, {"comment", "Nhanh, đúng hẹn"}}.dump();

  HttpResponse early = api.Call("POST", rating, "t-owner", good);
  CHECK(early.status == 409);
  CHECK(early.body.find("not_finished") != std::string::npos);

  REQUIRE(api.Call("POST", "/v1/dossiers/" + code + "/actions/refuse_reception", "t-clerk",
                   json{{"comment", "Sai thẩm quyền"}}.dump())
              .status == 200);
  // Only the owner, only valid scores.
  CHECK(api.Call("POST", rating, "t-clerk", good).status == 403);
  CHECK(api.Call("POST", rating, "t-other", good).status == 404);
  CHECK(api.Call("POST", rating, "", good).status == 401);
  for (const json& bad : {json{{"score", 0}}, json{{"score", 6}}, json{{"score", "5"}},
                          json{{"score", 3}, {"comment", 7}}, json::object()}) {
    HttpResponse refused = api.Call("POST", rating, "t-owner", bad.dump());
    CHECK(refused.status == 422);
  }
  CHECK(api.Call("POST", rating, "t-owner", json{{"score", 5}, {"stars", 5}}.dump()).status == 422);

  HttpResponse rated = api.Call("POST", rating, "t-owner", good);
  REQUIRE_MESSAGE(rated.status == 201, rated.body);
  CHECK(Body(rated).at("rating").at("score") == 4);
  CHECK(Body(rated).at("rating").at("comment") == "Nhanh, đúng hẹn");
  CHECK(Body(api.Call("GET", "/v1/dossiers/" + code, "t-clerk")).at("rating").at("score") == 4);

  HttpResponse twice = api.Call("POST", rating, "t-owner", json{{"score", 1}}.dump());
  CHECK(twice.status == 409);
  CHECK(twice.body.find("already_rated") != std::string::npos);
  // The rating is in the audit trail, and not a hand-off.
  const std::vector<AuditRecord> trail = api.store.AuditTrail(code).value();
  CHECK(trail.back().event.action == "rate");
  const json slip = Body(api.Call("GET", "/v1/dossiers/" + code + "/history", "t-owner"));
  REQUIRE(!slip.at("items").empty());
  for (const json& handoff : slip.at("items")) {
    CHECK(handoff.dump().find("\"rate\"") == std::string::npos);
  }
}

TEST_CASE("dossier routes: a withdrawn dossier has nothing to rate") {
  Api api;
  const std::string code = api.Submit();
  REQUIRE(api.Call("POST", "/v1/dossiers/" + code + "/actions/withdraw", "t-owner",
                   json{{"comment", "Nộp nhầm"}}.dump())
              .status == 200);
  HttpResponse refused =
      api.Call("POST", "/v1/dossiers/" + code + "/rating", "t-owner", json{{"score", 5}}.dump());
  CHECK(refused.status == 409);
  CHECK(refused.body.find("not_finished") != std::string::npos);
}

// Issue 17: the clerk page showed the English state name and guessed what
// each action needs; the view now carries both from the pinned workflow.
TEST_CASE("dossier routes: the view names state, procedure, documents and actions in vi and en") {
  Api api;
  const std::string code = api.Submit();
  const json submitted = Body(api.Call("GET", "/v1/dossiers/" + code, "t-clerk"));
  CHECK(submitted.at("state_name") == "Submitted, awaiting reception");
  CHECK(submitted.at("state_title") ==
        json{{"vi", "Mới đăng ký, chờ tiếp nhận"}, {"en", "Submitted, awaiting reception"}});
  CHECK(submitted.at("procedure_title").at("vi") == "Đăng ký thường trú");
  CHECK(submitted.at("document_titles").size() == submitted.at("documents").size());
  CHECK(submitted.at("document_titles").at("declaration").at("vi") ==
        "Tờ khai thay đổi thông tin cư trú (mẫu CT01)");
  const json& actions = submitted.at("actions");
  REQUIRE(actions.size() == submitted.at("available_actions").size());
  for (std::size_t i = 0; i < actions.size(); ++i) {
    CHECK(actions[i].at("name") == submitted.at("available_actions")[i]);
  }
  auto action_named = [](const json& view, const std::string& name) {
    for (const json& action : view.at("actions")) {
      if (action.at("name") == name) return action;
    }
    FAIL("no action " << name);
    return json();
  };
  const json receive = action_named(submitted, "receive");
  CHECK(receive.at("title").at("vi") == "Tiếp nhận hồ sơ");
  CHECK(receive.at("requires").at("comment") == false);
  CHECK(action_named(submitted, "refuse_reception").at("requires").at("comment") == true);
  // The applicant sees only their own actions, with the same shape.
  const json owner_view = Body(api.Call("GET", "/v1/dossiers/" + code, "t-owner"));
  for (const json& action : owner_view.at("actions")) CHECK(action.at("name") != "receive");

  HttpResponse received = api.Call("POST", "/v1/dossiers/" + code + "/actions/receive", "t-clerk");
  REQUIRE(received.status == 200);
  const json awaiting_fee = Body(received);
  CHECK(awaiting_fee.at("fee") ==
        json{{"desk", 20000}, {"online", 10000}, {"awaiting_payment", true}, {"paid", nullptr}});
  CHECK(action_named(awaiting_fee, "pay_fee").at("step") == "payment");
  CHECK(submitted.at("fee").at("awaiting_payment") == false);
  CHECK(submitted.at("working_time_left") == nullptr);  // not received: no due date

  api.PayAtDesk(code);
  const json in_review = Body(api.Call("GET", "/v1/dossiers/" + code, "t-specialist"));
  CHECK(in_review.at("fee").at("awaiting_payment") == false);
  CHECK(in_review.at("fee").at("paid").at("amount") == 20000);
  CHECK(in_review.at("fee").at("paid").at("channel") == "desk");
  CHECK(in_review.at("state_title").at("vi") == "Đang xử lý: chuyên viên thẩm định");
  const json propose = action_named(in_review, "propose_result");
  CHECK(propose.at("requires").at("result_document") == true);
  CHECK(propose.at("requires").at("signature") == false);
  CHECK(action_named(in_review, "extend_deadline").at("requires").at("appointment_date") == true);
  const json& left = in_review.at("working_time_left");
  REQUIRE(left.is_object());
  CHECK(left.at("overdue") == false);
  CHECK(left.at("days").get<int>() <= 7);
  CHECK(left.at("total_minutes").get<std::int64_t>() > 6 * 480);

  const json history = Body(api.Call("GET", "/v1/dossiers/" + code + "/history", "t-owner"));
  REQUIRE(history.at("items").size() >= 2);
  const json& first = history.at("items")[0];
  CHECK(first.at("state") == "submitted");
  CHECK(first.at("state_title").at("vi") == "Mới đăng ký, chờ tiếp nhận");
  CHECK(first.at("action") == "receive");
  CHECK(first.at("action_title") == json{{"vi", "Tiếp nhận hồ sơ"}, {"en", "Receive the dossier"}});
  CHECK(history.at("items").back().at("action_title") == nullptr);  // still there
}

// `glances_kept` false: queue entries written before the store kept glances;
// the service reads the dossiers instead, and shows the same.
void CheckQueueShowsEscalationAndTimeLeft(bool glances_kept) {
  CAPTURE(glances_kept);
  Api api;
  api.store.KeepQueueGlances(glances_kept);
  const std::string late = api.Submit();
  const std::string fresh = api.Submit();
  // "submitted" has an 8 working-hour SLA; the supervisor is the leader.
  api.clock.Advance(std::chrono::hours{24 * 3});
  REQUIRE(api.service->EscalateIfOverdue(late).value());
  const json queue = Body(api.Call("GET", "/v1/queue?role=reception_clerk", "t-clerk"));
  REQUIRE(queue.at("items").size() == 2);
  for (const json& item : queue.at("items")) {
    CHECK(item.at("escalated") == (item.at("code") == late));
    CHECK(item.at("working_time_left") == nullptr);  // not received yet
  }
  const json leader = Body(api.Call("GET", "/v1/queue?role=leader", "t-leader"));
  REQUIRE(leader.at("items").size() == 1);
  CHECK(leader.at("items")[0].at("escalated") == true);
  (void)fresh;

  REQUIRE(api.Call("POST", "/v1/dossiers/" + fresh + "/actions/receive", "t-clerk").status == 200);
  api.PayAtDesk(fresh);
  const json review = Body(api.Call("GET", "/v1/queue?role=specialist", "t-specialist"));
  REQUIRE(review.at("items").size() == 1);
  const json& left = review.at("items")[0].at("working_time_left");
  REQUIRE(left.is_object());
  CHECK(left.at("overdue") == false);
  CHECK(left.at("days").get<int>() >= 6);
  CHECK(left.at("days").get<int>() <= 7);
}

TEST_CASE("dossier routes: queue items say which dossiers were escalated and the time left") {
  CheckQueueShowsEscalationAndTimeLeft(true);
  CheckQueueShowsEscalationAndTimeLeft(false);
}

// Issue 17: an admin studio opened before someone else published would
// overwrite their version without noticing.
TEST_CASE("dossier routes: publishing with a stale If-Match is 412 and publishes nothing") {
  Api api;
  const std::string path = "/v1/procedures/1.004222/workflow";
  HttpResponse procedure = api.Call("GET", "/v1/procedures/1.004222", "");
  REQUIRE(procedure.status == 200);
  CHECK(procedure.Header("ETag") == "\"1\"");
  json workflow = LoadJson("workflows/1.004222-permanent-residence.json");
  workflow["states"][0]["name"] = "Awaiting reception at the one-stop desk";
  auto versions = [&api] {
    return Body(api.Call("GET", "/v1/procedures/1.004222/versions", "t-auditor"))
        .at("items")
        .size();
  };

  for (const char* stale : {"\"2\"", "\"99999999999\""}) {
    INFO(stale);
    HttpResponse refused =
        api.Call("PUT", path, "t-national", workflow.dump(), {{"If-Match", stale}});
    CHECK(refused.status == 412);
    CHECK(Body(refused).at("type") == "https://motcua.example/problems/stale_version");
  }
  for (const char* malformed : {"one", "\"0\"", "\"-1\"", "1 ", "\"\""}) {
    INFO(malformed);
    CHECK(api.Call("PUT", path, "t-national", workflow.dump(), {{"If-Match", malformed}}).status ==
          400);
  }
  CHECK(versions() == 1);
  // A stale If-Match does not let an outsider learn more than 403.
  CHECK(api.Call("PUT", path, "t-admin", workflow.dump(), {{"If-Match", "\"5\""}}).status == 403);

  HttpResponse published =
      api.Call("PUT", path, "t-national", workflow.dump(), {{"If-Match", "\"1\""}});
  REQUIRE(published.status == 200);
  CHECK(Body(published).at("version") == 2);
  CHECK(api.Call("GET", "/v1/procedures/1.004222", "").Header("ETag") == "\"2\"");
  // The second editor still started from version 1: its change is refused.
  workflow["states"][0]["name"] = "Another editor's name";
  HttpResponse second =
      api.Call("PUT", path, "t-national", workflow.dump(), {{"If-Match", "\"1\""}});
  CHECK(second.status == 412);
  CHECK(versions() == 2);
  // Without If-Match publishing works as before.
  CHECK(api.Call("PUT", path, "t-national", workflow.dump()).status == 200);
  CHECK(versions() == 3);

  // A procedure never published has no version an editor could have seen.
  json fresh = LoadJson("workflows/1.004222-permanent-residence.json");
  fresh["procedure"]["code"] = "1.999999";
  CHECK(api.Call("PUT", "/v1/procedures/1.999999/workflow", "t-national", fresh.dump(),
                 {{"If-Match", "\"1\""}})
            .status == 412);
  CHECK(api.Call("GET", "/v1/procedures/1.999999", "").status == 404);
}

TEST_CASE("dossier routes: uploads and the dossiers' own routes may run on fibers, downloads not") {
  Api api;
  CHECK(api.router.WaitsOnStoreOnly(MakeHttpRequest("POST", "/v1/documents", "%PDF")));
  CHECK(api.router.WaitsOnStoreOnly(MakeHttpRequest("POST", "/v1/dossiers", "{}")));
  CHECK(api.router.WaitsOnStoreOnly(MakeHttpRequest("GET", "/v1/queue")));
  // A download's answer is as large as the document.
  CHECK_FALSE(
      api.router.WaitsOnStoreOnly(MakeHttpRequest("GET", "/v1/documents/" + api.declaration_id)));
  CHECK_FALSE(api.router.WaitsOnStoreOnly(MakeHttpRequest("GET", "/v1/procedures")));
}

}  // namespace
}  // namespace motcua
