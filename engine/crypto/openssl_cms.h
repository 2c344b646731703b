// openssl_cms.h: detached CMS signatures (RFC 5652, DER, SHA-256) with
// OpenSSL: the production SignatureVerifier and ResultSealer.
//
// This header does not include OpenSSL; only engine/crypto/*.cc do.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/signature.h"
#include "engine/domain/status.h"

namespace motcua {

namespace ossl {
class CertificateCache;  // signed_data_certificates.h
class VerifiedChains;    // verified_chains.h
}  // namespace ossl

// The trust anchors signatures must chain to: self-signed root certificates.
// Immutable once loaded; copies share one store, safe to use from any thread.
// Certificates in the store that are not self-signed can serve as
// intermediates but are never trust anchors on their own.
class TrustStore {
 public:
  // Every certificate in the PEM file `path`, or in every *.pem and *.crt
  // file of the directory `path` (other files, and other PEM blocks such as
  // keys, are skipped). kNotFound if `path` does not exist; kInvalidArgument
  // if a file is not valid PEM or no certificate is found at all.
  //
  // `crl_paths`: certificate revocation lists, each a file (PEM, one or more
  // X509 CRL blocks, or one DER CRL) or a directory whose *.crl and *.pem
  // files are read. With at least one CRL loaded, every verification checks
  // the signer certificate against its issuer's CRL (X509_V_FLAG_CRL_CHECK):
  // a signer whose issuer has no loaded CRL, or whose CRL expired before the
  // signing time, cannot be checked and is refused ("revocation_unknown").
  // CRLs are read once, at load; OCSP is not consulted. kNotFound for a
  // missing CRL path; kInvalidArgument ("bad_crl") for a file holding no
  // valid CRL.
  static Result<TrustStore> Load(const std::string& path,
                                 const std::vector<std::string>& crl_paths = {});
  // The same from PEM text in memory (`crl_pem`: PEM CRLs, may be empty).
  static Result<TrustStore> FromPem(std::string_view pem, std::string_view crl_pem = {});

  std::size_t size() const;       // number of certificates loaded
  std::size_t crl_count() const;  // number of CRLs loaded

  struct Impl;

 private:
  explicit TrustStore(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
  friend class OpenSslSignatureVerifier;
};

// Verifies detached CMS signatures against a TrustStore; see
// SignatureVerifier::VerifyDetached for the checks and reasons. The chain is
// built from the certificates in the CMS (the signer and any intermediates)
// up to a root of the store, and checked at the CMS signingTime; with CRLs in
// the store, the signer must not be revoked (a CRL issued after the signing
// time is used too: it knows more, not less). Thread-safe.
//
// The contract for any input: VerifyDetached returns a value for every byte
// string (never throws, never aborts), and kInvalidArgument with one of the
// reasons of SignatureVerifier for anything it does not accept.
//
// The certificates a CMS carries are parsed once per distinct certificate
// and thread and kept (up to 256; signed_data_certificates.h), not parsed
// again for every signature. A chain that validated is not validated again
// for a signing time at which the answer cannot differ: inside every chain
// certificate's and CRL's validity (up to 256 chains; verified_chains.h).
class OpenSslSignatureVerifier final : public SignatureVerifier {
 public:
  explicit OpenSslSignatureVerifier(TrustStore trust);

  Result<VerifiedSignature> VerifyDetached(std::string_view cms_der,
                                           std::string_view content) const override;

 private:
  TrustStore trust_;
  std::shared_ptr<ossl::CertificateCache> certificates_;  // thread-safe
  std::shared_ptr<ossl::VerifiedChains> chains_;          // thread-safe
};

// A detached CMS SignedData over `content`, DER, SHA-256, signed by the first
// certificate of `cert_pem` with the private key `key_pem` (unencrypted PEM,
// PKCS#8 or traditional). Every certificate of `cert_pem` and `chain_pem`
// (PEM, may be empty) is included, so verifiers can build the chain. Signed
// attributes: contentType, messageDigest, ESS signingCertificateV2 and
// signingTime = `signing_time`, or the system's current time when nullopt.
// Errors (kInvalidArgument): reason "bad_key", "bad_certificate",
// "bad_chain", or "key_certificate_mismatch"; kInternal if OpenSSL fails.
Result<std::string> SignDetached(std::string_view content, std::string_view key_pem,
                                 std::string_view cert_pem, std::string_view chain_pem,
                                 std::optional<Instant> signing_time = std::nullopt);

// Signs results with one key and certificate, like SignDetached but with the
// material parsed once at Load. Thread-safe. The private key is held only as
// OpenSSL's key object (its PEM copies are wiped after parsing).
class OpenSslResultSealer final : public ResultSealer {
 public:
  // Loads the signing material:
  //   key_path   a PEM private key (PKCS#8, or encrypted PKCS#8 with
  //              `password`), or a PKCS#12 bundle (DER) with optional
  //              `password`. Must not be readable or writable by group or
  //              others (mode & 077 == 0): kFailedPrecondition, reason
  //              "key_file_permissions", otherwise.
  //   cert_path  the signer certificate (PEM). May be empty only when the
  //              PKCS#12 bundle holds the certificate.
  //   chain_path optional PEM intermediates to include; CA certificates of a
  //              PKCS#12 bundle are included too.
  // kNotFound / kUnavailable for a missing or unreadable file; kInvalidArgument
  // (reason "bad_key", "bad_certificate", "bad_chain",
  // "key_certificate_mismatch") for unusable contents or a wrong password.
  static Result<OpenSslResultSealer> Load(const std::string& key_path, const std::string& cert_path,
                                          const std::string& chain_path = {},
                                          const std::string& password = {});

  OpenSslResultSealer(OpenSslResultSealer&&) = default;
  OpenSslResultSealer& operator=(OpenSslResultSealer&&) = default;
  OpenSslResultSealer(const OpenSslResultSealer&) = delete;
  OpenSslResultSealer& operator=(const OpenSslResultSealer&) = delete;
  ~OpenSslResultSealer() override;

  // SignDetached(content, ...) with the loaded material, signed now (the
  // system clock, whole seconds), with the evidence of ResultSealer. Outside
  // the certificate's validity: kFailedPrecondition
  // "seal_certificate_not_valid", the message naming the certificate's
  // subject and validity (not "the seal": a leader signs with this too).
  Result<SealedSignature> SealDetached(std::string_view content) override;

  struct Parsed;  // the key and certificates, parsed once (OpenSSL objects)

 private:
  explicit OpenSslResultSealer(std::shared_ptr<const Parsed> parsed) : parsed_(std::move(parsed)) {}

  std::shared_ptr<const Parsed> parsed_;  // the key lives only in OpenSSL's object
};

}  // namespace motcua
