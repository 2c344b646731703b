// event_chain.h: the link of a dossier's hash chain that every store writes.
//
// Each event of a dossier is stored with `hash = EventHash(CanonicalEvent(...),
// previous_hash)`, where `previous_hash` is the hash of the dossier's previous
// event ("" for the first). The canonical form is a JSON object with fixed
// field names and sorted keys, so it does not depend on a store's columns;
// two stores holding the same events hold the same hashes. How a store checks
// its chains is its own (engine/sqlite/audit_chain.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/domain/dossier.h"

namespace motcua {

// The canonical text of an event at position `index` of dossier `dossier_code`.
std::string CanonicalEvent(const std::string& dossier_code, std::int64_t index,
                           const DossierEvent& event);

// CanonicalEvent(dossier_code, index, event) with the index left out: the
// text is `head` + std::to_string(index) + `tail`. Lets the store encode an
// event before it knows the event's position. `payload_json` must be
// event.payload.dump(), the text the store keeps in the event's payload
// column: for a payload that is valid UTF-8 (dump() throws on any other) it
// is the payload's canonical text, so the payload is written once.
struct CanonicalEventTemplate {
  std::string head;
  std::string tail;
};
CanonicalEventTemplate CanonicalEventAround(const std::string& dossier_code,
                                            const DossierEvent& event,
                                            std::string_view payload_json);

// SHA-256 hex of `canonical_event` + "\n" + `previous_hash`.
std::string EventHash(const std::string& canonical_event, const std::string& previous_hash);
// The same hash for the event CanonicalEventAround encoded, at `index`.
std::string EventHash(const CanonicalEventTemplate& canonical_event, std::int64_t index,
                      const std::string& previous_hash);

}  // namespace motcua
