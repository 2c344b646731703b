#include "engine/crypto/sha256.h"

#include <openssl/evp.h>

#include <array>
#include <memory>

#include "engine/crypto/hex.h"

namespace motcua {
namespace {

// OpenSSL 3 looks an algorithm given as EVP_sha256() up again, under locks
// shared by every thread, on each EVP_DigestInit; one fetched here is used
// as is. Fetched once, kept for the life of the process; null only if the
// default provider lacks SHA-256, and then EVP_sha256() is used instead.
const EVP_MD* Sha256Algorithm() {
  static const EVP_MD* const fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return fetched != nullptr ? fetched : EVP_sha256();
}

struct ContextDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

// A digest context per thread, reinitialised for every digest, so that
// hashing allocates nothing but the returned string.
EVP_MD_CTX* ThreadContext() {
  thread_local const std::unique_ptr<EVP_MD_CTX, ContextDeleter> context(EVP_MD_CTX_new());
  return context.get();
}

}  // namespace

std::string Sha256(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  // Digesting cannot fail for SHA-256 on in-memory input short of memory
  // exhaustion; an empty result would then fail every later comparison.
  EVP_MD_CTX* context = ThreadContext();
  if (context == nullptr || EVP_DigestInit_ex2(context, Sha256Algorithm(), nullptr) != 1 ||
      EVP_DigestUpdate(context, bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(context, digest.data(), &length) != 1) {
    return {};
  }
  return std::string(digest.begin(), digest.begin() + length);
}

std::string Sha256Hex(std::string_view bytes) {
  return LowerHex(Sha256(bytes));
}

bool IsSha256Hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace motcua
