#include "engine/domain/status_macros.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>

namespace motcua {
namespace {

const Error kBroken(ErrorCode::kConflict, "broken", ErrorReason::kStaleVersion,
                    {{"/version", "is old"}});

// Counts its calls, so a test sees an expression evaluated twice.
struct Source {
  int calls = 0;
  Status Check(bool ok) {
    ++calls;
    return ok ? Status() : Status(kBroken);
  }
  Result<int> Number(bool ok, int value) {
    ++calls;
    if (!ok) return kBroken;
    return value;
  }
  Result<std::unique_ptr<std::string>> Owned(bool ok) {
    ++calls;
    if (!ok) return kBroken;
    return std::make_unique<std::string>("owned");
  }
};

void CheckIsBroken(const Error& error) {
  CHECK(error.code() == kBroken.code());
  CHECK(error.message() == kBroken.message());
  CHECK(error.reason() == kBroken.reason());
  CHECK(error.fields() == kBroken.fields());
}

Status ReturnIfErrorOnStatus(Source& source, bool ok, bool& reached_end) {
  RETURN_IF_ERROR(source.Check(ok));
  reached_end = true;
  return Status();
}

Result<std::string> ReturnIfErrorOnResult(Source& source, bool ok) {
  RETURN_IF_ERROR(source.Number(ok, 7));
  return std::string("went on");
}

Result<int> AssignToNewVariable(Source& source, bool first_ok, bool second_ok) {
  ASSIGN_OR_RETURN(int first, source.Number(first_ok, 20));
  ASSIGN_OR_RETURN(const int second, source.Number(second_ok, 22));
  return first + second;
}

Status AssignToExistingVariable(Source& source, bool ok, int& out) {
  ASSIGN_OR_RETURN(out, source.Number(ok, 42));
  return Status();
}

Result<std::string> AssignMoveOnly(Source& source, bool ok) {
  ASSIGN_OR_RETURN(std::unique_ptr<std::string> owned, source.Owned(ok));
  return *owned;
}

TEST_CASE("status_macros: RETURN_IF_ERROR passes a failed Status up unchanged, once") {
  Source source;
  bool reached_end = false;
  Status status = ReturnIfErrorOnStatus(source, false, reached_end);
  REQUIRE_FALSE(status.ok());
  CheckIsBroken(status.error());
  CHECK_FALSE(reached_end);
  CHECK(source.calls == 1);
}

TEST_CASE("status_macros: RETURN_IF_ERROR goes on after success, evaluating once") {
  Source source;
  bool reached_end = false;
  CHECK(ReturnIfErrorOnStatus(source, true, reached_end).ok());
  CHECK(reached_end);
  CHECK(source.calls == 1);
}

TEST_CASE("status_macros: RETURN_IF_ERROR takes a Result and returns into another Result") {
  Source source;
  Result<std::string> failed = ReturnIfErrorOnResult(source, false);
  REQUIRE_FALSE(failed.ok());
  CheckIsBroken(failed.error());
  CHECK(source.calls == 1);

  Result<std::string> passed = ReturnIfErrorOnResult(source, true);
  REQUIRE(passed.ok());
  CHECK(*passed == "went on");
  CHECK(source.calls == 2);
}

TEST_CASE("status_macros: ASSIGN_OR_RETURN declares, assigns and stops at the first error") {
  Source source;
  Result<int> sum = AssignToNewVariable(source, true, true);
  REQUIRE(sum.ok());
  CHECK(*sum == 42);
  CHECK(source.calls == 2);

  Source first_fails;
  Result<int> stopped = AssignToNewVariable(first_fails, false, true);
  REQUIRE_FALSE(stopped.ok());
  CheckIsBroken(stopped.error());
  CHECK(first_fails.calls == 1);

  Source second_fails;
  Result<int> late = AssignToNewVariable(second_fails, true, false);
  REQUIRE_FALSE(late.ok());
  CheckIsBroken(late.error());
  CHECK(second_fails.calls == 2);
}

TEST_CASE("status_macros: ASSIGN_OR_RETURN into an existing variable leaves it alone on error") {
  Source source;
  int out = -1;
  Status failed = AssignToExistingVariable(source, false, out);
  REQUIRE_FALSE(failed.ok());
  CheckIsBroken(failed.error());
  CHECK(out == -1);
  CHECK(source.calls == 1);

  CHECK(AssignToExistingVariable(source, true, out).ok());
  CHECK(out == 42);
  CHECK(source.calls == 2);
}

TEST_CASE("status_macros: ASSIGN_OR_RETURN moves a move-only value out of the Result") {
  Source source;
  Result<std::string> owned = AssignMoveOnly(source, true);
  REQUIRE(owned.ok());
  CHECK(*owned == "owned");
  Result<std::string> failed = AssignMoveOnly(source, false);
  REQUIRE_FALSE(failed.ok());
  CheckIsBroken(failed.error());
  CHECK(source.calls == 2);
}

}  // namespace
}  // namespace motcua
