#include "engine/domain/action_input.h"

#include <utility>

#include "engine/domain/rfc3339.h"

namespace motcua {
namespace {

using nlohmann::json;

// A JSON value naming a document: a string that IsDocumentId accepts.
bool NamesDocument(const json& value) {
  return value.is_string() && IsDocumentId(value.get_ref<const std::string&>());
}

constexpr const char* kDocumentIdExpected = "must be a SHA-256 document id in lowercase hex";

}  // namespace

Result<ActionInput> ParseActionInput(const json& body) {
  if (!body.is_object()) {
    return Error(ErrorCode::kInvalidArgument, "the request payload is malformed",
                 ErrorReason::kInvalidPayload, {{"", "must be an object"}});
  }
  ActionInput input;
  std::vector<FieldError>& malformed = input.malformed;
  for (const auto& [key, value] : body.items()) {
    if (key == "comment") {
      if (value.is_string()) {
        input.comment = value.get<std::string>();
      } else {
        malformed.push_back({"/comment", "must be a string"});
      }
    } else if (key == "documents") {
      input.documents_sent = true;
      if (!value.is_object()) {
        malformed.push_back({"/documents", "must be an object of document key to document id"});
        continue;
      }
      for (const auto& [document_key, id] : value.items()) {
        if (NamesDocument(id)) {
          input.documents[document_key] = id.get<std::string>();
        } else {
          malformed.push_back({"/documents/" + document_key, kDocumentIdExpected});
        }
      }
    } else if (key == "form") {
      if (value.is_object()) {
        input.form = value;
      } else {
        malformed.push_back({"/form", "must be an object"});
      }
    } else if (key == "result_document") {
      if (NamesDocument(value)) {
        input.result_document = value.get<std::string>();
      } else {
        malformed.push_back({"/result_document", kDocumentIdExpected});
      }
    } else if (key == "appointment_date") {
      if (value.is_string()) {
        input.appointment_date = value.get<std::string>();
        input.appointment = ParseRfc3339DateTime(*input.appointment_date);
      }
      if (!input.appointment) {
        malformed.push_back({"/appointment_date", "must be an RFC 3339 date-time with an offset"});
      }
    } else if (key == "channel") {
      if (value.is_string()) input.channel = ChannelFromName(value.get<std::string>());
      if (!input.channel) {
        input.malformed_channel =
            FieldError{"/channel", "must be one of \"online\", \"desk\", \"post\""};
      }
    } else if (key == "signature") {
      if (value.is_string()) {
        input.signature = value.get<std::string>();
      } else {
        malformed.push_back({"/signature", "must be a string of standard padded base64"});
      }
    } else {
      return Error(ErrorCode::kInvalidArgument, "the body has unknown fields",
                   ErrorReason::kValidation, {{"/" + key, "is not a known field"}});
    }
  }
  return input;
}

json ActionInputPayload(const ActionInput& input) {
  json payload = json::object();
  if (input.comment) payload["comment"] = *input.comment;
  if (input.documents_sent) {
    json documents = json::object();
    for (const auto& [key, id] : input.documents) documents[key] = id;
    payload["documents"] = std::move(documents);
  }
  if (input.form) payload["form"] = *input.form;
  if (input.result_document) payload[kResultDocumentMember] = *input.result_document;
  if (input.channel) payload["channel"] = ChannelName(*input.channel);
  if (input.appointment_date) payload["appointment_date"] = *input.appointment_date;
  if (input.payment) {
    payload["payment"] = {{"transaction_id", input.payment->transaction_id},
                          {"amount", input.payment->amount}};
  }
  return payload;
}

}  // namespace motcua
