#include "engine/crypto/openssl_cms.h"

#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <initializer_list>
#include <sstream>
#include <system_error>
#include <vector>

#include "engine/crypto/hex.h"
#include "engine/crypto/key_file.h"
#include "engine/crypto/openssl_ptr.h"
#include "engine/crypto/sha256.h"
#include "engine/crypto/signed_data_certificates.h"
#include "engine/crypto/verified_chains.h"
#include "engine/domain/rfc3339.h"
#include "engine/domain/status_macros.h"

namespace motcua {

struct TrustStore::Impl {
  ossl::StorePtr store;
  std::size_t count = 0;
  std::size_t crl_count = 0;  // > 0: every verification checks the signer's CRL
  // Where every CRL is valid (verified_chains.h); nullopt when a CRL's time
  // cannot be read, and then no validated chain is reused.
  std::optional<ossl::TimeWindow> crls_window;
};

namespace {

using Pkcs12Ptr = std::unique_ptr<PKCS12, ossl::Deleter<PKCS12_free>>;
using StoreCtxPtr = ossl::StoreCtxPtr;

struct OpenSslStringDeleter {
  void operator()(char* p) const { OPENSSL_free(p); }
};
using OpenSslString = std::unique_ptr<char, OpenSslStringDeleter>;

using CrlPtr = std::unique_ptr<X509_CRL, ossl::Deleter<X509_CRL_free>>;
struct CrlStackDeleter {
  void operator()(STACK_OF(X509_CRL) * stack) const { sk_X509_CRL_pop_free(stack, X509_CRL_free); }
};
using CrlStackPtr = std::unique_ptr<STACK_OF(X509_CRL), CrlStackDeleter>;

// A rejected signature: kInvalidArgument with `reason`, and OpenSSL's own
// account (if any) appended to the message.
Error Rejected(ErrorReason reason, const std::string& message) {
  return Error(ErrorCode::kInvalidArgument, "signature rejected: " + message + ossl::ErrorSuffix(),
               reason);
}

Error Internal(const std::string& what) {
  return Error(ErrorCode::kInternal, what + ossl::ErrorSuffix());
}

std::string Hex(const unsigned char* bytes, std::size_t size) {
  return LowerHex(std::string_view(reinterpret_cast<const char*>(bytes), size));
}

// Overwrites `secret` before it is released.
void Wipe(std::string& secret) {
  if (!secret.empty()) OPENSSL_cleanse(secret.data(), secret.size());
  secret.clear();
}

class WipeOnExit {
 public:
  explicit WipeOnExit(std::string& secret) : secret_(secret) {}
  ~WipeOnExit() { Wipe(secret_); }
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;

