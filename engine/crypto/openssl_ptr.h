// openssl_ptr.h: RAII owners for OpenSSL objects and small helpers shared by
// the crypto adapter's sources. Internal to engine/crypto: includes OpenSSL,
// so no header outside this folder may include it.
#pragma once

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <climits>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "engine/domain/clock.h"

namespace motcua::ossl {

// Calls the OpenSSL free function `Free` on the owned pointer.
template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};

using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using CmsPtr = std::unique_ptr<CMS_ContentInfo, Deleter<CMS_ContentInfo_free>>;
using StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX_free>>;
using NamePtr = std::unique_ptr<X509_NAME, Deleter<X509_NAME_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using TimePtr = std::unique_ptr<ASN1_TIME, Deleter<ASN1_TIME_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;

// A stack of certificates that owns them (sk_X509_pop_free).
struct X509StackDeleter {
  void operator()(STACK_OF(X509) * stack) const { sk_X509_pop_free(stack, X509_free); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackDeleter>;

// A read-only memory BIO over `bytes` (which must outlive it); null if the
// bytes are too long for OpenSSL's int lengths.
inline BioPtr ReadBio(std::string_view bytes) {
  if (bytes.size() > static_cast<std::size_t>(INT_MAX)) return nullptr;
  return BioPtr(BIO_new_mem_buf(bytes.empty() ? "" : bytes.data(), static_cast<int>(bytes.size())));
}

// Everything written to the memory BIO `bio`.
inline std::string BioContents(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  if (length <= 0 || data == nullptr) return {};
  return std::string(data, static_cast<std::size_t>(length));
}

// The thread's OpenSSL error queue as "; "-separated text, emptying it.
inline std::string DrainErrors() {
  std::string text;
  char buffer[256];
  for (unsigned long code = ERR_get_error(); code != 0; code = ERR_get_error()) {
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text;
}

// " (openssl: ...)" for messages, or "" when the queue is empty; empties it.
inline std::string ErrorSuffix() {
  std::string errors = DrainErrors();
  return errors.empty() ? std::string() : " (openssl: " + errors + ")";
}

inline time_t ToTimeT(Instant t) {
  return static_cast<time_t>(t.time_since_epoch().count());
}

// A UTC instant from an ASN.1 UTCTime or GeneralizedTime, any fraction of a
// second dropped; nullopt for null or an unreadable time.
inline std::optional<Instant> ToInstant(const ASN1_TIME* time) {
  if (time == nullptr) return std::nullopt;  // ASN1_TIME_to_tm(nullptr) means "now"
  std::tm tm{};
  if (ASN1_TIME_to_tm(time, &tm) != 1) return std::nullopt;
  using namespace std::chrono;
  const year_month_day date{year{tm.tm_year + 1900}, month{static_cast<unsigned>(tm.tm_mon + 1)},
                            day{static_cast<unsigned>(tm.tm_mday)}};
  if (!date.ok()) return std::nullopt;
  return Instant{sys_days{date}} + hours{tm.tm_hour} + minutes{tm.tm_min} + seconds{tm.tm_sec};
}

}  // namespace motcua::ossl
