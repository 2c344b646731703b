// http_world.h: the /v1 API wired as `motcua serve` wires it (every route
// group, metrics, idempotency keys, the signature verifier, the payment
// callback's HMAC), on the in-memory fakes and a fake clock, for the HTTP and
// report fuzzers. No sockets: a request is an HttpRequest handed to the same
// handler chain the server calls.
//
// Pre-made bearer tokens (secret = the name, e.g. "Bearer t-admin"):
//   t-owner (applicant 001090012345), t-other (applicant 001090054321),
//   t-clerk (reception_clerk), t-specialist, t-leader (leader1), t-admin,
//   t-auditor, t-sync (portal_sync), all of agency 000.00.01.H26, and
//   t-admin-b (admin of 000.00.02.H26).
// The world also holds one dossier of t-owner for 1.004222, received by the
// clerk (its code is printed when the first world is built), and the owner's
// two uploaded documents ("%PDF declaration", "%PDF residence proof").
//
// Building a world takes tens of milliseconds, so fuzzers share one between
// inputs and build a fresh one every kInputsPerWorld inputs, which bounds
// what inputs write (dossiers, users, tokens). The first input of a process
// always meets a fresh world: a reproducer run on its own replays exactly.
#pragma once

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/document_routes.h"
#include "api/dossier_routes.h"
#include "api/feed_routes.h"
#include "api/health.h"
#include "api/http_message.h"
#include "api/idempotency.h"
#include "api/metrics.h"
#include "api/payment_routes.h"
#include "api/report_routes.h"
#include "api/request_authentication.h"
#include "api/router.h"
#include "api/user_routes.h"
#include "engine/crypto/base64.h"
#include "engine/crypto/hmac.h"
#include "engine/crypto/openssl_cms.h"
#include "engine/crypto/openssl_token_crypto.h"
#include "engine/crypto/sha256.h"
#include "engine/domain/clock.h"
#include "engine/domain/workflow_lint.h"
#include "engine/service/document_service.h"
#include "engine/service/dossier_service.h"
#include "engine/service/feed_service.h"
#include "engine/service/payment_service.h"
#include "engine/service/report_service.h"
#include "engine/service/result_signing.h"
#include "engine/service/token_service.h"
#include "engine/service/user_admin.h"
#include "engine/service/workflow_catalog.h"
#include "tests/fakes/memory_identity_store.h"
#include "tests/fakes/memory_store.h"
#include "tests/fuzz/fuzz_support.h"