 private:
  std::string& secret_;
};

// Every certificate in the PEM text `pem`, in order (other PEM blocks are
// skipped). kInvalidArgument with `reason` if a certificate block is corrupt.
Result<ossl::X509StackPtr> ReadCertificates(std::string_view pem, const std::string& what,
                                            ErrorReason reason) {
  ossl::X509StackPtr certs(sk_X509_new_null());
  if (!certs) return Internal("out of memory");
  ossl::BioPtr bio = ossl::ReadBio(pem);
  if (!bio) return Error(ErrorCode::kInvalidArgument, what + ": too large", reason);
  ERR_clear_error();
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    if (sk_X509_push(certs.get(), cert) <= 0) {
      X509_free(cert);
      return Internal("out of memory");
    }
  }
  // Reading stops with PEM_R_NO_START_LINE at the end of the text; any other
  // error means a certificate block that does not decode.
  const unsigned long last = ERR_peek_last_error();
  if (last != 0 &&
      !(ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE)) {
    return Error(ErrorCode::kInvalidArgument,
                 what + ": a certificate is not valid PEM" + ossl::ErrorSuffix(), reason);
  }
  ERR_clear_error();
  return certs;
}

// Moves every certificate of `from` to the end of `to`.
bool MoveCertificates(STACK_OF(X509) * from, STACK_OF(X509) * to) {
  while (sk_X509_num(from) > 0) {
    X509* cert = sk_X509_shift(from);
    if (sk_X509_push(to, cert) <= 0) {
      X509_free(cert);
      return false;
    }
  }
  return true;
}

Result<TrustStore::Impl> BuildStore(STACK_OF(X509) * certs, STACK_OF(X509_CRL) * crls) {
  TrustStore::Impl impl;
  impl.store.reset(X509_STORE_new());
  if (!impl.store) return Internal("out of memory");
  for (int i = 0; i < sk_X509_num(certs); ++i) {
    // Cached extensions filled now, before threads share the store: OpenSSL
    // fills them lazily, writing into the certificate.
    X509_check_purpose(sk_X509_value(certs, i), -1, 0);
    if (X509_STORE_add_cert(impl.store.get(), sk_X509_value(certs, i)) != 1) {
      return Internal("cannot add a certificate to the trust store");
    }
  }
  impl.count = static_cast<std::size_t>(sk_X509_num(certs));
  for (int i = 0; i < sk_X509_CRL_num(crls); ++i) {
    if (X509_STORE_add_crl(impl.store.get(), sk_X509_CRL_value(crls, i)) != 1) {
      return Internal("cannot add a CRL to the trust store");
    }
  }
  impl.crl_count = static_cast<std::size_t>(sk_X509_CRL_num(crls));
  impl.crls_window = ossl::CrlsWindow(crls);
  return impl;
}

// Every CRL in `bytes`: PEM X509 CRL blocks, or one DER CRL. kInvalidArgument
// ("bad_crl") when none is found or a block does not decode.
Status ReadCrls(std::string_view bytes, const std::string& what, STACK_OF(X509_CRL) * out) {
  ERR_clear_error();
  const int before = sk_X509_CRL_num(out);
  if (bytes.find("-----BEGIN") != std::string_view::npos) {
    ossl::BioPtr bio = ossl::ReadBio(bytes);
    if (!bio) return Error(ErrorCode::kInvalidArgument, what + ": too large", ErrorReason::kBadCrl);
    while (X509_CRL* crl = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr)) {
      if (sk_X509_CRL_push(out, crl) <= 0) {
        X509_CRL_free(crl);
        return Internal("out of memory");
      }
    }
    const unsigned long last = ERR_peek_last_error();
    if (last != 0 &&
        !(ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE)) {
      return Error(ErrorCode::kInvalidArgument,
                   what + ": a CRL is not valid PEM" + ossl::ErrorSuffix(), ErrorReason::kBadCrl);
    }
    ERR_clear_error();
  } else if (!bytes.empty() && bytes.size() <= static_cast<std::size_t>(LONG_MAX)) {
    const auto* const begin = reinterpret_cast<const unsigned char*>(bytes.data());
    const unsigned char* next = begin;
    CrlPtr crl(d2i_X509_CRL(nullptr, &next, static_cast<long>(bytes.size())));
    if (crl && next == begin + bytes.size()) {
      if (sk_X509_CRL_push(out, crl.get()) <= 0) return Internal("out of memory");
      crl.release();
    }
  }
  if (sk_X509_CRL_num(out) == before) {
    return Error(ErrorCode::kInvalidArgument,
                 what + ": no CRL found (PEM \"X509 CRL\" blocks or one DER CRL expected)" +
                     ossl::ErrorSuffix(),
                 ErrorReason::kBadCrl);
  }
  return {};
}

// The files a trust or CRL path names: the path itself when it is a file, or
// the regular files of a directory whose extension is in `extensions`, in
// name order. kNotFound when the path does not exist.
Result<std::vector<std::string>> FilesAt(const std::string& path,
                                         std::initializer_list<const char*> extensions) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (!fs::exists(status)) {
    return Error(ErrorCode::kNotFound, path + ": no such file or directory");
  }
  if (!fs::is_directory(status)) return std::vector<std::string>{path};
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(path, error)) {
    const std::string ext = entry.path().extension().string();
    const bool wanted = std::any_of(extensions.begin(), extensions.end(),
                                    [&ext](const char* e) { return ext == e; });
    if (wanted && entry.is_regular_file(error)) files.push_back(entry.path().string());
  }
  if (error) return Error(ErrorCode::kUnavailable, path + ": cannot list: " + error.message());
  std::sort(files.begin(), files.end());
  return files;
}

// The CRLs of every path: a file, or a directory's *.crl and *.pem files.
Status LoadCrls(const std::vector<std::string>& paths, STACK_OF(X509_CRL) * out) {
  for (const std::string& path : paths) {
    ASSIGN_OR_RETURN(std::vector<std::string> files, FilesAt(path, {".crl", ".pem"}));
    if (files.empty()) {
      return Error(ErrorCode::kInvalidArgument, path + ": no *.crl or *.pem file",
                   ErrorReason::kBadCrl);
    }
    for (const std::string& file : files) {
      ASSIGN_OR_RETURN(std::string bytes, ReadKeyFile(file, false));
      if (Status read = ReadCrls(bytes, file, out); !read.ok()) return read;
    }
  }
  return {};
}

// Verification callback with CRL checking: a CRL issued after the signing
// time (the check time) is not "not yet valid" evidence of anything; it is
// newer knowledge of the same certificates, so it is used.
int AcceptLaterCrl(int ok, X509_STORE_CTX* context) {
  if (ok == 0 && X509_STORE_CTX_get_error(context) == X509_V_ERR_CRL_NOT_YET_VALID) {
    X509_STORE_CTX_set_error(context, X509_V_OK);
    return 1;
  }
  return ok;
}

