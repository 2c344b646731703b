// The services apply the one page-limit rule (engine/domain/page_limit.h)
// whoever calls them: a caller that is not HTTP gets the refusal an HTTP
// client gets, not a silently clamped page.
#include <doctest/doctest.h>

#include "engine/domain/identity.h"
#include "engine/domain/page_limit.h"
#include "engine/service/feed_service.h"
#include "tests/service_fixture.h"

namespace motcua {
namespace {

void CheckRefusedAtLimit(const Error& error, int ceiling) {
  CHECK(error.code() == ErrorCode::kInvalidArgument);
  CHECK(error.reason() == ErrorReason::kValidation);
  REQUIRE(error.fields().size() == 1);
  CHECK(error.fields()[0].pointer == "/limit");
  CHECK(error.fields()[0].message == "must be a whole number from 1 to " + std::to_string(ceiling));
}

TEST_CASE("page limits: dossier lists and queues refuse a limit outside 1..200") {
  PermanentResidenceService f;
  const Actor applicant{kOwner, {"applicant"}, ""};
  const Actor clerk{"clerk-1", {"reception_clerk"}, kAgency};
  for (int limit : {0, -1, 201, 1 << 30}) {
    CAPTURE(limit);
    Result<std::vector<DossierSummary>> own = f.service->List(applicant, {std::nullopt, limit, {}});
    REQUIRE_FALSE(own.ok());
    CheckRefusedAtLimit(own.error(), 200);
    Result<std::vector<DossierSummary>> staff = f.service->List(clerk, {std::nullopt, limit, {}});
    REQUIRE_FALSE(staff.ok());
    CheckRefusedAtLimit(staff.error(), 200);
    QueueQuery queue;
    queue.role = "reception_clerk";
    queue.limit = limit;
    Result<std::vector<QueueItem>> queued = f.service->Queue(clerk, queue);
    REQUIRE_FALSE(queued.ok());
    CheckRefusedAtLimit(queued.error(), 200);
  }
  CHECK(f.service->List(applicant, {std::nullopt, 200, {}}).ok());
  CHECK(f.service->List(clerk, {std::nullopt, 1, {}}).ok());
  QueueQuery queue;
  queue.role = "reception_clerk";
  queue.limit = 200;
  CHECK(f.service->Queue(clerk, queue).ok());
}

TEST_CASE("page limits: the feed and its dead letters refuse a limit outside 1..1000") {
  PermanentResidenceService f;
  FeedService feed(f.store, &f.store);
  const Actor sync{"sync-1", {kPortalSyncRole}, kAgency};
  const Actor admin{"admin-1", {kAdminRole}, kAgency};
  for (int limit : {0, 1001}) {
    CAPTURE(limit);
    Result<FeedPage> page = feed.Read(sync, std::nullopt, limit);
    REQUIRE_FALSE(page.ok());
    CheckRefusedAtLimit(page.error(), 1000);
    Result<std::vector<DeadLetter>> letters = feed.DeadLetters(admin, limit);
    REQUIRE_FALSE(letters.ok());
    CheckRefusedAtLimit(letters.error(), 1000);
  }
  CHECK(feed.Read(sync, std::nullopt, 1000).ok());
  CHECK(feed.DeadLetters(admin, 1000).ok());
}

}  // namespace
}  // namespace motcua
