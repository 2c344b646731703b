// dossier.h: one application for one procedure by one applicant, as the
// engine sees it: where it is, who did what, and its legal clock.
//
// A Dossier is a plain value. The state machine (state_machine.h) reads one
// and returns the changes to make; storage adapters persist it. Nothing here
// knows about HTTP or SQL.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/workflow.h"

namespace motcua {

// How the caller behind an Actor proved who they are. Only the services and
// logs read it; what an actor may do depends on roles and agency alone
// (access.h). The audit trail records it on every action.
enum class AuthMethod {
  kSystem,       // the engine itself (timers, start-up), or code acting as it
  kCli,          // the motcua command line, run by whoever can open the store
  kBearerToken,  // "Authorization: Bearer" on the HTTP API (token_service.h)
  kOidcSession,  // a browser session started by OpenID Connect sign-in
                 // (session.h); Actor::identity_provider names the provider
  kDemoSession,  // a browser session started by the demo sign-in (serve --demo)
};

// The stable wire name of `method` ("system", "cli", "bearer_token",
// "oidc_session", "demo_session"), as stored and as the API shows it.
std::string_view AuthMethodName(AuthMethod method);
// The method named `name` by AuthMethodName; nullopt for any other text.
std::optional<AuthMethod> ParseAuthMethod(std::string_view name);

// Who performs an action. Staff have an agency scope; applicants are
// identified by their citizen ID (or tax code) in `user_id`; the engine's own
// timers act with the single role "system".
struct Actor {
  std::string user_id;
  std::vector<std::string> roles;
  std::string agency;  // agency ID, e.g. "000.00.01.H26"; empty for applicants
  AuthMethod authenticated_by = AuthMethod::kSystem;
  // The configured name of the OpenID Provider for kOidcSession; else empty.
  std::string identity_provider = std::string();

  bool HasRole(const std::string& role) const;
};

// A verified digital signature over the dossier's result document. The domain
// cannot check signatures; the signature adapter verifies and fills this in,
// and the state machine only checks that it covers the current result.
struct SignatureEvidence {
  std::string document_id;  // SHA-256 of the signed result bytes, hex
  std::string signer_subject;
  std::string serial;
  std::string certificate_fingerprint;
  // SHA-256 (hex) of the detached CMS signature's DER; the DER itself is kept
  // as a stored document with this id (a .p7s anyone may re-verify).
  std::string signature_id;
  std::optional<Instant> signing_time;  // the CMS signingTime attribute
  bool seal = false;                    // the agency's seal (system), not a person's signature
  // The fork branch whose sub-result it signs (fork.h); empty for the
  // dossier's own result. (Initialized so that the aggregates of the seven
  // members above stay complete.)
  std::string branch = std::string();
};

// The evidence as JSON (the audit payload and storage form): the fields by
// name, signing_time as integer UTC seconds, branch only when set. FromJson
// accepts what ToJson wrote, and rows written before signature_id,
// signing_time, seal and branch existed.
nlohmann::json SignatureEvidenceToJson(const SignatureEvidence& evidence);
std::optional<SignatureEvidence> SignatureEvidenceFromJson(const nlohmann::json& json);

// A pause of the legal clock, [from, to). `to` is empty while still paused.
struct PausedInterval {
  Instant from;
  std::optional<Instant> to;
};

// An apology letter: the dossier will be late; a new appointment date.
struct Extension {
  Instant at;
  Instant new_due;
  std::string reason;
};

// The legal clock of one dossier. See legal_clock.h for the arithmetic.
struct LegalClock {
  std::optional<Instant> received_at;  // set at reception (ClockEffect::kStart)
  std::optional<Instant> due_at;       // the appointment date and time
  std::vector<PausedInterval> paused;
  std::vector<Extension> extensions;
  std::optional<Instant> finished_at;  // set when processing ends (kStop)
};

// One recorded event of a dossier's history: an audit entry and a hand-off
// of the process control slip.
struct DossierEvent {
  std::string action;      // action name; "submit" for the creating event
  std::string from_state;  // empty for the creating event
  std::string to_state;
  Actor actor;
  Instant at;
  ApplicantStep step = ApplicantStep::kNone;
  std::optional<Channel> channel;                     // set on applicant-facing steps
  nlohmann::json payload = nlohmann::json::object();  // comment, documents, ...
  // Whether the event records how its actor authenticated
  // (actor.authenticated_by, actor.identity_provider). Every event the engine
  // makes does; false only for events stored before the audit trail recorded
  // the method, whose actor then reads kSystem with no meaning: they are
  // shown without a method and hashed as they were written (audit_chain.h).
  bool records_authentication = true;
};

// In an event's payload, recorded by the engine (never sent by a client): the
// ids of the documents the event attached that were reused rather than
// uploaded for this dossier (a result issued to the applicant, or a paper
// already attached to another dossier).
inline constexpr const char* kReusedDocumentsField = "reused_documents";

// Actions the engine records on a dossier without moving it: a staff member
// taking it from the queue and putting it back, the applicant's
// satisfaction rating, and the engine's SLA escalation. They appear in the audit trail but are not
// hand-offs of the process control slip and do not re-enter the state. Workflow actions may not use
// these names (lint).
inline constexpr const char* kClaimAction = "claim";
inline constexpr const char* kReleaseAction = "release";
inline constexpr const char* kRateAction = "rate";
// The engine's note that the dossier overstayed its state's SLA.
inline constexpr const char* kEscalateAction = "escalate";
// The engine's note that it refused to perform an automatic action because it
// would lead back into a state the same run of automatic actions had already
// left (a loop; see DossierService::Act). Payload: {"action": the refused
// action, "reason": text}. The engine performs no automatic action in that
// state of the dossier afterwards; people may still act.
inline constexpr const char* kAutomaticHaltedAction = "automatic_halted";
bool IsBookkeepingEvent(const DossierEvent& event);

// Document ids are SHA-256 digests of the bytes: 64 lowercase hex digits.
bool IsDocumentId(std::string_view id);

// A dossier's events, oldest first, shared between copies until one of them
// changes (copy on write). Copying a Dossier therefore copies no event: the
// store's history cache hands out the one decoded history to every reader,
// and a transition copies the events only once, when it appends its own.
//
// Reads go through the const members, or through the implicit conversion to
// `const std::vector<DossierEvent>&` for functions that take a vector. The
// mutating members first make this copy the sole owner of its events.
// Not thread-safe for one object, like std::vector; distinct copies may be
// used from distinct threads.
class EventHistory {
 public:
  using Events = std::vector<DossierEvent>;
  using const_iterator = Events::const_iterator;
  using const_reverse_iterator = Events::const_reverse_iterator;

