// error_reason.h: the machine-readable reasons an Error may carry.
//
// An ErrorReason refines an ErrorCode for callers and for the API: it names
// the problem `type` (https://motcua.example/problems/<name>, part of the
// public contract in api/openapi.yaml) and may decide the HTTP status (the one
// table that does so is in api/problem.cc). kNone means "no reason": the
// code's own name is the type.
//
// Each reason and its stable wire name are listed exactly once, in
// MOTCUA_ERROR_REASONS below; the enum and ErrorReasonName are generated from
// that list. A wire name never changes once released: add a reason, do not
// rename one. Names are lower_snake_case and unique (tests/api/problem_test.cc
// checks both).
//
// Example:
//   return Error(ErrorCode::kConflict, "the dossier changed",
//                ErrorReason::kStaleVersion);
//   ErrorReasonName(ErrorReason::kStaleVersion) == "stale_version"
#pragma once

#include <array>
#include <string_view>

namespace motcua {

// X(enumerator, "wire_name"), sorted by wire name.
#define MOTCUA_ERROR_REASONS(X)                                                 \
  X(kAlreadyClaimed, "already_claimed")                                         \
  X(kAlreadyRated, "already_rated")                                             \
  X(kAmountMismatch, "amount_mismatch")                                         \
  X(kBadCertificate, "bad_certificate")                                         \
  X(kBadChain, "bad_chain")                                                     \
  X(kBadCrl, "bad_crl")                                                         \
  X(kBadKey, "bad_key")                                                         \
  X(kBadSignature, "bad_signature")                                             \
  X(kCalendarExhausted, "calendar_exhausted")                                   \
  X(kCertificateNotBoundToUser, "certificate_not_bound_to_user")                \
  X(kCertificateNotValidAtSigningTime, "certificate_not_valid_at_signing_time") \
  X(kCertificateRevoked, "certificate_revoked")                                 \
  X(kCheckpointUntrusted, "checkpoint_untrusted")                               \
  X(kClockNotRunning, "clock_not_running")                                      \
  X(kConcurrentChange, "concurrent_change")                                     \
  X(kConstraint, "constraint")                                                  \
  X(kContentMismatch, "content_mismatch")                                       \
  X(kContentTooLarge, "content_too_large")                                      \
  X(kCorruptRow, "corrupt_row")                                                 \
  X(kCsrfTokenInvalid, "csrf_token_invalid")                                    \
  X(kDatabaseBusy, "database_busy")                                             \
  X(kDocumentNotFound, "document_not_found")                                    \
  X(kDossierExists, "dossier_exists")                                           \
  X(kDossierNotFound, "dossier_not_found")                                      \
  X(kDuplicatePayment, "duplicate_payment")                                     \
  X(kEmptyBody, "empty_body")                                                   \
  X(kFeedPruned, "feed_pruned")                                                 \
  X(kFourEyes, "four_eyes")                                                     \
  X(kHistoryInconsistent, "history_inconsistent")                               \
  X(kIdTokenRefused, "id_token_refused")                                        \
  X(kIdempotencyKeyInProgress, "idempotency_key_in_progress")                   \
  X(kIdempotencyKeyReused, "idempotency_key_reused")                            \
  X(kIdentityAlreadyLinked, "identity_already_linked")                          \
  X(kIdentityClaimInvalid, "identity_claim_invalid")                            \
  X(kIdentityNotLinked, "identity_not_linked")                                  \
  X(kIdentityProviderError, "identity_provider_error")                          \
  X(kInvalidCheckpoint, "invalid_checkpoint")                                   \
  X(kInvalidDossierCode, "invalid_dossier_code")                                \
  X(kInvalidHeader, "invalid_header")                                           \
  X(kInvalidIfMatch, "invalid_if_match")                                        \
  X(kInvalidJson, "invalid_json")                                               \
  X(kInvalidPayload, "invalid_payload")                                         \
  X(kInvalidReturnTo, "invalid_return_to")                                      \
  X(kInvalidToken, "invalid_token")                                             \
  X(kInvalidWorkflow, "invalid_workflow")                                       \
  X(kJsonTooDeep, "json_too_deep")                                              \
  X(kJsonTooLarge, "json_too_large")                                            \
  X(kKeyCertificateMismatch, "key_certificate_mismatch")                        \
  X(kKeyFilePermissions, "key_file_permissions")                                \
  X(kKeyUsage, "key_usage")                                                     \
  X(kLoginAttemptInvalid, "login_attempt_invalid")                              \
  X(kMalformedJson, "malformed_json")                                           \
  X(kMalformedSignature, "malformed_signature")                                 \
  X(kMigrationFailed, "migration_failed")                                       \
  X(kMissingRequirement, "missing_requirement")                                 \
  X(kMissingToken, "missing_token")                                             \
  X(kNoResult, "no_result")                                                     \
  X(kNotAllowedFromState, "not_allowed_from_state")                             \
  X(kNotAssignee, "not_assignee")                                               \
  X(kNotAwaitingPayment, "not_awaiting_payment")                                \
  X(kNotFinished, "not_finished")                                               \
  X(kNotInYourQueue, "not_in_your_queue")                                       \
  X(kNotOwner, "not_owner")                                                     \
  X(kNotYourProcedure, "not_your_procedure")                                    \
  X(kNotYourUser, "not_your_user")                                              \
  X(kOidcConfigInvalid, "oidc_config_invalid")                                  \
  X(kOidcDiscoveryRefused, "oidc_discovery_refused")                            \
  X(kOriginRefused, "origin_refused")                                           \
  X(kOtherAgency, "other_agency")                                               \
  X(kPaymentRequired, "payment_required")                                       \
  X(kPaymentsUnavailable, "payments_unavailable")                               \
  X(kPlanChanged, "plan_changed")                                               \
  X(kProcedureNotFound, "procedure_not_found")                                  \
  X(kRevocationUnknown, "revocation_unknown")                                   \
  X(kRoleNotAllowed, "role_not_allowed")                                        \
  X(kSchemaTooNew, "schema_too_new")                                            \
  X(kSealCertificateNotValid, "seal_certificate_not_valid")                     \
  X(kSealUnavailable, "seal_unavailable")                                       \
  X(kSessionInvalid, "session_invalid")                                         \
  X(kSignatureAlreadyUsed, "signature_already_used")                            \
  X(kSignatureMismatch, "signature_mismatch")                                   \
  X(kSignatureNotFound, "signature_not_found")                                  \
  X(kSignaturesUnavailable, "signatures_unavailable")                           \
  X(kSignerIsCa, "signer_is_ca")                                                \
  X(kSigningTimeImplausible, "signing_time_implausible")                        \
  X(kSqlite, "sqlite")                                                          \
  X(kStaleVersion, "stale_version")                                             \
  X(kTerminalState, "terminal_state")                                           \
  X(kTokenEndpointRefused, "token_endpoint_refused")                            \
  X(kTokenExists, "token_exists")                                               \
  X(kTokenNotFound, "token_not_found")                                          \
  X(kTransactionReused, "transaction_reused")                                   \
  X(kUnknownAction, "unknown_action")                                           \
  X(kUnknownIdentityProvider, "unknown_identity_provider")                      \
  X(kUnknownResult, "unknown_result")                                           \
  X(kUnsupportedMediaType, "unsupported_media_type")                            \
  X(kUntrustedCertificate, "untrusted_certificate")                             \
  X(kUserDisabled, "user_disabled")                                             \
  X(kUserExists, "user_exists")                                                 \
  X(kUserNotFound, "user_not_found")                                            \
  X(kValidation, "validation")                                                  \
  X(kWeakDigest, "weak_digest")                                                 \
  X(kWrongAgency, "wrong_agency")

enum class ErrorReason {
  kNone,
#define MOTCUA_ERROR_REASON_ENUMERATOR(enumerator, wire_name) enumerator,
  MOTCUA_ERROR_REASONS(MOTCUA_ERROR_REASON_ENUMERATOR)
#undef MOTCUA_ERROR_REASON_ENUMERATOR
};

// Every reason except kNone, in declaration order (for tables and tests).
inline constexpr std::array kAllErrorReasons = {
#define MOTCUA_ERROR_REASON_VALUE(enumerator, wire_name) ErrorReason::enumerator,
    MOTCUA_ERROR_REASONS(MOTCUA_ERROR_REASON_VALUE)
#undef MOTCUA_ERROR_REASON_VALUE
};

// The stable wire name of `reason`, e.g. "stale_version"; "" for kNone.
constexpr std::string_view ErrorReasonName(ErrorReason reason) {
  switch (reason) {
    case ErrorReason::kNone: return "";
#define MOTCUA_ERROR_REASON_NAME(enumerator, wire_name) \
  case ErrorReason::enumerator: return wire_name;
      MOTCUA_ERROR_REASONS(MOTCUA_ERROR_REASON_NAME)
#undef MOTCUA_ERROR_REASON_NAME
  }
  return "";
}

}  // namespace motcua
