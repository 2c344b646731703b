// verified_chains.h: certificate chains the signature verifier has already
// validated, so that a leader who signs again with the same certificates
// does not have the whole chain checked again (two signature verifications
// and the CRL look-ups, about half of a CMS verification's time).
//
// What makes reuse safe. X509_verify_cert's answer, for one trust store and
// one set of flags, depends on the certificates it is given and on the check
// time, and on the time only through:
//  - each chain certificate's validity (notBefore <= t < notAfter);
//  - each CRL's validity (lastUpdate <= t < nextUpdate), which also decides
//    which CRL is used when an issuer has several.
// Revocation itself does not depend on the time (OpenSSL does not compare
// revocationDate). So a chain that validated at one time validates at any
// other time inside all of those windows at once; outside them it is
// checked in full again. The windows are taken one second narrower at the
// start than OpenSSL's, so that a fraction of a second in an ASN.1 time can
// only cause a full check, never a wrong answer.
//
// Only successes are kept. Keys are the exact DER of the certificates, not a
// digest of them, so two different chains never share an entry.
//
// Internal to engine/crypto: includes OpenSSL (openssl_ptr.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "engine/crypto/openssl_ptr.h"

namespace motcua::ossl {

// Seconds since the epoch, half-open: a time t is inside when
// from <= t < until.
struct TimeWindow {
  std::int64_t from = std::numeric_limits<std::int64_t>::min();
  std::int64_t until = std::numeric_limits<std::int64_t>::max();

  bool Contains(std::int64_t t) const { return from <= t && t < until; }
  // Narrows this window to lie inside [not_before + 1 s, not_after); false
  // if either time cannot be read (the window is then unusable).
  bool Narrow(const ASN1_TIME* not_before, const ASN1_TIME* not_after);
};

// The window in which every CRL of `crls` is valid (a CRL without
// nextUpdate bounds only the start); nullopt if a time cannot be read.
std::optional<TimeWindow> CrlsWindow(STACK_OF(X509_CRL) * crls);

class VerifiedChains {
 public:
  // Holds at most `max_entries`; when full, it is emptied.
  explicit VerifiedChains(std::size_t max_entries) : max_entries_(max_entries) {}

  // The key of the chain a CMS offers: the signer's position among
  // `included`, then each included certificate's DER, length-prefixed.
  // nullopt when the signer is not among them, a certificate does not
  // encode, or the key would exceed kMaxKeyBytes (such chains are checked
  // every time).
  static std::optional<std::string> KeyOf(const X509* signer, STACK_OF(X509) * included);

  // True when the chain of `key` validated before, and `at` (seconds since
  // the epoch) lies inside the window in which that validation holds.
  bool Holds(const std::string& key, std::int64_t at) const;

  // Records that the chain of `key` validated at `at`: `chain` is the
  // validated chain (X509_STORE_CTX_get0_chain), `crls` the trust store's
  // CRL window (ignored when `check_crls` is false). Nothing is kept when
  // the window cannot be read or does not contain `at`.
  void Remember(std::string key, std::int64_t at, STACK_OF(X509) * chain, bool check_crls,
                const TimeWindow& crls);

  std::size_t size() const;

  static constexpr std::size_t kMaxKeyBytes = 32 * 1024;

 private:
  const std::size_t max_entries_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, TimeWindow> windows_;
};

}  // namespace motcua::ossl
