// The signing round trip through the /v1 handlers, without sockets: a leader
// fetches the result bytes, signs them with a real CMS signature, uploads it
// with sign_result; the engine verifies it against the trust store, binds it
// to the user, stores it, seals the result with the agency seal, lists both
// and serves them as .p7s, and anyone can verify the result publicly.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "api/document_routes.h"
#include "api/dossier_routes.h"
#include "api/http_message.h"
#include "engine/crypto/base64.h"
#include "engine/crypto/openssl_cms.h"
#include "engine/crypto/pki_demo.h"
#include "engine/crypto/sha256.h"
#include "engine/service/result_signing.h"
#include "tests/api/route_test_support.h"
#include "tests/engine/sqlite/temp_directory.h"
#include "tests/fakes/memory_identity_store.h"
#include "tests/fakes/memory_store.h"

namespace motcua {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kOwnerName = "Nguyễn Thị Vắng";

Instant Now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

// Seals with in-memory demo material (the file loader is tested in crypto);
// its evidence is what a verifier trusting the demo root reports.
class DemoSealer final : public ResultSealer {
 public:
  explicit DemoSealer(const DemoPki& pki)
      : pki_(pki), verifier_(TrustStore::FromPem(pki.root.certificate_pem).value()) {}
  Result<SealedSignature> SealDetached(std::string_view content) override {
    Result<std::string> der =
        SignDetached(content, pki_.agency_seal.private_key_pem, pki_.agency_seal.certificate_pem,
                     pki_.intermediate.certificate_pem);
    if (!der.ok()) return der.error();
    Result<VerifiedSignature> verified = verifier_.VerifyDetached(*der, content);
    if (!verified.ok()) return verified.error();
    return SealedSignature{std::move(der).value(), std::move(verified).value()};
  }

 private:
  const DemoPki& pki_;
  OpenSslSignatureVerifier verifier_;
};

struct Options {
  bool trust = true;
  bool seal = true;
};

struct Api {
  // Real time: signatures carry the signer's real signingTime.
  FakeClock clock{Now()};
  MemoryStore store{&clock};
  MemoryIdentityStore identities;
  DemoPki pki = MakeDemoPki(Now()).value();
  std::unique_ptr<OpenSslSignatureVerifier> verifier;
  std::unique_ptr<DemoSealer> sealer;
  std::unique_ptr<ResultSigning> signing;
  std::unique_ptr<WorkingCalendar> calendar;
  std::unique_ptr<WorkflowCatalog> catalog;
  std::unique_ptr<DossierService> service;
  std::unique_ptr<DocumentService> documents;
  std::unique_ptr<DossierApi> api;
  std::unique_ptr<DocumentApi> document_api;
  Router router;
  std::string leader_fingerprint;

  explicit Api(Options options = {}) {
    calendar = std::make_unique<WorkingCalendar>(BundledCalendar());
    catalog = std::make_unique<WorkflowCatalog>(store, WorkflowSchema(), *calendar, clock);
    REQUIRE(catalog
                ->Publish(Actor{"test", {kSystemRole}, ""},
                          LoadJson("workflows/1.003677-temporary-absence.json"))
                .ok());

    verifier = std::make_unique<OpenSslSignatureVerifier>(
        TrustStore::FromPem(pki.root.certificate_pem).value());
    sealer = std::make_unique<DemoSealer>(pki);
    leader_fingerprint = verifier->VerifyDetached(Sign("probe", pki.leader), "probe")
                             ->evidence.certificate_fingerprint;
    User leader{"leader-a", "Leader A", {"leader"}, kAgencyA, leader_fingerprint, false, Instant{}};
    REQUIRE(identities.CreateUser(leader).ok());
    User other{"leader-a2", "Leader A2", {"leader"}, kAgencyA, std::nullopt, false, Instant{}};
    REQUIRE(identities.CreateUser(other).ok());
    signing = std::make_unique<ResultSigning>(SigningTools{
        options.trust ? verifier.get() : nullptr, options.seal ? sealer.get() : nullptr,
        &Base64Decode, &Sha256Hex, &identities, SignatureWindow{}});
    service = std::make_unique<DossierService>(store, *catalog, *calendar, clock, signing.get());
    api = std::make_unique<DossierApi>(
        DossierApi{*service, *catalog, TokenTable(Tokens()), *calendar});
    REQUIRE(AddDossierRoutes(router, *api).ok());
    documents = std::make_unique<DocumentService>(store, *catalog, &Sha256Hex, clock);
    document_api = std::make_unique<DocumentApi>(DocumentApi{*documents, api->authenticate});
    REQUIRE(AddDocumentRoutes(router, *document_api).ok());
  }

