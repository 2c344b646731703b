#include "engine/storage/event_chain.h"

#include <nlohmann/json.hpp>

#include "engine/crypto/sha256.h"
#include "engine/storage/column_codec.h"

namespace motcua {

namespace {

// The canonical value of an actor's identity provider: null when it has none.
nlohmann::json IdentityProviderOrNull(const Actor& actor) {
  return actor.identity_provider.empty() ? nlohmann::json()
                                         : nlohmann::json(actor.identity_provider);
}

}  // namespace

std::string CanonicalEvent(const std::string& dossier_code, std::int64_t index,
                           const DossierEvent& event) {
  // nlohmann::json objects keep keys sorted, so dump() is canonical.
  nlohmann::json canonical{
      {"dossier_code", dossier_code},
      {"idx", index},
      {"action", event.action},
      {"from_state", event.from_state},
      {"to_state", event.to_state},
      {"actor",
       {{"user_id", event.actor.user_id},
        {"roles", event.actor.roles},
        {"agency", event.actor.agency}}},
      {"at", ToSeconds(event.at)},
      {"step", StepName(event.step)},
      {"channel", nullptr},
      {"payload", event.payload},
  };
  if (event.channel) canonical["channel"] = static_cast<int>(*event.channel);
  if (event.records_authentication) {
    nlohmann::json& actor = canonical["actor"];
    actor["authenticated_by"] = std::string(AuthMethodName(event.actor.authenticated_by));
    actor["identity_provider"] = IdentityProviderOrNull(event.actor);
  }
  return canonical.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

// `value` as CanonicalEvent's dump() writes it.
std::string CanonicalJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

CanonicalEventTemplate CanonicalEventAround(const std::string& dossier_code,
                                            const DossierEvent& event,
                                            std::string_view payload_json) {
  // CanonicalEvent's object written key by key, in its sorted key order, each
  // value dumped with the same settings, without building the object (and
  // copying the payload) first. A test checks it against CanonicalEvent.
  CanonicalEventTemplate parts;
  std::string authentication;
  if (event.records_authentication) {
    authentication = ",\"authenticated_by\":" +
                     CanonicalJson(std::string(AuthMethodName(event.actor.authenticated_by))) +
                     ",\"identity_provider\":" + CanonicalJson(IdentityProviderOrNull(event.actor));
  }
  parts.head = "{\"action\":" + CanonicalJson(event.action) +
               ",\"actor\":{\"agency\":" + CanonicalJson(event.actor.agency) + authentication +
               ",\"roles\":" + CanonicalJson(event.actor.roles) +
               ",\"user_id\":" + CanonicalJson(event.actor.user_id) +
               "},\"at\":" + std::to_string(ToSeconds(event.at)) + ",\"channel\":" +
               (event.channel ? std::to_string(static_cast<int>(*event.channel)) : "null") +
               ",\"dossier_code\":" + CanonicalJson(dossier_code) +
               ",\"from_state\":" + CanonicalJson(event.from_state) + ",\"idx\":";
  parts.tail = ",\"payload\":" + std::string(payload_json) +
               ",\"step\":" + CanonicalJson(StepName(event.step)) +
               ",\"to_state\":" + CanonicalJson(event.to_state) + "}";
  return parts;
}

std::string EventHash(const CanonicalEventTemplate& canonical_event, std::int64_t index,
                      const std::string& previous_hash) {
  const std::string position = std::to_string(index);
  std::string input;
  input.reserve(canonical_event.head.size() + position.size() + canonical_event.tail.size() + 1 +
                previous_hash.size());
  input += canonical_event.head;
  input += position;
  input += canonical_event.tail;
  input += '\n';
  input += previous_hash;
  return Sha256Hex(input);
}

std::string EventHash(const std::string& canonical_event, const std::string& previous_hash) {
  std::string input;
  input.reserve(canonical_event.size() + 1 + previous_hash.size());
  input += canonical_event;
  input += '\n';
  input += previous_hash;
  return Sha256Hex(input);
}

}  // namespace motcua
