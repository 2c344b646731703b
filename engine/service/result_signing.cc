#include "engine/service/result_signing.h"

#include <utility>

#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

constexpr const char* kSignaturePointer = "/signature";

Error AtSignature(const Error& error) {
  std::vector<FieldError> fields = error.fields();
  if (fields.empty()) fields.push_back({kSignaturePointer, error.message()});
  return Error(error.code(), error.message(), error.reason(), std::move(fields));
}

}  // namespace

AcceptedSignature ResultSigning::AcceptedOf(VerifiedSignature verified, std::string der) const {
  AcceptedSignature accepted;
  accepted.evidence = std::move(verified.evidence);
  accepted.evidence.signing_time = verified.signing_time;
  accepted.evidence.signature_id = tools_.hash(der);
  accepted.subject_uid = std::move(verified.subject_uid);
  accepted.der = std::move(der);
  return accepted;
}

Result<AcceptedSignature> ResultSigning::Accept(std::string der,
                                                std::string_view result_bytes) const {
  Result<VerifiedSignature> verified = tools_.verifier->VerifyDetached(der, result_bytes);
  if (!verified.ok()) return AtSignature(verified.error());
  return AcceptedOf(std::move(verified).value(), std::move(der));
}

Result<AcceptedSignature> ResultSigning::AcceptUploaded(const Actor& actor,
                                                        const nlohmann::json& value,
                                                        std::string_view result_bytes,
                                                        const SigningMoment& moment) const {
  if (tools_.verifier == nullptr) {
    return Error(ErrorCode::kUnavailable,
                 "this server has no trust store configured, so it accepts no signatures",
                 ErrorReason::kSignaturesUnavailable,
                 {{kSignaturePointer, "cannot be verified here"}});
  }
  std::optional<std::string> der;
  if (value.is_string() && tools_.decode_base64)
    der = tools_.decode_base64(value.get<std::string>());
  if (!der) {
    return Error(ErrorCode::kInvalidArgument, "the signature must be base64 of DER CMS",
                 ErrorReason::kInvalidPayload,
                 {{kSignaturePointer, "must be a string of standard padded base64"}});
  }
  ASSIGN_OR_RETURN(AcceptedSignature accepted, Accept(std::move(*der), result_bytes));

  // The certificate must be the acting user's.
  std::optional<std::string> bound_fingerprint;
  if (tools_.identities != nullptr) {
    Result<User> user = tools_.identities->GetUser(actor.user_id);
    if (user.ok()) {
      bound_fingerprint = user->certificate_fingerprint;
    } else if (user.error().code() != ErrorCode::kNotFound) {
      return user.error();
    }
  }
  const bool bound = bound_fingerprint
                         ? *bound_fingerprint == accepted.evidence.certificate_fingerprint
                         : accepted.subject_uid == actor.user_id;
  if (!bound) {
    return Error(ErrorCode::kPermissionDenied,
                 "the signer certificate is not bound to user " + actor.user_id,
                 ErrorReason::kCertificateNotBoundToUser,
                 {{kSignaturePointer, bound_fingerprint
                                          ? "the certificate's fingerprint is not the one on "
                                            "the user's record"
                                          : "the certificate's subject UID is not the user's id"}});
  }

  // The signer's own clock says when it signed: not before the result was
  // attached, not in the future (a little skew allowed), and recently. This
  // stops a certificate that has expired since from being used with a
  // signingTime from its validity period, and limits how long a signature
  // made for one dossier could be replayed on another.
  const SignatureWindow& window = tools_.window;
  const Instant signed_at = accepted.evidence.signing_time.value_or(Instant{});
  if (signed_at > moment.now + window.max_skew ||
      (moment.result_attached && signed_at < *moment.result_attached - window.max_skew)) {
    return Error(
        ErrorCode::kInvalidArgument,
        "the signing time is before the result was attached or in the future",
        ErrorReason::kSigningTimeImplausible,
        {{kSignaturePointer, "signingTime must lie between the result's attachment and now"}});
  }
  if (signed_at < moment.now - window.max_age) {
    return Error(ErrorCode::kInvalidArgument,
                 "the signature was made more than " + std::to_string(window.max_age.count()) +
                     " minutes ago; sign the result again",
                 ErrorReason::kSigningTimeImplausible,
                 {{kSignaturePointer, "signingTime must be within the last " +
                                          std::to_string(window.max_age.count()) + " minutes"}});
  }
  return accepted;
}

Result<AcceptedSignature> ResultSigning::Seal(std::string_view result_bytes) const {
  if (tools_.sealer == nullptr || tools_.verifier == nullptr) {
    return Error(ErrorCode::kUnavailable,
                 "this server has no agency seal (or no trust store) configured",
                 ErrorReason::kSealUnavailable, {{"/seal", "cannot be applied here"}});
  }
  // Not verified again here: the seal's chain was verified against the trust
  // store when the server started (serve refuses a seal that does not
  // verify), the sealer refuses once its certificate is not valid, and every
  // listing re-verifies each stored signature (CurrentStatus).
  ASSIGN_OR_RETURN(SealedSignature sealed, tools_.sealer->SealDetached(result_bytes));
  AcceptedSignature accepted = AcceptedOf(std::move(sealed.verified), std::move(sealed.der));
  accepted.evidence.seal = true;
  return accepted;
}

std::string ResultSigning::CurrentStatus(std::string_view der,
                                         std::string_view result_bytes) const {
  if (tools_.verifier == nullptr) {
    return std::string(ErrorReasonName(ErrorReason::kSignaturesUnavailable));
  }
  Result<VerifiedSignature> verified = tools_.verifier->VerifyDetached(der, result_bytes);
  return verified.ok() ? "valid" : std::string(ErrorReasonName(verified.error().reason()));
}

}  // namespace motcua
