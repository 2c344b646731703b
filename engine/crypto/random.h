// random.h: secrets from the operating system's CSPRNG (OpenSSL RAND_bytes).
#pragma once

#include <cstddef>
#include <string>

namespace motcua {

// `bytes` random bytes as base64url without padding (43 characters for 32
// bytes): safe in headers, URLs and file names. Aborts the process if the
// CSPRNG fails, which only happens when the system cannot provide entropy.
std::string RandomToken(std::size_t bytes = 32);

}  // namespace motcua
