// End-to-end: the real `motcua serve` binary on a temporary database, on
// 127.0.0.1 with port 0, driven over a plain socket; stopped with SIGTERM.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/sqlite/sqlite_store.h"
#include "tests/engine/sqlite/sample_dossiers.h"
#include "tests/engine/sqlite/temp_directory.h"

namespace motcua {
namespace {

// One HTTP/1.1 exchange on a fresh connection; returns the raw response.
std::string Exchange(int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size()));
  std::string response;
  char buffer[4096];
  for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) {
    response.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  return response;
}

std::string Get(int port, const std::string& path, const std::string& token = {}) {
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!token.empty()) request += "Authorization: Bearer " + token + "\r\n";
  return Exchange(port, request + "\r\n");
}

int StatusOf(const std::string& response) {
  return response.size() > 12 ? std::stoi(response.substr(9, 3)) : 0;
}

std::string BodyOf(const std::string& response) {
  std::size_t at = response.find("\r\n\r\n");
  return at == std::string::npos ? std::string() : response.substr(at + 4);
}

// `motcua serve ARGS` in a child process, its stdout read up to the line
// that names the port; stderr goes to `stderr_path` (created), or nowhere.
struct ServeChild {
  pid_t pid = -1;
  FILE* lines = nullptr;              // the rest of its stdout
  int port = 0;                       // 0 when it never said it listens
  std::vector<std::string> start_up;  // stdout lines up to the port's
};

ServeChild StartServe(const std::vector<std::string>& args, const std::string& stderr_path = {}) {
  ServeChild serve;
  int out[2];
  REQUIRE(pipe(out) == 0);
  serve.pid = fork();
  REQUIRE(serve.pid >= 0);
  if (serve.pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    // Start-up lines (one per published workflow) would clutter the test log.
    const int err = stderr_path.empty()
                        ? open("/dev/null", O_WRONLY)
                        : open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (err >= 0) dup2(err, STDERR_FILENO);
    close(out[0]);
    std::vector<char*> argv{const_cast<char*>(MOTCUA_BINARY), const_cast<char*>("serve")};
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    execv(MOTCUA_BINARY, argv.data());
    _exit(127);
  }
  close(out[1]);
  serve.lines = fdopen(out[0], "r");
  REQUIRE(serve.lines != nullptr);
  char line[512];
  while (serve.port == 0 && std::fgets(line, sizeof line, serve.lines) != nullptr) {
    serve.start_up.emplace_back(line);
    const std::size_t at = serve.start_up.back().find("listening on http://127.0.0.1:");
    if (at != std::string::npos) serve.port = std::stoi(serve.start_up.back().substr(at + 30));
  }
  return serve;
}

// SIGTERM, then its exit status (as waitpid gives it).
int StopServe(ServeChild& serve) {
  REQUIRE(kill(serve.pid, SIGTERM) == 0);
  int status = 0;
  REQUIRE(waitpid(serve.pid, &status, 0) == serve.pid);
  std::fclose(serve.lines);
  return status;
}