  std::string Sign(std::string_view content, const CertifiedKey& signer) const {
    Result<std::string> der = SignDetached(content, signer.private_key_pem, signer.certificate_pem,
                                           pki.intermediate.certificate_pem);
    REQUIRE(der.ok());
    return *der;
  }

  HttpResponse Call(const std::string& method, const std::string& target, const std::string& token,
                    const std::string& body = {}, const std::string& type = "application/json") {
    clock.Advance(1s);  // close to real time, which signingTime attributes carry
    return CallRoute(router, method, target, token, body, {}, type);
  }

  std::string Upload(const std::string& token, const std::string& bytes) {
    HttpResponse response = Call("POST", "/v1/documents", token, bytes, "application/pdf");
    REQUIRE_MESSAGE(response.status == 201, response.body);
    return json::parse(response.body).at("id").get<std::string>();
  }

  HttpResponse Act(const std::string& code, const std::string& action, const std::string& token,
                   const json& body = json::object()) {
    return Call("POST", "/v1/dossiers/" + code + "/actions/" + action, token, body.dump());
  }

  // A dossier of the owner with a proposed result, waiting for the leader.
  std::string AwaitingSignature(const std::string& result_bytes) {
    const std::string declaration = Upload("t-owner", "%PDF CT01 declaration");
    const json submission = {{"procedure", "1.003677"},
                             {"agency", kAgencyA},
                             {"form",
                              {{"full_name", kOwnerName},
                               {"citizen_id", kOwnerId},
                               {"absent_from", "2026-03-10"},
                               {"absent_until", "2026-04-10"},
                               {"destination", "Đà Nẵng"},
                               {"reason", "công tác"}}},
                             {"documents", {{"declaration", declaration}}}};
    HttpResponse created = Call("POST", "/v1/dossiers", "t-owner", submission.dump());
    REQUIRE_MESSAGE(created.status == 201, created.body);
    const std::string code = json::parse(created.body).at("code");
    HttpResponse received = Act(code, "receive", "t-clerk");
    REQUIRE_MESSAGE(received.status == 200, received.body);
    const std::string result = Upload("t-specialist", result_bytes);
    HttpResponse proposed = Act(code, "propose_result", "t-specialist",
                                {{"comment", "Đủ điều kiện"}, {"result_document", result}});
    REQUIRE_MESSAGE(proposed.status == 200, proposed.body);
    CHECK(json::parse(proposed.body).at("state") == "awaiting_signature");
    return code;
  }

