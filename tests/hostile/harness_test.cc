// The harness itself: a live server answers, an unauthenticated caller is
// refused, and a garbage request line gets a 4xx without taking it down.
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

}  // namespace
}  // namespace motcua