namespace motcua::fuzz {

inline constexpr int kInputsPerWorld = 500;
inline constexpr const char* kAgencyA = "000.00.01.H26";
inline constexpr const char* kAgencyB = "000.00.02.H26";
// The payment gateway's HMAC key (X-Motcua-Signature: sha256=HMAC(body)).
inline constexpr std::string_view kPaymentSecret = "fuzz-payment-secret-0123456789";

class HttpWorld {
 public:
  HttpWorld()
      : clock_(Instant{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2}} +
               std::chrono::hours{1}),
        store_(&clock_, &Sha256Hex),
        catalog_(store_, WorkflowSchemaOnce(), BundledCalendarOnce(), clock_),
        tokens_(identities_, token_crypto_, clock_),
        verifier_(TrustRoot()),
        signing_(SigningTools{&verifier_, nullptr, &Base64Decode, &Sha256Hex, &identities_,
                              SignatureWindow{}}),
        dossiers_(store_, catalog_, BundledCalendarOnce(), clock_, &signing_),
        payments_(dossiers_, store_,
                  [](std::string_view body, std::string_view signature) {
                    return HmacSha256Matches(kPaymentSecret, body, signature);
                  }),
        documents_(store_, catalog_, &Sha256Hex, clock_, DocumentLimits{}),
        users_(identities_, tokens_, clock_),
        feed_(store_, &store_),
        reports_(store_, clock_) {
    PublishBundledWorkflows();
    AddUsersAndTokens();
    const RequestAuthenticator authenticate =
        BearerOnly([this](std::string_view secret) { return tokens_.Authenticate(secret); });
    dossier_api_ = std::make_unique<DossierApi>(
        DossierApi{dossiers_, catalog_, authenticate, BundledCalendarOnce()});
    document_api_ = std::make_unique<DocumentApi>(DocumentApi{documents_, authenticate});
    user_api_ = std::make_unique<UserApi>(UserApi{users_, authenticate});
    feed_api_ = std::make_unique<FeedApi>(FeedApi{feed_, authenticate});
    report_api_ =
        std::make_unique<ReportApi>(ReportApi{reports_, authenticate, BundledCalendarOnce()});
    payment_api_ = std::make_unique<PaymentApi>(PaymentApi{payments_, authenticate});
    Require(AddOperationalRoutes(router_, metrics_), "operational routes");
    Require(AddDossierRoutes(router_, *dossier_api_), "dossier routes");
    Require(AddDocumentRoutes(router_, *document_api_), "document routes");
    Require(AddUserRoutes(router_, *user_api_), "user routes");
    Require(AddFeedRoutes(router_, *feed_api_), "feed routes");
    Require(AddPaymentRoutes(router_, *payment_api_), "payment routes");
    Require(AddReportRoutes(router_, *report_api_), "report routes");
    handler_ = IdempotentHandler(InstrumentedHandler(router_, metrics_), store_, authenticate,
                                 &Sha256Hex, clock_);
    AddSampleDossier();
  }
  HttpWorld(const HttpWorld&) = delete;
  HttpWorld& operator=(const HttpWorld&) = delete;

  // The server's handler chain; the clock moves one minute per request.
  HttpResponse Handle(const HttpRequest& request) {
    clock_.Advance(std::chrono::minutes{1});
    return handler_(request);
  }
  const Router& router() const { return router_; }
  const std::string& sample_dossier() const { return sample_dossier_; }

 private:
  static void Require(const Status& status, const std::string& what) {
    if (!status.ok()) Die(what + ": " + status.error().message());
  }

  static TrustStore TrustRoot() {
    Result<TrustStore> trust = TrustStore::FromPem(ReadSourceFile("tests/fuzz/cms_trust_root.pem"));
    if (!trust.ok()) Die("trust store: " + trust.error().message());
    return std::move(trust).value();
  }

  // The bundled definitions, read and linted once per process.
  static const std::vector<nlohmann::json>& BundledWorkflows() {
    static const std::vector<nlohmann::json> documents = [] {
      std::vector<nlohmann::json> loaded;
      std::vector<std::filesystem::path> files;
      for (const auto& entry :
           std::filesystem::directory_iterator(std::string(MOTCUA_SOURCE_DIR) + "/workflows")) {
        if (entry.is_regular_file() && entry.path().extension() == ".json") {
          files.push_back(entry.path());
        }
      }
      for (const auto& file : files) {
        loaded.push_back(LoadSourceJson("workflows/" + file.filename().string()));
        if (!LintWorkflow(WorkflowSchemaOnce(), loaded.back()).empty()) {
          Die(file.string() + ": lint problems");
        }
      }
      return loaded;
    }();
    return documents;
  }

  void PublishBundledWorkflows() {
    for (const nlohmann::json& document : BundledWorkflows()) {
      const std::string code = document.at("procedure").at("code").get<std::string>();
      Result<StoredDefinition> published =
          store_.PublishDefinition(code, document, "fuzz set-up", clock_.Now());
      if (!published.ok()) Die(code + ": " + published.error().message());
    }
  }

