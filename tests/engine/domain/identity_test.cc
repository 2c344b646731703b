#include "engine/domain/identity.h"

#include <doctest/doctest.h>

#include <string>

namespace motcua {
namespace {

TEST_CASE("identity: citizen IDs are 12 digits starting with a province code") {
  struct Case {
    const char* id;
    bool valid;
  };
  const Case cases[] = {
      {"001090012345", true},  {"096190012345", true},
      {"097190012345", false}, {"000190012345", false},
      {"00109001234", false},  {"0010900123456", false},
      {"00109001234a", false}, {"", false},
      {"001 90012345", false},
  };
  for (const Case& c : cases) {
    INFO(std::string(c.id));
    CHECK(IsValidCitizenId(c.id) == c.valid);
  }
}

TEST_CASE("identity: users are validated with a pointer per problem") {
  struct Case {
    const char* what;
    User user;
    const char* pointer;  // nullptr when valid
  };
  const Case cases[] = {
      {"an applicant", {"001090012345", "An", {"applicant"}, "", {}, false, {}}, nullptr},
      {"a clerk",
       {"clerk-1", "Bình", {"reception_clerk"}, "000.00.01.H26", {}, false, {}},
       nullptr},
      {"applicant with a bad ID", {"12345", "", {"applicant"}, "", {}, false, {}}, "/id"},
      {"applicant with an agency",
       {"001090012345", "", {"applicant"}, "H26", {}, false, {}},
       "/agency"},
      {"applicant who is also staff",
       {"001090012345", "", {"applicant", "leader"}, "", {}, false, {}},
       "/roles/1"},
      {"staff without agency", {"clerk-1", "", {"specialist"}, "", {}, false, {}}, "/agency"},
      {"the system role", {"robot", "", {"system"}, "H26", {}, false, {}}, "/roles/0"},
      {"no roles", {"clerk-1", "", {}, "H26", {}, false, {}}, "/roles"},
      {"a role with spaces", {"clerk-1", "", {"Chief Clerk"}, "H26", {}, false, {}}, "/roles/0"},
      {"a login with a slash", {"a/b", "", {"leader"}, "H26", {}, false, {}}, "/id"},
      {"the engine's own user id", {"system", "", {"leader"}, "H26", {}, false, {}}, "/id"},
  };
  for (const Case& c : cases) {
    INFO(std::string(c.what));
    Status status = ValidateUser(c.user);
    if (c.pointer == nullptr) {
      CHECK(status.ok());
      continue;
    }
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().fields().front().pointer == c.pointer);
  }
  CHECK(User{"001090012345", "An", {"applicant"}, "", {}, false, {}}.AsActor().user_id ==
        "001090012345");
}

}  // namespace
}  // namespace motcua
