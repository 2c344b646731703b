#include "engine/storage/column_codec.h"

#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "engine/domain/json_parse.h"
#include "engine/domain/status_macros.h"

namespace motcua {

std::int64_t ToSeconds(Instant t) {
  return t.time_since_epoch().count();
}

Instant FromSeconds(std::int64_t seconds) {
  return Instant(std::chrono::seconds(seconds));
}

std::optional<std::int64_t> OptionalSeconds(const std::optional<Instant>& t) {
  if (!t) return std::nullopt;
  return ToSeconds(*t);
}

Result<nlohmann::json> DecodeJson(const std::string& text, const char* column) {
  Result<nlohmann::json> value = ParseJson(text, kStoredJsonLimits);
  if (!value.ok()) {
    return Error(ErrorCode::kInternal,
                 std::string("stored ") + column + " is not valid JSON: " + value.error().message(),
                 ErrorReason::kCorruptRow);
  }
  return value;
}

Error CorruptColumn(const char* column) {
  return Error(ErrorCode::kInternal, std::string("stored ") + column + " has an unexpected shape",
               ErrorReason::kCorruptRow);
}

namespace {

// The parts of a clock that was never paused nor extended, as most are:
// written and recognized as this constant, with no JSON tree built or
// parsed. Byte for byte what the general path below writes for them.
constexpr std::string_view kPlainClockParts = R"({"extensions":[],"paused":[]})";

}  // namespace

std::string EncodeClockParts(const LegalClock& clock) {
  if (clock.paused.empty() && clock.extensions.empty()) return std::string(kPlainClockParts);
  nlohmann::json paused = nlohmann::json::array();
  for (const PausedInterval& interval : clock.paused) {
    nlohmann::json item{{"from", ToSeconds(interval.from)}, {"to", nullptr}};
    if (interval.to) item["to"] = ToSeconds(*interval.to);
    paused.push_back(std::move(item));
  }
  nlohmann::json extensions = nlohmann::json::array();
  for (const Extension& extension : clock.extensions) {
    extensions.push_back({{"at", ToSeconds(extension.at)},
                          {"new_due", ToSeconds(extension.new_due)},
                          {"reason", extension.reason}});
  }
  return nlohmann::json{{"paused", std::move(paused)}, {"extensions", std::move(extensions)}}
      .dump();
}

Status DecodeClockParts(const std::string& text, LegalClock* clock) {
  if (text == kPlainClockParts) return Status();
  ASSIGN_OR_RETURN(nlohmann::json parsed, DecodeJson(text, "clock_json"));
  try {
    for (const nlohmann::json& item : parsed.at("paused")) {
      PausedInterval interval{FromSeconds(item.at("from").get<std::int64_t>()), std::nullopt};
      if (!item.at("to").is_null()) interval.to = FromSeconds(item.at("to").get<std::int64_t>());
      clock->paused.push_back(interval);
    }
    for (const nlohmann::json& item : parsed.at("extensions")) {
      clock->extensions.push_back(Extension{FromSeconds(item.at("at").get<std::int64_t>()),
                                            FromSeconds(item.at("new_due").get<std::int64_t>()),
                                            item.at("reason").get<std::string>()});
    }
  } catch (const nlohmann::json::exception&) {
    return CorruptColumn("clock_json");
  }
  return Status();
}

std::string StepName(ApplicantStep step) {
  return ApplicantStepName(step);
}

Result<ApplicantStep> StepFromName(const std::string& name) {
  constexpr std::array<ApplicantStep, 5> kSteps{ApplicantStep::kNone, ApplicantStep::kSubmission,
                                                ApplicantStep::kSupplement, ApplicantStep::kPayment,
                                                ApplicantStep::kResultReturn};
  for (ApplicantStep step : kSteps) {
    if (name == ApplicantStepName(step)) return step;
  }
  return Error(ErrorCode::kInternal, "stored step \"" + name + "\" is unknown",
               ErrorReason::kCorruptRow);
}

Result<AuditRecord> DecodeEventColumns(EventColumns columns) {
  AuditRecord record;
  record.sequence = columns.sequence;
  record.dossier_code = std::move(columns.dossier_code);
  record.index = columns.index;
  DossierEvent& event = record.event;
  event.action = std::move(columns.action);
  event.from_state = std::move(columns.from_state);
  event.to_state = std::move(columns.to_state);
  event.actor.user_id = std::move(columns.actor_id);
  ASSIGN_OR_RETURN(nlohmann::json roles, DecodeJson(columns.actor_roles_json, "actor_roles"));
  try {
    event.actor.roles = roles.get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception&) {
    return CorruptColumn("actor_roles");
  }
  event.actor.agency = std::move(columns.actor_agency);
  event.at = FromSeconds(columns.at);
  ASSIGN_OR_RETURN(ApplicantStep step, StepFromName(columns.step));
  event.step = step;
  if (columns.channel) event.channel = static_cast<Channel>(*columns.channel);
  ASSIGN_OR_RETURN(nlohmann::json payload, DecodeJson(columns.payload_json, "payload"));
  event.payload = std::move(payload);
  record.hash = std::move(columns.hash);
  event.records_authentication = columns.auth_method.has_value();
  if (event.records_authentication) {
    std::optional<AuthMethod> method = ParseAuthMethod(*columns.auth_method);
    if (!method) return CorruptColumn("actor_auth_method");
    event.actor.authenticated_by = *method;
    event.actor.identity_provider = columns.identity_provider.value_or("");
  }
  return record;
}

void LinkPreviousHashes(std::vector<AuditRecord>& records) {
  for (std::size_t i = 0; i < records.size(); ++i) {
    records[i].previous_hash = i == 0 ? std::string() : records[i - 1].hash;
  }
}

Result<EncodedEvent> EncodeEvent(const std::string& dossier_code, const DossierEvent& event) {
  EncodedEvent encoded;
  encoded.event = &event;
  try {
    // Throws on invalid UTF-8 first, so the payload is written once.
    encoded.payload_json = event.payload.dump();
    encoded.canonical = CanonicalEventAround(dossier_code, event, encoded.payload_json);
    encoded.step = StepName(event.step);
    encoded.roles_json = nlohmann::json(event.actor.roles).dump();
  } catch (const nlohmann::json::exception& e) {
    return Error(ErrorCode::kInvalidArgument, std::string("event cannot be stored: ") + e.what());
  }
  return encoded;
}

Result<DossierRow> EncodeDossierRow(const Dossier& dossier, int national_status,
                                    Instant updated_at) {
  DossierRow row;
  row.dossier = &dossier;
  row.national_status = national_status;
  try {
    row.clock_json = EncodeClockParts(dossier.clock);
  } catch (const nlohmann::json::exception& e) {
    return Error(ErrorCode::kInvalidArgument,
                 "dossier " + dossier.code + " cannot be stored: " + e.what());
  }
  row.updated_at = ToSeconds(updated_at);
  return row;
}

}  // namespace motcua
