#include "engine/service/jwks_cache.h"

#include <set>
#include <utility>

#include "engine/domain/id_token_refusal.h"
#include "engine/domain/json_parse.h"

namespace motcua {
namespace {

// {"keys":[{"x5c":["..."]}]} nests 3 levels; leave room, refuse absurdity.
constexpr std::size_t kMaxJwksDepth = 8;

}  // namespace

JwksCache::JwksCache(std::string jwks_uri, const JwksFetcher& fetcher, const JwkImporter& importer,
                     const Clock& clock, JwksCacheOptions options)
    : jwks_uri_(std::move(jwks_uri)),
      fetcher_(fetcher),
      importer_(importer),
      clock_(clock),
      options_(std::move(options)) {}

void JwksCache::Log(const std::string& line) const {
  if (options_.log) options_.log("jwks " + jwks_uri_ + ": " + line);
}

std::shared_ptr<const JwsPublicKey> JwksCache::Lookup(const std::optional<std::string>& key_id,
                                                      JwsAlgorithm algorithm) const {
  std::shared_ptr<const JwsPublicKey> found;
  for (const auto& key : keys_) {
    if (key_id) {
      if (key->key_id() == *key_id) return key;
    } else if (key->Fits(algorithm)) {
      if (found) return nullptr;  // ambiguous without a kid
      found = key;
    }
  }
  return found;
}

Result<JwksCache::Keys> JwksCache::FetchKeys() const {
  Result<std::string> document = fetcher_.Fetch(jwks_uri_);
  if (!document.ok()) {
    return IdTokenRefused(IdTokenRefusal::kKeysUnavailable,
                          "cannot fetch " + jwks_uri_ + ": " + document.error().message());
  }
  Result<nlohmann::json> json =
      ParseJson(*document, {.max_depth = kMaxJwksDepth, .max_bytes = options_.max_document_bytes});
  if (!json.ok() || !json->is_object() || !json->contains("keys") || !(*json)["keys"].is_array()) {
    return IdTokenRefused(
        IdTokenRefusal::kKeysUnavailable,
        jwks_uri_ + " is not a JWKS document" +
            (json.ok() ? std::string(" (no keys array)") : " (" + json.error().message() + ")"));
  }
  const nlohmann::json& members = (*json)["keys"];
  if (members.size() > options_.max_keys) {
    Log("only the first " + std::to_string(options_.max_keys) + " of " +
        std::to_string(members.size()) + " keys are read");
  }
  Keys keys;
  std::set<std::string> key_ids;
  for (std::size_t i = 0; i < members.size() && i < options_.max_keys; ++i) {
    Result<std::shared_ptr<const JwsPublicKey>> key = importer_.Import(members[i]);
    if (!key.ok()) {
      Log("key #" + std::to_string(i) + " skipped: " + key.error().message());
      continue;
    }
    if (!key_ids.insert((*key)->key_id()).second) {
      Log("key #" + std::to_string(i) + " skipped: it repeats the kid " +
          QuotedForLog((*key)->key_id()));
      continue;
    }
    keys.push_back(std::move(key).value());
  }
  return keys;
}

Result<std::shared_ptr<const JwsPublicKey>> JwksCache::FindKey(
    const std::optional<std::string>& key_id, JwsAlgorithm algorithm) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (auto key = Lookup(key_id, algorithm)) return key;
    if (!fetching_) break;
    fetch_finished_.wait(lock);
  }
  const std::string wanted = key_id ? "the kid " + QuotedForLog(*key_id)
                                    : std::string("one key for ") + JwsAlgorithmName(algorithm);
  const Instant now = clock_.Now();
  if (last_fetch_ && now - *last_fetch_ < options_.min_refetch_interval) {
    return IdTokenRefused(IdTokenRefusal::kUnknownKid,
                          "no key has " + wanted + ", and the key set was fetched less than " +
                              std::to_string(options_.min_refetch_interval.count()) + " s ago");
  }
  fetching_ = true;
  last_fetch_ = now;
  lock.unlock();
  Result<Keys> fetched = Error(ErrorCode::kInternal, "the key set fetch did not finish");
  try {
    fetched = FetchKeys();
  } catch (...) {
    lock.lock();
    fetching_ = false;
    fetch_finished_.notify_all();
    throw;
  }
  lock.lock();
  fetching_ = false;
  fetch_finished_.notify_all();
  if (!fetched.ok()) {
    Log(fetched.error().message());
    return fetched.error();
  }
  keys_ = std::move(fetched).value();
  if (auto key = Lookup(key_id, algorithm)) return key;
  return IdTokenRefused(IdTokenRefusal::kUnknownKid,
                        "no key of " + jwks_uri_ + " has " + wanted + ", even after a refetch");
}

}  // namespace motcua
