#include "engine/crypto/verified_chains.h"

#include <algorithm>

namespace motcua::ossl {
namespace {

// Seconds since the epoch of an ASN.1 UTCTime or GeneralizedTime, any
// fraction dropped.
std::optional<std::int64_t> Seconds(const ASN1_TIME* time) {
  const std::optional<Instant> at = ToInstant(time);
  if (!at) return std::nullopt;
  return at->time_since_epoch().count();
}

}  // namespace

bool TimeWindow::Narrow(const ASN1_TIME* not_before, const ASN1_TIME* not_after) {
  const std::optional<std::int64_t> start = Seconds(not_before);
  if (!start) return false;
  from = std::max(from, *start + 1);
  if (not_after != nullptr) {
    const std::optional<std::int64_t> end = Seconds(not_after);
    if (!end) return false;
    until = std::min(until, *end);
  }
  return true;
}

std::optional<TimeWindow> CrlsWindow(STACK_OF(X509_CRL) * crls) {
  TimeWindow window;
  for (int i = 0; i < sk_X509_CRL_num(crls); ++i) {
    const X509_CRL* crl = sk_X509_CRL_value(crls, i);
    if (!window.Narrow(X509_CRL_get0_lastUpdate(crl), X509_CRL_get0_nextUpdate(crl))) {
      return std::nullopt;
    }
  }
  return window;
}

std::optional<std::string> VerifiedChains::KeyOf(const X509* signer, STACK_OF(X509) * included) {
  const int count = sk_X509_num(included);
  int signer_at = -1;
  for (int i = 0; i < count; ++i) {
    if (sk_X509_value(included, i) == signer) signer_at = i;
  }
  if (signer_at < 0) return std::nullopt;
  std::string key = std::to_string(signer_at);
  for (int i = 0; i < count; ++i) {
    const int size = i2d_X509(sk_X509_value(included, i), nullptr);
    if (size <= 0) return std::nullopt;
    const std::string length = ";" + std::to_string(size) + ":";
    if (key.size() + length.size() + static_cast<std::size_t>(size) > kMaxKeyBytes) {
      return std::nullopt;
    }
    key += length;
    const std::size_t start = key.size();
    key.resize(start + static_cast<std::size_t>(size));
    auto* out = reinterpret_cast<unsigned char*>(key.data() + start);
    if (i2d_X509(sk_X509_value(included, i), &out) != size) return std::nullopt;
  }
  return key;
}

bool VerifiedChains::Holds(const std::string& key, std::int64_t at) const {
  std::lock_guard lock(mutex_);
  const auto found = windows_.find(key);
  return found != windows_.end() && found->second.Contains(at);
}

void VerifiedChains::Remember(std::string key, std::int64_t at, STACK_OF(X509) * chain,
                              bool check_crls, const TimeWindow& crls) {
  TimeWindow window = check_crls ? crls : TimeWindow{};
  if (sk_X509_num(chain) <= 0) return;
  for (int i = 0; i < sk_X509_num(chain); ++i) {
    const X509* cert = sk_X509_value(chain, i);
    if (!window.Narrow(X509_get0_notBefore(cert), X509_get0_notAfter(cert))) return;
  }
  if (!window.Contains(at)) return;
  std::lock_guard lock(mutex_);
  if (windows_.size() >= max_entries_) windows_.clear();
  windows_.insert_or_assign(std::move(key), window);
}

std::size_t VerifiedChains::size() const {
  std::lock_guard lock(mutex_);
  return windows_.size();
}

}  // namespace motcua::ossl
