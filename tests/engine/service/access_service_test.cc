// The services ask the one access policy (engine/domain/access.h) whoever
// calls them: a caller that is not HTTP (the command line, timers, a future
// adapter) gets the refusal an HTTP client gets, with the policy's message.
#include <doctest/doctest.h>

#include <string>

#include "engine/domain/access.h"
#include "engine/domain/identity.h"
#include "engine/service/document_service.h"
#include "tests/service_fixture.h"

namespace motcua {
namespace {

void CheckRefusedByPolicy(const Error& error, Operation operation) {
  Status expected = Authorize(Actor{"nobody", {}, kAgency}, operation);
  REQUIRE_FALSE(expected.ok());
  CHECK(error.code() == ErrorCode::kPermissionDenied);
  CHECK(error.reason() == ErrorReason::kRoleNotAllowed);
  CHECK(error.message() == expected.error().message());
}

TEST_CASE("access in services: uploads, lists and queues follow the policy's table") {
  PermanentResidenceService f;
  DocumentService documents(
      f.store, *f.catalog, [](std::string_view) { return std::string(64, 'a'); }, f.clock);
  const Actor sync{"sync-1", {kPortalSyncRole}, kAgency};
  const Actor auditor{"auditor-1", {kAuditorRole}, kAgency};
  const Actor system{"system", {kSystemRole}, ""};
  const Actor applicant{kOwner, {kApplicantRole}, ""};
  const Actor admin_without_agency{"admin-0", {kAdminRole}, ""};
  const std::string pdf = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";

  SUBCASE("documents: the sync account, auditors and the system do not upload") {
    for (const Actor* refused : {&sync, &auditor, &system}) {
      CAPTURE(refused->user_id);
      Result<DocumentInfo> upload = documents.Upload(*refused, pdf, "application/pdf");
      REQUIRE_FALSE(upload.ok());
      CheckRefusedByPolicy(upload.error(), Operation::kUploadDocument);
    }
    CHECK(documents.Upload(applicant, pdf, "application/pdf").ok());
  }
  SUBCASE("lists: the sync account, the system and staff without an agency list nothing") {
    for (const Actor* refused : {&sync, &system, &admin_without_agency}) {
      CAPTURE(refused->user_id);
      Result<std::vector<DossierSummary>> listed =
          f.service->List(*refused, {std::nullopt, 10, {}});
      REQUIRE_FALSE(listed.ok());
      CheckRefusedByPolicy(listed.error(), Operation::kListDossiers);
    }
    CHECK(f.service->List(auditor, {std::nullopt, 10, {}}).ok());
  }
  SUBCASE("queues: applicants, the sync account and the system work in none") {
    for (const Actor* refused : {&applicant, &sync, &system}) {
      CAPTURE(refused->user_id);
      QueueQuery query;
      query.role = refused->roles.front();
      query.limit = 10;
      Result<std::vector<QueueItem>> queued = f.service->Queue(*refused, query);
      REQUIRE_FALSE(queued.ok());
      CheckRefusedByPolicy(queued.error(), Operation::kWorkInQueue);
    }
  }
  SUBCASE("queues: staff ask only for a queue of a role they hold") {
    const Actor clerk{"clerk-1", {"reception_clerk"}, kAgency};
    QueueQuery query;
    query.role = "leader";
    query.limit = 10;
    Result<std::vector<QueueItem>> queued = f.service->Queue(clerk, query);
    REQUIRE_FALSE(queued.ok());
    CHECK(queued.error().code() == ErrorCode::kPermissionDenied);
    REQUIRE(queued.error().fields().size() == 1);
    CHECK(queued.error().fields()[0].pointer == "/role");
    query.role = "reception_clerk";
    CHECK(f.service->Queue(clerk, query).ok());
  }
}

}  // namespace
}  // namespace motcua