TEST_CASE("serve: starts on the bundled workflows, answers, and stops cleanly on SIGTERM") {
  TempDirectory dir;
  const std::string db = dir.File("motcua.db");
  const std::string token_file = dir.File("admin-token");
  ServeChild serve =
      StartServe({"--db", db, "--listen", "127.0.0.1:0", "--workflows",
                  std::string(MOTCUA_SOURCE_DIR) + "/workflows", "--admin-token-file", token_file});
  const int port = serve.port;
  REQUIRE(port > 0);

  CHECK(StatusOf(Get(port, "/healthz")) == 200);
  const std::string procedures = Get(port, "/v1/procedures");
  CHECK(StatusOf(procedures) == 200);
  CHECK(nlohmann::json::parse(BodyOf(procedures)).at("items").size() >= 6);
  CHECK(StatusOf(Get(port, "/v1/dossiers")) == 401);

  // The first start wrote an admin token readable by its owner only.
  struct stat info {};
  REQUIRE(stat(token_file.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  std::string token;
  std::ifstream(token_file) >> token;
  CHECK(StatusOf(Get(port, "/v1/procedures/1.004222/versions", token)) == 200);
  CHECK(StatusOf(Get(port, "/v1/procedures/1.004222/versions", token + "x")) == 401);

  // A bad-input sweep through the real server and sockets: every request
  // gets a 4xx problem+json, none a 5xx, the server stays up and nothing is
  // half-written.
  auto post = [&](const std::string& path, const std::string& bearer, const std::string& type,
                  const std::string& body, const std::string& extra = {}) {
    std::string request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!bearer.empty()) request += "Authorization: Bearer " + bearer + "\r\n";
    if (!type.empty()) request += "Content-Type: " + type + "\r\n";
    request += extra + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    return Exchange(port, request);
  };
  const std::string user = post("/v1/users", token, "application/json",
                                R"({"id":"001090012345","roles":["applicant"]})");
  REQUIRE(StatusOf(user) == 201);
  const std::string issued =
      post("/v1/tokens", token, "application/json", R"({"user_id":"001090012345"})");
  REQUIRE(StatusOf(issued) == 201);
  const std::string citizen = nlohmann::json::parse(BodyOf(issued)).at("token");
  const std::string form = R"("form":{"full_name":"An","citizen_id":"001090012345","address":"X"})";
  struct Bad {
    const char* what;
    std::string response;
  };
  const Bad sweep[] = {
      {"malformed JSON", post("/v1/dossiers", citizen, "application/json", R"({"procedure":)")},
      {"truncated JSON", post("/v1/dossiers", citizen, "application/json",
                              R"({"procedure":"1.004222","agency":"000.00.01.H26")")},
      {"wrong type", post("/v1/dossiers", citizen, "application/json", R"({"procedure":42})")},
      {"unknown field",
       post("/v1/dossiers", citizen, "application/json", R"({"procedure":"1.004222","x":1})")},
      {"invalid UTF-8",
       post("/v1/dossiers", citizen, "application/json", "{\"procedure\":\"1.00\xff\xfe\"}")},
      {"invalid citizen ID",
       post(
           "/v1/dossiers", citizen, "application/json",
           R"({"procedure":"1.004222","agency":"000.00.01.H26","form":{"full_name":"An","citizen_id":"12","address":"X"},"documents":{}})")},
      {"unknown documents",
       post("/v1/dossiers", citizen, "application/json",
            R"({"procedure":"1.004222","agency":"000.00.01.H26",)" + form +
                R"(,"documents":{"declaration":")" + std::string(64, 'a') +
                R"(","legal_residence_proof":")" + std::string(64, 'b') + R"("}})")},
      {"missing token", post("/v1/dossiers", "", "application/json", "{}")},
      {"garbage token", post("/v1/dossiers", "\x01garbage", "application/json", "{}")},
      {"bad idempotency key",
       post("/v1/dossiers", citizen, "application/json", "{}", "Idempotency-Key: a b\r\n")},
      {"path trick", Get(port, "/v1/dossiers/..%2F..%2Fetc%2Fpasswd", citizen)},
      {"NUL in id", Get(port, "/v1/documents/%00", citizen)},
      {"empty document", post("/v1/documents", citizen, "application/pdf", "")},
      {"oversized body",
       Exchange(port,
                "POST /v1/documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + citizen +
                    "\r\nContent-Type: application/pdf\r\nContent-Length: 50000000\r\n\r\nab")},
      {"oversized header", Exchange(port, "GET /v1/procedures HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                              std::string(64 * 1024, 'a') + "\r\n\r\n")},
  };
  for (const Bad& bad : sweep) {
    INFO(bad.what << ": " << bad.response.substr(0, 300));
    CHECK(StatusOf(bad.response) >= 400);
    CHECK(StatusOf(bad.response) < 500);
    CHECK(bad.response.find("application/problem+json") != std::string::npos);
  }
  CHECK(StatusOf(Get(port, "/healthz")) == 200);
  const std::string mine = Get(port, "/v1/dossiers", citizen);
  REQUIRE(StatusOf(mine) == 200);
  CHECK(nlohmann::json::parse(BodyOf(mine)).at("items").empty());

  const int status = StopServe(serve);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace motcua

namespace motcua {
namespace {

TEST_CASE("serve: --config with flags over it, and one JSON log line per request without secrets") {
  TempDirectory dir;
  const std::string workflows = std::string(MOTCUA_SOURCE_DIR) + "/workflows";
  const std::string config = dir.File("serve.json");
  std::ofstream(config) << nlohmann::json{{"db", "motcua.db"},
                                          {"listen", "127.0.0.1:0"},
                                          {"workflows", workflows},
                                          {"admin-token-file", "from-file-token"},
                                          {"log-level", "error"},
                                          {"timer-interval", 0},
                                          {"checkpoint-interval", 0}}
                               .dump();
  const std::string flag_token = dir.File("flag-token");
  const std::string log_path = dir.File("stderr.log");
  ServeChild serve = StartServe(
      {"--config", config, "--admin-token-file", flag_token, "--log-level", "info"}, log_path);
  const int port = serve.port;
  REQUIRE(port > 0);
  // The file's relative db is next to it; the flag's token file won.
  CHECK(std::ifstream(dir.File("motcua.db")).good());
  CHECK_FALSE(std::ifstream(dir.File("from-file-token")).good());
  std::string token;
  std::ifstream(flag_token) >> token;
  REQUIRE(!token.empty());

  const std::string traced =
      Exchange(port,
               "GET /v1/procedures HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
               "X-Request-Id: e2e-trace-7\r\nCookie: motcua_session=COOKIESECRET\r\n\r\n");
  CHECK(traced.find("\r\nX-Request-Id: e2e-trace-7\r\n") != std::string::npos);
  const std::string mine =
      Get(port, "/v1/dossiers/H26-SECRETCODE?state=OAUTHSTATE&code=OAUTHCODE", token);
  const int mine_status = StatusOf(mine);
  CHECK(mine_status / 100 == 4);

  CHECK(WEXITSTATUS(StopServe(serve)) == 0);

  std::ifstream log(log_path);
  std::vector<nlohmann::json> requests;
  std::vector<std::string> migrations;
  for (std::string text; std::getline(log, text);) {
    CAPTURE(text);
    for (const std::string& secret :
         {token, std::string("COOKIESECRET"), std::string("OAUTH"), std::string("SECRETCODE")}) {
      CHECK(text.find(secret) == std::string::npos);
    }
    if (text.empty() || text.front() != '{') continue;  // start-up lines
    nlohmann::json record = nlohmann::json::parse(text);
    if (record["event"] == "http_request") requests.push_back(record);
    if (record["event"] == "migration") migrations.push_back(record["message"]);
  }
  // A new database: one line once its schema is made, not one per migration.
  REQUIRE(migrations.size() == 1);
  CHECK(migrations[0].rfind("created the database schema at version ", 0) == 0);
  REQUIRE(requests.size() == 2);
  CHECK(requests[0]["request_id"] == "e2e-trace-7");
  CHECK(requests[0]["route"] == "/v1/procedures");
  CHECK(requests[0]["level"] == "info");
  CHECK_FALSE(requests[0].contains("user_id"));
  CHECK(requests[1]["route"] == "/v1/dossiers/{code}");
  CHECK(requests[1]["status"] == mine_status);
  CHECK(requests[1]["auth_method"] == "bearer_token");
  CHECK_FALSE(requests[1]["user_id"].get<std::string>().empty());
  CHECK(requests[1]["request_id"].get<std::string>().size() == 32);
}

TEST_CASE("serve: upgrading a database logs each migration before and after it runs") {
  TempDirectory dir;
  const std::string db = dir.File("motcua.db");
  {
    SqliteStoreOptions options;
    options.path = db;
    REQUIRE(SqliteStore::Open(options).ok());
    // Back to before 0023, as a database of the previous release.
    std::unique_ptr<SqliteConnection> raw =
        SqliteConnection::Open(db, SQLITE_OPEN_READWRITE, 5000).value();
    REQUIRE(raw->Exec("ALTER TABLE dossiers ADD COLUMN form_json TEXT NOT NULL DEFAULT '{}';"
                      "ALTER TABLE dossiers ADD COLUMN documents_json TEXT NOT NULL DEFAULT '{}';"
                      "ALTER TABLE dossiers ADD COLUMN result_document TEXT;"
                      "ALTER TABLE dossiers ADD COLUMN signatures_json TEXT NOT NULL DEFAULT '[]';"
                      "DELETE FROM schema_migrations WHERE version = 23;")
                .ok());
  }
  const std::string log_path = dir.File("stderr.log");
  ServeChild serve =
      StartServe({"--db", db, "--listen", "127.0.0.1:0", "--workflows",
                  std::string(MOTCUA_SOURCE_DIR) + "/workflows", "--admin-token-file",
                  dir.File("admin-token"), "--log-level", "info", "--timer-interval", "0"},
                 log_path);
  REQUIRE(serve.port > 0);
  CHECK(WEXITSTATUS(StopServe(serve)) == 0);
  std::ifstream log(log_path);
  std::vector<std::string> migrations;
  for (std::string text; std::getline(log, text);) {
    if (text.empty() || text.front() != '{') continue;
    nlohmann::json record = nlohmann::json::parse(text);
    if (record["event"] == "migration") migrations.push_back(record["message"]);
  }
  REQUIRE(migrations.size() == 2);
  CHECK(migrations[0] == "migration 0023_dossier_contents_from_events (1 of 1): applying");
  CHECK(migrations[1].rfind("migration 0023_dossier_contents_from_events (1 of 1): applied in ",
                            0) == 0);
}

}  // namespace
}  // namespace motcua

namespace motcua {
namespace {

TEST_CASE("serve: the timer loop deletes feed entries past --feed-retention-days") {
  TempDirectory dir;
  const std::string db = dir.File("motcua.db");
  {
    // Three entries written on 2026-11-20, older than a day whenever this runs.
    SqliteStoreOptions options;
    options.path = db;
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(options);
    REQUIRE(store.ok());
    for (int i = 1; i <= 3; ++i) {
      REQUIRE((*store)
                  ->CreateDossier(NewDossier("OLD-" + std::to_string(i)), {"clerk"}, 1,
                                  {FeedEntry("dossier.status", {{"n", i}})})
                  .ok());
    }
  }
  const std::string token_file = dir.File("admin-token");
  ServeChild serve = StartServe({"--db", db, "--listen", "127.0.0.1:0", "--workflows",
                                 std::string(MOTCUA_SOURCE_DIR) + "/workflows",
                                 "--admin-token-file", token_file, "--timer-interval", "1",
                                 "--checkpoint-interval", "0", "--feed-retention-days", "1"});
  const int port = serve.port;
  REQUIRE(port > 0);
  bool announced = false;
  for (const std::string& text : serve.start_up) {
    if (text.find("feed: entries older than 1 days are deleted at each timer sweep") == 0) {
      announced = true;
    }
  }
  CHECK(announced);
  std::string token;
  std::ifstream(token_file) >> token;
  REQUIRE(!token.empty());

  // The first sweep runs a second after start-up.
  int status = 0;
  for (int tries = 0; tries < 100 && status != 410; ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = StatusOf(Get(port, "/v1/feed?after=0", token));
  }
  const std::string gone = Get(port, "/v1/feed?after=1", token);
  CHECK(StatusOf(gone) == 410);
  CHECK(nlohmann::json::parse(BodyOf(gone))["type"] ==
        "https://motcua.example/problems/feed_pruned");
  CHECK(StatusOf(Get(port, "/v1/feed", token)) == 200);

  CHECK(WEXITSTATUS(StopServe(serve)) == 0);

  // Only the newest entry is left, and the watermark is below it.
  SqliteStoreOptions options;
  options.path = db;
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(options);
  REQUIRE(store.ok());
  CHECK(*(*store)->OutboxPrunedThrough() == 2);
  Result<std::vector<StoredOutboxEntry>> left = (*store)->ListOutbox(OutboxQuery{2, 10, {}});
  REQUIRE(left.ok());
  REQUIRE(left->size() == 1);
  CHECK(left->front().id == 3);
}

}  // namespace
}  // namespace motcua
