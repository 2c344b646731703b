#include "engine/storage/event_chain.h"

#include <nlohmann/json.hpp>

#include "engine/crypto/sha256.h"
#include "engine/domain/json_text.h"
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

CanonicalEventTemplate CanonicalEventAround(const std::string& dossier_code,
                                            const DossierEvent& event,
                                            std::string_view payload_json) {
  // CanonicalEvent's object written key by key, in its sorted key order, each
  // value as its dump() writes it (json_text.h), without building the object
  // (and copying the payload) first. A test checks it against CanonicalEvent.
  CanonicalEventTemplate parts;
  std::string& head = parts.head;
  head.reserve(256);
  head += "{\"action\":";
  AppendJsonString(head, event.action);
  head += ",\"actor\":{\"agency\":";
  AppendJsonString(head, event.actor.agency);
  if (event.records_authentication) {
    head += ",\"authenticated_by\":";
    AppendJsonString(head, AuthMethodName(event.actor.authenticated_by));
    head += ",\"identity_provider\":";
    if (event.actor.identity_provider.empty()) {
      head += "null";
    } else {
      AppendJsonString(head, event.actor.identity_provider);
    }
  }
  head += ",\"roles\":";
  AppendJsonStrings(head, event.actor.roles);
  head += ",\"user_id\":";
  AppendJsonString(head, event.actor.user_id);
  head += "},\"at\":";
  head += std::to_string(ToSeconds(event.at));
  head += ",\"channel\":";
  head += event.channel ? std::to_string(static_cast<int>(*event.channel)) : "null";
  head += ",\"dossier_code\":";
  AppendJsonString(head, dossier_code);
  head += ",\"from_state\":";
  AppendJsonString(head, event.from_state);
  head += ",\"idx\":";

  std::string& tail = parts.tail;
  tail.reserve(payload_json.size() + 64);
  tail += ",\"payload\":";
  tail += payload_json;
  tail += ",\"step\":";
  AppendJsonString(tail, StepName(event.step));
  tail += ",\"to_state\":";
  AppendJsonString(tail, event.to_state);
  tail += '}';
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
