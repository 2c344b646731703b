#include "engine/domain/dossier.h"

#include <algorithm>
#include <array>
#include <utility>

namespace motcua {

namespace {
constexpr std::array<std::pair<AuthMethod, std::string_view>, 5> kAuthMethodNames = {{
    {AuthMethod::kSystem, "system"},
    {AuthMethod::kCli, "cli"},
    {AuthMethod::kBearerToken, "bearer_token"},
    {AuthMethod::kOidcSession, "oidc_session"},
    {AuthMethod::kDemoSession, "demo_session"},
}};
}  // namespace

std::string_view AuthMethodName(AuthMethod method) {
  for (const auto& [known, name] : kAuthMethodNames) {
    if (known == method) return name;
  }
  return "system";
}

std::optional<AuthMethod> ParseAuthMethod(std::string_view name) {
  for (const auto& [method, known] : kAuthMethodNames) {
    if (known == name) return method;
  }
  return std::nullopt;
}

bool Actor::HasRole(const std::string& role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

bool IsDocumentId(std::string_view id) {
  return id.size() == 64 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

nlohmann::json SignatureEvidenceToJson(const SignatureEvidence& evidence) {
  nlohmann::json json = {{"document_id", evidence.document_id},
                         {"signer_subject", evidence.signer_subject},
                         {"serial", evidence.serial},
                         {"certificate_fingerprint", evidence.certificate_fingerprint},
                         {"signature_id", evidence.signature_id},
                         {"seal", evidence.seal}};
  if (evidence.signing_time) {
    json["signing_time"] =
        std::chrono::duration_cast<std::chrono::seconds>(evidence.signing_time->time_since_epoch())
            .count();
  }
  if (!evidence.branch.empty()) json["branch"] = evidence.branch;
  return json;
}

std::optional<SignatureEvidence> SignatureEvidenceFromJson(const nlohmann::json& json) {
  if (!json.is_object()) return std::nullopt;
  SignatureEvidence evidence;
  const auto text = [&](const char* name, std::string& out, bool required) {
    auto it = json.find(name);
    if (it == json.end()) return !required;
    if (!it->is_string()) return false;
    out = it->get<std::string>();
    return true;
  };
  if (!text("document_id", evidence.document_id, true) ||
      !text("signer_subject", evidence.signer_subject, true) ||
      !text("serial", evidence.serial, true) ||
      !text("certificate_fingerprint", evidence.certificate_fingerprint, true) ||
      !text("signature_id", evidence.signature_id, false) ||
      !text("branch", evidence.branch, false)) {
    return std::nullopt;
  }
  if (auto it = json.find("signing_time"); it != json.end()) {
    if (!it->is_number_integer()) return std::nullopt;
    evidence.signing_time = Instant(std::chrono::seconds(it->get<std::int64_t>()));
  }
  if (auto it = json.find("seal"); it != json.end()) {
    if (!it->is_boolean()) return std::nullopt;
    evidence.seal = it->get<bool>();
  }
  return evidence;
}

EventHistory::Events& EventHistory::Mutable() {
  if (events_ && owned_ && events_.use_count() == 1) {
    // use_count() is a relaxed read: it says that other holders let go, not
    // that their reads of the events happened before this thread's writes.
    // Copying the pointer does order them: libstdc++ counts up with an
    // acquire-release read-modify-write, which synchronizes with every
    // release of a reference before it (and ThreadSanitizer sees it, where it
    // ignores a bare fence).
    const std::shared_ptr<Events> probe = events_;
    if (probe.use_count() == 2) return *events_;
  }
  events_ = events_ ? std::make_shared<Events>(*events_) : std::make_shared<Events>();
  owned_ = true;
  return *events_;
}

const EventHistory::Events& EventHistory::Empty() {
  static const Events empty;
  return empty;
}

bool IsBookkeepingEvent(const DossierEvent& event) {
  return event.from_state == event.to_state &&
         (event.action == kClaimAction || event.action == kReleaseAction ||
          event.action == kRateAction || event.action == kEscalateAction ||
          event.action == kAutomaticHaltedAction);
}

}  // namespace motcua