bool IsRevocationUnknown(int verify_error) {
  switch (verify_error) {
    case X509_V_ERR_UNABLE_TO_GET_CRL:
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
    case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
    case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
    case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
    case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
    case X509_V_ERR_DIFFERENT_CRL_SCOPE:
    case X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION: return true;
    default: return false;
  }
}

int NoPassword(char*, int, int, void*) {
  return 0;
}

// pem_password_cb handing over the std::string at `userdata`.
int GivePassword(char* buffer, int size, int, void* userdata) {
  const std::string& password = *static_cast<const std::string*>(userdata);
  if (password.empty() || password.size() > static_cast<std::size_t>(size)) return 0;
  std::memcpy(buffer, password.data(), password.size());
  return static_cast<int>(password.size());
}

// RFC 2253 one-line form of a name; non-ASCII characters stay UTF-8 rather
// than being escaped as \XX (Vietnamese names stay readable).
// The UTF-8 text of the name's only (or first) entry of type `nid`; empty if
// it has none or it cannot be converted.
std::string NameEntryText(const X509_NAME* name, int nid) {
  const int index = X509_NAME_get_index_by_NID(name, nid, -1);
  if (index < 0) return {};
  const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  const int length = ASN1_STRING_to_UTF8(&utf8, value);
  if (length < 0) return {};
  std::string text(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(length));
  OPENSSL_free(utf8);
  return text;
}

std::string NameText(const X509_NAME* name) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  const unsigned long flags = static_cast<unsigned long>(XN_FLAG_RFC2253) &
                              ~static_cast<unsigned long>(ASN1_STRFLGS_ESC_MSB);
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, flags) < 0) return {};
  return ossl::BioContents(bio.get());
}

// The signingTime signed attribute of `signer`: required, exactly once, with
// exactly one UTCTime or GeneralizedTime value.
Result<Instant> SigningTime(CMS_SignerInfo* signer) {
  const int index = CMS_signed_get_attr_by_NID(signer, NID_pkcs9_signingTime, -1);
  if (index < 0)
    return Rejected(ErrorReason::kMalformedSignature,
                    "the signingTime signed attribute is missing");
  if (CMS_signed_get_attr_by_NID(signer, NID_pkcs9_signingTime, index) >= 0) {
    return Rejected(ErrorReason::kMalformedSignature, "the signingTime attribute appears twice");
  }
  X509_ATTRIBUTE* attribute = CMS_signed_get_attr(signer, index);
  if (attribute == nullptr || X509_ATTRIBUTE_count(attribute) != 1) {
    return Rejected(ErrorReason::kMalformedSignature,
                    "the signingTime attribute must have exactly one value");
  }
  ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(attribute, 0);
  const int type = value == nullptr ? V_ASN1_UNDEF : ASN1_TYPE_get(value);
  std::optional<Instant> at;
  if (type == V_ASN1_UTCTIME) at = ossl::ToInstant(value->value.utctime);
  if (type == V_ASN1_GENERALIZEDTIME) at = ossl::ToInstant(value->value.generalizedtime);
  if (!at)
    return Rejected(ErrorReason::kMalformedSignature,
                    "the signingTime attribute is not a valid time");
  return *at;
}

bool IsValidityError(int verify_error) {
  switch (verify_error) {
    case X509_V_ERR_CERT_NOT_YET_VALID:
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
    case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD: return true;
    default: return false;
  }
}

// The facts of a signer certificate a VerifiedSignature reports (all but
// document_id and signing_time).
Result<VerifiedSignature> CertificateFacts(X509* signer) {
  VerifiedSignature verified;
  unsigned char fingerprint[EVP_MAX_MD_SIZE];
  unsigned int fingerprint_size = 0;
  if (X509_digest(signer, EVP_sha256(), fingerprint, &fingerprint_size) != 1) {
    return Internal("cannot hash the signer certificate");
  }
  verified.evidence.certificate_fingerprint = Hex(fingerprint, fingerprint_size);
  ossl::BignumPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(signer), nullptr));
  OpenSslString serial_hex(serial ? BN_bn2hex(serial.get()) : nullptr);
  if (!serial_hex) return Internal("cannot read the certificate serial number");
  verified.evidence.serial = serial_hex.get();
  std::transform(verified.evidence.serial.begin(), verified.evidence.serial.end(),
                 verified.evidence.serial.begin(), [](char c) {
                   return (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
                 });
  verified.evidence.signer_subject = NameText(X509_get_subject_name(signer));
  verified.subject_uid = NameEntryText(X509_get_subject_name(signer), NID_userId);
  verified.issuer_subject = NameText(X509_get_issuer_name(signer));
  std::optional<Instant> not_before = ossl::ToInstant(X509_get0_notBefore(signer));
  std::optional<Instant> not_after = ossl::ToInstant(X509_get0_notAfter(signer));
  if (!not_before || !not_after) return Internal("cannot read the certificate validity");
  verified.not_before = *not_before;
  verified.not_after = *not_after;
  return verified;
}

