// signature.h: the ports for digital signatures on dossier results.
//
// A result document (the decision, licence, certificate the agency issues) is
// signed by a leader and/or sealed by the agency as a detached CMS SignedData
// (RFC 5652) in DER. The domain never parses CMS or X.509 itself: an adapter
// (engine/crypto/openssl_cms.h) implements these interfaces, and the domain
// only sees the facts it checked, as a VerifiedSignature.
//
// Errors are values: every failure is an Error whose reason() is a short
// machine string the API can pass on (see each method).
#pragma once

#include <string>
#include <string_view>

#include "engine/domain/clock.h"
#include "engine/domain/dossier.h"
#include "engine/domain/status.h"

namespace motcua {

// What a successful verification established about one detached signature.
struct VerifiedSignature {
  // document_id: SHA-256 hex of the signed content bytes;
  // certificate_fingerprint: SHA-256 hex of the signer certificate's DER;
  // serial: the signer certificate's serial number, lowercase hex;
  // signer_subject: the signer's subject, RFC 2253 one-line form
  // (e.g. "UID=leader1,CN=Demo Leader,O=demo agency"), UTF-8 kept as is.
  SignatureEvidence evidence;
  // The CMS signingTime signed attribute: when the signer says it signed. The
  // certificate chain was checked as of this instant.
  Instant signing_time;
  // The subject's UID (userId, 0.9.2342.19200300.100.1.1) attribute, empty if
  // it has none: how a certificate names the motcua user it belongs to.
  std::string subject_uid;
  std::string issuer_subject;  // the signer certificate's issuer, same form
  Instant not_before;          // the signer certificate's validity period
  Instant not_after;
};

// Checks detached signatures against the trust anchors it was built with.
// Implementations are thread-safe: VerifyDetached may run concurrently.
class SignatureVerifier {
 public:
  virtual ~SignatureVerifier() = default;

  // Verifies `cms_der`, a DER CMS SignedData with no embedded content and
  // exactly one signer, over exactly the bytes `content`. On failure the error
  // is kInvalidArgument with one of these reasons:
  //   "malformed_signature"   not DER CMS SignedData, embedded content, not
  //                           exactly one signer, signer certificate or
  //                           signingTime attribute missing;
  //   "weak_digest"           the digest is not SHA-256, SHA-384 or SHA-512;
  //   "content_mismatch"      the signature does not cover these bytes;
  //   "untrusted_certificate" the signer does not chain to a trusted root;
  //   "certificate_not_valid_at_signing_time"
  //                           a certificate of the chain was not yet valid or
  //                           had expired at the signingTime;
  //   "signer_is_ca"          the signer certificate is a CA certificate
  //                           (basicConstraints CA:TRUE, or keyCertSign
  //                           without basicConstraints): results are signed
  //                           by end entities only;
  //   "key_usage"             the signer certificate's keyUsage allows
  //                           neither digitalSignature nor nonRepudiation;
  //   "certificate_revoked"   a configured CRL lists the signer certificate;
  //   "revocation_unknown"    CRLs are configured but none can vouch for the
  //                           signer (no CRL of its issuer, or it expired).
  virtual Result<VerifiedSignature> VerifyDetached(std::string_view cms_der,
                                                   std::string_view content) const = 0;
};

// A seal just made, with what a SignatureVerifier would establish about it.
struct SealedSignature {
  std::string der;
  // The same facts VerifyDetached reports for `der` over the sealed content,
  // known to the sealer without verifying its own output again: its
  // certificate's facts (read once, when it loaded them), the content's
  // SHA-256 and the signingTime it wrote.
  VerifiedSignature verified;
};

// Produces the agency's (or an officer's) signature over a result document.
class ResultSealer {
 public:
  virtual ~ResultSealer() = default;

  // A detached CMS SignedData over `content` in DER, SHA-256, with the signer
  // certificate, its chain and a signingTime attribute (now) included, so that
  // a SignatureVerifier trusting the right root accepts it. kFailedPrecondition
  // "seal_certificate_not_valid" when the certificate is not valid now.
  virtual Result<SealedSignature> SealDetached(std::string_view content) = 0;
};

}  // namespace motcua
