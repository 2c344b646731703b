// Deeply nested JSON (issue 14.1): 100,000 nested arrays in a 200 KB body
// used to end the server with SIGSEGV (the JSON copy constructor and
// destructor recurse once per level). Every JSON input now refuses nesting
// deeper than 64 levels while parsing, with a 400 naming the limit.
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/hostile/live_server.h"

namespace motcua {
namespace {

std::string NestedArrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

TEST_CASE("hostile nesting: 100,000 nested arrays in any body get 400 naming the limit") {
  LiveServer server;
  const std::string citizen = server.Token("001090012345", "applicant");
  const std::string clerk = server.Token("clerk-1", "reception_clerk", "000.00.01.H26");
  const std::string deep = NestedArrays(100'000);
  struct Case {
    const char* what;
    std::string method;
    std::string path;
    std::string token;
    std::string body;
  };
  const Case cases[] = {
      {"in form of a submission", "POST", "/v1/dossiers", citizen,
       R"({"procedure":"1.004222","agency":"000.00.01.H26","form":)" + deep + "}"},
      {"as a whole submission", "POST", "/v1/dossiers", citizen, deep},
      {"in an action body", "POST", "/v1/dossiers/000.00.01.H26-260101-0001/actions/receive", clerk,
       R"({"comment":)" + deep + "}"},
      {"as a workflow definition", "PUT", "/v1/procedures/1.004222/workflow", server.admin_token(),
       deep},
      {"in a rating", "POST", "/v1/dossiers/000.00.01.H26-260101-0001/rating", citizen,
       R"({"score":5,"comment":)" + deep + "}"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    const LiveReply reply = server.Send(c.method, c.path, c.token, c.body);
    CHECK(reply.status == 400);
    CHECK(reply.HasHeader("Content-Type: application/problem+json"));
    const nlohmann::json problem = reply.Json();
    CHECK(problem.value("type", "") == "https://motcua.example/problems/json_too_deep");
    CHECK(problem.value("detail", "") == "the JSON nests deeper than 64 levels");
    REQUIRE(server.Alive());
  }
  CHECK(server.Send("GET", "/healthz").status == 200);
}

TEST_CASE("hostile nesting: a deeply nested workflow or calendar file is refused, not a crash") {
  LiveServer server;
  const std::string workflow = server.dir().File("deep-workflow.json");
  std::ofstream(workflow) << NestedArrays(100'000);
  const std::string lint = server.RunCli("lint " + workflow);
  CHECK_MESSAGE(lint.find("nests deeper than 64 levels") != std::string::npos, lint);

  const std::string calendars = server.dir().File("calendars");
  std::filesystem::create_directory(calendars);
  std::ofstream(calendars + "/VN-2026.json") << NestedArrays(100'000);
  // `timeout`: a server that started anyway would never return.
  const std::string command = std::string("timeout 20 ") + MOTCUA_BINARY + " serve --db " +
                              server.dir().File("other.db") + " --listen 127.0.0.1:0 --calendars " +
                              calendars + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  REQUIRE(pipe != nullptr);
  std::string serve;
  std::array<char, 4096> buffer{};
  for (std::size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) > 0;) {
    serve.append(buffer.data(), n);
  }
  CHECK_MESSAGE(serve.find("nests deeper than 64 levels") != std::string::npos, serve);
}

}  // namespace
}  // namespace motcua
