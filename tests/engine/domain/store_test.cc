// The argument checks of the store ports' non-virtual fronts (store.h,
// feed_delivery.h): an invalid argument is refused before any adapter code
// runs, and a valid one reaches the adapter as the front promises (page
// limits cut to the ceiling). The contract test in tests/engine/sqlite runs
// the same refusals through the SQLite store and the in-memory fake.
#include "engine/domain/store.h"

#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

#include "engine/domain/feed_delivery.h"
#include "engine/domain/page_limit.h"

namespace motcua {
namespace {

using std::chrono::November;
using std::chrono::year;

Error NotReached() {
  return Error(ErrorCode::kUnavailable, "the recording adapter answers nothing");
}

// An adapter that stores nothing: it counts the calls that reached it and
// remembers the last page limit it was given.
class RecordingStore final : public DossierStore, public FeedDeliveryStore {
 public:
  int calls = 0;
  int last_limit = 0;

 private:
  Status Reached(int limit = 0) {
    ++calls;
    last_limit = limit;
    return NotReached();
  }

  bool DocumentIdMatches(const DocumentInfo& info, std::string_view bytes) const override {
    return info.id == "id-of-" + std::string(bytes);
  }
  Result<StoredDefinition> DoPublishDefinition(const std::string&, const nlohmann::json&,
                                               const std::string&, const std::string&, Instant,
                                               const std::string&) override {
    return Reached().error();
  }
  Result<StoredDefinition> DoGetDefinition(const std::string&, std::int64_t) override {
    return Reached().error();
  }
  Result<std::vector<StoredDefinition>> DoListDefinitionVersions(const std::string&) override {
    return Reached().error();
  }
  Result<std::vector<StoredDefinition>> DoListLatestDefinitions() override {
    return Reached().error();
  }
  Result<std::int64_t> DoNextDossierSequence(const std::string&, LocalDate) override {
    return Reached().error();
  }
  Status DoCreateDossier(const Dossier&, const std::vector<std::string>&, int,
                         const std::vector<OutboxEntry>&, const std::optional<ReportFacts>&,
                         const std::string&) override {
    return Reached();
  }
  Status DoCommitTransition(const TransitionCommit&) override { return Reached(); }
  Result<Dossier> DoGetDossier(const std::string&) override { return Reached().error(); }
  Result<std::vector<DossierSummary>> DoListQueue(const QueueQuery& query) override {
    return Reached(query.limit).error();
  }
  Result<std::vector<DossierSummary>> DoListByApplicant(const ApplicantQuery& query) override {
    return Reached(query.limit).error();
  }
  Result<std::vector<DossierSummary>> DoListByAgency(const AgencyQuery& query) override {
    return Reached(query.limit).error();
  }
  Result<std::vector<DossierSummary>> DoListInState(const StateQuery& query) override {
    return Reached(query.limit).error();
  }
  Result<std::vector<DossierSummary>> DoListOnVersion(const VersionQuery& query) override {
    return Reached(query.limit).error();
  }
  Status DoPutDocument(const DocumentInfo&, std::string_view, const std::string&,
                       Instant) override {
    return Reached();
  }
  Result<DocumentInfo> DoGetDocumentInfo(const std::string&) override { return Reached().error(); }
  Result<std::string> DoGetDocumentBytes(const std::string&) override { return Reached().error(); }
  Result<std::optional<std::string>> DoUploadedMediaType(const std::string&,
                                                         const std::string&) override {
    return Reached().error();
  }
  Result<std::vector<DossierSummary>> DoListDossiersReferencing(const std::string&,
                                                                int limit) override {
    return Reached(limit).error();
  }
  Result<std::optional<PaymentRecord>> DoFindPayment(const std::string&) override {
    return Reached().error();
  }
  Result<std::vector<AuditRecord>> DoAuditTrail(const std::string&) override {
    return Reached().error();
  }
  Result<std::vector<StoredOutboxEntry>> DoListOutbox(const OutboxQuery& query) override {
    return Reached(query.limit).error();
  }
  Result<OutboxPruned> DoPruneOutbox(const OutboxPruning& pruning) override {
    return Reached(pruning.limit).error();
  }
  Result<std::int64_t> DoOutboxPrunedThrough() override { return Reached().error(); }
  Result<std::vector<ReportGroup>> DoAggregateReport(const ReportQuery&) override {
    return Reached().error();
  }
  Result<BranchReportCounts> DoAggregateBranchReport(const BranchReportQuery&) override {
    return Reached().error();
  }
  Result<std::vector<std::string>> DoListDossiersWithoutFacts(const std::string&,
                                                              int limit) override {
    return Reached(limit).error();
  }
  Result<bool> DoAddMissingReportFacts(const ReportFacts&) override { return Reached().error(); }
  Result<std::vector<DeadLetter>> DoListDeadLetters(const std::optional<std::string>&,
                                                    int limit) override {
    return Reached(limit).error();
  }
  Result<std::int64_t> DeliveryCursor() override { return Reached().error(); }
  Status RecordDelivered(std::int64_t, Instant) override { return Reached(); }
  Status RecordDeadLetter(const DeadLetter&) override { return Reached(); }
};

template <typename T>
Status StatusOf(const Result<T>& result) {
  return result.ok() ? Status() : Status(result.error());
}

Dossier Coded(const std::string& code) {
  Dossier dossier;
  dossier.code = code;
  return dossier;
}

ReportFacts FactsFor(const std::string& code) {
  ReportFacts facts;
  facts.dossier_code = code;
  return facts;
}

Instant At(std::int64_t seconds) {
  return Instant(std::chrono::seconds(seconds));
}

// A query of type Query asking for a page of `limit`.
template <typename Query>
Query PageOf(int limit) {
  Query query;
  query.limit = limit;
  return query;
}

struct Refusal {
  const char* what;
  std::function<Status(RecordingStore&)> call;
  const char* message;
  const char* pointer;  // "" when the error names no field
};

TEST_CASE("store front: an invalid argument is refused before the adapter runs") {
  static const Dossier kOk = Coded("D-1");
  static const Dossier kNoCode = Coded("");
  static const DossierEvent kEvent;
  const std::vector<Refusal> refusals = {
      {"a definition without a procedure code",
       [](RecordingStore& s) { return StatusOf(s.PublishDefinition("", {}, "admin", At(0))); },
       "a definition needs a procedure code", ""},
      {"a definition that does not serialize",
       [](RecordingStore& s) {
         return StatusOf(
             s.PublishDefinition("1.004222", {{"name", std::string("\xff")}}, "admin", At(0)));
       },
       nullptr, ""},
      {"a sequence without an agency",
       [](RecordingStore& s) {
         return StatusOf(s.NextDossierSequence("", year(2026) / November / 20));
       },
       "a sequence needs an agency and a valid date", ""},
      {"a sequence on an invalid date",
       [](RecordingStore& s) {
         return StatusOf(s.NextDossierSequence("A", year(2026) / November / 31));
       },
       "a sequence needs an agency and a valid date", ""},
      {"a dossier without a code",
       [](RecordingStore& s) { return s.CreateDossier(kNoCode, {}, 1); }, "a dossier needs a code",
       "/code"},
      {"a dossier with facts of another",
       [](RecordingStore& s) { return s.CreateDossier(kOk, {}, 1, {}, FactsFor("D-2")); },
       "report facts of another dossier", "/facts/dossier_code"},
      {"a transition without its event",
       [](RecordingStore& s) {
         DossierStore::TransitionCommit commit;
         commit.after = &kOk;
         return s.CommitTransition(commit);
       },
       "a transition needs the dossier after it and its event", ""},
      {"a transition of a dossier without a code",
       [](RecordingStore& s) {
         DossierStore::TransitionCommit commit;
         commit.after = &kNoCode;
         commit.event = &kEvent;
         return s.CommitTransition(commit);
       },
       "a dossier needs a code", "/code"},
      {"a transition storing a document under a wrong id",
       [](RecordingStore& s) {
         DossierStore::TransitionCommit commit;
         commit.after = &kOk;
         commit.event = &kEvent;
         commit.documents.push_back(NewDocument{{"id-of-other", 5, "text/plain"}, "bytes", "u"});
         return s.CommitTransition(commit);
       },
       "document id is not the SHA-256 of its bytes", "/id"},
      {"a transition with facts of another dossier",
       [](RecordingStore& s) {
         DossierStore::TransitionCommit commit;
         commit.after = &kOk;
         commit.event = &kEvent;
         commit.facts = FactsFor("D-2");
         return s.CommitTransition(commit);
       },
       "report facts of another dossier", "/facts/dossier_code"},
      {"a document of the wrong size",
       [](RecordingStore& s) {
         return s.PutDocument({"id-of-bytes", 6, "text/plain"}, "bytes", "u", At(0));
       },
       "document size does not match its bytes", "/size"},
      {"a queue page of 0",
       [](RecordingStore& s) {
         QueueQuery query;
         query.limit = 0;
         return StatusOf(s.ListQueue(query));
       },
       "limit must be a whole number from 1 to 1000", "/limit"},
      {"an applicant page of 0",
       [](RecordingStore& s) {
         ApplicantQuery query;
         query.limit = 0;
         return StatusOf(s.ListByApplicant(query));
       },
       "limit must be a whole number from 1 to 1000", "/limit"},
      {"an agency page of -1",
       [](RecordingStore& s) {
         AgencyQuery query;
         query.limit = -1;
         return StatusOf(s.ListByAgency(query));
       },
       "limit must be a whole number from 1 to 1000", "/limit"},
      {"a state page of 0",
       [](RecordingStore& s) {
         StateQuery query;
         query.limit = 0;
         return StatusOf(s.ListInState(query));
       },
       "limit must be a whole number from 1 to 1000", "/limit"},
      {"a version page of 0",
       [](RecordingStore& s) {
         VersionQuery query;
         query.limit = 0;
         return StatusOf(s.ListOnVersion(query));
       },
       "limit must be a whole number from 1 to 1000", "/limit"},
      {"a references page of 0",
       [](RecordingStore& s) { return StatusOf(s.ListDossiersReferencing("id", 0)); },
       "limit must be a whole number from 1 to 1000", "/limit"},
      {"a without-facts page of 0",
       [](RecordingStore& s) { return StatusOf(s.ListDossiersWithoutFacts("", 0)); },
       "limit must be a whole number from 1 to 1000", "/limit"},
      {"an outbox page of 1001",
       [](RecordingStore& s) {
         OutboxQuery query;
         query.limit = 1001;
         return StatusOf(s.ListOutbox(query));
       },
       "limit must be a whole number from 1 to 1000", "/limit"},
      {"a dead-letter page of 0",
       [](RecordingStore& s) { return StatusOf(s.ListDeadLetters(std::nullopt, 0)); },
       "limit must be a whole number from 1 to 1000", "/limit"},
      {"a pruning batch of 0",
       [](RecordingStore& s) {
         OutboxPruning pruning;
         pruning.limit = 0;
         return StatusOf(s.PruneOutbox(pruning));
       },
       "a pruning batch is 1 to 10000 rows", ""},
      {"a pruning batch over the most",
       [](RecordingStore& s) {
         OutboxPruning pruning;
         pruning.limit = kMaxPruneBatch + 1;
         return StatusOf(s.PruneOutbox(pruning));
       },
       "a pruning batch is 1 to 10000 rows", ""},
      {"an empty report period",
       [](RecordingStore& s) {
         ReportQuery query;
         query.from = At(100);
         query.to = At(100);
         return StatusOf(s.AggregateReport(query));
       },
       "the report period is empty", "/to"},
  };
  for (const Refusal& refusal : refusals) {
    CAPTURE(refusal.what);
    RecordingStore store;
    Status status = refusal.call(store);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().code() == ErrorCode::kInvalidArgument);
    if (refusal.message != nullptr) CHECK(status.error().message() == refusal.message);
    if (*refusal.pointer == '\0') {
      CHECK(status.error().fields().empty());
    } else {
      REQUIRE(status.error().fields().size() == 1);
      CHECK(status.error().fields().front().pointer == refusal.pointer);
    }
    CHECK(store.calls == 0);
  }
}

TEST_CASE("store front: valid arguments reach the adapter, page limits cut to the ceiling") {
  RecordingStore store;
  QueueQuery queue;
  queue.limit = 5000;
  (void)store.ListQueue(queue);
  CHECK(store.last_limit == DossierStore::kMaxPageSize);
  ApplicantQuery applicant;
  applicant.limit = 1001;
  (void)store.ListByApplicant(applicant);
  CHECK(store.last_limit == DossierStore::kMaxPageSize);
  AgencyQuery agency;
  agency.limit = 7;
  (void)store.ListByAgency(agency);
  CHECK(store.last_limit == 7);
  StateQuery state;
  state.limit = 2000;
  (void)store.ListInState(state);
  CHECK(store.last_limit == DossierStore::kMaxPageSize);
  (void)store.ListDossiersReferencing("id", 1000000);
  CHECK(store.last_limit == DossierStore::kMaxPageSize);
  VersionQuery version;
  version.limit = 1001;
  (void)store.ListOnVersion(version);
  CHECK(store.last_limit == DossierStore::kMaxPageSize);
  OutboxQuery outbox;
  outbox.limit = 1000;
  (void)store.ListOutbox(outbox);
  CHECK(store.last_limit == 1000);
  (void)store.ListDeadLetters(std::nullopt, 1);
  CHECK(store.last_limit == 1);
  (void)store.ListDossiersWithoutFacts("", 5000);
  CHECK(store.last_limit == DossierStore::kMaxPageSize);
  CHECK(store.PutDocument({"id-of-bytes", 5, "text/plain"}, "bytes", "u", At(0)).error().code() ==
        ErrorCode::kUnavailable);
  CHECK(store.calls == 10);
}

// Regression: the dossier listings refused a limit below 1 with an error of
// their own (no reason, so 400 over HTTP) where every other limit check
// answers the page rule's 422 "validation": one bad limit, one answer.
TEST_CASE("store front: a limit below 1 gets the page rule's error on every listing") {
  struct Listing {
    const char* what;
    std::function<Status(RecordingStore&)> call;
    PageLimitRule rule;
  };
  const std::vector<Listing> listings = {
      {"queue", [](RecordingStore& s) { return StatusOf(s.ListQueue(PageOf<QueueQuery>(0))); },
       kStoreReadRule},
      {"applicant",
       [](RecordingStore& s) { return StatusOf(s.ListByApplicant(PageOf<ApplicantQuery>(0))); },
       kStoreReadRule},
      {"agency", [](RecordingStore& s) { return StatusOf(s.ListByAgency(PageOf<AgencyQuery>(0))); },
       kStoreReadRule},
      {"state", [](RecordingStore& s) { return StatusOf(s.ListInState(PageOf<StateQuery>(0))); },
       kStoreReadRule},
      {"version",
       [](RecordingStore& s) { return StatusOf(s.ListOnVersion(PageOf<VersionQuery>(0))); },
       kStoreReadRule},
      {"references", [](RecordingStore& s) { return StatusOf(s.ListDossiersReferencing("id", 0)); },
       kStoreReadRule},
      {"without facts",
       [](RecordingStore& s) { return StatusOf(s.ListDossiersWithoutFacts("", 0)); },
       kStoreReadRule},
      {"outbox",
       [](RecordingStore& s) {
         return StatusOf(s.ListOutbox(OutboxQuery{0, 0, {}}));
       },
       kFeedPageRule},
      {"dead letters",
       [](RecordingStore& s) { return StatusOf(s.ListDeadLetters(std::nullopt, 0)); },
       kFeedPageRule},
  };
  for (const Listing& listing : listings) {
    CAPTURE(listing.what);
    RecordingStore store;
    const Status status = listing.call(store);
    const Error rule = CheckPageLimit(0, listing.rule).error();
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().code() == rule.code());
    CHECK(status.error().reason() == ErrorReason::kValidation);
    CHECK(status.error().reason() == rule.reason());
    CHECK(status.error().message() == rule.message());
    REQUIRE(status.error().fields().size() == 1);
    CHECK(status.error().fields()[0].pointer == "/limit");
    CHECK(status.error().fields()[0].message == rule.fields()[0].message);
    CHECK(store.calls == 0);
  }
}

}  // namespace
}  // namespace motcua