// The chain from `signer` through `included` to a trusted root, as of `at`
// (seconds since the epoch), with the store's CRLs when it has any. On
// success, and with a `chain_key` (given only when the store's CRL window is
// known), `chains` remembers the validated chain.
Status VerifyChain(const TrustStore::Impl& trust, X509* signer, STACK_OF(X509) * included,
                   std::int64_t at, ossl::VerifiedChains& chains,
                   std::optional<std::string> chain_key) {
  StoreCtxPtr context(X509_STORE_CTX_new());
  if (!context || X509_STORE_CTX_init(context.get(), trust.store.get(), signer, included) != 1) {
    return Internal("cannot set up certificate verification");
  }
  X509_STORE_CTX_set_time(context.get(), 0, static_cast<time_t>(at));
  const bool check_crls = trust.crl_count > 0;
  if (check_crls) {
    X509_STORE_CTX_set_flags(context.get(), X509_V_FLAG_CRL_CHECK);
    X509_STORE_CTX_set_verify_cb(context.get(), AcceptLaterCrl);
  }
  if (X509_verify_cert(context.get()) != 1) {
    const int error = X509_STORE_CTX_get_error(context.get());
    const std::string detail = std::string(X509_verify_cert_error_string(error)) +
                               " (certificate depth " +
                               std::to_string(X509_STORE_CTX_get_error_depth(context.get())) + ")";
    if (IsValidityError(error)) {
      return Rejected(ErrorReason::kCertificateNotValidAtSigningTime,
                      "at the signing time: " + detail);
    }
    if (error == X509_V_ERR_CERT_REVOKED) {
      return Rejected(ErrorReason::kCertificateRevoked,
                      "the signer certificate is revoked by a configured CRL: " + detail);
    }
    if (IsRevocationUnknown(error)) {
      return Rejected(ErrorReason::kRevocationUnknown,
                      "the signer certificate's revocation status cannot be checked against the "
                      "configured CRLs: " +
                          detail);
    }
    return Rejected(ErrorReason::kUntrustedCertificate,
                    "the signer does not chain to a trusted root: " + detail);
  }
  if (chain_key) {
    chains.Remember(std::move(*chain_key), at, X509_STORE_CTX_get0_chain(context.get()), check_crls,
                    trust.crls_window.value_or(ossl::TimeWindow{}));
  }
  return Status();
}

