// Inter-agency (liên thông) dossiers against the real server (issue 22): the
// bundled birth group, LT-KHAISINH, and death group, 1.011537, with staff of
// three agencies. The commune
// registers and signs the birth; the police and social insurance then work
// their branches at once, each in its own queue, each issuing its own result
// signed by its own leader, and the dossier joins when both have ended. Each
// agency sees only its branch; the citizen sees one dossier; the feed
// carries every agency's records; `audit verify` is ok; a kill -9 in the
// middle of the fork loses and duplicates nothing.
#include <sys/socket.h>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "engine/crypto/base64.h"
#include "tests/engine/sqlite/temp_directory.h"
#include "tests/hostile/live_server.h"
#include "tests/lienthong_fixture.h"

namespace motcua {
namespace {

using nlohmann::json;

using namespace lienthong;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Stops `server` and runs `motcua audit verify` on its database.
void CheckAuditVerifies(LiveServer& server) {
  server.Stop();
  std::string output;
  CHECK_MESSAGE(server.RunCliStatus("audit verify --db " + server.db(), output) == 0, output);
}

// A server with a demo PKI to sign with, and the commune's agency roles
// filled by the police and the social insurance office. Besides the
// commune's leader ("leader1"), the police's and social insurance's leaders
// of both staff generations have certificates to sign their branches'
// results with.
struct Deployment {
  TempDirectory dir;
  std::string pki = dir.File("pki");
  std::string roles = dir.File("agency-roles.json");

  Deployment() {
    const std::string make_pki = std::string(MOTCUA_BINARY) + " pki demo --out " + pki +
                                 " --signers police-lead-1,bhxh-lead-1,police-lead-2,bhxh-lead-2"
                                 " > /dev/null";
    REQUIRE(std::system(make_pki.c_str()) == 0);
    std::ofstream(roles) << AgencyRoles().dump();
  }

  std::vector<std::string> ServeArgs() const {
    return {"--agency-roles", roles, "--trust", pki + "/root-ca.pem"};
  }
};

// Users of every agency. Their ids end in `generation`: a server restarted
// on the same database gets new users (token create makes new users only).
// The first generation's leader is "leader1", the demo certificate's UID.
struct Staff {
  std::string citizen, clerk, officer, leader, police, insurance, insurance_2, sync, auditor;
  // The other agencies' leaders, and their user ids (their certificates' UIDs).
  std::string police_leader, insurance_leader;
  std::string police_leader_id, insurance_leader_id;

