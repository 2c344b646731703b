// content_hasher.h: the SHA-256 function services use to name bytes.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace motcua {

// SHA-256 of the bytes as 64 lowercase hex digits (engine/crypto provides it).
using ContentHasher = std::function<std::string(std::string_view)>;

}  // namespace motcua
