// signed_data_certificates.h: parsing a CMS SignedData without parsing its
// embedded certificates again each time.
//
// Why: OpenSSL 3.0 decodes every certificate's public key through its
// provider decoders, and sets those up anew for each key (about 60% of
// d2i_CMS_ContentInfo's time for a leader's signature with its chain).
// Signers send the same few certificates with every signature, so the
// verifier splits them off the DER, parses the rest, and adds certificates
// parsed once from a cache. What is verified is the same: certificates are
// outside what the signer signs, and the cache hands out the certificate that
// exactly those DER bytes encode.
//
// Internal to engine/crypto: includes OpenSSL (openssl_ptr.h).
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/crypto/openssl_ptr.h"

namespace motcua::ossl {

// The DER of a CMS ContentInfo holding a SignedData, split in two:
// `without_certificates` is the same encoding with the SignedData's
// `certificates` field left out (the three enclosing lengths re-encoded),
// and `certificates` views the DER of each certificate that field held, in
// order, inside the input.
struct SplitSignedData {
  std::string without_certificates;
  std::vector<std::string_view> certificates;
};

// The split of `der`; nullopt unless `der` is exactly one definite-length
// ContentInfo whose content is a SignedData with a `certificates` field of
// plain X.509 certificates (no attribute or other certificate choices) and
// nothing after it. Callers parse anything else whole, as before.
std::optional<SplitSignedData> SplitCertificates(std::string_view der);

// Certificates parsed from DER, by their exact bytes, so that a certificate
// seen before is not parsed again. Holds at most `max_entries`; when full, it
// is emptied (certificates then parse again). Thread-safe, and each thread
// gets certificates of its own: OpenSSL 3.0 still writes into a certificate
// while verifying with it (ThreadSanitizer found races between verifications
// sharing one, even with its extensions cached first), so a certificate
// object is never used by two threads. A thread parses each certificate
// once.
class CertificateCache {
 public:
  explicit CertificateCache(std::size_t max_entries) : max_entries_(max_entries) {}

  // The certificate `der` encodes, with a reference for the caller; null if
  // `der` is not exactly one DER certificate.
  X509Ptr Get(std::string_view der);

  std::size_t size() const;

  // Certificates larger than this are parsed every time, not kept, so that
  // a client sending huge certificates cannot make the cache hold
  // max_entries of them (real ones are 1-2 KiB).
  static constexpr std::size_t kMaxKeptBytes = 16 * 1024;

 private:
  static std::string KeyOf(std::string_view der);

  const std::size_t max_entries_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, X509Ptr> parsed_;
};

// The CMS ContentInfo `der` encodes, with its certificates taken from
// `cache`, in their order; null when `der` does not split
// (SplitCertificates) or a part does not parse. The caller then parses `der`
// whole, which also says what is wrong with it.
CmsPtr ParseWithCachedCertificates(std::string_view der, CertificateCache& cache);

}  // namespace motcua::ossl
