// hex.h: bytes as lowercase hexadecimal text and back, the one spelling of
// digests, hash-chain links and certificate fingerprints in motcua.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace motcua {

// `bytes` as lowercase hexadecimal, two characters per byte.
std::string LowerHex(std::string_view bytes);

// The bytes that `text` spells in lowercase hexadecimal; nullopt for an odd
// length or any other character (uppercase too, so that LowerHex gives
// `text` back exactly).
std::optional<std::string> ParseLowerHex(std::string_view text);

}  // namespace motcua
