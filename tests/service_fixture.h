// service_fixture.h: the dossier service most service and handler tests
// start from: the in-memory store, the bundled calendar, workflow 1.004222
// (permanent residence) published, and a fake clock at Monday 2026-03-02
// 08:00 in Hanoi. Tests add the services and routes they exercise.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>

#include "engine/domain/clock.h"
#include "engine/service/dossier_service.h"
#include "engine/service/workflow_catalog.h"
#include "tests/fakes/memory_store.h"
#include "tests/source_tree.h"

namespace motcua {

// The receiving agency and the applicant of the service tests' dossiers, and
// the id of an uploaded application document.
inline constexpr const char* kAgency = "000.00.01.H26";
inline constexpr const char* kOwner = "001090012345";
inline const std::string kApplication(64, 'a');

struct PermanentResidenceService {
  FakeClock clock{Instant{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2}} +
                  std::chrono::hours{1}};
  MemoryStore store{&clock};
  std::unique_ptr<WorkingCalendar> calendar = std::make_unique<WorkingCalendar>(BundledCalendar());
  std::unique_ptr<WorkflowCatalog> catalog =
      std::make_unique<WorkflowCatalog>(store, WorkflowSchema(), *calendar, clock);
  std::unique_ptr<DossierService> service;

  PermanentResidenceService() {
    REQUIRE(catalog
                ->Publish(Actor{"test", {kSystemRole}, ""},
                          LoadJson("workflows/1.004222-permanent-residence.json"))
                .ok());
    service = std::make_unique<DossierService>(store, *catalog, *calendar, clock);
  }
};

}  // namespace motcua