Result<VerifiedSignature> Verify(const TrustStore::Impl& trust,
                                 ossl::CertificateCache& certificates, ossl::VerifiedChains& chains,
                                 std::string_view cms_der, std::string_view content) {
  // 1. Structure: one DER SignedData, nothing after it, detached id-data
  //    content, one signer whose certificate is included.
  if (cms_der.empty()) return Rejected(ErrorReason::kMalformedSignature, "the signature is empty");
  if (cms_der.size() > static_cast<std::size_t>(LONG_MAX)) {
    return Rejected(ErrorReason::kMalformedSignature, "the signature is too large");
  }
  ossl::CmsPtr cms = ossl::ParseWithCachedCertificates(cms_der, certificates);
  if (!cms) {
    ERR_clear_error();
    const auto* const begin = reinterpret_cast<const unsigned char*>(cms_der.data());
    const unsigned char* next = begin;
    cms.reset(d2i_CMS_ContentInfo(nullptr, &next, static_cast<long>(cms_der.size())));
    if (!cms) {
      return Rejected(ErrorReason::kMalformedSignature, "not a DER-encoded CMS ContentInfo");
    }
    if (next != begin + cms_der.size()) {
      return Rejected(ErrorReason::kMalformedSignature,
                      "bytes follow the DER-encoded CMS ContentInfo");
    }
  }
  if (OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed) {
    return Rejected(ErrorReason::kMalformedSignature, "the CMS content is not SignedData");
  }
  if (CMS_is_detached(cms.get()) != 1) {
    return Rejected(ErrorReason::kMalformedSignature,
                    "the content is embedded; a detached signature is expected");
  }
  if (OBJ_obj2nid(CMS_get0_eContentType(cms.get())) != NID_pkcs7_data) {
    return Rejected(ErrorReason::kMalformedSignature, "the signed content type is not id-data");
  }
  STACK_OF(CMS_SignerInfo)* signer_infos = CMS_get0_SignerInfos(cms.get());
  const int signer_count = signer_infos == nullptr ? 0 : sk_CMS_SignerInfo_num(signer_infos);
  if (signer_count != 1) {
    return Rejected(ErrorReason::kMalformedSignature,
                    "exactly one signer expected, found " + std::to_string(signer_count));
  }
  CMS_SignerInfo* signer_info = sk_CMS_SignerInfo_value(signer_infos, 0);
  ossl::X509StackPtr included(CMS_get1_certs(cms.get()));
  if (!included || sk_X509_num(included.get()) == 0) {
    return Rejected(ErrorReason::kMalformedSignature, "no certificate is included");
  }
  CMS_set1_signers_certs(cms.get(), nullptr, 0);  // matches the signer among `included`
  X509* signer = nullptr;                         // owned by `cms`
  X509_ALGOR* digest_algorithm = nullptr;
  CMS_SignerInfo_get0_algs(signer_info, nullptr, &signer, &digest_algorithm, nullptr);
  if (signer == nullptr) {
    return Rejected(ErrorReason::kMalformedSignature, "the signer's certificate is not included");
  }
  ASSIGN_OR_RETURN(Instant signing_time, SigningTime(signer_info));

  // 2. Digest algorithm.
  const ASN1_OBJECT* digest_oid = nullptr;
  X509_ALGOR_get0(&digest_oid, nullptr, nullptr, digest_algorithm);
  const int digest = OBJ_obj2nid(digest_oid);
  if (digest != NID_sha256 && digest != NID_sha384 && digest != NID_sha512) {
    const char* name = OBJ_nid2sn(digest);
    return Rejected(ErrorReason::kWeakDigest, std::string("the digest ") +
                                                  (name != nullptr ? name : "unknown") +
                                                  " is not SHA-256, SHA-384 or SHA-512");
  }

  // 3. The signature over exactly `content` (message digest attribute and the
  //    signature over the signed attributes). The chain is checked below.
  ossl::BioPtr data = ossl::ReadBio(content);
  if (!data)
    return Error(ErrorCode::kInvalidArgument, "the content is too large",
                 ErrorReason::kContentTooLarge);
  // Behind a buffer BIO, not as a memory BIO: CMS_verify copies a memory BIO
  // into a temporary one that OpenSSL 3.0 leaks when it cannot set up the
  // digests (e.g. an unknown algorithm in digestAlgorithms), a leak per
  // request any client could repeat (found by tests/fuzz/cms_fuzzer).
  BIO* buffer = BIO_new(BIO_f_buffer());
  if (buffer == nullptr) return Internal("cannot allocate a BIO");
  ossl::BioPtr buffered(BIO_push(buffer, data.release()));
  constexpr unsigned int kVerifyFlags = CMS_BINARY | CMS_DETACHED | CMS_NO_SIGNER_CERT_VERIFY;
  if (CMS_verify(cms.get(), nullptr, nullptr, buffered.get(), nullptr, kVerifyFlags) != 1) {
    return Rejected(ErrorReason::kContentMismatch, "the signature is not valid over this content");
  }

  // 4. The chain, from the included certificates to a trusted root, as of the
  //    signing time (X509_STORE_CTX_set_time sets X509_V_FLAG_USE_CHECK_TIME),
  //    unless these exact certificates validated before and the signing time
  //    lies where that answer holds (verified_chains.h).
  //    The shared store is only read; the context is this call's own.
  const bool check_crls = trust.crl_count > 0;
  const std::int64_t at = ossl::ToTimeT(signing_time);
  std::optional<std::string> chain_key;
  if (!check_crls || trust.crls_window)
    chain_key = ossl::VerifiedChains::KeyOf(signer, included.get());
  if (!chain_key || !chains.Holds(*chain_key, at)) {
    RETURN_IF_ERROR(VerifyChain(trust, signer, included.get(), at, chains, std::move(chain_key)));
  }

  // 5. An end entity: a CA certificate (X509_check_ca: basicConstraints
  //    CA:TRUE, a v1 self-signed root, or keyCertSign without
  //    basicConstraints) issues certificates; it does not sign results.
  if (X509_check_ca(signer) != 0) {
    return Rejected(ErrorReason::kSignerIsCa,
                    "the signer certificate is a CA certificate (basicConstraints CA:TRUE or "
                    "keyCertSign); results must be signed with an end-entity certificate");
  }
  //    Key usage of the signer certificate, when it has the extension.
  if ((X509_get_extension_flags(signer) & EXFLAG_KUSAGE) != 0 &&
      (X509_get_key_usage(signer) & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) == 0) {
    return Rejected(ErrorReason::kKeyUsage,
                    "the signer certificate's keyUsage has neither digitalSignature nor "
                    "nonRepudiation");
  }

  // 6. The evidence.
  ASSIGN_OR_RETURN(VerifiedSignature verified, CertificateFacts(signer));
  verified.evidence.document_id = Sha256Hex(content);
  verified.signing_time = signing_time;
  return verified;
}

// The PEM text of the given certificates, concatenated.
Result<std::string> CertificatesPem(STACK_OF(X509) * certs) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) return Internal("out of memory");
  for (int i = 0; i < sk_X509_num(certs); ++i) {
    if (PEM_write_bio_X509(bio.get(), sk_X509_value(certs, i)) != 1) {
      return Internal("cannot write a certificate");
    }
  }
  return ossl::BioContents(bio.get());
}

}  // namespace

