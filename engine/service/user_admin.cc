#include "engine/service/user_admin.h"

#include <algorithm>

#include "engine/domain/access.h"
#include "engine/domain/status_macros.h"
#include "engine/domain/workflow.h"

namespace motcua {
namespace {

Error UserNotFound(const std::string& id) {
  return Error(ErrorCode::kNotFound, "user " + id + " does not exist", ErrorReason::kUserNotFound);
}

Status RequireAdmin(const Actor& actor) {
  return Authorize(actor, Operation::kManageUsers);
}

// Why `admin` may not manage `user`: staff of another agency are invisible
// (kNotFound); applicants and national admins are someone else's to manage.
Error OutOfScope(const Actor& admin, const User& user) {
  if (!user.agency.empty() && user.agency != admin.agency) return UserNotFound(user.id);
  if (user.HasRole(kApplicantRole) || user.agency.empty()) {
    return Error(ErrorCode::kPermissionDenied,
                 "applicant accounts belong to no agency; only a national admin manages them",
                 ErrorReason::kNotYourUser);
  }
  return Error(ErrorCode::kPermissionDenied, "national admins are managed by national admins only",
               ErrorReason::kNotYourUser);
}

}  // namespace

Result<User> UserAdministration::LoadInScope(const Actor& admin, const std::string& id) {
  RETURN_IF_ERROR(RequireAdmin(admin));
  Result<User> user = store_.GetUser(id);
  if (!user.ok()) {
    return user.error().code() == ErrorCode::kNotFound ? UserNotFound(id) : user.error();
  }
  if (!MayManageUser(admin, *user)) return OutOfScope(admin, *user);
  return user;
}

Result<std::vector<User>> UserAdministration::List(const Actor& admin) {
  RETURN_IF_ERROR(RequireAdmin(admin));
  return store_.ListUsers(admin.agency);
}

Result<User> UserAdministration::Get(const Actor& admin, const std::string& id) {
  return LoadInScope(admin, id);
}

Result<User> UserAdministration::Create(const Actor& admin, User user) {
  RETURN_IF_ERROR(RequireAdmin(admin));
  const bool applicant = user.HasRole(kApplicantRole);
  if (!applicant && user.agency.empty()) user.agency = admin.agency;
  if (!applicant && user.agency != admin.agency && !admin.HasRole(kNationalAdminRole)) {
    return Error(ErrorCode::kPermissionDenied, "admins create staff of their own agency only",
                 ErrorReason::kWrongAgency, {{"/agency", "must be your agency " + admin.agency}});
  }
  user.created_at = clock_.Now();
  RETURN_IF_ERROR(ValidateUser(user));
  if (!MayManageUser(admin, user)) return OutOfScope(admin, user);
  RETURN_IF_ERROR(store_.CreateUser(user));
  return user;
}

Result<User> UserAdministration::Update(const Actor& admin, const std::string& id,
                                        const UserChanges& changes) {
  ASSIGN_OR_RETURN(User user, LoadInScope(admin, id));
  if (changes.name) user.name = *changes.name;
  if (changes.roles) user.roles = *changes.roles;
  if (changes.disabled) user.disabled = *changes.disabled;
  if (changes.certificate_fingerprint) {
    user.certificate_fingerprint =
        changes.certificate_fingerprint->empty() ? std::nullopt : changes.certificate_fingerprint;
  }
  RETURN_IF_ERROR(ValidateUser(user));
  // The changed user must still be the admin's to manage (no granting of
  // national_admin by an agency admin).
  if (!MayManageUser(admin, user)) return OutOfScope(admin, user);
  RETURN_IF_ERROR(store_.UpdateUser(user));
  tokens_.ForgetUser(id);
  if (user.disabled && sessions_ != nullptr) RETURN_IF_ERROR(sessions_->EndUserSessions(id));
  return user;
}

Result<TokenService::Issued> UserAdministration::IssueToken(const Actor& admin,
                                                            const std::string& user_id,
                                                            const std::string& label,
                                                            std::chrono::seconds ttl) {
  RETURN_IF_ERROR(LoadInScope(admin, user_id));
  if (ttl < std::chrono::minutes(1) || ttl > kMaxTokenLifetime) {
    return Error(ErrorCode::kInvalidArgument, "a token lives from 1 minute to 365 days",
                 ErrorReason::kValidation, {{"/ttl_seconds", "must be from 60 to 31536000"}});
  }
  return tokens_.Issue(user_id, label, ttl);
}

Result<std::vector<TokenRecord>> UserAdministration::ListTokens(const Actor& admin,
                                                                const std::string& user_id) {
  RETURN_IF_ERROR(LoadInScope(admin, user_id));
  return store_.ListTokens(user_id);
}

Status UserAdministration::RevokeToken(const Actor& admin, const std::string& token_hash) {
  RETURN_IF_ERROR(RequireAdmin(admin));
  Result<TokenRecord> token = store_.GetToken(token_hash);
  const Error not_found(ErrorCode::kNotFound, "token does not exist", ErrorReason::kTokenNotFound);
  if (!token.ok()) return token.error().code() == ErrorCode::kNotFound ? not_found : token.error();
  Result<User> user = LoadInScope(admin, token->user_id);
  if (!user.ok()) return user.error().code() == ErrorCode::kNotFound ? not_found : user.error();
  return tokens_.Revoke(token_hash);
}

}  // namespace motcua
