// Calendar bounds (issue 14.15): with no calendar file for a year, its
// holidays counted as working days and due dates landed on them, silently.
// The live server is run on a calendar folder that ends before today (today
// is at least December 2026 wherever this runs): it warns at start-up and in
// /metrics, and refuses to receive a dossier whose due date it cannot compute,
// as the operator's problem (503 calendar_exhausted), not the applicant's.
// The exact 31 December case and the 60-day threshold run on a fake clock in
// tests/engine/domain/legal_clock_test.cc and tests/api/calendar_metrics_test.cc.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/hostile/live_server.h"

namespace motcua {
namespace {

constexpr const char* kAgency = "000.00.01.H26";

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A calendars folder holding only VN-2025: it ended before today.
std::string PastCalendars(const TempDirectory& dir) {
  const std::string calendars = dir.File("old-calendars");
  std::filesystem::create_directories(calendars);
  std::filesystem::copy_file(std::string(MOTCUA_SOURCE_DIR) + "/workflows/calendars/VN-2025.json",
                             calendars + "/VN-2025.json");
  return calendars;
}

TEST_CASE("calendar bounds: an exhausted calendar is reported and no due date is invented") {
  TempDirectory scratch;
  REQUIRE(!scratch.path().empty());
  LiveServer server({"--calendars", PastCalendars(scratch)});

  // Start-up warning on stderr.
  const std::string log = ReadText(server.dir().File("stderr.log"));
  CHECK(log.find("warning: the working-day calendar does not cover today") != std::string::npos);

  // The gauges, live.
  const LiveReply metrics = server.Send("GET", "/metrics");
  REQUIRE(metrics.status == 200);
  CHECK(metrics.body.find("motcua_calendar_days_remaining -1\n") != std::string::npos);
  CHECK(metrics.body.find("motcua_calendar_ending_soon 1\n") != std::string::npos);

  // A dossier can be submitted (its clock does not run yet), but receiving it
  // would need a due date beyond the calendar: refused, nothing recorded.
  const std::string citizen = server.Token("001090012345", "applicant");
  const std::string clerk = server.Token("clerk1", "reception_clerk", kAgency);
  const LiveReply upload =
      server.Send("POST", "/v1/documents", citizen, "%PDF CT01", "application/pdf");
  REQUIRE(upload.status == 201);
  const nlohmann::json submission = {
      {"procedure", "1.003677"},
      {"agency", kAgency},
      {"form",
       {{"full_name", "Nguyễn Thị Vắng"},
        {"citizen_id", "001090012345"},
        {"absent_from", "2027-03-10"},
        {"absent_until", "2027-04-10"},
        {"destination", "Đà Nẵng"},
        {"reason", "công tác"}}},
      {"documents", {{"declaration", upload.Json().at("id")}}}};
  const LiveReply created = server.Send("POST", "/v1/dossiers", citizen, submission.dump());
  REQUIRE_MESSAGE(created.status == 201, created.body);
  const std::string code = created.Json().at("code");
  const LiveReply received =
      server.Send("POST", "/v1/dossiers/" + code + "/actions/receive", clerk, "{}");
  CHECK(received.status == 503);
  CHECK(received.HasHeader("application/problem+json"));
  CHECK(received.body.find("calendar_exhausted") != std::string::npos);
  const LiveReply after = server.Send("GET", "/v1/dossiers/" + code, citizen);
  REQUIRE(after.status == 200);
  CHECK(after.Json().at("state") == "submitted");
  CHECK(server.Alive());
}

TEST_CASE("calendar bounds: the bundled calendars are measured in /metrics") {
  LiveServer server;
  const LiveReply metrics = server.Send("GET", "/metrics");
  REQUIRE(metrics.status == 200);
  CHECK(metrics.body.find("# TYPE motcua_calendar_days_remaining gauge") != std::string::npos);
  CHECK(metrics.body.find("# TYPE motcua_calendar_ending_soon gauge") != std::string::npos);
}

// Issue 14.16 over the wire: staff must name a real applicant, and an
// applicant must submit to an agency this server serves.
TEST_CASE("calendar bounds: submissions name a real applicant and a served agency") {
  LiveServer server;
  const std::string citizen = server.Token("001090012345", "applicant");
  const std::string clerk = server.Token("clerk1", "reception_clerk", kAgency);
  auto submit = [&](const std::string& token, const nlohmann::json& extra) {
    const LiveReply upload =
        server.Send("POST", "/v1/documents", token, "%PDF CT01 " + token, "application/pdf");
    REQUIRE(upload.status == 201);
    nlohmann::json body = {{"procedure", "1.003677"},
                           {"agency", kAgency},
                           {"form",
                            {{"full_name", "Nguyễn Thị Vắng"},
                             {"citizen_id", "001090012345"},
                             {"absent_from", "2027-03-10"},
                             {"absent_until", "2027-04-10"},
                             {"destination", "Đà Nẵng"},
                             {"reason", "công tác"}}},
                           {"documents", {{"declaration", upload.Json().at("id")}}}};
    body.update(extra);
    return server.Send("POST", "/v1/dossiers", token, body.dump());
  };
  for (const char* applicant : {"", "system", "x"}) {
    CAPTURE(applicant);
    const LiveReply reply = submit(clerk, {{"applicant_id", applicant}});
    CHECK(reply.status == 422);
    CHECK(reply.body.find("/applicant_id") != std::string::npos);
  }
  const LiveReply nowhere = submit(citizen, {{"agency", "000.00.99.H26"}});
  CHECK(nowhere.status == 422);
  CHECK(nowhere.body.find("/agency") != std::string::npos);
  CHECK(submit(citizen, nlohmann::json::object()).status == 201);
}

}  // namespace
}  // namespace motcua