  explicit Staff(const LiveServer& server, int generation = 1) {
    const std::string g = std::to_string(generation);
    citizen = server.Token(generation == 1 ? kCitizen : "00109001234" + g, "applicant");
    clerk = server.Token("clerk-" + g, "reception_clerk", kCommune);
    officer = server.Token("officer-" + g, "civil_status_officer", kCommune);
    leader = server.Token(generation == 1 ? "leader1" : "leader-" + g, "leader", kCommune);
    police = server.Token("police-" + g, "residence_officer", kPolice);
    insurance = server.Token("bhxh-" + g, "insurance_officer", kInsurance);
    insurance_2 = server.Token("bhxh-other-" + g, "insurance_officer", kInsurance);
    police_leader_id = "police-lead-" + g;
    insurance_leader_id = "bhxh-lead-" + g;
    police_leader = server.Token(police_leader_id, "leader", kPolice);
    insurance_leader = server.Token(insurance_leader_id, "leader", kInsurance);
    sync = server.Token("sync-" + g, "portal_sync", kCommune);
    auditor = server.Token("auditor-" + g, "auditor", kCommune);
  }
};

LiveReply Act(const LiveServer& server, const std::string& token, const std::string& code,
              const std::string& action, const json& body = {{"comment", "Đã kiểm tra"}}) {
  return server.Send("POST", "/v1/dossiers/" + code + "/actions/" + action, token, body.dump());
}

std::string Upload(const LiveServer& server, const std::string& token, const std::string& bytes) {
  const LiveReply uploaded = server.Send("POST", "/v1/documents", token, bytes, "application/pdf");
  REQUIRE_MESSAGE(uploaded.status == 201, uploaded.body);
  return uploaded.Json().at("id").get<std::string>();
}

// One of the two bundled groups: its procedure and its required papers.
struct Group {
  std::string procedure;
  std::vector<std::string> documents;
};
const Group kBirthGroup{"LT-KHAISINH", {"declaration", "birth_proof"}};
const Group kDeathGroup{"1.011537", {"declaration", "death_notice"}};

// A dossier of `group` (by default the birth group) submitted with its sample
// form changed by `form_changes`, received, its certificate proposed and
// signed by the leader: at the fork. Returns its code.
std::string AtFork(const LiveServer& server, const Deployment& deployment, const Staff& staff,
                   int n, const Group& group = kBirthGroup,
                   const json& form_changes = json::object()) {
  json form = json::parse(ReadFile(std::string(MOTCUA_SOURCE_DIR) +
                                   "/tests/fixtures/sample_forms/" + group.procedure + ".json"));
  form.update(form_changes);
  json documents = json::object();
  for (const std::string& key : group.documents) {
    documents[key] = Upload(server, staff.citizen, "%PDF " + key + " " + std::to_string(n));
  }
  const json submission = {{"procedure", group.procedure},
                           {"agency", kCommune},
                           {"form", form},
                           {"documents", documents}};
  const LiveReply submitted = server.Send("POST", "/v1/dossiers", staff.citizen, submission.dump());
  REQUIRE_MESSAGE(submitted.status == 201, submitted.body);
  const std::string code = submitted.Json().at("code").get<std::string>();
  REQUIRE(Act(server, staff.clerk, code, "receive", json::object()).status == 200);

  const std::string certificate = "%PDF giấy khai sinh số " + std::to_string(n);
  const std::string result_path = deployment.dir.File("result-" + std::to_string(n) + ".pdf");
  std::ofstream(result_path, std::ios::binary) << certificate;
  const LiveReply proposed = Act(server, staff.officer, code, "propose_result",
                                 {{"comment", "Đủ điều kiện"},
                                  {"result_document", Upload(server, staff.officer, certificate)}});
  REQUIRE_MESSAGE(proposed.status == 200, proposed.body);
  const std::string signature = result_path + ".p7s";
  std::string output;
  REQUIRE_MESSAGE(server.RunCliStatus("sign --key " + deployment.pki + "/leader.key --cert " +
                                          deployment.pki + "/leader.pem --chain " + deployment.pki +
                                          "/chain.pem --in " + result_path + " --out " + signature,
                                      output) == 0,
                  output);
  const LiveReply signed_ =
      Act(server, staff.leader, code, "sign_result", {{"signature", Base64Encode(ReadFile(signature))}});
  REQUIRE_MESSAGE(signed_.status == 200, signed_.body);
  REQUIRE(signed_.Json().at("state") == "lienthong");
  return code;
}

// The detached CMS signature (base64) of the demo signer `signer` ("leader"
// for the commune's, else a --signers id) over the file at `path`.
std::string SignFile(const LiveServer& server, const Deployment& deployment,
                     const std::string& signer, const std::string& path) {
  const std::string base = deployment.pki + (signer == "leader" ? "/leader" : "/signer-" + signer);
  const std::string signature = path + "." + signer + ".p7s";
  std::string output;
  REQUIRE_MESSAGE(
      server.RunCliStatus("sign --key " + base + ".key --cert " + base + ".pem --chain " +
                              deployment.pki + "/chain.pem --in " + path + " --out " + signature,
                          output) == 0,
      output);
  return Base64Encode(ReadFile(signature));
}

// How each branch ends approved: its officer attaches the branch's own
// result with `propose`, its agency's leader signs it with `sign`.
struct BranchSteps {
  std::string propose, sign;
  bool police;  // else social insurance
};
const std::map<std::string, BranchSteps> kBranchSteps{
    {"residence", {"register_residence", "sign_residence_result", true}},
    {"health_insurance", {"issue_insurance_card", "sign_insurance_card", false}},
    {"residence_removal", {"remove_residence", "sign_deregistration", true}},
    {"funeral_allowance", {"grant_funeral_allowance", "sign_funeral_allowance", false}},
};

// A branch's result proposed by its agency's officer, and signed in advance
// by its agency's leader: the sign action's body, ready to send.
struct ProposedResult {
  std::string document_id;
  std::string bytes;
  json sign_body;
};
ProposedResult Propose(const LiveServer& server, const Deployment& deployment, const Staff& staff,
                       const std::string& code, const std::string& branch) {
  const BranchSteps& steps = kBranchSteps.at(branch);
  const std::string& officer = steps.police ? staff.police : staff.insurance;
  ProposedResult result;
  result.bytes = "%PDF " + branch + " result of " + code;
  result.document_id = Upload(server, officer, result.bytes);
  const LiveReply proposed =
      Act(server, officer, code, steps.propose,
          {{"comment", "Đã xử lý"}, {"result_document", result.document_id}});
  REQUIRE_MESSAGE(proposed.status == 200, proposed.body);
  const std::string path = deployment.dir.File(code + "-" + branch + ".pdf");
  std::ofstream(path, std::ios::binary) << result.bytes;
  result.sign_body = {
      {"signature",
       SignFile(server, deployment,
                steps.police ? staff.police_leader_id : staff.insurance_leader_id, path)}};
  return result;
}

// The branch's leader signs what Propose prepared.
LiveReply SignBranch(const LiveServer& server, const Staff& staff, const std::string& code,
                     const std::string& branch, const ProposedResult& result) {
  const BranchSteps& steps = kBranchSteps.at(branch);
  return Act(server, steps.police ? staff.police_leader : staff.insurance_leader, code, steps.sign,
             result.sign_body);
}

// `branch` ended approved: proposed, then signed. Returns the signing reply.
LiveReply EndBranch(const LiveServer& server, const Deployment& deployment, const Staff& staff,
                    const std::string& code, const std::string& branch) {
  const ProposedResult result = Propose(server, deployment, staff, code, branch);
  return SignBranch(server, staff, code, branch, result);
}

// The branches a reader sees, id -> the branch.
std::map<std::string, json> BranchesSeenBy(const LiveServer& server, const std::string& token,
                                           const std::string& code) {
  const LiveReply dossier = server.Send("GET", "/v1/dossiers/" + code, token);
  REQUIRE_MESSAGE(dossier.status == 200, dossier.body);
  std::map<std::string, json> branches;
  const json dossier_json = dossier.Json();
  for (const json& branch : dossier_json.at("branches")) branches[branch.at("id")] = branch;
  return branches;
}

// The audit trail's records, oldest first (as the commune's auditor reads them).
std::vector<json> AuditOf(const LiveServer& server, const std::string& token,
                          const std::string& code) {
  const LiveReply audit = server.Send("GET", "/v1/dossiers/" + code + "/audit", token);
  REQUIRE_MESSAGE(audit.status == 200, audit.body);
  std::vector<json> records;
  const json audit_json = audit.Json();
  for (const json& record : audit_json.at("items")) records.push_back(record);
  return records;
}

int Count(const std::vector<json>& audit, const std::string& action) {
  int n = 0;
  for (const json& record : audit) n += record.at("action") == action ? 1 : 0;
  return n;
}

TEST_CASE("lienthong: three agencies work one dossier, each on its own branch") {
  Deployment deployment;
  LiveServer server(deployment.ServeArgs());
  const Staff staff(server);
  const std::string code = AtFork(server, deployment, staff, 1);

  // Each branch in its own agency's queue, and nowhere else.
  CHECK(QueueCodes(server, staff.police, "residence_officer") == std::vector<std::string>{code});
  CHECK(QueueCodes(server, staff.insurance, "insurance_officer") == std::vector<std::string>{code});
  CHECK(QueueCodes(server, staff.officer, "civil_status_officer").empty());

  // The citizen and the commune see both branches; each other agency only its own.
  CHECK(BranchesSeenBy(server, staff.citizen, code).size() == 2u);
  CHECK(BranchesSeenBy(server, staff.officer, code).size() == 2u);
  const auto police_view = BranchesSeenBy(server, staff.police, code);
  REQUIRE(police_view.size() == 1u);
  CHECK(police_view.begin()->first == "residence");
  CHECK(police_view.begin()->second.at("handling_agency") == kPolice);
  // Judged on the police's own time: the review's two working days.
  CHECK(police_view.begin()->second.at("due_at").is_string());
  CHECK(police_view.begin()->second.at("late") == false);
  const auto insurance_view = BranchesSeenBy(server, staff.insurance, code);
  REQUIRE(insurance_view.size() == 1u);
  CHECK(insurance_view.begin()->first == "health_insurance");
  // An agency with no part in it sees nothing at all.
  const std::string stranger = server.Token("police-9", "residence_officer", "000.00.29.H26");
  CHECK(server.Send("GET", "/v1/dossiers/" + code, stranger).status == 404);
  CHECK(Act(server, stranger, code, "register_residence").status == 404);

  // Nobody acts in another agency's branch, whatever roles they hold.
  CHECK(Act(server, staff.police, code, "issue_insurance_card").status == 403);
  CHECK(Act(server, staff.officer, code, "register_residence").status == 403);
  const std::string two_hats = server.Token("bhxh-3", "residence_officer", kInsurance);
  const LiveReply wrong_agency = Act(server, two_hats, code, "register_residence");
  CHECK(wrong_agency.status == 403);
  CHECK(wrong_agency.body.find("wrong_agency") != std::string::npos);

  // Each agency claims its own branch; the branch is held, not the dossier.
  CHECK(server.Send("POST", "/v1/dossiers/" + code + "/claim", staff.police).status == 200);
  const LiveReply claimed = server.Send("POST", "/v1/dossiers/" + code + "/claim", staff.insurance);
  REQUIRE_MESSAGE(claimed.status == 200, claimed.body);
  CHECK(server.Send("POST", "/v1/dossiers/" + code + "/claim", staff.insurance_2).status == 409);
  CHECK(BranchesSeenBy(server, staff.citizen, code).at("residence").at("assignee") == "police-1");

  // The branches progress independently.
  const LiveReply verification = Act(server, staff.police, code, "start_residence_verification");
  REQUIRE_MESSAGE(verification.status == 200, verification.body);
  CHECK(verification.Json().at("state") == "lienthong");
  const auto moved = BranchesSeenBy(server, staff.citizen, code);
  CHECK(moved.at("residence").at("state") == "residence_verification");
  CHECK(moved.at("health_insurance").at("state") == "insurance_review");

  // Each agency's officer proposes its own result: the police's notice, the
  // card. Neither replaces the dossier's birth certificate.
  const std::string certificate =
      server.Send("GET", "/v1/dossiers/" + code, staff.citizen).Json().at("result_document");
  const ProposedResult notice = Propose(server, deployment, staff, code, "residence");
  const ProposedResult card = Propose(server, deployment, staff, code, "health_insurance");
  const LiveReply proposed = server.Send("GET", "/v1/dossiers/" + code, staff.citizen);
  CHECK(proposed.Json().at("result_document") == certificate);
  auto seen = BranchesSeenBy(server, staff.citizen, code);
  CHECK(seen.at("residence").at("state") == "residence_awaiting_signature");
  CHECK(seen.at("residence").at("result_document") == notice.document_id);
  CHECK(seen.at("health_insurance").at("result_document") == card.document_id);
  CHECK(QueueCodes(server, staff.police_leader, "leader") == std::vector<std::string>{code});
  CHECK(QueueCodes(server, staff.leader, "leader").empty());

  // Only the branch's own leader signs, and only over the branch's result.
  CHECK(
      Act(server, staff.insurance_leader, code, "sign_residence_result", notice.sign_body).status ==
      403);
  CHECK(Act(server, staff.leader, code, "sign_residence_result", notice.sign_body).status == 403);
  // The notice signed with social insurance's leader's key, uploaded by the
  // police's leader: not their certificate.
  const std::string notice_path = deployment.dir.File(code + "-residence.pdf");
  const LiveReply not_bound =
      Act(server, staff.police_leader, code, "sign_residence_result",
          {{"signature", SignFile(server, deployment, staff.insurance_leader_id, notice_path)}});
  CHECK_MESSAGE(not_bound.status == 403, not_bound.body);
  CHECK(not_bound.body.find("certificate_not_bound_to_user") != std::string::npos);
  // Social insurance's card signature over the notice: another document.
  CHECK(Act(server, staff.police_leader, code, "sign_residence_result", card.sign_body).status ==
        400);
  // The police leader's signature over another document than the notice.
  const std::string other_path = deployment.dir.File("other-" + code + ".pdf");
  std::ofstream(other_path, std::ios::binary) << "%PDF not the notice";
  const LiveReply mismatch =
      Act(server, staff.police_leader, code, "sign_residence_result",
          {{"signature", SignFile(server, deployment, staff.police_leader_id, other_path)}});
  CHECK_MESSAGE(mismatch.status == 400, mismatch.body);
  CHECK(mismatch.body.find("content_mismatch") != std::string::npos);

  // Both branches end at the same moment: the dossier joins exactly once.
  LiveReply residence_done;
  LiveReply insurance_done;
  {
    std::thread police(
        [&] { residence_done = SignBranch(server, staff, code, "residence", notice); });
    std::thread insurance(
        [&] { insurance_done = SignBranch(server, staff, code, "health_insurance", card); });
    police.join();
    insurance.join();
  }
  CHECK_MESSAGE(residence_done.status == 200, residence_done.body);
  CHECK_MESSAGE(insurance_done.status == 200, insurance_done.body);
  const LiveReply joined = server.Send("GET", "/v1/dossiers/" + code, staff.citizen);
  CHECK(joined.Json().at("state") == "result_ready");
  CHECK(joined.Json().at("result_document") == certificate);
  // Joined, the citizen still sees how each branch ended and what it issued.
  seen = BranchesSeenBy(server, staff.citizen, code);
  REQUIRE(seen.size() == 2u);
  CHECK(seen.at("residence").at("ended") == true);
  CHECK(seen.at("residence").at("outcome") == "approved");
  CHECK(seen.at("health_insurance").at("result_document") == card.document_id);
  const LiveReply card_download =
      server.Send("GET", "/v1/documents/" + card.document_id, staff.citizen);
  CHECK(card_download.status == 200);
  CHECK(card_download.body == card.bytes);
  // Three results, each signed by its own agency: the citizen sees them all,
  // the police theirs and the commune's only.
  auto signed_branches = [&](const std::string& token) {
    const LiveReply list = server.Send("GET", "/v1/dossiers/" + code + "/result/signatures", token);
    REQUIRE_MESSAGE(list.status == 200, list.body);
    std::multiset<std::string> branches;
    const json list_json = list.Json();
    for (const json& item : list_json.at("items")) {
      CHECK(item.at("status") == "valid");
      CHECK(item.at("covers_current_result") == true);
      branches.insert(item.at("branch").is_null() ? "" : item.at("branch").get<std::string>());
    }
    return branches;
  };
  CHECK(signed_branches(staff.citizen) ==
        std::multiset<std::string>{"", "health_insurance", "residence"});
  CHECK(signed_branches(staff.police) == std::multiset<std::string>{"", "residence"});
  // Anyone holding the card can check it was issued here.
  const LiveReply verified = server.Send("POST", "/v1/verify", "", card.bytes, "application/pdf");
  REQUIRE_MESSAGE(verified.status == 200, verified.body);
  CHECK(verified.Json().at("dossier") == code);
  CHECK(verified.Json().at("agency") == kInsurance);  // the card's issuer
  // Each agency's report counts the branch it handled, on its own time. (A
  // report's period is in whole seconds: a `to` far ahead includes this one.)
  const std::string police_auditor = server.Token("police-audit-1", "auditor", kPolice);
  const std::string report_path = "/v1/reports/summary?to=2099-01-01";
  const LiveReply police_report = server.Send("GET", report_path, police_auditor);
  REQUIRE_MESSAGE(police_report.status == 200, police_report.body);
  const json police_work = police_report.Json().at("branch_work");
  CHECK(police_work.at("counts").at("branches") == 1);
  CHECK(police_work.at("counts").at("finished_on_time") == 1);
  CHECK(police_work.at("counts").at("approved") == 1);
  CHECK(police_work.at("rates").at("on_time") == 1.0);
  CHECK(police_report.Json().at("total").at("counts").at("dossiers") == 0);  // not theirs
  const LiveReply commune_report = server.Send("GET", report_path, staff.auditor);
  REQUIRE_MESSAGE(commune_report.status == 200, commune_report.body);
  CHECK(commune_report.Json().at("branch_work").at("counts").at("branches") == 0);
  CHECK(commune_report.Json().at("total").at("counts").at("dossiers") == 1);
  const std::vector<json> audit = AuditOf(server, staff.auditor, code);
  CHECK(Count(audit, "join") == 1);
  CHECK(Count(audit, "sign_residence_result") == 1);
  CHECK(Count(audit, "sign_insurance_card") == 1);
  CHECK(audit.back().at("payload").at("branches") ==
        json{{"health_insurance", "approved"}, {"residence", "approved"}});

  // The police have done their part; the dossier has left their queue.
  CHECK(QueueCodes(server, staff.police, "residence_officer").empty());
  // The citizen's slip shows the hand-offs to both agencies.
  const LiveReply history = server.Send("GET", "/v1/dossiers/" + code + "/history", staff.citizen);
  REQUIRE(history.status == 200);
  std::set<std::string> agencies;
  const json history_json = history.Json();
  for (const json& item : history_json.at("items")) {
    if (!item.at("branch").is_null()) agencies.insert(item.at("agency").get<std::string>());
  }
  CHECK(agencies == std::set<std::string>{kPolice, kInsurance});

  // The national feed carries each agency's progress under the one code.
  const LiveReply feed = server.Send("GET", "/v1/feed?limit=100", staff.sync);
  REQUIRE_MESSAGE(feed.status == 200, feed.body);
  std::set<std::string> feed_agencies;
  const json feed_json = feed.Json();
  for (const json& item : feed_json.at("items")) {
    const json& payload = item.at("payload");
    if (payload.at("dossier").at("MaHoSo") != code) continue;
    feed_agencies.insert(payload.at("progress").at("PhongBanXuLy").get<std::string>());
  }
  CHECK(feed_agencies.count(kPolice) == 1);
  CHECK(feed_agencies.count(kInsurance) == 1);
  CHECK(feed_agencies.count(kCommune) == 1);

  // The result goes back to the citizen; the trail verifies.
  const LiveReply returned =
      Act(server, staff.clerk, code, "return_result", {{"channel", "online"}});
  REQUIRE_MESSAGE(returned.status == 200, returned.body);
  CHECK(returned.Json().at("state") == "returned");
  CHECK(returned.Json().at("fully_online").at("fully_online") == true);
  CheckAuditVerifies(server);
}

TEST_CASE("lienthong: the death group removes the residence and settles the allowance if asked") {
  Deployment deployment;
  LiveServer server(deployment.ServeArgs());
  const Staff staff(server);
  const std::string asked =
      AtFork(server, deployment, staff, 3, kDeathGroup, {{"request_funeral_allowance", true}});
  const std::string not_asked =
      AtFork(server, deployment, staff, 4, kDeathGroup, {{"request_funeral_allowance", false}});

  // Asked: the police and social insurance each see and work their branch.
  CHECK(BranchesSeenBy(server, staff.citizen, asked).size() == 2u);
  const auto police_view = BranchesSeenBy(server, staff.police, asked);
  REQUIRE(police_view.size() == 1u);
  CHECK(police_view.begin()->first == "residence_removal");
  const auto insurance_view = BranchesSeenBy(server, staff.insurance, asked);
  REQUIRE(insurance_view.size() == 1u);
  CHECK(insurance_view.begin()->first == "funeral_allowance");
  CHECK(QueueCodes(server, staff.insurance, "insurance_officer") ==
        std::vector<std::string>{asked});
  CHECK(Act(server, staff.police, asked, "grant_funeral_allowance").status == 403);
  const LiveReply granted = EndBranch(server, deployment, staff, asked, "funeral_allowance");
  REQUIRE_MESSAGE(granted.status == 200, granted.body);
  const LiveReply removed = EndBranch(server, deployment, staff, asked, "residence_removal");
  REQUIRE_MESSAGE(removed.status == 200, removed.body);
  CHECK(removed.Json().at("state") == "result_ready");
  const std::vector<json> audit = AuditOf(server, staff.auditor, asked);
  CHECK(Count(audit, "join") == 1);
  CHECK(audit.back().at("payload").at("branches") ==
        json{{"funeral_allowance", "approved"}, {"residence_removal", "approved"}});
  const LiveReply returned =
      Act(server, staff.clerk, asked, "return_result", {{"channel", "online"}});
  REQUIRE_MESSAGE(returned.status == 200, returned.body);
  CHECK(returned.Json().at("state") == "returned");
  CHECK(returned.Json().at("fully_online").at("fully_online") == true);

  // Not asked: no allowance branch; social insurance never sees the dossier.
  CHECK(BranchesSeenBy(server, staff.citizen, not_asked).size() == 1u);
  CHECK(server.Send("GET", "/v1/dossiers/" + not_asked, staff.insurance).status == 404);
  CHECK(QueueCodes(server, staff.insurance, "insurance_officer").empty());
  CHECK(Act(server, staff.insurance, not_asked, "grant_funeral_allowance").status == 404);
  const LiveReply alone = EndBranch(server, deployment, staff, not_asked, "residence_removal");
  REQUIRE_MESSAGE(alone.status == 200, alone.body);
  CHECK(alone.Json().at("state") == "result_ready");

  CheckAuditVerifies(server);
}

TEST_CASE("lienthong: a refused branch continues with a partial result, as the workflow says") {
  Deployment deployment;
  LiveServer server(deployment.ServeArgs());
  const Staff staff(server);
  const std::string code = AtFork(server, deployment, staff, 2);

  CHECK(Act(server, staff.police, code, "refuse_residence", json::object()).status == 422);
  const LiveReply refused = Act(server, staff.police, code, "refuse_residence",
                                {{"comment", "Chỗ ở không đủ điều kiện đăng ký thường trú"}});
  REQUIRE_MESSAGE(refused.status == 200, refused.body);
  // The refused branch ended; the other still runs, and the dossier waits.
  const auto branches = BranchesSeenBy(server, staff.citizen, code);
  CHECK(branches.at("residence").at("ended") == true);
  CHECK(branches.at("residence").at("outcome") == "refused");
  CHECK(branches.at("health_insurance").at("ended") == false);
  CHECK(Act(server, staff.police, code, "register_residence").status == 409);

  const LiveReply card = EndBranch(server, deployment, staff, code, "health_insurance");
  REQUIRE_MESSAGE(card.status == 200, card.body);
  const std::vector<json> audit = AuditOf(server, staff.auditor, code);
  CHECK(audit.back().at("action") == "join");
  CHECK(audit.back().at("to") == "result_ready");
  CHECK(audit.back().at("payload").at("partial") == true);
  CHECK(audit.back().at("payload").at("branches").at("residence") == "refused");
  CheckAuditVerifies(server);
}

TEST_CASE("lienthong: killed with SIGKILL mid-fork, no branch is lost or duplicated") {
  constexpr int kDossiers = 6;
  Deployment deployment;
  std::vector<std::string> codes;
  std::atomic<int> acknowledged{0};
  std::map<std::string, std::set<std::string>> acknowledged_actions;
  std::mutex acknowledged_mutex;
  LiveServer first(deployment.ServeArgs());
  {
    const Staff staff(first);
    std::map<std::string, std::map<std::string, ProposedResult>> proposed;
    for (int i = 0; i < kDossiers; ++i) {
      codes.push_back(AtFork(first, deployment, staff, 10 + i));
      for (const char* branch : {"residence", "health_insurance"}) {
        proposed[codes.back()][branch] = Propose(first, deployment, staff, codes.back(), branch);
      }
    }
    // Both agencies' leaders sign through every dossier at once; the server
    // dies under them.
    auto work = [&](const std::string& branch) {
      for (const std::string& code : codes) {
        const LiveReply reply = SignBranch(first, staff, code, branch, proposed[code][branch]);
        if (reply.status != 200) return;  // the server is gone
        std::lock_guard lock(acknowledged_mutex);
        acknowledged_actions[code].insert(kBranchSteps.at(branch).sign);
        ++acknowledged;
      }
    };
    std::thread police(work, "residence");
    std::thread insurance(work, "health_insurance");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (acknowledged < kDossiers / 2 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    REQUIRE(kill(first.pid(), SIGKILL) == 0);
    police.join();
    insurance.join();
    first.Stop();
  }
  MESSAGE("branch actions acknowledged before the kill: " << acknowledged.load() << " of "
                                                          << 2 * kDossiers);

  LiveServer second(deployment.ServeArgs(), first);
  const Staff staff(second, 2);
  for (const std::string& code : codes) {
    CAPTURE(code);
    const std::vector<json> audit = AuditOf(second, staff.auditor, code);
    // Every acknowledged action is there, once; none twice.
    for (const std::string& action : acknowledged_actions[code]) CHECK(Count(audit, action) == 1);
    CHECK(Count(audit, "register_residence") == 1);
    CHECK(Count(audit, "issue_insurance_card") == 1);
    CHECK(Count(audit, "sign_residence_result") <= 1);
    CHECK(Count(audit, "sign_insurance_card") <= 1);
    const bool both =
        Count(audit, "sign_residence_result") + Count(audit, "sign_insurance_card") == 2;
    CHECK(Count(audit, "join") == (both ? 1 : 0));
    // Whatever the kill left undone is done now, by the new generation's
    // leaders over the results proposed before, and joins once.
    for (const std::string branch : {"residence", "health_insurance"}) {
      const BranchSteps& steps = kBranchSteps.at(branch);
      if (Count(audit, steps.sign) > 0) continue;
      const std::string path = deployment.dir.File(code + "-" + branch + ".pdf");
      const json body = {
          {"signature",
           SignFile(second, deployment,
                    steps.police ? staff.police_leader_id : staff.insurance_leader_id, path)}};
      const LiveReply signed_now =
          Act(second, steps.police ? staff.police_leader : staff.insurance_leader, code, steps.sign,
              body);
      CHECK_MESSAGE(signed_now.status == 200, branch << ": " << signed_now.body);
    }
    const std::vector<json> after = AuditOf(second, staff.auditor, code);
    CHECK(Count(after, "join") == 1);
    CHECK(second.Send("GET", "/v1/dossiers/" + code, staff.officer).Json().at("state") ==
          "result_ready");
  }
  CheckAuditVerifies(second);
}

}  // namespace
}  // namespace motcua
