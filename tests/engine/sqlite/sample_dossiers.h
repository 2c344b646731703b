// sample_dossiers.h: dossiers and transitions for the store tests, with every
// field set so that a round trip through a store checks every column.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "engine/domain/dossier.h"
#include "engine/domain/store.h"

namespace motcua {

// 2026-11-20 01:00:00 UTC (08:00 in Hanoi).
inline Instant SampleTime(std::int64_t plus_seconds = 0) {
  return Instant(std::chrono::seconds(1795136400 + plus_seconds));
}

inline DossierEvent SubmitEvent(const std::string& applicant_id, Instant at) {
  DossierEvent event;
  event.action = "submit";
  event.to_state = "submitted";
  event.actor = Actor{applicant_id, {"applicant"}, ""};
  event.at = at;
  event.step = ApplicantStep::kSubmission;
  event.channel = Channel::kOnline;
  event.payload = {{"comment", "nộp hồ sơ"}};
  return event;
}

// A freshly submitted dossier at version 1 with one creating event.
inline Dossier NewDossier(const std::string& code, const std::string& applicant_id = "001099012345",
                          const std::string& agency = "000.00.01.H26",
                          std::optional<Instant> due_at = std::nullopt) {
  Dossier d;
  d.code = code;
  d.procedure_code = "1.004222";
  d.definition_version = 1;
  d.applicant_id = applicant_id;
  d.agency = agency;
  d.state = "submitted";
  d.version = 1;
  d.form = {{"full_name", "Nguyễn Văn A"}};
  d.clock.due_at = due_at;
  // The form is what the creating event records (dossier_contents.h).
  DossierEvent submit = SubmitEvent(applicant_id, SampleTime());
  submit.payload["form"] = d.form;
  d.history.push_back(std::move(submit));
  return d;
}

// The event and dossier of moving `before` to `to_state` by a clerk.
struct SampleTransition {
  Dossier after;
  DossierEvent event;
};

inline SampleTransition MoveTo(const Dossier& before, const std::string& to_state, Instant at,
                               const std::string& actor = "clerk-1") {
  SampleTransition t{before, {}};
  t.event.action = "move_to_" + to_state;
  t.event.from_state = before.state;
  t.event.to_state = to_state;
  t.event.actor = Actor{actor, {"clerk"}, before.agency};
  t.event.at = at;
  t.event.payload = {{"comment", "moved by " + actor}};
  t.after.state = to_state;
  t.after.version = before.version + 1;
  t.after.history.push_back(t.event);
  return t;
}

// A feed entry of `topic` whose payload is `payload`, as text.
inline OutboxEntry FeedEntry(const std::string& topic, const nlohmann::json& payload) {
  return OutboxEntry{topic, payload.dump()};
}

inline DossierStore::TransitionCommit CommitOf(const SampleTransition& t,
                                               std::int64_t expected_version,
                                               std::vector<std::string> roles = {"clerk"}) {
  DossierStore::TransitionCommit commit;
  commit.after = &t.after;
  commit.expected_version = expected_version;
  commit.event = &t.event;
  commit.queue_roles = std::move(roles);
  commit.national_status = 4;
  commit.outbox.push_back(FeedEntry("dossier.status", {{"MaHoSo", t.after.code}}));
  return commit;
}

}  // namespace motcua
