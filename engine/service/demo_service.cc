#include "engine/service/demo_service.h"

#include <nlohmann/json.hpp>

#include "engine/domain/payment.h"
#include "engine/domain/status_macros.h"
#include "engine/domain/workflow.h"

namespace motcua {
namespace {

Error NotADemoAccount(const std::string& user_id) {
  return Error(ErrorCode::kInvalidArgument, "\"" + user_id + "\" is not a demo account",
               ErrorReason::kValidation,
               {{"/user_id", "must be one of the demo accounts (GET /v1/demo/accounts)"}});
}

}  // namespace

std::vector<DemoAccount> DemoAccountTable(const std::string& staff_agency,
                                          const std::map<std::string, std::string>& role_agencies) {
  std::vector<DemoAccount> accounts{
      {"001090000001", "Nguyễn Văn An", {kApplicantRole}, "", "Công dân", "Citizen"},
      {"demo-reception",
       "Phạm Văn Dũng",
       {"reception_clerk"},
       staff_agency,
       "Cán bộ tiếp nhận (một cửa)",
       "Reception clerk (one-stop desk)"},
      {"demo-specialist",
       "Lê Thị Hoa",
       {"specialist"},
       staff_agency,
       "Chuyên viên xử lý",
       "Specialist"},
      {"leader1",
       "Trần Văn Lãnh",
       {"leader"},
       staff_agency,
       "Lãnh đạo (ký số kết quả)",
       "Leader (signs results)"},
      {"demo-admin",
       "Hoàng Minh Quân",
       {kAdminRole},
       staff_agency,
       "Quản trị viên",
       "Administrator"},
      {"demo-auditor",
       "Vũ Thị Kiểm",
       {kAuditorRole},
       staff_agency,
       "Kiểm tra, giám sát",
       "Auditor"},
  };
  if (role_agencies.empty()) return accounts;
  accounts.push_back({"demo-civil-status",
                      "Ngô Thị Hộ",
                      {"civil_status_officer"},
                      staff_agency,
                      "Công chức tư pháp - hộ tịch (liên thông)",
                      "Civil-status officer (inter-agency)"});
  if (auto police = role_agencies.find(kDemoResidencePoliceRole); police != role_agencies.end()) {
    accounts.push_back({"demo-police",
                        "Đinh Văn Công",
                        {"residence_officer"},
                        police->second,
                        "Công an xã: cán bộ đăng ký cư trú",
                        "Commune police: residence officer"});
    accounts.push_back({"demo-police-leader",
                        "Hà Văn Trưởng",
                        {"leader"},
                        police->second,
                        "Công an xã: lãnh đạo (ký số)",
                        "Commune police: leader (signs)"});
  }
  if (auto insurance = role_agencies.find(kDemoSocialInsuranceRole);
      insurance != role_agencies.end()) {
    accounts.push_back({"demo-insurance",
                        "Lý Thị Bảo",
                        {"insurance_officer"},
                        insurance->second,
                        "Bảo hiểm xã hội: cán bộ cấp thẻ",
                        "Social insurance: card officer"});
    accounts.push_back({"demo-insurance-leader",
                        "Phan Văn Hiểm",
                        {"leader"},
                        insurance->second,
                        "Bảo hiểm xã hội: lãnh đạo (ký số)",
                        "Social insurance: leader (signs)"});
  }
  return accounts;
}

Status DemoService::EnsureAccounts() {
  for (const DemoAccount& account : accounts_) {
    Result<User> existing = services_.users.GetUser(account.user_id);
    if (existing.ok()) continue;
    if (existing.error().code() != ErrorCode::kNotFound) return existing.error();
    User user;
    user.id = account.user_id;
    user.name = account.name;
    user.roles = account.roles;
    user.agency = account.agency;
    user.created_at = services_.clock.Now();
    RETURN_IF_ERROR(ValidateUser(user));
    Status created = services_.users.CreateUser(user);
    // Another server starting on the same database made it first.
    if (!created.ok() && created.error().code() != ErrorCode::kConflict) return created;
  }
  return Status();
}

Result<std::vector<DemoAccount>> DemoService::Accounts() {
  std::vector<DemoAccount> listed;
  for (const DemoAccount& account : accounts_) {
    Result<User> user = services_.users.GetUser(account.user_id);
    if (!user.ok()) {
      if (user.error().code() == ErrorCode::kNotFound) continue;
      return user.error();
    }
    if (user->disabled) continue;
    DemoAccount stored = account;
    stored.name = user->name;
    stored.roles = user->roles;
    stored.agency = user->agency;
    listed.push_back(std::move(stored));
  }
  return listed;
}

const DemoAccount* DemoService::Find(const std::string& user_id) const {
  for (const DemoAccount& account : accounts_) {
    if (account.user_id == user_id) return &account;
  }
  return nullptr;
}

Result<DemoSignIn> DemoService::SignIn(const std::string& user_id) {
  if (Find(user_id) == nullptr) return NotADemoAccount(user_id);
  Result<User> user = services_.users.GetUser(user_id);
  if (!user.ok()) {
    return user.error().code() == ErrorCode::kNotFound ? NotADemoAccount(user_id) : user.error();
  }
  ASSIGN_OR_RETURN(StartedSession started,
                   services_.sessions.Start(*user, AuthMethod::kDemoSession, ""));
  ASSIGN_OR_RETURN(AuthenticatedSession session, services_.sessions.Authenticate(started.secret));
  return DemoSignIn{std::move(started.secret), std::move(session)};
}

Result<DossierView> DemoService::PayOnline(const Actor& applicant, const std::string& code) {
  ASSIGN_OR_RETURN(DossierView view, services_.dossiers.Get(applicant, code));
  // Staff may see the dossier; only its applicant pays through the gateway.
  if (view.dossier.applicant_id != applicant.user_id) {
    return Error(ErrorCode::kNotFound, "dossier " + code + " does not exist",
                 ErrorReason::kDossierNotFound);
  }
  const std::int64_t due =
      AmountDue(view.workflow->workflow.procedure, view.dossier, Channel::kOnline);
  const std::string body = nlohmann::json{
      {"transaction_id", "demo-" + services_.crypto.NewSecret()},
      {"dossier", code},
      {"amount", due},
      {"status", "paid"}}.dump();
  const std::string signature = sign_callback_ ? sign_callback_(body) : std::string();
  RETURN_IF_ERROR(services_.payments.ConfirmOnline(body, signature));
  return services_.dossiers.Get(applicant, code);
}

}  // namespace motcua
