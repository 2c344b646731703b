// column_codec.h: how dossier and event values map to the columns of every
// SQL store (engine/sqlite, engine/postgres), so that both hold the same
// values and a copy between them changes nothing.
//
// Instants are integer UTC seconds; structured parts of a dossier (clock
// pauses and extensions, form, documents, signatures, event payloads, actor
// roles) are JSON text. Decoding never throws: malformed stored text becomes
// kInternal (reason kCorruptRow) naming the column, since only the store
// writes these columns. Encoding happens in the caller's thread, before a
// store's transaction, so that the transaction only binds.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/dossier.h"
#include "engine/domain/status.h"
#include "engine/domain/store.h"
#include "engine/storage/event_chain.h"

namespace motcua {

std::int64_t ToSeconds(Instant t);
Instant FromSeconds(std::int64_t seconds);
std::optional<std::int64_t> OptionalSeconds(const std::optional<Instant>& t);  // NULL when absent

// The kInternal kCorruptRow error for a stored column whose JSON parses but
// has the wrong shape.
Error CorruptColumn(const char* column);
// Parses a stored JSON column (kStoredJsonLimits); kInternal naming `column`.
Result<nlohmann::json> DecodeJson(const std::string& text, const char* column);

// clock_json holds the pauses and extensions; the other clock fields have
// their own columns.
std::string EncodeClockParts(const LegalClock& clock);
Status DecodeClockParts(const std::string& text, LegalClock* clock);

// The applicant step's stored name ("none", "submission", ...) and back.
std::string StepName(ApplicantStep step);
Result<ApplicantStep> StepFromName(const std::string& name);

// A dossier's columns: its own scalar fields are bound from `dossier`, the
// clock's pauses and extensions are encoded here. The form, documents, result
// and signatures are not columns: the events hold them (dossier_contents.h).
// Refers to `dossier`, which must outlive it.
struct DossierRow {
  const Dossier* dossier = nullptr;
  int national_status = 0;
  std::string clock_json;
  std::int64_t updated_at = 0;
};
// kInvalidArgument when the clock does not serialize.
Result<DossierRow> EncodeDossierRow(const Dossier& dossier, int national_status,
                                    Instant updated_at);

// An event's columns and canonical text, encoded so that the store's
// transaction only looks up the previous link, hashes (event_chain.h) and
// binds. Refers to the event it encodes, which must outlive it.
struct EncodedEvent {
  const DossierEvent* event = nullptr;
  CanonicalEventTemplate canonical;
  std::string step;
  std::string roles_json;
  std::string payload_json;
};
// kInvalidArgument when a JSON part of the event does not serialize.
Result<EncodedEvent> EncodeEvent(const std::string& dossier_code, const DossierEvent& event);

// An event row's columns as read, before decoding: the columns of `events`
// (sequence, dossier_code, idx, action, ..., actor_identity_provider).
struct EventColumns {
  std::int64_t sequence = 0;
  std::string dossier_code;
  std::int64_t index = 0;
  std::string action;
  std::string from_state;
  std::string to_state;
  std::string actor_id;
  std::string actor_roles_json;
  std::string actor_agency;
  std::int64_t at = 0;
  std::string step;
  std::optional<std::int64_t> channel;
  std::string payload_json;
  std::string hash;
  std::optional<std::string> auth_method;  // NULL for events stored before it was recorded
  std::optional<std::string> identity_provider;
};
// The record of one event row. Its `previous_hash` is left empty: the
// previous event's hash is not stored twice (LinkPreviousHashes).
Result<AuditRecord> DecodeEventColumns(EventColumns columns);

// Sets each record's `previous_hash` to the `hash` of the record before it
// ("" for the first). `records` are one dossier's, from its first event on,
// in index order.
void LinkPreviousHashes(std::vector<AuditRecord>& records);

}  // namespace motcua
