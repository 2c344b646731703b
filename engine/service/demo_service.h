// demo_service.h: demo mode (`motcua serve --demo`): accounts anyone may sign
// in as, and a payment gateway that pays at the click of a button. For a
// laptop demonstration only; the server must never face the internet in
// demo mode, and serve only builds this service when asked to.
//
// The demo accounts are a fixed set (DemoAccountTable): one citizen
// (applicant, a valid citizen id, no agency) and one member of staff per
// role of the bundled workflows and the access policy (reception clerk,
// specialist, leader, admin, auditor) in one agency, the staff agency given
// to the constructor. The leader is "leader1", the UID of the demo PKI's
// leader certificate (engine/crypto/pki_demo.h): with no certificate
// fingerprint bound to the account, ResultSigning accepts signatures made
// with that certificate (`motcua sign` with demo-pki/leader.*) from it.
//
// EnsureAccounts creates the accounts that do not exist, enabled; accounts
// that exist (an earlier start, or made by other means) are reused as they
// are, so a second start adds nothing and an admin's change (a disabled
// demo account, say) outlives a restart.
//
// SignIn starts the same browser session an OpenID Connect sign-in starts
// (SessionService::Start, AuthMethod::kDemoSession, no identity provider),
// for a demo account only: any other user id, existing or not, is
// kInvalidArgument "validation" at "/user_id". A disabled account is
// SessionService::Start's kFailedPrecondition "user_disabled".
//
// PayOnline does for the dossier's applicant what a real online gateway
// does: it builds the gateway callback body (payment_service.h) for the
// amount the dossier owes online, under a fresh transaction id, signs it
// with `sign_callback` (the server's payment secret), and records it through
// PaymentService::ConfirmOnline, so the payment is an online one and counts
// toward the fully-online verdict. Errors: kNotFound "dossier_not_found" for
// a dossier the caller may not see or whose applicant the caller is not
// (worded as for a dossier that does not exist); ConfirmOnline's errors
// (kFailedPrecondition "not_awaiting_payment" when nothing is due,
// kUnavailable "payments_unavailable" without a gateway).
//
// Thread-safe: state lives in the stores.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/identity.h"
#include "engine/domain/status.h"
#include "engine/domain/token_crypto.h"
#include "engine/service/dossier_service.h"
#include "engine/service/payment_service.h"
#include "engine/service/session_service.h"

namespace motcua {

// One demo account as the sign-in page lists it.
struct DemoAccount {
  std::string user_id;
  std::string name;
  std::vector<std::string> roles;
  std::string agency;  // empty for the citizen
  std::string label_vi;
  std::string label_en;
};

// The agency roles of the bundled inter-agency (liên thông) procedures whose
// agencies get demo staff of their own (see DemoAccountTable).
inline constexpr const char* kDemoResidencePoliceRole = "residence_police";
inline constexpr const char* kDemoSocialInsuranceRole = "social_insurance";

// The demo accounts, their staff in `staff_agency`, in the order the
// sign-in page lists them. When `role_agencies` names the agencies that
// fill kDemoResidencePoliceRole or kDemoSocialInsuranceRole for the staff
// agency (serve's --agency-roles), the staff agency also gets a
// civil-status officer, and each of those agencies an officer
// (residence_officer, insurance_officer) and a leader ("demo-police-leader",
// "demo-insurance-leader": sign with `motcua pki demo --signers` of those
// ids), so that a liên thông dossier can be walked through in the demo.
std::vector<DemoAccount> DemoAccountTable(
    const std::string& staff_agency, const std::map<std::string, std::string>& role_agencies = {});

// A demo sign-in: the session's secret (for the cookie only) and the session
// as GET /v1/session shows it.
struct DemoSignIn {
  std::string secret;
  AuthenticatedSession session;
};

// Signs a gateway callback body as the payment gateway would: what
// X-Motcua-Signature carries after "sha256=".
using CallbackSigner = std::function<std::string(std::string_view body)>;

struct DemoServices {
  IdentityStore& users;
  SessionService& sessions;
  DossierService& dossiers;
  PaymentService& payments;
  const TokenCrypto& crypto;  // fresh transaction ids
  const Clock& clock;
};

class DemoService {
 public:
  // `services` must outlive this; `staff_agency` is a well-formed agency id,
  // and so is every agency of `role_agencies` (DemoAccountTable).
  DemoService(DemoServices services, CallbackSigner sign_callback, std::string staff_agency,
              const std::map<std::string, std::string>& role_agencies = {})
      : services_(services),
        sign_callback_(std::move(sign_callback)),
        accounts_(DemoAccountTable(staff_agency, role_agencies)) {}

  // Creates the missing demo accounts (see above). Store errors as they come.
  Status EnsureAccounts();

  // The demo accounts that exist and are enabled, as stored now (names,
  // roles and agency from the user records), in DemoAccountTable order.
  Result<std::vector<DemoAccount>> Accounts();

  Result<DemoSignIn> SignIn(const std::string& user_id);

  Result<DossierView> PayOnline(const Actor& applicant, const std::string& code);

 private:
  const DemoAccount* Find(const std::string& user_id) const;

  DemoServices services_;
  CallbackSigner sign_callback_;
  std::vector<DemoAccount> accounts_;
};

}  // namespace motcua
