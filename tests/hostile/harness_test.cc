// The harness itself: a live server answers, an unauthenticated caller is
// refused, and a garbage request line gets a 4xx without taking it down.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>

#include "tests/hostile/live_server.h"

namespace motcua {
namespace {

TEST_CASE("hostile harness: the live server answers, refuses strangers and survives garbage") {
  LiveServer server;
  CHECK(server.Send("GET", "/healthz").status == 200);
  CHECK(server.Send("GET", "/v1/dossiers").status == 401);
  const std::string citizen = server.Token("001090012345", "applicant");
  CHECK(server.Send("GET", "/v1/dossiers", citizen).status == 200);
  const LiveReply garbage = server.Exchange("\x01\x02 nonsense\r\n\r\n");
  CHECK(garbage.status >= 400);
  CHECK(garbage.status < 500);
  CHECK(server.Alive());
  CHECK(server.Send("GET", "/healthz").status == 200);
}

TEST_CASE("hostile harness: the server's threads carry names an operator can tell apart") {
  // `top -H`, `ps -L` and perf show these names (engine/domain/thread_name.h).
  LiveServer server;
  REQUIRE(server.Send("GET", "/healthz").status == 200);
  // Each thread names itself when it starts, and a slow build (TSan) may not
  // have run a background thread's first line by the time /healthz answers:
  // read the names until every expected one is there, or for 10 s.
  const std::set<std::string> expected = {"motcua-io",     "motcua-fiber", "motcua-writer",
                                          "motcua-timers", "motcua-wal",   "motcua-audit"};
  const std::string tasks = "/proc/" + std::to_string(server.pid()) + "/task";
  const auto read_names = [&] {
    std::set<std::string> found;
    for (const auto& task : std::filesystem::directory_iterator(tasks)) {
      std::ifstream comm(task.path() / "comm");
      std::string name;
      std::getline(comm, name);
      found.insert(name);
    }
    return found;
  };
  std::set<std::string> names = read_names();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!std::includes(names.begin(), names.end(), expected.begin(), expected.end()) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    names = read_names();
  }
  INFO("thread names: " << [&] {
    std::string all;
    for (const std::string& name : names) all += name + " ";
    return all;
  }());
  CHECK(names.count("motcua-io") == 1);
  CHECK(names.count("motcua-fiber") == 1);
  CHECK(names.count("motcua-writer") == 1);
  CHECK(names.count("motcua-timers") == 1);
  CHECK(names.count("motcua-wal") == 1);    // WAL checkpoints (sqlite_connection_pool.h)
  CHECK(names.count("motcua-audit") == 1);  // signed audit checkpoints
}

}  // namespace
}  // namespace motcua
