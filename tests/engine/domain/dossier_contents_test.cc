// What a dossier holds, folded from its events (dossier_contents.h): the
// stores keep no copy of it in the dossier's row, so these rules are all that
// stand between the audit trail and what a clerk sees.
#include "engine/domain/dossier_contents.h"

#include <doctest/doctest.h>

#include <string>

#include "engine/domain/fork.h"
#include "engine/domain/workflow_migration.h"

namespace motcua {
namespace {

using nlohmann::json;

const std::string kIdA(64, 'a');
const std::string kIdB(64, 'b');
const std::string kResult(64, 'e');

DossierEvent EventOf(const std::string& action, json payload) {
  DossierEvent event;
  event.action = action;
  event.from_state = action == "submit" ? "" : "in_review";
  event.to_state = "in_review";
  event.payload = std::move(payload);
  return event;
}

SignatureEvidence Evidence(const std::string& document, const std::string& branch = "") {
  SignatureEvidence evidence{document, "CN=Leader",  "0a", std::string(64, 'c'),
                             kIdB,     std::nullopt, false};
  evidence.branch = branch;
  return evidence;
}

Dossier Folded(std::vector<DossierEvent> events) {
  Dossier dossier;
  dossier.history = std::move(events);
  // Whatever the dossier held before is replaced by what the events say.
  dossier.form = {{"stale", true}};
  dossier.documents = {{"stale", kIdB}};
  dossier.result_document = kIdB;
  dossier.result_signatures = {Evidence(kIdB)};
  REQUIRE(FoldHistoryContents(dossier).ok());
  return dossier;
}

TEST_CASE("dossier contents: the submission gives the form and documents, nothing else") {
  const Dossier d =
      Folded({EventOf("submit", {{"form", {{"full_name", "Nguyễn Văn A"}, {"age", 30}}},
                                 {"documents", {{"id_card", kIdA}}},
                                 // A client may send anything else with its submission; none of
                                 // it is a result or a signature.
                                 {"result_document", kResult},
                                 {"signature", SignatureEvidenceToJson(Evidence(kResult))}})});
  CHECK(d.form == json{{"full_name", "Nguyễn Văn A"}, {"age", 30}});
  CHECK(d.documents == std::map<std::string, std::string>{{"id_card", kIdA}});
  CHECK_FALSE(d.result_document.has_value());
  CHECK(d.result_signatures.empty());
}

TEST_CASE("dossier contents: actions set form fields and documents over what was there") {
  const Dossier d = Folded({
      EventOf("submit", {{"form", {{"full_name", "A"}, {"address", "Huế"}}},
                         {"documents", {{"id_card", kIdA}}}}),
      EventOf("resubmit", {{"form", {{"address", "Hà Nội"}, {"phone", nullptr}}},
                           {"documents", {{"id_card", kIdB}, {"lease", kIdA}}},
                           {"comment", "bổ sung"}}),
  });
  CHECK(d.form == json{{"full_name", "A"}, {"address", "Hà Nội"}, {"phone", nullptr}});
  CHECK(d.documents == std::map<std::string, std::string>{{"id_card", kIdB}, {"lease", kIdA}});
  CHECK(d.form.size() == 3);
}

TEST_CASE("dossier contents: the last result named outside a branch is the dossier's") {
  const Dossier d = Folded({
      EventOf("submit", {{"form", json::object()}}),
      EventOf("propose_result", {{"result_document", kIdA}}),
      EventOf("propose_result", {{"result_document", kResult}}),
      EventOf("register_residence", {{"result_document", kIdB}, {kBranchField, "residence"}}),
      EventOf("sign_result", {{"signature", SignatureEvidenceToJson(Evidence(kResult))}}),
      EventOf("sign_residence_result",
              {{"signature", SignatureEvidenceToJson(Evidence(kIdB, "residence"))},
               {kBranchField, "residence"}}),
  });
  CHECK(d.result_document == kResult);
  REQUIRE(d.result_signatures.size() == 2);
  CHECK(d.result_signatures[0].document_id == kResult);
  CHECK(d.result_signatures[0].branch.empty());
  CHECK(d.result_signatures[1].document_id == kIdB);
  CHECK(d.result_signatures[1].branch == "residence");
}

TEST_CASE("dossier contents: bookkeeping, join and migrate events change nothing") {
  for (const char* action : {kClaimAction, kReleaseAction, kRateAction, kEscalateAction,
                             kAutomaticHaltedAction, kJoinAction, kMigrateAction}) {
    CAPTURE(action);
    DossierEvent engine_event =
        EventOf(action, {{"form", {{"full_name", "forged"}}},
                         {"documents", {{"id_card", kIdB}}},
                         {"result_document", kIdB},
                         {"signature", SignatureEvidenceToJson(Evidence(kIdB))}});
    engine_event.from_state = engine_event.to_state;
    const Dossier d = Folded(
        {EventOf("submit", {{"form", {{"full_name", "A"}}}, {"documents", {{"id_card", kIdA}}}}),
         engine_event});
    CHECK(d.form == json{{"full_name", "A"}});
    CHECK(d.documents.at("id_card") == kIdA);
    CHECK_FALSE(d.result_document.has_value());
    CHECK(d.result_signatures.empty());
  }
}

TEST_CASE("dossier contents: an empty history holds nothing") {
  const Dossier d = Folded({});
  CHECK(d.form == json::object());
  CHECK(d.documents.empty());
  CHECK_FALSE(d.result_document.has_value());
  CHECK(d.result_signatures.empty());
}

TEST_CASE("dossier contents: an event the engine could not have written is a corrupt row") {
  const DossierEvent submit = EventOf("submit", {{"form", json::object()}});
  for (const json& payload :
       {json{{"documents", json::array({kIdA})}}, json{{"documents", {{"id_card", 7}}}},
        json{{"result_document", 42}}, json{{"signature", {{"document_id", kIdA}}}},
        json{{"signature", "not evidence"}}}) {
    CAPTURE(payload.dump());
    Dossier dossier;
    dossier.history = {submit, EventOf("forward", payload)};
    const Status folded = FoldHistoryContents(dossier);
    REQUIRE_FALSE(folded.ok());
    CHECK(folded.error().code() == ErrorCode::kInternal);
    CHECK(folded.error().reason() == ErrorReason::kCorruptRow);
    CHECK(folded.error().message().find("event 1") != std::string::npos);
  }
  // The submission's documents are checked the same way.
  Dossier dossier;
  dossier.history = {EventOf("submit", {{"documents", "id_card"}})};
  CHECK_FALSE(FoldHistoryContents(dossier).ok());
}

}  // namespace
}  // namespace motcua