  void AddUsersAndTokens() {
    struct Seat {
      const char* token;
      const char* user;
      const char* role;
      const char* agency;
    };
    const Seat seats[] = {
        {"t-owner", "001090012345", "applicant", ""},
        {"t-other", "001090054321", "applicant", ""},
        {"t-clerk", "clerk1", "reception_clerk", kAgencyA},
        {"t-specialist", "specialist1", "specialist", kAgencyA},
        {"t-leader", "leader1", "leader", kAgencyA},
        {"t-admin", "admin1", "admin", kAgencyA},
        {"t-auditor", "auditor1", "auditor", kAgencyA},
        {"t-sync", "portal1", "portal_sync", kAgencyA},
        {"t-admin-b", "admin2", "admin", kAgencyB},
    };
    for (const Seat& seat : seats) {
      User user;
      user.id = seat.user;
      user.name = seat.user;
      user.roles = {seat.role};
      user.agency = seat.agency;
      user.created_at = clock_.Now();
      Require(identities_.CreateUser(user), std::string("user ") + seat.user);
      TokenRecord token;
      token.token_hash = Sha256Hex(seat.token);
      token.user_id = seat.user;
      token.label = "fuzz";
      token.created_at = clock_.Now();
      token.expires_at = clock_.Now() + std::chrono::hours{24 * 365 * 10};
      Require(identities_.CreateToken(token), std::string("token ") + seat.token);
    }
  }

  HttpResponse Call(const std::string& method, const std::string& target, const std::string& token,
                    const std::string& body, const std::string& content_type) {
    HttpRequest request = MakeHttpRequest(method, target, body);
    request.headers.push_back({"Authorization", "Bearer " + token});
    request.headers.push_back({"Content-Type", content_type});
    return Handle(request);
  }

  void AddSampleDossier() {
    const std::string declaration = Sha256Hex("%PDF declaration");
    const std::string proof = Sha256Hex("%PDF residence proof");
    for (const char* bytes : {"%PDF declaration", "%PDF residence proof"}) {
      HttpResponse uploaded = Call("POST", "/v1/documents", "t-owner", bytes, "application/pdf");
      if (uploaded.status != 201) Die("upload: " + uploaded.body);
    }
    const nlohmann::json body = {
        {"procedure", "1.004222"},
        {"agency", kAgencyA},
        {"form",
         {{"full_name", "Nguyễn Văn An"},
          {"citizen_id", "001090012345"},
          {"address", "12 Hàng Bài"}}},
        {"documents", {{"declaration", declaration}, {"legal_residence_proof", proof}}}};
    HttpResponse submitted =
        Call("POST", "/v1/dossiers", "t-owner", body.dump(), "application/json");
    if (submitted.status != 201) Die("submit: " + submitted.body);
    sample_dossier_ = nlohmann::json::parse(submitted.body).at("code").get<std::string>();
    HttpRequest receive =
        MakeHttpRequest("POST", "/v1/dossiers/" + sample_dossier_ + "/actions/receive", "{}");
    receive.headers.push_back({"Authorization", "Bearer t-clerk"});
    receive.headers.push_back({"Content-Type", "application/json"});
    (void)Handle(receive);
  }

  FakeClock clock_;
  MemoryStore store_;
  WorkflowCatalog catalog_;
  MemoryIdentityStore identities_;
  OpenSslTokenCrypto token_crypto_;
  TokenService tokens_;
  OpenSslSignatureVerifier verifier_;
  ResultSigning signing_;
  DossierService dossiers_;
  PaymentService payments_;
  DocumentService documents_;
  UserAdministration users_;
  FeedService feed_;
  ReportService reports_;
  Metrics metrics_;
  Router router_;
  std::unique_ptr<DossierApi> dossier_api_;
  std::unique_ptr<DocumentApi> document_api_;
  std::unique_ptr<UserApi> user_api_;
  std::unique_ptr<FeedApi> feed_api_;
  std::unique_ptr<ReportApi> report_api_;
  std::unique_ptr<PaymentApi> payment_api_;
  HttpHandler handler_;
  std::string sample_dossier_;
};

// The world for the next input: a fresh one every kInputsPerWorld inputs.
inline HttpWorld& CurrentWorld() {
  static std::unique_ptr<HttpWorld> world;
  static int inputs = 0;
  if (!world || ++inputs >= kInputsPerWorld) {
    world.reset();
    world = std::make_unique<HttpWorld>();
    inputs = 0;
  }
  return *world;
}

}  // namespace motcua::fuzz
