// action_input.h: what a dossier action may carry, typed.
//
// A person's action request (POST /v1/dossiers/{code}/actions/{action}) is
// parsed once, at the API edge, by ParseActionInput; the engine builds one in
// code for timers and payments. The service resolves the signature, the
// state machine applies the rest (state_machine.h), and the event records
// ActionInputPayload: what was sent, in its JSON form, never the signature's
// bytes.
//
// Values whose type is wrong are found by the parser but reported by the
// state machine (kInvalidArgument "invalid_payload", a FieldError each), after
// it decided that the actor may take the action at all: who-may errors come
// first, as they always did. Checks that need the procedure (document keys,
// the form schema) are the state machine's.
//
// Example:
//   // body: a JSON object; the error names unknown fields only
//   ASSIGN_OR_RETURN(ActionInput input, ParseActionInput(body));
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/dossier.h"
#include "engine/domain/status.h"
#include "engine/domain/workflow.h"

namespace motcua {

// The members a person may send with an action, as named in JSON.
inline constexpr std::string_view kActionInputFields[] = {
    "comment", "form", "documents", "result_document", "channel", "appointment_date", "signature"};

// A payment the engine records with its payment action (PayFee): never sent
// by a person with an action.
struct PaymentNote {
  std::string transaction_id;
  std::int64_t amount = 0;
};

struct ActionInput {
  std::optional<std::string> comment;
  // Document key -> document id, as sent (the keys are checked against the
  // procedure by the state machine).
  std::map<std::string, std::string> documents;
  bool documents_sent = false;  // "documents" was present, even if empty
  // Form fields merged into the dossier's form and revalidated.
  std::optional<nlohmann::json> form;
  std::optional<std::string> result_document;
  // "online" | "desk" | "post"; the state machine uses it on applicant steps.
  std::optional<Channel> channel;
  // The new appointment (an RFC 3339 date-time with an offset, as rfc3339.h
  // reads it), and the text it was sent as (recorded).
  std::optional<Instant> appointment;
  std::optional<std::string> appointment_date;
  // Base64 of a DER detached CMS signature over the result; resolved by the
  // service (ResultSigning), never recorded.
  std::optional<std::string> signature;
  std::optional<PaymentNote> payment;

  // Malformed values the parser found (pointers "/comment", "/documents/KEY",
  // "/form", "/result_document", "/appointment_date", "/signature"); reported
  // by the state machine as described above.
  std::vector<FieldError> malformed;
  // A malformed "channel", reported only by actions that are applicant steps
  // (others never read the channel).
  std::optional<FieldError> malformed_channel;
};

// `body` as an ActionInput. kInvalidArgument "validation" (one FieldError per
// member, "is not a known field") when it is not an object or names a member
// outside kActionInputFields; malformed values go to `malformed` instead.
Result<ActionInput> ParseActionInput(const nlohmann::json& body);

// What the event records of `input`: its members in their JSON form
// (channel by name, appointment_date as sent, payment as {transaction_id,
// amount}), without the signature.
nlohmann::json ActionInputPayload(const ActionInput& input);

// The payload member naming the result document the event attached (read
// back by ResultAttachedAt, result_attachment.h).
inline constexpr const char* kResultDocumentMember = "result_document";

}  // namespace motcua