// ---- TrustStore -----------------------------------------------------------

Result<TrustStore> TrustStore::FromPem(std::string_view pem, std::string_view crl_pem) {
  ASSIGN_OR_RETURN(ossl::X509StackPtr certs,
                   ReadCertificates(pem, "trust anchors", ErrorReason::kBadCertificate));
  if (sk_X509_num(certs.get()) == 0) {
    return Error(ErrorCode::kInvalidArgument, "trust anchors: no PEM certificate found",
                 ErrorReason::kBadCertificate);
  }
  CrlStackPtr crls(sk_X509_CRL_new_null());
  if (!crls) return Internal("out of memory");
  if (!crl_pem.empty()) {
    RETURN_IF_ERROR(ReadCrls(crl_pem, "CRLs", crls.get()));
  }
  ASSIGN_OR_RETURN(Impl impl, BuildStore(certs.get(), crls.get()));
  return TrustStore(std::make_shared<const Impl>(std::move(impl)));
}

Result<TrustStore> TrustStore::Load(const std::string& path,
                                    const std::vector<std::string>& crl_paths) {
  ASSIGN_OR_RETURN(std::vector<std::string> files, FilesAt(path, {".pem", ".crt"}));
  ossl::X509StackPtr all(sk_X509_new_null());
  if (!all) return Internal("out of memory");
  for (const std::string& file : files) {
    ASSIGN_OR_RETURN(std::string text, ReadKeyFile(file, false));
    ASSIGN_OR_RETURN(ossl::X509StackPtr certs,
                     ReadCertificates(text, file, ErrorReason::kBadCertificate));
    if (!MoveCertificates(certs.get(), all.get())) return Internal("out of memory");
  }
  if (sk_X509_num(all.get()) == 0) {
    return Error(ErrorCode::kInvalidArgument,
                 path + ": no PEM certificate found" +
                     (std::filesystem::is_directory(path) ? " in any *.pem or *.crt file" : ""),
                 ErrorReason::kBadCertificate);
  }
  CrlStackPtr crls(sk_X509_CRL_new_null());
  if (!crls) return Internal("out of memory");
  RETURN_IF_ERROR(LoadCrls(crl_paths, crls.get()));
  ASSIGN_OR_RETURN(Impl impl, BuildStore(all.get(), crls.get()));
  return TrustStore(std::make_shared<const Impl>(std::move(impl)));
}

std::size_t TrustStore::size() const {
  return impl_->count;
}

std::size_t TrustStore::crl_count() const {
  return impl_->crl_count;
}

// ---- OpenSslSignatureVerifier ---------------------------------------------

OpenSslSignatureVerifier::OpenSslSignatureVerifier(TrustStore trust)
    : trust_(std::move(trust)),
      certificates_(std::make_shared<ossl::CertificateCache>(256)),
      chains_(std::make_shared<ossl::VerifiedChains>(256)) {}

Result<VerifiedSignature> OpenSslSignatureVerifier::VerifyDetached(std::string_view cms_der,
                                                                   std::string_view content) const {
  ERR_clear_error();  // the error queue is per thread
  Result<VerifiedSignature> result =
      Verify(*trust_.impl_, *certificates_, *chains_, cms_der, content);
  ERR_clear_error();
  return result;
}

// ---- Signing ---------------------------------------------------------------

// Parsed signing material: the key, the signer certificate and the other
// certificates to include (its chain).
struct OpenSslResultSealer::Parsed {
  ossl::PkeyPtr key;
  ossl::X509Ptr cert;
  ossl::X509StackPtr include;
  VerifiedSignature facts;  // of `cert` (CertificateFacts)
};

namespace {

Result<std::shared_ptr<const OpenSslResultSealer::Parsed>> ParseMaterial(
    std::string_view key_pem, std::string_view cert_pem, std::string_view chain_pem) {
  ERR_clear_error();
  auto parsed = std::make_shared<OpenSslResultSealer::Parsed>();
  ossl::BioPtr key_bio = ossl::ReadBio(key_pem);
  parsed->key.reset(key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, NoPassword, nullptr)
                            : nullptr);
  if (!parsed->key) {
    return Error(ErrorCode::kInvalidArgument,
                 "the private key is not an unencrypted PEM private key" + ossl::ErrorSuffix(),
                 ErrorReason::kBadKey);
  }
  ASSIGN_OR_RETURN(ossl::X509StackPtr certs,
                   ReadCertificates(cert_pem, "certificate", ErrorReason::kBadCertificate));
  if (sk_X509_num(certs.get()) == 0) {
    return Error(ErrorCode::kInvalidArgument, "certificate: no PEM certificate found",
                 ErrorReason::kBadCertificate);
  }
  // The signer (CMS_add1_signer includes it); the rest joins the chain.
  parsed->cert.reset(sk_X509_shift(certs.get()));
  ASSIGN_OR_RETURN(ossl::X509StackPtr chain,
                   ReadCertificates(chain_pem, "chain", ErrorReason::kBadChain));
  if (!MoveCertificates(chain.get(), certs.get())) return Internal("out of memory");
  parsed->include = std::move(certs);
  if (X509_check_private_key(parsed->cert.get(), parsed->key.get()) != 1) {
    return Error(ErrorCode::kInvalidArgument,
                 "the private key does not belong to the certificate" + ossl::ErrorSuffix(),
                 ErrorReason::kKeyCertificateMismatch);
  }
  ASSIGN_OR_RETURN(VerifiedSignature facts, CertificateFacts(parsed->cert.get()));
  parsed->facts = std::move(facts);
  return std::shared_ptr<const OpenSslResultSealer::Parsed>(std::move(parsed));
}

