// Inter-agency (liên thông) dossiers against the real server (issue 22): the
// bundled birth group, LT-KHAISINH, and death group, 1.011537, with staff of
// three agencies. The commune
// registers and signs the birth; the police and social insurance then work
// their branches at once, each in its own queue, and the dossier joins when
// both have ended. Each agency sees only its branch; the citizen sees one
// dossier; the feed carries every agency's records; `audit verify` is ok;
// a kill -9 in the middle of the fork loses and duplicates nothing.
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
// filled by the police and the social insurance office.
struct Deployment {
  TempDirectory dir;
  std::string pki = dir.File("pki");
  std::string roles = dir.File("agency-roles.json");

  Deployment() {
    const std::string make_pki =
        std::string(MOTCUA_BINARY) + " pki demo --out " + pki + " > /dev/null";
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

  explicit Staff(const LiveServer& server, int generation = 1) {
    const std::string g = std::to_string(generation);
    citizen = server.Token(generation == 1 ? kCitizen : "00109001234" + g, "applicant");
    clerk = server.Token("clerk-" + g, "reception_clerk", kCommune);
    officer = server.Token("officer-" + g, "civil_status_officer", kCommune);
    leader = server.Token(generation == 1 ? "leader1" : "leader-" + g, "leader", kCommune);
    police = server.Token("police-" + g, "residence_officer", kPolice);
    insurance = server.Token("bhxh-" + g, "insurance_officer", kInsurance);
    insurance_2 = server.Token("bhxh-other-" + g, "insurance_officer", kInsurance);
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

  // Both branches end at the same moment: the dossier joins exactly once.
  LiveReply residence_done;
  LiveReply insurance_done;
  {
    std::thread police(
        [&] { residence_done = Act(server, staff.police, code, "register_residence"); });
    std::thread insurance(
        [&] { insurance_done = Act(server, staff.insurance, code, "issue_insurance_card"); });
    police.join();
    insurance.join();
  }
  CHECK_MESSAGE(residence_done.status == 200, residence_done.body);
  CHECK_MESSAGE(insurance_done.status == 200, insurance_done.body);
  const LiveReply joined = server.Send("GET", "/v1/dossiers/" + code, staff.citizen);
  CHECK(joined.Json().at("state") == "result_ready");
  CHECK(joined.Json().at("branches").empty());
  const std::vector<json> audit = AuditOf(server, staff.auditor, code);
  CHECK(Count(audit, "join") == 1);
  CHECK(Count(audit, "register_residence") == 1);
  CHECK(Count(audit, "issue_insurance_card") == 1);
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
  REQUIRE(Act(server, staff.insurance, asked, "grant_funeral_allowance").status == 200);
  const LiveReply removed = Act(server, staff.police, asked, "remove_residence");
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

  // Not asked: no allowance branch; social insurance never sees the dossier.
  CHECK(BranchesSeenBy(server, staff.citizen, not_asked).size() == 1u);
  CHECK(server.Send("GET", "/v1/dossiers/" + not_asked, staff.insurance).status == 404);
  CHECK(QueueCodes(server, staff.insurance, "insurance_officer").empty());
  CHECK(Act(server, staff.insurance, not_asked, "grant_funeral_allowance").status == 404);
  const LiveReply alone = Act(server, staff.police, not_asked, "remove_residence");
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

  REQUIRE(Act(server, staff.insurance, code, "issue_insurance_card").status == 200);
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
    for (int i = 0; i < kDossiers; ++i) codes.push_back(AtFork(first, deployment, staff, 10 + i));
    // Both agencies work through every dossier at once; the server dies
    // under them.
    auto work = [&](const std::string& token, const std::string& action) {
      for (const std::string& code : codes) {
        const LiveReply reply = Act(first, token, code, action);
        if (reply.status != 200) return;  // the server is gone
        std::lock_guard lock(acknowledged_mutex);
        acknowledged_actions[code].insert(action);
        ++acknowledged;
      }
    };
    std::thread police(work, staff.police, "register_residence");
    std::thread insurance(work, staff.insurance, "issue_insurance_card");
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
    CHECK(Count(audit, "register_residence") <= 1);
    CHECK(Count(audit, "issue_insurance_card") <= 1);
    const bool both =
        Count(audit, "register_residence") + Count(audit, "issue_insurance_card") == 2;
    CHECK(Count(audit, "join") == (both ? 1 : 0));
    // Whatever the kill left undone is done now, and joins once.
    for (const auto& [token, action] :
         {std::pair{staff.police, std::string("register_residence")},
          std::pair{staff.insurance, std::string("issue_insurance_card")}}) {
      if (Count(audit, action) == 0) CHECK(Act(second, token, code, action).status == 200);
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
