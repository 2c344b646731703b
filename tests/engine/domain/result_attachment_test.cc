// When the current result document was attached, read back from the events
// the state machine records (their payloads are ActionInputPayload's).
#include "engine/domain/result_attachment.h"

#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/domain/action_input.h"

namespace motcua {
namespace {

const std::string kFirst(64, 'a');
const std::string kSecond(64, 'b');

Instant Minute(int minute) {
  return Instant{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2}} +
         std::chrono::minutes{minute};
}

// An event at `minute` whose payload is what the state machine records for
// `input`.
DossierEvent EventAt(int minute, const ActionInput& input) {
  DossierEvent event;
  event.action = "act";
  event.at = Minute(minute);
  event.payload = ActionInputPayload(input);
  return event;
}

// What an action attaching `result` (if any) with `comment` (if any) sends.
ActionInput Input(std::optional<std::string> result,
                  std::optional<std::string> comment = std::nullopt) {
  ActionInput input;
  input.result_document = std::move(result);
  input.comment = std::move(comment);
  return input;
}

struct Case {
  const char* name;
  std::vector<DossierEvent> history;
  std::optional<std::string> result;
  std::optional<Instant> attached;
};

TEST_CASE("result attachment: the latest event that attached the current result") {
  ActionInput sending = Input(std::nullopt);
  sending.documents["declaration"] = kFirst;  // the result's id as another document
  sending.documents_sent = true;
  const DossierEvent sending_it = EventAt(4, sending);
  DossierEvent edited = EventAt(3, Input(std::nullopt, "edited"));
  edited.payload[kResultDocumentMember] = {{"id", kFirst}};  // not a document id
  const std::vector<Case> cases = {
      {"attached once",
       {EventAt(1, Input(std::nullopt, "received")), EventAt(2, Input(kFirst))},
       kFirst,
       Minute(2)},
      {"later events that do not name a result leave it",
       {EventAt(2, Input(kFirst)), EventAt(3, Input(std::nullopt, "checked")), sending_it},
       kFirst,
       Minute(2)},
      {"replaced by a later result",
       {EventAt(2, Input(kFirst)), EventAt(5, Input(kSecond))},
       kSecond,
       Minute(5)},
      {"replaced, then attached again",
       {EventAt(2, Input(kFirst)), EventAt(5, Input(kSecond)), EventAt(7, Input(kFirst))},
       kFirst,
       Minute(7)},
      {"an edited event whose member is not the result's id does not count",
       {EventAt(2, Input(kFirst)), edited},
       kFirst,
       Minute(2)},
      {"no result", {EventAt(2, Input(std::nullopt, "no result yet"))}, std::nullopt, std::nullopt},
      {"no result, though an event once named one",
       {EventAt(2, Input(kFirst))},
       std::nullopt,
       std::nullopt},
      {"a result no event names (history not loaded)", {}, kFirst, std::nullopt},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    Dossier dossier;
    dossier.result_document = c.result;
    dossier.history = c.history;
    CHECK(ResultAttachedAt(dossier) == c.attached);
  }
}

}  // namespace
}  // namespace motcua