// A detached CMS SignedData over `content` with parsed material (read only,
// so concurrent calls may share it).
Result<std::string> SignParsed(std::string_view content, const OpenSslResultSealer::Parsed& m,
                               std::optional<Instant> signing_time) {
  // CMS_PARTIAL: set up the SignedData, add the signer (SHA-256, with an ESS
  // signingCertificateV2 attribute binding the certificate: CMS_CADES) and
  // the chain, then compute the signature over `content` in CMS_final.
  constexpr unsigned int kFlags = CMS_BINARY | CMS_DETACHED | CMS_PARTIAL | CMS_NOSMIMECAP;
  ossl::CmsPtr cms(CMS_sign(nullptr, nullptr, m.include.get(), nullptr, kFlags));
  if (!cms) return Internal("CMS_sign failed");
  CMS_SignerInfo* signer =
      CMS_add1_signer(cms.get(), m.cert.get(), m.key.get(), EVP_sha256(), kFlags | CMS_CADES);
  if (signer == nullptr) return Internal("CMS_add1_signer failed");
  if (signing_time) {
    // Without it CMS_final stamps the current system time.
    ossl::TimePtr at(ASN1_TIME_set(nullptr, ossl::ToTimeT(*signing_time)));
    if (!at || CMS_signed_add1_attr_by_NID(signer, NID_pkcs9_signingTime,
                                           ASN1_STRING_type(at.get()), at.get(), -1) != 1) {
      return Internal("cannot add the signingTime attribute");
    }
  }
  ossl::BioPtr data = ossl::ReadBio(content);
  if (!data) {
    return Error(ErrorCode::kInvalidArgument, "the content is too large",
                 ErrorReason::kContentTooLarge);
  }
  if (CMS_final(cms.get(), data.get(), nullptr, kFlags) != 1) return Internal("CMS_final failed");
  const int size = i2d_CMS_ContentInfo(cms.get(), nullptr);
  if (size <= 0) return Internal("cannot encode the CMS");
  std::string der(static_cast<std::size_t>(size), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_CMS_ContentInfo(cms.get(), &out) != size) return Internal("cannot encode the CMS");
  return der;
}

}  // namespace

Result<std::string> SignDetached(std::string_view content, std::string_view key_pem,
                                 std::string_view cert_pem, std::string_view chain_pem,
                                 std::optional<Instant> signing_time) {
  ASSIGN_OR_RETURN(std::shared_ptr<const OpenSslResultSealer::Parsed> parsed,
                   ParseMaterial(key_pem, cert_pem, chain_pem));
  return SignParsed(content, *parsed, signing_time);
}

// ---- OpenSslResultSealer ----------------------------------------------------