  HttpResponse SignResult(const std::string& code, const std::string& token,
                          const std::string& der) {
    return Act(code, "sign_result", token, {{"signature", Base64Encode(der)}});
  }
};

// Runs a shell command; its exit status, or -1 if it did not exit normally.
int Run(const std::string& command) {
  const int raw = std::system(command.c_str());
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

const std::string kResult =
    std::string("THONG BAO ket qua khai bao tam vang so 15/TB\n") + '\0' + "\xfe binary";

TEST_CASE("signatures: the whole round trip, sealed, listed, downloadable, publicly verifiable") {
  Api api;
  const std::string code = api.AwaitingSignature(kResult);
  const std::string base = "/v1/dossiers/" + code;

  // The leader fetches exactly the bytes to sign, signs and uploads.
  HttpResponse bytes = api.Call("GET", base + "/result", "t-leader");
  REQUIRE(bytes.status == 200);
  REQUIRE(bytes.body == kResult);
  const std::string der = api.Sign(bytes.body, api.pki.leader);
  HttpResponse signed_response = api.SignResult(code, "t-leader", der);
  REQUIRE_MESSAGE(signed_response.status == 200, signed_response.body);
  const json dossier = json::parse(signed_response.body);
  // The automatic seal ran as "system" right after the signature.
  CHECK(dossier.at("state") == "result_ready");

  HttpResponse listed = api.Call("GET", base + "/result/signatures", "t-owner");
  REQUIRE(listed.status == 200);
  const json items = json::parse(listed.body).at("items");
  REQUIRE(items.size() == 2);
  CHECK(items[0].at("kind") == "signature");
  CHECK(items[0].at("signer_subject") ==
        "UID=leader1,serialNumber=leader1,CN=Demo Leader,O=demo agency");
  CHECK(items[0].at("certificate_fingerprint") == api.leader_fingerprint);
  CHECK(items[0].at("id") == Sha256Hex(der));
  CHECK(items[0].at("status") == "valid");
  CHECK(items[0].at("signing_time").is_string());
  CHECK(items[0].at("serial").get<std::string>().size() >= 30);
  CHECK(items[1].at("kind") == "agency_seal");
  CHECK(items[1].at("signer_subject").get<std::string>().find("O=demo agency") !=
        std::string::npos);
  CHECK(items[1].at("status") == "valid");
  for (const json& item : items) {
    CHECK(item.at("document_id") == Sha256Hex(kResult));
    CHECK(item.at("covers_current_result") == true);
  }

  // Each downloads as .p7s; the leader's is byte for byte what was uploaded.
  HttpResponse p7s = api.Call("GET", items[0].at("href").get<std::string>(), "t-clerk");
  REQUIRE(p7s.status == 200);
  CHECK(p7s.body == der);
  CHECK(p7s.content_type == "application/pkcs7-signature");
  CHECK(p7s.Header("Content-Disposition").value_or("").find(".p7s") != std::string::npos);
  HttpResponse seal = api.Call(
      "GET", base + "/result/signatures/" + items[1].at("id").get<std::string>(), "t-owner");
  REQUIRE(seal.status == 200);

  // Both verify with the standard tool, trusting only the root.
  REQUIRE(Run("openssl version > /dev/null") == 0);  // tools/install-deps.sh --tests
  TempDirectory dir;
  REQUIRE(!dir.path().empty());
  WriteBytes(dir.File("result.bin"), kResult);
  WriteBytes(dir.File("root.pem"), api.pki.root.certificate_pem);
  WriteBytes(dir.File("leader.p7s"), p7s.body);
  WriteBytes(dir.File("seal.p7s"), seal.body);
  for (const char* name : {"leader.p7s", "seal.p7s"}) {
    const std::string command = "openssl cms -verify -binary -inform DER -in '" + dir.File(name) +
                                "' -content '" + dir.File("result.bin") + "' -CAfile '" +
                                dir.File("root.pem") + "' -purpose any > /dev/null 2> '" +
                                dir.File("err.txt") + "'";
    INFO(command);
    CHECK(Run(command) == 0);
  }

  // The audit trail records the evidence, not the bytes.
  Result<std::vector<AuditRecord>> trail = api.store.AuditTrail(code);
  REQUIRE(trail.ok());
  std::vector<std::string> recorded;  // action: signature id
  for (const AuditRecord& record : *trail) {
    if (record.event.payload.contains("signature")) {
      recorded.push_back(record.event.action + ": " +
                         record.event.payload["signature"]["signature_id"].get<std::string>());
    }
  }
  CHECK(recorded ==
        std::vector<std::string>{"sign_result: " + Sha256Hex(der),
                                 "seal_result: " + items[1].at("id").get<std::string>()});
  CHECK(trail->back().event.actor.user_id == "system");

  // Public verification: no login, names the dossier, never the applicant.
  HttpResponse verified = api.Call("POST", "/v1/verify", "", kResult, "application/pdf");
  REQUIRE_MESSAGE(verified.status == 200, verified.body);
  const json check = json::parse(verified.body);
  CHECK(check.at("dossier") == code);
  CHECK(check.at("agency") == kAgencyA);
  CHECK(check.at("procedure").at("code") == "1.003677");
  CHECK(check.at("valid") == true);
  CHECK(check.at("signatures").size() == 2);
  CHECK(verified.body.find(kOwnerId) == std::string::npos);
  CHECK(verified.body.find(kOwnerName) == std::string::npos);
  HttpResponse unknown = api.Call("POST", "/v1/verify", "", kResult + "x", "application/pdf");
  CHECK(unknown.status == 404);
  CHECK(unknown.body.find("unknown_result") != std::string::npos);
  CHECK(api.Call("POST", "/v1/verify", "", "").status == 400);

  // Scope: the signatures are the dossier's, seen only by whoever sees it.
  CHECK(api.Call("GET", base + "/result/signatures", "t-other").status == 404);
  CHECK(api.Call("GET", base + "/result/signatures", "t-clerk-b").status == 404);
  CHECK(api.Call("GET", base + "/result/signatures", "").status == 401);
  CHECK(api.Call("GET", items[0].at("href").get<std::string>(), "t-other").status == 404);
  CHECK(api.Call("GET", base + "/result/signatures/" + std::string(64, 'a') + ".p7s", "t-owner")
            .status == 404);
}

TEST_CASE("signatures: the agency seal commits with the leader's signature, in one commit") {
  Api api;
  const std::string code = api.AwaitingSignature(kResult);
  OutboxQuery everything;
  everything.limit = 1000;
  const std::size_t feed_before = api.store.ListOutbox(everything).value().size();
  int commits = 0;
  std::function<void()> count = [&] {
    ++commits;
    api.store.BeforeNextCommit(count);
  };
  api.store.BeforeNextCommit(count);
  const std::string der = api.Sign(kResult, api.pki.leader);
  HttpResponse signed_response = api.SignResult(code, "t-leader", der);
  REQUIRE_MESSAGE(signed_response.status == 200, signed_response.body);
  api.store.BeforeNextCommit(nullptr);
  CHECK(commits == 1);
  CHECK(json::parse(signed_response.body).at("state") == "result_ready");

  Result<Dossier> stored = api.store.GetDossier(code);
  REQUIRE(stored.ok());
  const std::size_t events = stored->history.size();
  REQUIRE(events >= 2);
  CHECK(stored->history[events - 2].action == "sign_result");
  CHECK(stored->history[events - 1].action == "seal_result");
  CHECK(stored->history[events - 1].actor.user_id == "system");
  CHECK(stored->state == "result_ready");
  CHECK(stored->result_signatures.size() == 2);
  // The audit chain holds both, linked as two commits would have linked them.
  Result<std::vector<AuditRecord>> trail = api.store.AuditTrail(code);
  REQUIRE(trail.ok());
  REQUIRE(trail->size() == events);
  const AuditRecord& sign = (*trail)[events - 2];
  const AuditRecord& seal = (*trail)[events - 1];
  CHECK(seal.index == sign.index + 1);
  CHECK(seal.sequence > sign.sequence);
  CHECK(seal.previous_hash == sign.hash);
  // The feed tells the status changes as two commits told them: the
  // signature moves the dossier to another national status (1.003677:
  // awaiting_signature to sealing); the seal does not (sealing and
  // result_ready report alike).
  const std::vector<StoredOutboxEntry> feed = api.store.ListOutbox(everything).value();
  REQUIRE(feed.size() == feed_before + 1);
  CHECK(feed.back().payload.at("progress").at("NoiDungXuLy") == "Sign the result");
}

TEST_CASE("signatures: a commit of the dossier between the signature and its seal loses, whole") {
  Api api;
  const std::string code = api.AwaitingSignature(kResult);
  const std::string base = "/v1/dossiers/" + code;
  const std::int64_t version = api.store.GetDossier(code).value().version;
  // Another request of the leader's claims the dossier just before the
  // signature's commit.
  api.store.BeforeNextCommit([&] {
    HttpResponse claimed = api.Call("POST", base + "/claim", "t-leader");
    CHECK_MESSAGE(claimed.status == 200, claimed.body);
  });
  HttpResponse lost = api.SignResult(code, "t-leader", api.Sign(kResult, api.pki.leader));
  CHECK(lost.status == 409);
  Result<Dossier> after = api.store.GetDossier(code);
  REQUIRE(after.ok());
  CHECK(after->version == version + 1);  // the claim only
  CHECK(after->state == "awaiting_signature");
  CHECK(after->result_signatures.empty());
  // Signed again on the new version: signature and seal, together.
  HttpResponse retried = api.SignResult(code, "t-leader", api.Sign(kResult, api.pki.leader));
  REQUIRE_MESSAGE(retried.status == 200, retried.body);
  CHECK(api.store.GetDossier(code).value().result_signatures.size() == 2);
}

TEST_CASE("signatures: a signed result issued to the applicant can be reused, not by others") {
  Api api;
  const std::string code = api.AwaitingSignature(kResult);
  const std::string result_id = Sha256Hex(kResult);
  json submission = {{"procedure", "1.003677"},
                     {"agency", kAgencyA},
                     {"form",
                      {{"full_name", kOwnerName},
                       {"citizen_id", kOwnerId},
                       {"absent_from", "2026-05-10"},
                       {"absent_until", "2026-06-10"},
                       {"destination", "Huế"},
                       {"reason", "học tập"}}},
                     {"documents", {{"declaration", result_id}}}};
  // Not yet signed: not an issued result.
  CHECK(api.Call("POST", "/v1/dossiers", "t-owner", submission.dump()).status == 422);
  REQUIRE(api.SignResult(code, "t-leader", api.Sign(kResult, api.pki.leader)).status == 200);
  HttpResponse reused = api.Call("POST", "/v1/dossiers", "t-owner", submission.dump());
  CHECK_MESSAGE(reused.status == 201, reused.body);
  // The engine records the reuse in the submission event, and reports count it.
  const std::string reused_code = json::parse(reused.body).at("code").get<std::string>();
  Result<Dossier> stored = api.store.GetDossier(reused_code);
  REQUIRE(stored.ok());
  CHECK(stored->history.front().payload.at(kReusedDocumentsField) == json::array({result_id}));
  ReportQuery query;
  query.agency = std::string(kAgencyA);
  query.to = Now() + std::chrono::hours(1);
  query.now = query.to;
  Result<std::vector<ReportGroup>> report = api.store.AggregateReport(query);
  REQUIRE(report.ok());
  REQUIRE(report->size() == 1);
  CHECK(report->front().counts.documents_reused == 1);
  submission["form"]["citizen_id"] = "001090099999";
  HttpResponse other = api.Call("POST", "/v1/dossiers", "t-other", submission.dump());
  CHECK(other.status == 422);
  CHECK(other.body.find("/documents/declaration") != std::string::npos);
}

TEST_CASE("signatures: a certificate bound by its subject UID is accepted") {
  Api api;
  const std::string code = api.AwaitingSignature(kResult);
  HttpResponse signed_response =
      api.SignResult(code, "t-leader1", api.Sign(kResult, api.pki.leader));
  CHECK_MESSAGE(signed_response.status == 200, signed_response.body);
}

TEST_CASE("signatures: each failed check is named, and nothing is stored") {
  Api api;
  const Instant now = Now();
  auto issue = [&](Instant from, Instant to, const std::string& key_usage,
                   const CertifiedKey* issuer) {
    Result<CertifiedKey> issued = IssueCertificate(
        {{{"UID", "leader-a"}, {"CN", "Test Leader"}}, from, to, false, -1, key_usage}, issuer);
    REQUIRE(issued.ok());
    return *issued;
  };
  const CertifiedKey rogue_root = *IssueCertificate(
      {{{"CN", "Rogue Root CA"}}, now - 1h, now + 24h * 365, true, -1, "keyCertSign"});
  const CertifiedKey rogue = issue(now - 1h, now + 24h * 30, "digitalSignature", &rogue_root);
  const CertifiedKey expired =
      issue(now - 24h * 30, now - 24h, "digitalSignature", &api.pki.intermediate);
  const CertifiedKey encipher_only =
      issue(now - 1h, now + 24h * 30, "keyEncipherment", &api.pki.intermediate);
  // Valid and UID=leader-a, but not the certificate on leader-a's record.
  const CertifiedKey unbound =
      issue(now - 1h, now + 24h * 30, "digitalSignature", &api.pki.intermediate);
  const std::string good = api.Sign(kResult, api.pki.leader);
  // Regression (issue 14.14): a CA certificate, issued by the trusted root
  // and named leader1 by its UID, was accepted as the leader's.
  const CertifiedKey leader_ca = *IssueCertificate({{{"UID", "leader1"}, {"CN", "Leader CA"}},
                                                    now - 1h,
                                                    now + 24h * 30,
                                                    true,
                                                    -1,
                                                    "digitalSignature,nonRepudiation,keyCertSign"},
                                                   &api.pki.root);

  struct Case {
    const char* name;
    std::string token;
    json signature;
    int status;
    const char* reason;
  };
  const std::vector<Case> cases = {
      {"tampered document", "t-leader", Base64Encode(api.Sign(kResult + "!", api.pki.leader)), 400,
       "content_mismatch"},
      {"untrusted CA", "t-leader",
       Base64Encode(*SignDetached(kResult, rogue.private_key_pem, rogue.certificate_pem,
                                  rogue_root.certificate_pem)),
       400, "untrusted_certificate"},
      {"expired certificate", "t-leader", Base64Encode(api.Sign(kResult, expired)), 400,
       "certificate_not_valid_at_signing_time"},
      {"wrong key usage", "t-leader", Base64Encode(api.Sign(kResult, encipher_only)), 400,
       "key_usage"},
      {"a CA certificate", "t-leader1", Base64Encode(api.Sign(kResult, leader_ca)), 400,
       "signer_is_ca"},
      {"another user's certificate (UID)", "t-leader-2", Base64Encode(good), 403,
       "certificate_not_bound_to_user"},
      {"not the certificate on record", "t-leader", Base64Encode(api.Sign(kResult, unbound)), 403,
       "certificate_not_bound_to_user"},
      {"truncated DER", "t-leader", Base64Encode(good.substr(0, good.size() / 2)), 400,
       "malformed_signature"},
      {"garbage DER", "t-leader", Base64Encode("\x30\x82garbage, not CMS at all"), 400,
       "malformed_signature"},
      {"signed before the result existed", "t-leader",
       Base64Encode(*SignDetached(kResult, api.pki.leader.private_key_pem,
                                  api.pki.leader.certificate_pem,
                                  api.pki.intermediate.certificate_pem, now - 30min)),
       400, "signing_time_implausible"},
      {"signed in the future", "t-leader",
       Base64Encode(*SignDetached(kResult, api.pki.leader.private_key_pem,
                                  api.pki.leader.certificate_pem,
                                  api.pki.intermediate.certificate_pem, now + 2h)),
       400, "signing_time_implausible"},
      {"not base64", "t-leader", "MIIB*not base64*", 422, "invalid_payload"},
      {"not a string", "t-leader", json::array({1, 2}), 422, "invalid_payload"},
      {"a role that may not sign (no crypto)", "t-specialist", Base64Encode(good), 403,
       "role_not_allowed"},
  };
  const std::string code = api.AwaitingSignature(kResult);
  const Dossier before = api.store.GetDossier(code).value();
  for (const Case& c : cases) {
    CAPTURE(c.name);
    HttpResponse response = api.Act(code, "sign_result", c.token, {{"signature", c.signature}});
    CHECK(response.status == c.status);
    CHECK(response.content_type == "application/problem+json");
    const std::string type = json::parse(response.body).value("type", "");
    CHECK(type.substr(type.rfind('/') + 1) == c.reason);
    if (c.status != 403) {
      CHECK(response.body.find("/signature") != std::string::npos);
    }
    const Dossier after = api.store.GetDossier(code).value();
    CHECK(after.version == before.version);
    CHECK(after.result_signatures.empty());
    if (c.signature.is_string()) {
      std::optional<std::string> der = Base64Decode(c.signature.get<std::string>());
      if (der) CHECK_FALSE(api.store.GetDocumentInfo(Sha256Hex(*der)).ok());
    }
  }
  // Still signable with the right signature afterwards.
  CHECK(api.SignResult(code, "t-leader", good).status == 200);
}

// Regression (issue 14.14): the CMS a leader made for one dossier was
// accepted again on a second dossier whose result has the same bytes.
TEST_CASE("signatures: a CMS already stored for another dossier is refused") {
  Api api(Options{true, false});
  const std::string first = api.AwaitingSignature(kResult);
  const std::string second = api.AwaitingSignature(kResult);
  const std::string der = api.Sign(kResult, api.pki.leader);
  HttpResponse accepted = api.SignResult(first, "t-leader", der);
  REQUIRE_MESSAGE(accepted.status == 200, accepted.body);

  HttpResponse replayed = api.SignResult(second, "t-leader", der);
  CHECK(replayed.status == 409);
  CHECK(replayed.body.find("signature_already_used") != std::string::npos);
  CHECK(replayed.body.find("/signature") != std::string::npos);
  CHECK(replayed.body.find(first) != std::string::npos);
  CHECK(api.store.GetDossier(second)->result_signatures.empty());
  // A fresh signature over the same bytes is the leader's answer.
  HttpResponse fresh = api.SignResult(second, "t-leader", api.Sign(kResult, api.pki.leader));
  CHECK_MESSAGE(fresh.status == 200, fresh.body);
}

// The signingTime must be recent: a signature kept back (or replayed) after
// the configured maximum age is refused, even over the right bytes.
TEST_CASE("signatures: a signingTime older than the maximum age is refused") {
  Api api(Options{true, false});
  const std::string code = api.AwaitingSignature(kResult);
  const std::string der =
      *SignDetached(kResult, api.pki.leader.private_key_pem, api.pki.leader.certificate_pem,
                    api.pki.intermediate.certificate_pem, api.clock.Now());
  api.clock.Advance(SignatureWindow{}.max_age + 1min);
  HttpResponse stale = api.SignResult(code, "t-leader", der);
  CHECK(stale.status == 400);
  CHECK(stale.body.find("signing_time_implausible") != std::string::npos);
  CHECK(stale.body.find("/signature") != std::string::npos);
  CHECK(api.store.GetDossier(code)->result_signatures.empty());
}

TEST_CASE("signatures: without a trust store none is accepted - without a seal the dossier waits") {
  SUBCASE("no trust store") {
    Api api(Options{false, false});
    const std::string code = api.AwaitingSignature(kResult);
    HttpResponse response = api.SignResult(code, "t-leader", api.Sign(kResult, api.pki.leader));
    CHECK(response.status == 503);
    CHECK(response.body.find("signatures_unavailable") != std::string::npos);
    CHECK(api.store.GetDossier(code)->state == "awaiting_signature");
  }
  SUBCASE("no agency seal") {
    Api api(Options{true, false});
    const std::string code = api.AwaitingSignature(kResult);
    HttpResponse response = api.SignResult(code, "t-leader", api.Sign(kResult, api.pki.leader));
    REQUIRE(response.status == 200);
    CHECK(json::parse(response.body).at("state") == "sealing");
    CHECK(api.store.GetDossier(code)->result_signatures.size() == 1);
  }
}

}  // namespace
}  // namespace motcua
