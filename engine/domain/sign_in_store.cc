#include "engine/domain/sign_in_store.h"

#include <algorithm>
#include <string_view>

#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

bool IsSha256HexText(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Error Invalid(const std::string& pointer, const std::string& must) {
  return Error(ErrorCode::kInvalidArgument, pointer.substr(1) + " must be " + must,
               ErrorReason::kNone, {{pointer, "must be " + must}});
}

Status CheckHash(const std::string& pointer, std::string_view hash) {
  if (!IsSha256HexText(hash)) return Invalid(pointer, "a SHA-256 in lower-case hex");
  return Status();
}

Status CheckText(const std::string& pointer, std::string_view text, std::size_t max_bytes) {
  if (text.empty() || text.size() > max_bytes) {
    return Invalid(pointer, "1 to " + std::to_string(max_bytes) + " bytes");
  }
  return Status();
}

Status CheckIdentityKey(const std::string& issuer, const std::string& subject) {
  if (Status ok = CheckText("/issuer", issuer, kMaxIdentityPartBytes); !ok.ok()) return ok;
  return CheckText("/subject", subject, kMaxIdentityPartBytes);
}

Status CheckUserAndProvider(const std::string& user_id, const std::string& provider) {
  if (user_id.empty()) return Invalid("/user_id", "a user id");
  if (provider.empty()) return Invalid("/provider", "a provider id");
  return Status();
}

}  // namespace

Error LoginAttemptNotFound() {
  return Error(ErrorCode::kNotFound, "no login attempt has this state",
               ErrorReason::kLoginAttemptInvalid);
}

Error LoginAttemptAlreadyUsed() {
  return Error(ErrorCode::kConflict, "the login attempt was used already",
               ErrorReason::kLoginAttemptInvalid);
}

Error IdentityNotLinked(const std::string& message) {
  return Error(ErrorCode::kNotFound, message, ErrorReason::kIdentityNotLinked);
}

Error IdentityAlreadyLinked(const std::string& issuer, const std::string& subject) {
  return Error(ErrorCode::kConflict,
               "subject " + subject + " of " + issuer + " is linked to another user",
               ErrorReason::kIdentityAlreadyLinked);
}

Status SignInStore::CreateLoginAttempt(const LoginAttempt& attempt) {
  for (Status checked : {CheckHash("/state_hash", attempt.state_hash),
                         CheckHash("/binding_hash", attempt.binding_hash),
                         CheckText("/provider", attempt.provider, kMaxLoginSecretBytes),
                         CheckText("/nonce", attempt.nonce, kMaxLoginSecretBytes),
                         CheckText("/code_verifier", attempt.code_verifier, kMaxLoginSecretBytes),
                         CheckText("/return_to", attempt.return_to, kMaxReturnToBytes)}) {
    RETURN_IF_ERROR(checked);
  }
  if (attempt.return_to.front() != '/') return Invalid("/return_to", "a path starting with /");
  if (attempt.used_at) return Invalid("/used_at", "empty in a new attempt");
  return DoCreateLoginAttempt(attempt);
}

Result<LoginAttempt> SignInStore::GetLoginAttempt(const std::string& state_hash) {
  if (Status checked = CheckHash("/state_hash", state_hash); !checked.ok()) return checked.error();
  return DoGetLoginAttempt(state_hash);
}

Status SignInStore::MarkLoginAttemptUsed(const std::string& state_hash, Instant at) {
  if (Status checked = CheckHash("/state_hash", state_hash); !checked.ok()) return checked;
  return DoMarkLoginAttemptUsed(state_hash, at);
}

Status SignInStore::PruneLoginAttempts(Instant created_before) {
  return DoPruneLoginAttempts(created_before);
}

Status SignInStore::LinkIdentity(const ExternalIdentity& identity) {
  if (Status checked = CheckIdentityKey(identity.issuer, identity.subject); !checked.ok()) {
    return checked;
  }
  if (Status checked = CheckUserAndProvider(identity.user_id, identity.provider); !checked.ok()) {
    return checked;
  }
  return DoLinkIdentity(identity);
}

Result<ExternalIdentity> SignInStore::FindIdentity(const std::string& issuer,
                                                   const std::string& subject) {
  if (Status checked = CheckIdentityKey(issuer, subject); !checked.ok()) return checked.error();
  return DoFindIdentity(issuer, subject);
}

Result<ExternalIdentity> SignInStore::FindUserIdentity(const std::string& user_id,
                                                       const std::string& provider) {
  if (Status checked = CheckUserAndProvider(user_id, provider); !checked.ok()) {
    return checked.error();
  }
  return DoFindUserIdentity(user_id, provider);
}

Status SignInStore::UnlinkIdentity(const std::string& user_id, const std::string& provider) {
  if (Status checked = CheckUserAndProvider(user_id, provider); !checked.ok()) return checked;
  return DoUnlinkIdentity(user_id, provider);
}

}  // namespace motcua