Result<OpenSslResultSealer> OpenSslResultSealer::Load(const std::string& key_path,
                                                      const std::string& cert_path,
                                                      const std::string& chain_path,
                                                      const std::string& password) {
  ERR_clear_error();
  ASSIGN_OR_RETURN(std::string key_file, ReadKeyFile(key_path, true));
  WipeOnExit wipe_key_file(key_file);

  ossl::PkeyPtr key;
  ossl::X509Ptr bundle_cert;
  ossl::X509StackPtr chain(sk_X509_new_null());
  if (!chain) return Internal("out of memory");
  if (key_file.find("-----BEGIN") != std::string::npos) {
    ossl::BioPtr bio = ossl::ReadBio(key_file);
    std::string password_copy = password;  // GivePassword reads it through void*
    WipeOnExit wipe_password(password_copy);
    key.reset(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, GivePassword, &password_copy)
                  : nullptr);
    if (!key) {
      return Error(ErrorCode::kInvalidArgument,
                   key_path + ": not a PEM private key, or a wrong password" + ossl::ErrorSuffix(),
                   ErrorReason::kBadKey);
    }
  } else {
    const auto* next = reinterpret_cast<const unsigned char*>(key_file.data());
    Pkcs12Ptr bundle(d2i_PKCS12(nullptr, &next, static_cast<long>(key_file.size())));
    if (!bundle) {
      return Error(
          ErrorCode::kInvalidArgument,
          key_path + ": neither a PEM private key nor a PKCS#12 bundle" + ossl::ErrorSuffix(),
          ErrorReason::kBadKey);
    }
    EVP_PKEY* bundle_key = nullptr;
    X509* certificate = nullptr;
    STACK_OF(X509)* authorities = nullptr;
    if (PKCS12_parse(bundle.get(), password.c_str(), &bundle_key, &certificate, &authorities) !=
        1) {
      return Error(
          ErrorCode::kInvalidArgument,
          key_path + ": cannot open the PKCS#12 bundle (wrong password?)" + ossl::ErrorSuffix(),
          ErrorReason::kBadKey);
    }
    key.reset(bundle_key);
    bundle_cert.reset(certificate);
    ossl::X509StackPtr bundle_chain(authorities);
    if (!key) {
      return Error(ErrorCode::kInvalidArgument, key_path + ": the PKCS#12 bundle holds no key",
                   ErrorReason::kBadKey);
    }
    if (bundle_chain && !MoveCertificates(bundle_chain.get(), chain.get())) {
      return Internal("out of memory");
    }
  }

  std::string cert_pem;
  if (!cert_path.empty()) {
    ASSIGN_OR_RETURN(std::string text, ReadKeyFile(cert_path, false));
    ASSIGN_OR_RETURN(ossl::X509StackPtr certs,
                     ReadCertificates(text, cert_path, ErrorReason::kBadCertificate));
    if (sk_X509_num(certs.get()) == 0) {
      return Error(ErrorCode::kInvalidArgument, cert_path + ": no PEM certificate found",
                   ErrorReason::kBadCertificate);
    }
    cert_pem = std::move(text);
  } else if (bundle_cert) {
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), bundle_cert.get()) != 1) {
      return Internal("cannot write the certificate");
    }
    cert_pem = ossl::BioContents(bio.get());
  } else {
    return Error(ErrorCode::kInvalidArgument,
                 "no signer certificate: give a certificate file or a PKCS#12 bundle holding one",
                 ErrorReason::kBadCertificate);
  }

  if (!chain_path.empty()) {
    ASSIGN_OR_RETURN(std::string text, ReadKeyFile(chain_path, false));
    ASSIGN_OR_RETURN(ossl::X509StackPtr certs,
                     ReadCertificates(text, chain_path, ErrorReason::kBadChain));
    if (!MoveCertificates(certs.get(), chain.get())) return Internal("out of memory");
  }
  ASSIGN_OR_RETURN(std::string chain_pem, CertificatesPem(chain.get()));

  // The key as unencrypted PKCS#8 PEM, in a BIO whose buffer is wiped on free.
  ossl::BioPtr key_bio(BIO_new(BIO_s_secmem()));
  if (!key_bio || PEM_write_bio_PKCS8PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0,
                                                nullptr, nullptr) != 1) {
    return Internal("cannot encode the private key");
  }
  std::string key_pem = ossl::BioContents(key_bio.get());

  // Parsed once for every seal; this also proves the material works together
  // (e.g. key and certificate match).
  Result<std::shared_ptr<const Parsed>> parsed = ParseMaterial(key_pem, cert_pem, chain_pem);
  Wipe(key_pem);
  RETURN_IF_ERROR(parsed);
  ASSIGN_OR_RETURN(std::string probe, SignParsed("", **parsed, std::nullopt));
  return OpenSslResultSealer(std::move(parsed).value());
}

OpenSslResultSealer::~OpenSslResultSealer() = default;

Result<SealedSignature> OpenSslResultSealer::SealDetached(std::string_view content) {
  const Instant now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const VerifiedSignature& facts = parsed_->facts;
  if (now < facts.not_before || now > facts.not_after) {
    // Neutral wording: the same sealer signs as the agency seal (serve) and
    // as a leader (motcua sign); the subject says whose certificate it is.
    return Error(ErrorCode::kFailedPrecondition,
                 "the signing certificate " + facts.evidence.signer_subject +
                     (now > facts.not_after ? " has expired" : " is not valid yet") +
                     " (valid from " + FormatRfc3339DateTime(facts.not_before) + " to " +
                     FormatRfc3339DateTime(facts.not_after) + ")",
                 ErrorReason::kSealCertificateNotValid);
  }
  ASSIGN_OR_RETURN(std::string der, SignParsed(content, *parsed_, now));
  SealedSignature sealed{std::move(der), facts};
  sealed.verified.evidence.document_id = Sha256Hex(content);
  sealed.verified.signing_time = now;
  return sealed;
}

}  // namespace motcua
