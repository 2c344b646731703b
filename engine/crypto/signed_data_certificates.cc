#include "engine/crypto/signed_data_certificates.h"

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include <climits>
#include <cstring>
#include <functional>
#include <thread>
#include <utility>

namespace motcua::ossl {
namespace {

// One DER element: its header starts at `start`, its content is
// [content, content + length).
struct Element {
  const unsigned char* start = nullptr;
  const unsigned char* content = nullptr;
  long length = 0;
  int tag = 0;
  int tag_class = 0;
  bool constructed = false;

  const unsigned char* end() const { return content + length; }
  std::size_t size() const { return static_cast<std::size_t>(end() - start); }
  bool Is(int expected_tag, int expected_class) const {
    return constructed && tag == expected_tag && tag_class == expected_class;
  }
};

// The element starting at `at`, which must end by `limit`; nullopt for
// anything but a well-formed definite-length header (OpenSSL's
// ASN1_get_object reads it).
std::optional<Element> ReadElement(const unsigned char* at, const unsigned char* limit) {
  if (at >= limit) return std::nullopt;
  Element element;
  element.start = at;
  const unsigned char* content = at;
  const int flags =
      ASN1_get_object(&content, &element.length, &element.tag, &element.tag_class, limit - at);
  // 0x80: an error (also a length past `limit`); 0x01: indefinite length.
  if ((flags & 0x80) != 0 || (flags & 0x01) != 0) return std::nullopt;
  if (element.length < 0 || element.length > limit - content) return std::nullopt;
  element.content = content;
  element.constructed = (flags & V_ASN1_CONSTRUCTED) != 0;
  return element;
}

bool IsSignedDataOid(const Element& oid) {
  if (oid.constructed || oid.tag != V_ASN1_OBJECT || oid.tag_class != V_ASN1_UNIVERSAL) {
    return false;
  }
  const unsigned char* at = oid.start;
  ASN1_OBJECT* object = d2i_ASN1_OBJECT(nullptr, &at, static_cast<long>(oid.size()));
  const bool signed_data =
      object != nullptr && at == oid.end() && OBJ_obj2nid(object) == NID_pkcs7_signed;
  ASN1_OBJECT_free(object);
  return signed_data;
}

// The size of a constructed element with `content_length` bytes of content.
std::optional<int> ElementSize(std::size_t content_length, int tag) {
  if (content_length > static_cast<std::size_t>(INT_MAX)) return std::nullopt;
  const int size = ASN1_object_size(1, static_cast<int>(content_length), tag);
  if (size < 0) return std::nullopt;
  return size;
}

}  // namespace

std::optional<SplitSignedData> SplitCertificates(std::string_view der) {
  const auto* const begin = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* const limit = begin + der.size();
  // ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT SignedData }
  std::optional<Element> info = ReadElement(begin, limit);
  if (!info || !info->Is(V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL) || info->end() != limit) {
    return std::nullopt;
  }
  std::optional<Element> type = ReadElement(info->content, info->end());
  if (!type || !IsSignedDataOid(*type)) return std::nullopt;
  std::optional<Element> wrapper = ReadElement(type->end(), info->end());
  if (!wrapper || !wrapper->Is(0, V_ASN1_CONTEXT_SPECIFIC) || wrapper->end() != info->end()) {
    return std::nullopt;
  }
  // SignedData ::= SEQUENCE { version, digestAlgorithms, encapContentInfo,
  //   certificates [0] IMPLICIT OPTIONAL, crls [1] IMPLICIT OPTIONAL, signerInfos }
  std::optional<Element> signed_data = ReadElement(wrapper->content, wrapper->end());
  if (!signed_data || !signed_data->Is(V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL) ||
      signed_data->end() != wrapper->end()) {
    return std::nullopt;
  }
  const unsigned char* at = signed_data->content;
  for (int field = 0; field < 3; ++field) {
    std::optional<Element> skipped = ReadElement(at, signed_data->end());
    if (!skipped) return std::nullopt;
    at = skipped->end();
  }
  std::optional<Element> certificates = ReadElement(at, signed_data->end());
  if (!certificates || !certificates->Is(0, V_ASN1_CONTEXT_SPECIFIC)) return std::nullopt;

  SplitSignedData split;
  for (const unsigned char* cert = certificates->content; cert < certificates->end();) {
    std::optional<Element> certificate = ReadElement(cert, certificates->end());
    if (!certificate || !certificate->Is(V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL)) return std::nullopt;
    split.certificates.emplace_back(reinterpret_cast<const char*>(certificate->start),
                                    certificate->size());
    cert = certificate->end();
  }
  if (split.certificates.empty()) return std::nullopt;

  // The same elements around the SignedData, with shorter lengths.
  const std::size_t signed_data_content =
      static_cast<std::size_t>(signed_data->length) - certificates->size();
  const std::optional<int> signed_data_size = ElementSize(signed_data_content, V_ASN1_SEQUENCE);
  if (!signed_data_size) return std::nullopt;
  const std::optional<int> wrapper_size =
      ElementSize(static_cast<std::size_t>(*signed_data_size), 0);
  if (!wrapper_size) return std::nullopt;
  const std::size_t info_content = type->size() + static_cast<std::size_t>(*wrapper_size);
  const std::optional<int> info_size = ElementSize(info_content, V_ASN1_SEQUENCE);
  if (!info_size) return std::nullopt;

  split.without_certificates.resize(static_cast<std::size_t>(*info_size));
  auto* out = reinterpret_cast<unsigned char*>(split.without_certificates.data());
  ASN1_put_object(&out, 1, static_cast<int>(info_content), V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL);
  std::memcpy(out, type->start, type->size());
  out += type->size();
  ASN1_put_object(&out, 1, *signed_data_size, 0, V_ASN1_CONTEXT_SPECIFIC);
  ASN1_put_object(&out, 1, static_cast<int>(signed_data_content), V_ASN1_SEQUENCE,
                  V_ASN1_UNIVERSAL);
  const std::size_t before = static_cast<std::size_t>(certificates->start - signed_data->content);
  std::memcpy(out, signed_data->content, before);
  out += before;
  const std::size_t after = static_cast<std::size_t>(signed_data->end() - certificates->end());
  std::memcpy(out, certificates->end(), after);
  out += after;
  if (out != reinterpret_cast<unsigned char*>(split.without_certificates.data()) +
                 split.without_certificates.size()) {
    return std::nullopt;
  }
  return split;
}

// The key of `der` for the calling thread: its id, then the bytes.
std::string CertificateCache::KeyOf(std::string_view der) {
  const std::size_t thread = std::hash<std::thread::id>()(std::this_thread::get_id());
  std::string key(sizeof thread, '\0');
  std::memcpy(key.data(), &thread, sizeof thread);
  key.append(der);
  return key;
}

X509Ptr CertificateCache::Get(std::string_view der) {
  const bool keep = der.size() <= kMaxKeptBytes;
  const std::string key = keep ? KeyOf(der) : std::string();
  if (keep) {
    std::lock_guard lock(mutex_);
    if (auto found = parsed_.find(key); found != parsed_.end()) {
      X509_up_ref(found->second.get());
      return X509Ptr(found->second.get());
    }
  }
  if (der.size() > static_cast<std::size_t>(LONG_MAX)) return nullptr;
  const auto* at = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr certificate(d2i_X509(nullptr, &at, static_cast<long>(der.size())));
  if (!certificate || at != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    return nullptr;
  }
  // OpenSSL fills a certificate's cached extensions (key identifiers,
  // purposes) the first time a verification asks, writing into the object.
  X509_check_purpose(certificate.get(), -1, 0);
  if (!keep) return certificate;
  X509_up_ref(certificate.get());
  X509Ptr kept(certificate.get());
  std::lock_guard lock(mutex_);
  if (parsed_.size() >= max_entries_) parsed_.clear();
  parsed_.insert_or_assign(key, std::move(kept));
  return certificate;
}

std::size_t CertificateCache::size() const {
  std::lock_guard lock(mutex_);
  return parsed_.size();
}

CmsPtr ParseWithCachedCertificates(std::string_view der, CertificateCache& cache) {
  std::optional<SplitSignedData> split = SplitCertificates(der);
  if (!split) return nullptr;
  std::vector<X509Ptr> certificates;
  certificates.reserve(split->certificates.size());
  for (std::string_view certificate : split->certificates) {
    certificates.push_back(cache.Get(certificate));
    if (!certificates.back()) return nullptr;
  }
  const auto* const begin =
      reinterpret_cast<const unsigned char*>(split->without_certificates.data());
  const unsigned char* next = begin;
  CmsPtr cms(
      d2i_CMS_ContentInfo(nullptr, &next, static_cast<long>(split->without_certificates.size())));
  if (!cms || next != begin + split->without_certificates.size()) return nullptr;
  for (const X509Ptr& certificate : certificates) {
    if (CMS_add1_cert(cms.get(), certificate.get()) != 1) return nullptr;
  }
  return cms;
}

}  // namespace motcua::ossl
