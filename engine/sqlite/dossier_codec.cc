#include "engine/sqlite/dossier_codec.h"

#include <array>
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

namespace {

Error CorruptColumn(const char* column) {
  return Error(ErrorCode::kInternal, std::string("stored ") + column + " has an unexpected shape",
               ErrorReason::kCorruptRow);
}

}  // namespace

std::string EncodeClockParts(const LegalClock& clock) {
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

std::string EncodeDocuments(const std::map<std::string, std::string>& documents) {
  return nlohmann::json(documents).dump();
}

Result<std::map<std::string, std::string>> DecodeDocuments(const std::string& text) {
  ASSIGN_OR_RETURN(nlohmann::json parsed, DecodeJson(text, "documents_json"));
  try {
    return parsed.get<std::map<std::string, std::string>>();
  } catch (const nlohmann::json::exception&) {
    return CorruptColumn("documents_json");
  }
}

std::string EncodeSignatures(const std::vector<SignatureEvidence>& signatures) {
  nlohmann::json list = nlohmann::json::array();
  for (const SignatureEvidence& signature : signatures) {
    list.push_back(SignatureEvidenceToJson(signature));
  }
  return list.dump();
}

Result<std::vector<SignatureEvidence>> DecodeSignatures(const std::string& text) {
  ASSIGN_OR_RETURN(nlohmann::json parsed, DecodeJson(text, "signatures_json"));
  std::vector<SignatureEvidence> signatures;
  if (!parsed.is_array()) return CorruptColumn("signatures_json");
  for (const nlohmann::json& item : parsed) {
    std::optional<SignatureEvidence> signature = SignatureEvidenceFromJson(item);
    if (!signature) return CorruptColumn("signatures_json");
    signatures.push_back(std::move(*signature));
  }
  return signatures;
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

Result<AuditRecord> ReadEventRow(const SqliteStatement& row) {
  AuditRecord record;
  record.sequence = row.ColumnInt(0);
  record.dossier_code = row.ColumnText(1);
  record.index = row.ColumnInt(2);
  DossierEvent& event = record.event;
  event.action = row.ColumnText(3);
  event.from_state = row.ColumnText(4);
  event.to_state = row.ColumnText(5);
  event.actor.user_id = row.ColumnText(6);
  ASSIGN_OR_RETURN(nlohmann::json roles, DecodeJson(row.ColumnText(7), "actor_roles"));
  try {
    event.actor.roles = roles.get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception&) {
    return CorruptColumn("actor_roles");
  }
  event.actor.agency = row.ColumnText(8);
  event.at = FromSeconds(row.ColumnInt(9));
  ASSIGN_OR_RETURN(ApplicantStep step, StepFromName(row.ColumnText(10)));
  event.step = step;
  if (!row.IsNull(11)) event.channel = static_cast<Channel>(row.ColumnInt(11));
  ASSIGN_OR_RETURN(nlohmann::json payload, DecodeJson(row.ColumnText(12), "payload"));
  event.payload = std::move(payload);
  record.previous_hash = row.ColumnText(13);
  record.hash = row.ColumnText(14);
  event.records_authentication = !row.IsNull(15);
  if (event.records_authentication) {
    std::optional<AuthMethod> method = ParseAuthMethod(row.ColumnText(15));
    if (!method) return CorruptColumn("actor_auth_method");
    event.actor.authenticated_by = *method;
    event.actor.identity_provider = row.ColumnOptionalText(16).value_or("");
  }
  return record;
}

Result<std::vector<DossierSummary>> ReadSummaries(
    SqliteStatement& stmt,
    const std::function<void(const SqliteStatement&, DossierSummary&)>& read_more) {
  std::vector<DossierSummary> summaries;
  Status read = stmt.ForEachRow([&](const SqliteStatement& row) {
    DossierSummary summary;
    summary.code = row.ColumnText(0);
    summary.procedure_code = row.ColumnText(1);
    summary.applicant_id = row.ColumnText(2);
    summary.agency = row.ColumnText(3);
    summary.state = row.ColumnText(4);
    summary.national_status = static_cast<int>(row.ColumnInt(5));
    summary.version = row.ColumnInt(6);
    summary.assignee = row.ColumnOptionalText(7);
    if (!row.IsNull(8)) summary.due_at = FromSeconds(row.ColumnInt(8));
    summary.updated_at = FromSeconds(row.ColumnInt(9));
    if (read_more) read_more(row, summary);
    summaries.push_back(std::move(summary));
  });
  RETURN_IF_ERROR(read);
  return summaries;
}

}  // namespace motcua
