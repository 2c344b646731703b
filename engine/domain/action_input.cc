#include "engine/domain/action_input.h"

#include <chrono>
#include <utility>

namespace motcua {
namespace {

using nlohmann::json;

// Reads `count` decimal digits at `pos`, or -1.
int Digits(std::string_view text, std::size_t pos, std::size_t count) {
  if (pos + count > text.size()) return -1;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// An RFC 3339 date-time with a mandatory offset, e.g. "2026-12-01T17:00:00+07:00"
// or "...Z". Fractions of a second are accepted and dropped. Leap seconds are
// not accepted.
std::optional<Instant> ParseRfc3339(std::string_view text) {
  if (text.size() < 20) return std::nullopt;
  const int y = Digits(text, 0, 4), mo = Digits(text, 5, 2), d = Digits(text, 8, 2);
  const int h = Digits(text, 11, 2), mi = Digits(text, 14, 2), s = Digits(text, 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0) return std::nullopt;
  if (text[4] != '-' || text[7] != '-' || text[13] != ':' || text[16] != ':') return std::nullopt;
  if (text[10] != 'T' && text[10] != 't') return std::nullopt;
  if (h > 23 || mi > 59 || s > 59) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year{y},
                                         std::chrono::month{static_cast<unsigned>(mo)},
                                         std::chrono::day{static_cast<unsigned>(d)}};
  if (!date.ok()) return std::nullopt;

  std::size_t pos = 19;
  if (text[pos] == '.') {
    ++pos;
    const std::size_t digits_start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == digits_start) return std::nullopt;
  }
  std::chrono::minutes offset{0};
  const std::string_view zone = text.substr(pos);
  if (zone == "Z" || zone == "z") {
    offset = std::chrono::minutes{0};
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    const int oh = Digits(zone, 1, 2), om = Digits(zone, 4, 2);
    if (oh < 0 || om < 0 || oh > 23 || om > 59) return std::nullopt;
    offset = std::chrono::minutes{oh * 60 + om};
    if (zone[0] == '-') offset = -offset;
  } else {
    return std::nullopt;
  }
  return Instant{std::chrono::sys_days{date}} + std::chrono::hours{h} + std::chrono::minutes{mi} +
         std::chrono::seconds{s} - offset;
}

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
        input.appointment = ParseRfc3339(*input.appointment_date);
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
  if (input.result_document) payload["result_document"] = *input.result_document;
  if (input.channel) payload["channel"] = ChannelName(*input.channel);
  if (input.appointment_date) payload["appointment_date"] = *input.appointment_date;
  if (input.payment) {
    payload["payment"] = {{"transaction_id", input.payment->transaction_id},
                          {"amount", input.payment->amount}};
  }
  return payload;
}

}  // namespace motcua
