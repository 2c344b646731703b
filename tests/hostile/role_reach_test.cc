// Role reach against the real server: portal_sync reads the feed and nothing
// else (issue 14.8); national definitions are changed only by a national
// admin, an agency's own procedures only by that agency's admins (14.9);
// queues follow the agency that handles the current state (14.11).
#include <fstream>
#include <sstream>

#include "tests/engine/sqlite/temp_directory.h"
#include "tests/hostile/live_server.h"

namespace motcua {
namespace {

using nlohmann::json;

constexpr const char* kAgencyX = "000.00.01.H26";
constexpr const char* kAgencyY = "000.00.02.H26";
constexpr const char* kCitizen = "001090012345";

json Workflow(const std::string& file) {
  std::ifstream in(std::string(MOTCUA_SOURCE_DIR) + "/workflows/" + file);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

std::string Upload(const LiveServer& server, const std::string& token, const std::string& bytes) {
  const LiveReply uploaded = server.Send("POST", "/v1/documents", token, bytes, "application/pdf");
  REQUIRE_MESSAGE(uploaded.status == 201, uploaded.body);
  return uploaded.Json().at("id").get<std::string>();
}

// The submission of a dossier of temporary absence (or a variant with
// `procedure`) to `agency`.
json AbsenceSubmission(const std::string& procedure, const std::string& agency,
                       const std::string& declaration) {
  return {{"procedure", procedure},
          {"agency", agency},
          {"form",
           {{"full_name", "Nguyễn Văn An"},
            {"citizen_id", kCitizen},
            {"absent_from", "2027-02-01"},
            {"absent_until", "2027-03-01"},
            {"destination", "Đà Nẵng"},
            {"reason", "Công tác"}}},
          {"documents", {{"declaration", declaration}}}};
}

// That dossier, submitted by the citizen; returns its code.
std::string SubmitAbsence(const LiveServer& server, const std::string& citizen,
                          const std::string& procedure, const std::string& agency,
                          const std::string& declaration) {
  const json body = AbsenceSubmission(procedure, agency, declaration);
  const LiveReply submitted = server.Send("POST", "/v1/dossiers", citizen, body.dump());
  REQUIRE_MESSAGE(submitted.status == 201, submitted.body);
  return submitted.Json().at("code").get<std::string>();
}

TEST_CASE("role reach: portal_sync reads its agency's feed and nothing else") {
  LiveServer server;
  const std::string citizen = server.Token(kCitizen, "applicant");
  const std::string sync = server.Token("sync-x", "portal_sync", kAgencyX);
  const std::string declaration = Upload(server, citizen, "%PDF declaration");
  const std::string code = SubmitAbsence(server, citizen, "1.003677", kAgencyX, declaration);

  CHECK(server.Send("GET", "/v1/feed", sync).status == 200);
  const std::string dossier = "/v1/dossiers/" + code;
  for (const std::string& path :
       {std::string("/v1/dossiers"), dossier, dossier + "/history", dossier + "/result",
        dossier + "/result/signatures", dossier + "/result/signatures/" + declaration + ".p7s",
        dossier + "/audit", "/v1/documents/" + declaration,
        std::string("/v1/queue?role=portal_sync"), std::string("/v1/reports/summary"),
        std::string("/v1/users")}) {
    const LiveReply reply = server.Send("GET", path, sync);
    INFO(path << ": " << reply.status << " " << reply.body);
    CHECK((reply.status == 403 || reply.status == 404));
    CHECK(reply.HasHeader("application/problem+json"));
  }
  CHECK(server.Send("POST", "/v1/documents", sync, "bytes", "application/pdf").status == 403);
  CHECK(server.Send("POST", dossier + "/claim", sync).status >= 403);
}

TEST_CASE("role reach: only a national admin republishes a national procedure") {
  LiveServer server;
  const std::string admin_x = server.Token("admin-x", "admin", kAgencyX);
  const std::string admin_y = server.Token("admin-y", "admin", kAgencyY);
  json national = Workflow("1.003677-temporary-absence.json");
  national["states"][0]["name"] = "Republished by an agency";
  const LiveReply hijack =
      server.Send("PUT", "/v1/procedures/1.003677/workflow", admin_x, national.dump());
  CHECK(hijack.status == 403);
  CHECK(hijack.HasHeader("application/problem+json"));
  const LiveReply versions =
      server.Send("GET", "/v1/procedures/1.003677/versions", server.admin_token());
  REQUIRE(versions.status == 200);
  CHECK(versions.Json().at("items").size() == 1);
  // A new national code is not the agency's to take either.
  json squat = national;
  squat["procedure"]["code"] = "1.999999";
  CHECK(server.Send("PUT", "/v1/procedures/1.999999/workflow", admin_x, squat.dump()).status ==
        403);
  // The national admin (the first admin) may.
  CHECK(
      server.Send("PUT", "/v1/procedures/1.003677/workflow", server.admin_token(), national.dump())
          .status == 200);

  // Agency X varies it under a local code: X's own, and only X's.
  json variant = Workflow("1.003677-temporary-absence.json");
  variant["procedure"]["code"] = "1.003677-X";
  variant["procedure"]["name"] = "Temporary absence (agency X)";
  const LiveReply adopted =
      server.Send("PUT", "/v1/procedures/1.003677-X/workflow", admin_x, variant.dump());
  REQUIRE_MESSAGE(adopted.status == 200, adopted.body);
  variant["states"][0]["name"] = "Changed by agency Y";
  CHECK(server.Send("PUT", "/v1/procedures/1.003677-X/workflow", admin_y, variant.dump()).status ==
        403);
  CHECK(
      server.Send("PUT", "/v1/procedures/1.003677-X/workflow", server.admin_token(), variant.dump())
          .status == 403);
  variant["states"][0]["name"] = "Changed by agency X";
  CHECK(server.Send("PUT", "/v1/procedures/1.003677-X/workflow", admin_x, variant.dump()).status ==
        200);

  // A dossier of X's variant cannot be sent to Y, who does not run it.
  const std::string citizen = server.Token(kCitizen, "applicant");
  const std::string declaration = Upload(server, citizen, "%PDF declaration");
  const json elsewhere = AbsenceSubmission("1.003677-X", kAgencyY, declaration);
  const LiveReply refused = server.Send("POST", "/v1/dossiers", citizen, elsewhere.dump());
  CHECK(refused.status == 422);
  CHECK(refused.body.find("/agency") != std::string::npos);
  SubmitAbsence(server, citizen, "1.003677-X", kAgencyX, declaration);
}

TEST_CASE("role reach: a state handled by another agency queues there, not at the receiver") {
  LiveServer server;
  json workflow = Workflow("1.003677-temporary-absence.json");
  workflow["procedure"]["code"] = "T-ABSENCE-Y";
  for (json& state : workflow["states"]) {
    if (state["id"] == "in_review") state["agency"] = kAgencyY;
  }
  const LiveReply published = server.Send("PUT", "/v1/procedures/T-ABSENCE-Y/workflow",
                                          server.admin_token(), workflow.dump());
  REQUIRE_MESSAGE(published.status == 200, published.body);

  const std::string citizen = server.Token(kCitizen, "applicant");
  const std::string clerk_x = server.Token("clerk-x", "reception_clerk", kAgencyX);
  const std::string specialist_x = server.Token("specialist-x", "specialist", kAgencyX);
  const std::string specialist_y = server.Token("specialist-y", "specialist", kAgencyY);
  const std::string code = SubmitAbsence(server, citizen, "T-ABSENCE-Y", kAgencyX,
                                         Upload(server, citizen, "%PDF declaration"));
  const LiveReply received =
      server.Send("POST", "/v1/dossiers/" + code + "/actions/receive", clerk_x, "{}");
  REQUIRE_MESSAGE(received.status == 200, received.body);

  CHECK(QueueCodes(server, specialist_x, "specialist").empty());
  CHECK(QueueCodes(server, specialist_y, "specialist") == std::vector<std::string>{code});
  CHECK(server.Send("POST", "/v1/dossiers/" + code + "/claim", specialist_y).status == 200);
}

TEST_CASE("role reach: a state handled by an agency role queues at the agency configured for it") {
  constexpr const char* kPolice = "000.00.20.H26";
  constexpr const char* kUnconfigured = "000.00.09.H26";
  TempDirectory config;
  const std::string roles_file = config.File("agency-roles.json");
  std::ofstream(roles_file) << json{{kAgencyX, {{"residence_police", kPolice}}}}.dump();
  LiveServer server({"--agency-roles", roles_file});

  json workflow = Workflow("1.003677-temporary-absence.json");
  workflow["procedure"]["code"] = "T-ABSENCE-ROLE";
  workflow["procedure"]["agency_roles"] = {
      {"residence_police", {{"names", {{"vi", "Công an cấp xã"}, {"en", "Commune police"}}}}}};
  for (json& state : workflow["states"]) {
    if (state["id"] == "in_review") state["agency_role"] = "residence_police";
  }
  const LiveReply published = server.Send("PUT", "/v1/procedures/T-ABSENCE-ROLE/workflow",
                                          server.admin_token(), workflow.dump());
  REQUIRE_MESSAGE(published.status == 200, published.body);

  const std::string citizen = server.Token(kCitizen, "applicant");
  const std::string clerk_x = server.Token("clerk-x", "reception_clerk", kAgencyX);
  const std::string specialist_x = server.Token("specialist-x", "specialist", kAgencyX);
  const std::string police = server.Token("officer", "specialist", kPolice);
  server.Token("clerk-z", "reception_clerk", kUnconfigured);  // an agency served here
  const std::string declaration = Upload(server, citizen, "%PDF declaration");

  // The receiver has no agency configured for the role: refused, nothing taken.
  const json elsewhere = AbsenceSubmission("T-ABSENCE-ROLE", kUnconfigured, declaration);
  const LiveReply unconfigured = server.Send("POST", "/v1/dossiers", citizen, elsewhere.dump());
  CHECK(unconfigured.status == 422);
  CHECK(unconfigured.body.find("/agency") != std::string::npos);
  CHECK(unconfigured.body.find("residence_police") != std::string::npos);
  // A citizen may not choose the agency that handles a role.
  json chosen = elsewhere;
  chosen["agency"] = kAgencyX;
  chosen["agency_roles"] = {{"residence_police", kAgencyY}};
  const LiveReply self_chosen = server.Send("POST", "/v1/dossiers", citizen, chosen.dump());
  CHECK(self_chosen.status == 422);
  CHECK(self_chosen.body.find("/agency_roles") != std::string::npos);

  const std::string code = SubmitAbsence(server, citizen, "T-ABSENCE-ROLE", kAgencyX, declaration);
  CHECK(code.rfind(std::string(kAgencyX) + "-", 0) == 0);
  CHECK(code.substr(code.size() - 4) == "0001");  // the refusals took no number
  // Before the hand-over the police neither queue nor see the dossier.
  CHECK(server.Send("GET", "/v1/dossiers/" + code, police).status == 404);
  const LiveReply at_receiver = server.Send("GET", "/v1/dossiers/" + code, citizen);
  REQUIRE_MESSAGE(at_receiver.status == 200, at_receiver.body);
  CHECK(at_receiver.Json().at("handling_agency") == kAgencyX);
  const LiveReply received =
      server.Send("POST", "/v1/dossiers/" + code + "/actions/receive", clerk_x, "{}");
  REQUIRE_MESSAGE(received.status == 200, received.body);
  CHECK(received.Json().at("state") == "in_review");
  CHECK(received.Json().at("agency") == kAgencyX);
  CHECK(received.Json().at("handling_agency") == kPolice);

  CHECK(QueueCodes(server, specialist_x, "specialist").empty());
  CHECK(QueueCodes(server, police, "specialist") == std::vector<std::string>{code});
  CHECK(server.Send("POST", "/v1/dossiers/" + code + "/claim", specialist_x).status != 200);
  CHECK(server.Send("POST", "/v1/dossiers/" + code + "/claim", police).status == 200);
  const LiveReply history = server.Send("GET", "/v1/dossiers/" + code + "/history", citizen);
  REQUIRE_MESSAGE(history.status == 200, history.body);
  CHECK(history.body.find(kPolice) != std::string::npos);
}

}  // namespace
}  // namespace motcua
