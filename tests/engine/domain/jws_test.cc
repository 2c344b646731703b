#include "engine/domain/jws.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/domain/base64url.h"
#include "engine/domain/id_token_refusal.h"

namespace motcua {
namespace {

using nlohmann::json;

std::string Part(const std::string& text) {
  return Base64UrlEncode(text);
}

std::string Token(const json& header, const json& payload, const std::string& signature = "sig") {
  return Part(header.dump()) + "." + Part(payload.dump()) + "." + Part(signature);
}

const json kHeader = {{"alg", "RS256"}, {"kid", "k1"}, {"typ", "JWT"}};
const json kPayload = {{"iss", "https://sso.example.vn"}, {"sub", "001090012345"}};

std::optional<IdTokenRefusal> RefusalOf(const std::string& token) {
  Result<CompactJws> jws = ParseCompactJws(token);
  if (jws.ok()) return std::nullopt;
  CHECK(jws.error().reason() == ErrorReason::kIdTokenRefused);
  return IdTokenRefusalOf(jws.error());
}

TEST_CASE("jws: a well-formed token is taken apart into header, payload and signing input") {
  const std::string token = Token(kHeader, kPayload, "\x01\x02\x03");
  Result<CompactJws> jws = ParseCompactJws(token);
  REQUIRE(jws.ok());
  CHECK(jws->header == kHeader);
  CHECK(jws->payload == kPayload);
  CHECK(jws->algorithm == "RS256");
  CHECK(jws->key_id == std::optional<std::string>("k1"));
  CHECK(jws->type == std::optional<std::string>("JWT"));
  CHECK(jws->signature == "\x01\x02\x03");
  CHECK(jws->signing_input == token.substr(0, token.rfind('.')));
}

TEST_CASE("jws: kid and typ are optional, and an empty signature parses (alg is judged later)") {
  Result<CompactJws> jws = ParseCompactJws(Token({{"alg", "none"}}, kPayload, ""));
  REQUIRE(jws.ok());
  CHECK_FALSE(jws->key_id.has_value());
  CHECK_FALSE(jws->type.has_value());
  CHECK(jws->signature.empty());
  CHECK(jws->algorithm == "none");
}

TEST_CASE("jws: malformed tokens are refused as malformed") {
  const std::string good = Token(kHeader, kPayload);
  const std::string header = Part(kHeader.dump());
  const std::string payload = Part(kPayload.dump());
  struct Case {
    const char* name;
    std::string token;
  };
  const std::vector<Case> cases = {
      {"empty", ""},
      {"two parts", header + "." + payload},
      {"four parts", good + ".x"},
      {"padding in the header", header + "=." + payload + ".c2ln"},
      {"a space before the payload", header + ". " + payload + ".c2ln"},
      {"a line break in the signature", header + "." + payload + ".c2\nln"},
      {"the standard alphabet", header + "." + payload + ".c2l+"},
      {"padding in the signature", header + "." + payload + ".c2lnYQ=="},
      {"header not JSON", Part("{alg:RS256}") + "." + payload + ".c2ln"},
      {"header an array", Part("[1]") + "." + payload + ".c2ln"},
      {"payload not an object", header + "." + Part("\"sub\"") + ".c2ln"},
      {"payload empty", header + ".." + "c2ln"},
      {"no alg", Token({{"kid", "k1"}}, kPayload)},
      {"alg a number", Token({{"alg", 256}}, kPayload)},
      {"kid a number", Token({{"alg", "RS256"}, {"kid", 7}}, kPayload)},
      {"typ an object", Token({{"alg", "RS256"}, {"typ", json::object()}}, kPayload)},
      {"JSON text with trailing data", Part(kHeader.dump() + "x") + "." + payload + ".c2ln"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    CHECK(RefusalOf(c.token) == IdTokenRefusal::kMalformed);
  }
  CHECK_FALSE(RefusalOf(good).has_value());
}

TEST_CASE("jws: a deeply nested header is refused before it is built") {
  std::string nested = "1";
  for (int i = 0; i < 10'000; ++i) nested = "[" + nested + "]";
  // 100 levels fit in the size limit and reach the depth limit; 10,000
  // levels are stopped by the size limit before any parsing.
  const std::string shallow_enough = std::string(100, '[') + std::string(100, ']');
  const std::string token =
      Part(R"({"alg":"RS256","x":)" + shallow_enough + "}") + "." + Part(kPayload.dump()) + ".c2ln";
  REQUIRE(token.size() < kMaxCompactJwsBytes);
  Result<CompactJws> jws = ParseCompactJws(token);
  REQUIRE_FALSE(jws.ok());
  CHECK(IdTokenRefusalOf(jws.error()) == IdTokenRefusal::kMalformed);
  CHECK(jws.error().message().find("nests deeper than 8 levels") != std::string::npos);
  CHECK(RefusalOf(Part(nested) + "." + Part(kPayload.dump()) + ".c2ln") ==
        IdTokenRefusal::kTooLarge);
}

TEST_CASE("jws: a token over 16 KiB is refused as too large, one at the limit is read") {
  auto with_padding_claim = [](std::size_t filler) {
    json payload = kPayload;
    payload["filler"] = std::string(filler, 'a');
    return Token(kHeader, payload);
  };
  std::string at_limit = with_padding_claim(0);
  const std::size_t base = at_limit.size();
  // Each 3 filler bytes add 4 characters; find the largest token within the limit.
  std::size_t filler = (kMaxCompactJwsBytes - base) * 3 / 4;
  while (with_padding_claim(filler).size() > kMaxCompactJwsBytes) --filler;
  at_limit = with_padding_claim(filler);
  CHECK_FALSE(RefusalOf(at_limit).has_value());
  CHECK(RefusalOf(with_padding_claim(filler + 3)) == IdTokenRefusal::kTooLarge);
}

TEST_CASE("jws: a crit header is refused, whatever it names") {
  CHECK(RefusalOf(Token({{"alg", "RS256"}, {"crit", {"b64"}}, {"b64", false}}, kPayload)) ==
        IdTokenRefusal::kCriticalHeader);
  CHECK(RefusalOf(Token({{"alg", "RS256"}, {"crit", json::array()}}, kPayload)) ==
        IdTokenRefusal::kCriticalHeader);
}

TEST_CASE("jws: algorithm names map both ways, and only the four asymmetric ones exist") {
  for (JwsAlgorithm algorithm :
       {JwsAlgorithm::kRs256, JwsAlgorithm::kPs256, JwsAlgorithm::kEs256, JwsAlgorithm::kEdDsa}) {
    CHECK(JwsAlgorithmFromName(JwsAlgorithmName(algorithm)) == algorithm);
  }
  for (const char* name :
       {"none", "None", "HS256", "HS512", "RS384", "rs256", "ES256K", "Ed25519", ""}) {
    INFO(name);
    CHECK_FALSE(JwsAlgorithmFromName(name).has_value());
  }
}

}  // namespace
}  // namespace motcua