  EventHistory() = default;
  EventHistory(Events events)  // NOLINT(google-explicit-constructor): a vector is a history
      : events_(std::make_shared<Events>(std::move(events))), owned_(true) {}
  EventHistory(std::initializer_list<DossierEvent> events) : EventHistory(Events(events)) {}
  // Shares `events` (null reads as empty) without copying them.
  static EventHistory Shared(std::shared_ptr<const Events> events) {
    EventHistory history;
    history.events_ = std::const_pointer_cast<Events>(std::move(events));
    return history;
  }
  // Takes `events` to be appended to in place when this history ends up
  // their only holder (a HistoryCache::Take that took them from the cache's
  // readers); shares them as Shared does while anyone else still holds them.
  // `events` must come from an EventHistory (shared()): those are never
  // const objects, but for the empty vector shared() may make, which is
  // therefore only shared.
  static EventHistory Adopt(std::shared_ptr<const Events> events) {
    EventHistory history = Shared(std::move(events));
    history.owned_ = history.events_ != nullptr && !history.events_->empty();
    return history;
  }
  // The events, to be shared by whoever keeps them (never null). Once
  // handed out, they are never changed in place again: the keeper may read
  // them on another thread.
  std::shared_ptr<const Events> shared() const {
    owned_ = false;
    return events_ ? events_ : std::make_shared<const Events>();
  }

  operator const Events&() const { return get(); }  // NOLINT(google-explicit-constructor)
  const Events& get() const { return events_ ? *events_ : Empty(); }

  bool empty() const { return get().empty(); }
  std::size_t size() const { return get().size(); }
  const_iterator begin() const { return get().begin(); }
  const_iterator end() const { return get().end(); }
  const_reverse_iterator rbegin() const { return get().rbegin(); }
  const_reverse_iterator rend() const { return get().rend(); }
  const DossierEvent& front() const { return get().front(); }
  const DossierEvent& back() const { return get().back(); }
  const DossierEvent& operator[](std::size_t i) const { return get()[i]; }

  void push_back(DossierEvent event) { Mutable().push_back(std::move(event)); }
  void clear() {
    events_.reset();
    owned_ = false;
  }
  // The events as this copy's own vector, copied first if shared.
  Events& Mutable();

 private:
  static const Events& Empty();
  // Null for no events. Changed in place only when `owned_` (this class made
  // the vector or was handed the last reference to it by Adopt, so it is not
  // a const object, and never handed it out through shared()) and no other
  // copy shares it; other events are copied first.
  std::shared_ptr<Events> events_;
  mutable bool owned_ = false;
};

struct Dossier {
  std::string code;                     // e.g. "000.00.01.H26-261122-0001"
  std::string procedure_code;           // e.g. "1.004222"
  std::int64_t definition_version = 0;  // workflow version the dossier is pinned to
  std::string applicant_id;             // citizen ID or tax code
  std::string agency;                   // receiving agency ID
  std::string state;                    // current state id
  std::int64_t version = 0;             // optimistic-concurrency version, +1 per transition
  std::optional<std::string> assignee;
  nlohmann::json form = nlohmann::json::object();
  std::map<std::string, std::string> documents;  // document key -> SHA-256 id
  std::optional<std::string> result_document;    // SHA-256 id of the result
  std::vector<SignatureEvidence> result_signatures;
  LegalClock clock;
  EventHistory history;  // oldest first
};

}  // namespace motcua
