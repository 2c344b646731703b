#include "engine/domain/oidc_provider_config.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>

#include "engine/domain/http_url.h"

namespace motcua {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxProviders = 32;
constexpr std::int64_t kMaxClockSkewSeconds = 300;
constexpr std::int64_t kMaxJwksRefetchIntervalSeconds = 3600;

// Collects the problems of one document, each at its JSON pointer.
class Problems {
 public:
  void Add(std::string pointer, std::string sentence) {
    fields_.push_back(FieldError{std::move(pointer), std::move(sentence)});
  }
  bool empty() const { return fields_.empty(); }
  Error ToError() const {
    std::string message;
    for (const FieldError& field : fields_) {
      if (!message.empty()) message += "; ";
      message += (field.pointer.empty() ? "/" : field.pointer) + ": " + field.message;
    }
    return Error(ErrorCode::kInvalidArgument, message, ErrorReason::kOidcConfigInvalid, fields_);
  }

 private:
  std::vector<FieldError> fields_;
};

bool IsProviderId(const std::string& id) {
  return !id.empty() && id.size() <= 32 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

// A non-empty string of at most `max_bytes`, or nullopt (with a problem).
std::optional<std::string> NonEmptyString(const json& value, const std::string& pointer,
                                          std::size_t max_bytes, Problems& problems) {
  if (!value.is_string() || value.get_ref<const std::string&>().empty() ||
      value.get_ref<const std::string&>().size() > max_bytes) {
    problems.Add(pointer,
                 "must be a non-empty string of at most " + std::to_string(max_bytes) + " bytes");
    return std::nullopt;
  }
  return value.get<std::string>();
}

// A non-empty array of non-empty strings without spaces, or nullopt.
std::optional<std::vector<std::string>> Words(const json& value, const std::string& pointer,
                                              Problems& problems) {
  bool ok = value.is_array() && !value.empty() && value.size() <= 32;
  std::vector<std::string> words;
  for (std::size_t i = 0; ok && i < value.size(); ++i) {
    const json& word = value[i];
    ok = word.is_string() && !word.get_ref<const std::string&>().empty() &&
         word.get_ref<const std::string&>().size() <= 128 &&
         word.get_ref<const std::string&>().find_first_of(" \t\r\n") == std::string::npos;
    if (ok) words.push_back(word.get<std::string>());
  }
  if (!ok) {
    problems.Add(pointer, "must be a non-empty array of at most 32 words without spaces");
    return std::nullopt;
  }
  return words;
}

void ParseProvider(const json& object, const std::string& at, OidcProviderConfig& provider,
                   Problems& problems) {
  static const std::set<std::string, std::less<>> kKnown = {"id",
                                                            "kind",
                                                            "issuer",
                                                            "client_id",
                                                            "client_secret_file",
                                                            "scopes",
                                                            "agency",
                                                            "redirect_uri",
                                                            "identity_claim",
                                                            "allowed_algorithms",
                                                            "ca_file",
                                                            "clock_skew_seconds",
                                                            "jwks_refetch_interval_seconds",
                                                            "allow_loopback_http"};
  for (const auto& [key, value] : object.items()) {
    if (kKnown.count(key) == 0) problems.Add(at + "/" + key, "is not a known provider setting");
  }
  // allow_loopback_http first: the URL checks depend on it.
  if (const auto loopback = object.find("allow_loopback_http"); loopback != object.end()) {
    if (loopback->is_boolean()) {
      provider.allow_loopback_http = loopback->get<bool>();
    } else {
      problems.Add(at + "/allow_loopback_http", "must be true or false");
    }
  }
  auto required = [&](const char* name) -> const json* {
    const auto found = object.find(name);
    if (found != object.end()) return &*found;
    problems.Add(at + "/" + name, "is missing");
    return nullptr;
  };
  auto text = [&](const char* name, std::string& out, std::size_t max_bytes) {
    if (const json* value = required(name)) {
      if (auto parsed = NonEmptyString(*value, at + "/" + name, max_bytes, problems)) out = *parsed;
    }
  };
  auto url = [&](const char* name, std::string& out) {
    text(name, out, 2048);
    if (!out.empty() && !IsAllowedProviderUrl(out, provider.allow_loopback_http)) {
      problems.Add(at + "/" + name, provider.allow_loopback_http
                                        ? "must be an https URL or an http URL to a loopback host"
                                        : "must be an https URL");
    }
  };
  if (const json* id = required("id")) {
    if (id->is_string() && IsProviderId(id->get<std::string>())) {
      provider.id = id->get<std::string>();
    } else {
      problems.Add(at + "/id", "must be 1-32 characters of a-z, 0-9, - and _");
    }
  }
  if (const json* kind = required("kind")) {
    if (*kind == "citizen") {
      provider.kind = OidcProviderKind::kCitizen;
    } else if (*kind == "staff") {
      provider.kind = OidcProviderKind::kStaff;
    } else {
      problems.Add(at + "/kind", "must be \"citizen\" or \"staff\"");
    }
  }
  url("issuer", provider.issuer);
  text("client_id", provider.client_id, 255);
  text("client_secret_file", provider.client_secret_file, 4096);
  url("redirect_uri", provider.redirect_uri);
  if (const auto scopes = object.find("scopes"); scopes != object.end()) {
    if (auto words = Words(*scopes, at + "/scopes", problems)) {
      if (std::find(words->begin(), words->end(), "openid") == words->end()) {
        problems.Add(at + "/scopes", "must contain \"openid\"");
      }
      provider.scopes = std::move(*words);
    }
  }
  const bool citizen = provider.kind == OidcProviderKind::kCitizen;
  const bool kind_known =
      object.contains("kind") && (object["kind"] == "citizen" || object["kind"] == "staff");
  for (const auto& [name, wanted, out] :
       {std::tuple<const char*, bool, std::string*>{"identity_claim", citizen,
                                                    &provider.identity_claim},
        std::tuple<const char*, bool, std::string*>{"agency", !citizen, &provider.agency}}) {
    if (!kind_known) continue;
    if (wanted) {
      text(name, *out, 255);
    } else if (object.contains(name)) {
      problems.Add(at + "/" + name,
                   std::string("is only for ") + (citizen ? "staff" : "citizen") + " providers");
    }
  }
  if (const auto algorithms = object.find("allowed_algorithms"); algorithms != object.end()) {
    const std::string pointer = at + "/allowed_algorithms";
    if (auto names = Words(*algorithms, pointer, problems)) {
      provider.allowed_algorithms.clear();
      for (const std::string& name : *names) {
        if (std::optional<JwsAlgorithm> algorithm = JwsAlgorithmFromName(name)) {
          provider.allowed_algorithms.push_back(*algorithm);
        } else {
          problems.Add(pointer,
                       "\"" + name.substr(0, 32) + "\" is not one of RS256, PS256, ES256, EdDSA");
        }
      }
    }
  }
  if (const auto skew = object.find("clock_skew_seconds"); skew != object.end()) {
    if (skew->is_number_integer() && skew->get<std::int64_t>() >= 0 &&
        skew->get<std::int64_t>() <= kMaxClockSkewSeconds) {
      provider.clock_skew = std::chrono::seconds(skew->get<std::int64_t>());
    } else {
      problems.Add(at + "/clock_skew_seconds", "must be an integer from 0 to 300");
    }
  }
  if (const auto interval = object.find("jwks_refetch_interval_seconds");
      interval != object.end()) {
    if (interval->is_number_integer() && interval->get<std::int64_t>() >= 1 &&
        interval->get<std::int64_t>() <= kMaxJwksRefetchIntervalSeconds) {
      provider.jwks_refetch_interval = std::chrono::seconds(interval->get<std::int64_t>());
    } else {
      problems.Add(at + "/jwks_refetch_interval_seconds", "must be an integer from 1 to 3600");
    }
  }
  if (const auto ca_file = object.find("ca_file"); ca_file != object.end()) {
    if (auto path = NonEmptyString(*ca_file, at + "/ca_file", 4096, problems)) {
      provider.ca_file = *path;
    }
  }
}

}  // namespace

Result<std::vector<OidcProviderConfig>> ParseOidcProviderConfig(const json& document) {
  Problems problems;
  if (!document.is_object()) {
    problems.Add("", "must be a JSON object with \"providers\"");
    return problems.ToError();
  }
  for (const auto& [key, value] : document.items()) {
    if (key != "providers") problems.Add("/" + key, "is not a known setting");
  }
  const auto list = document.find("providers");
  if (list == document.end() || !list->is_array() || list->empty() ||
      list->size() > kMaxProviders) {
    problems.Add("/providers", "must be an array of 1 to 32 providers");
    return problems.ToError();
  }
  std::vector<OidcProviderConfig> providers;
  std::set<std::string> ids;
  bool citizen_seen = false;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string at = "/providers/" + std::to_string(i);
    const json& object = (*list)[i];
    if (!object.is_object()) {
      problems.Add(at, "must be an object");
      continue;
    }
    OidcProviderConfig provider;
    ParseProvider(object, at, provider, problems);
    if (!provider.id.empty() && !ids.insert(provider.id).second) {
      problems.Add(at + "/id", "repeats the id of an earlier provider");
    }
    if (object.value("kind", json()) == "citizen") {
      if (citizen_seen) problems.Add(at + "/kind", "a second citizen provider is not supported");
      citizen_seen = true;
    }
    providers.push_back(std::move(provider));
  }
  if (!problems.empty()) return problems.ToError();
  return providers;
}

DiscoveryExpectations DiscoveryExpectationsOf(const OidcProviderConfig& provider) {
  DiscoveryExpectations expectations;
  expectations.issuer = provider.issuer;
  expectations.allowed_algorithms = provider.allowed_algorithms;
  expectations.allow_loopback_http = provider.allow_loopback_http;
  return expectations;
}

}  // namespace motcua
