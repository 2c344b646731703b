// machine_fixture.h: a parsed workflow with the bundled calendars and a fake
// clock at Monday 2026-11-23 09:00 in Hanoi, and state machines over them:
// what domain tests of one workflow's dossiers start from.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <utility>

#include "engine/domain/state_machine.h"
#include "tests/source_tree.h"

namespace motcua {

struct MachineFixture {
  explicit MachineFixture(Workflow parsed) : workflow(std::move(parsed)) {}

  Workflow workflow;
  WorkingCalendar calendar = BundledCalendar();
  FakeClock clock{Instant{std::chrono::sys_days{std::chrono::year{2026} / 11 / 23}} +
                  std::chrono::hours{2}};

  // A state machine of `workflow`; the fixture must outlive it.
  StateMachine Machine() const {
    Result<StateMachine> machine = StateMachine::Create(workflow, calendar, clock);
    REQUIRE(machine.ok());
    return std::move(machine).value();
  }
};

}  // namespace motcua
