#include "engine/service/identity_links.h"

#include "engine/domain/status_macros.h"
#include "engine/service/login_service.h"

namespace motcua {

Result<OidcProviderConfig> IdentityLinks::CheckLinkable(const Actor& admin,
                                                        const std::string& user_id,
                                                        const std::string& provider) {
  ASSIGN_OR_RETURN(User user, users_.Get(admin, user_id));
  for (const OidcProviderConfig& config : providers_) {
    if (config.id != provider) continue;
    if (config.kind != OidcProviderKind::kStaff) {
      return Error(ErrorCode::kInvalidArgument,
                   "provider " + provider +
                       " signs in citizens, who are known by their citizen ID and never linked",
                   ErrorReason::kValidation, {{"", "must name a staff provider"}});
    }
    if (config.agency != user.agency) {
      return Error(ErrorCode::kPermissionDenied,
                   "provider " + provider + " signs in staff of " + config.agency + ", not of " +
                       (user.agency.empty() ? "no agency" : user.agency),
                   ErrorReason::kWrongAgency);
    }
    return config;
  }
  return UnknownIdentityProvider(provider);
}

Result<ExternalIdentity> IdentityLinks::Link(const Actor& admin, const std::string& user_id,
                                             const std::string& provider,
                                             const std::string& subject) {
  ASSIGN_OR_RETURN(OidcProviderConfig config, CheckLinkable(admin, user_id, provider));
  RETURN_IF_ERROR(store_.LinkIdentity({config.issuer, subject, user_id, provider, clock_.Now()}));
  return store_.FindUserIdentity(user_id, provider);
}

Status IdentityLinks::Unlink(const Actor& admin, const std::string& user_id,
                             const std::string& provider) {
  RETURN_IF_ERROR(CheckLinkable(admin, user_id, provider));
  return store_.UnlinkIdentity(user_id, provider);
}

}  // namespace motcua
