// result_signing.h: accepting the signatures leaders upload on results, and
// sealing results with the agency's key.
//
// DossierService calls this before the state machine: what it returns is a
// SignatureEvidence for the ActionRequest and the signature's DER, which the
// store keeps as a document in the same transaction as the action. Nothing is
// stored when a check fails.
//
// Thread-safe when the tools are (the OpenSSL adapters are).
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "engine/domain/dossier.h"
#include "engine/domain/identity.h"
#include "engine/domain/signature.h"
#include "engine/domain/status.h"
#include "engine/service/content_hasher.h"

namespace motcua {

// Standard padded base64 to bytes; nullopt if `text` is not that.
using Base64Decoder = std::function<std::optional<std::string>(std::string_view)>;

// How recent an uploaded signature must be, by its CMS signingTime (the
// signer's own clock): no more than `max_skew` ahead of the server's clock or
// before the result was attached to the dossier, and no older than `max_age`
// at upload. Together with the refusal of a CMS recorded for another dossier
// (DossierService), this binds a signature to the dossier it was made for.
struct SignatureWindow {
  std::chrono::minutes max_skew{5};
  std::chrono::minutes max_age{60};
};

// What accepting and producing signatures needs. `verifier` and `sealer` may
// be null when the server has no trust store or no agency seal configured.
struct SigningTools {
  const SignatureVerifier* verifier = nullptr;
  ResultSealer* sealer = nullptr;
  Base64Decoder decode_base64;
  ContentHasher hash;
  IdentityStore* identities = nullptr;  // binds certificates to users
  SignatureWindow window;
};

// Where an uploaded signature is being recorded: the server's clock now, and
// when the result it covers was attached to the dossier (if known).
struct SigningMoment {
  Instant now;
  std::optional<Instant> result_attached;
};

// A checked signature, ready to be recorded with its action.
struct AcceptedSignature {
  SignatureEvidence evidence;
  std::string der;          // the detached CMS SignedData; evidence.signature_id is its SHA-256
  std::string subject_uid;  // the signer certificate's subject UID, if any
};

class ResultSigning {
 public:
  explicit ResultSigning(SigningTools tools) : tools_(std::move(tools)) {}

  // The signature `actor` uploaded (`value`: the action payload's
  // "signature", base64 of a DER detached CMS SignedData) over exactly
  // `result_bytes`, checked in this order. Errors name the check in reason()
  // and carry a FieldError at "/signature":
  //   kUnavailable        "signatures_unavailable" (no trust store configured)
  //   kInvalidArgument    "invalid_payload" (not a base64 string),
  //                       or a SignatureVerifier reason (malformed_signature,
  //                       weak_digest, content_mismatch, untrusted_certificate,
  //                       certificate_not_valid_at_signing_time, key_usage)
  //                       signer_is_ca, key_usage, certificate_revoked,
  //                       revocation_unknown)
  //   kPermissionDenied   "certificate_not_bound_to_user": the user record
  //                       holds another certificate fingerprint, or holds
  //                       none and the certificate's subject UID is not the
  //                       actor's user id.
  //   kInvalidArgument    "signing_time_implausible": the signingTime lies
  //                       outside the tools' SignatureWindow around `moment`
  //                       (in the future, before the result was attached,
  //                       or older than max_age).
  // Whether the same CMS was recorded for another dossier is the caller's
  // check (it needs the store): DossierService refuses it.
  Result<AcceptedSignature> AcceptUploaded(const Actor& actor, const nlohmann::json& value,
                                           std::string_view result_bytes,
                                           const SigningMoment& moment) const;

  // The agency's seal over `result_bytes`, with the evidence the sealer
  // reports (ResultSealer: the same facts a verification would establish). It
  // is not verified again: a sealer is only configured once a probe seal
  // verified against the trust store (serve), and it refuses to seal once its
  // certificate is not valid ("seal_certificate_not_valid").
  // kUnavailable "seal_unavailable" when no seal or trust store is configured.
  Result<AcceptedSignature> Seal(std::string_view result_bytes) const;

  // Re-checks a stored signature against the trust store now: "valid", or
  // the verifier's reason ("signatures_unavailable" without a trust store).
  std::string CurrentStatus(std::string_view der, std::string_view result_bytes) const;

  // SHA-256 hex of `bytes` (the tools' hasher).
  std::string Hash(std::string_view bytes) const { return tools_.hash(bytes); }

 private:
  Result<AcceptedSignature> Accept(std::string der, std::string_view result_bytes) const;
  // The accepted form of `der`, whose facts are `verified`.
  AcceptedSignature AcceptedOf(VerifiedSignature verified, std::string der) const;

  SigningTools tools_;
};

}  // namespace motcua
