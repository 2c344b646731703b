// dossier_codec.h: how dossier values map to columns of the SQLite store;
// the codecs shared by the table units (dossier_tables.h, event_tables.h, ...).
//
// Instants are integer UTC seconds; structured parts of a dossier (clock
// pauses and extensions, form, documents, signatures, event payloads, actor
// roles) are JSON text. Decoding never throws: malformed stored text becomes
// kInternal naming the column, since only the store writes these columns.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/dossier.h"
#include "engine/domain/status.h"
#include "engine/domain/store.h"
#include "engine/sqlite/sqlite_db.h"

namespace motcua {

std::int64_t ToSeconds(Instant t);
Instant FromSeconds(std::int64_t seconds);
std::optional<std::int64_t> OptionalSeconds(const std::optional<Instant>& t);  // NULL when absent

// clock_json holds the pauses and extensions; the other clock fields have
// their own columns.
std::string EncodeClockParts(const LegalClock& clock);
Status DecodeClockParts(const std::string& text, LegalClock* clock);

std::string EncodeDocuments(const std::map<std::string, std::string>& documents);
Result<std::map<std::string, std::string>> DecodeDocuments(const std::string& text);

std::string EncodeSignatures(const std::vector<SignatureEvidence>& signatures);
Result<std::vector<SignatureEvidence>> DecodeSignatures(const std::string& text);

Result<nlohmann::json> DecodeJson(const std::string& text, const char* column);

// The applicant step's stored name ("none", "submission", ...) and back.
std::string StepName(ApplicantStep step);
Result<ApplicantStep> StepFromName(const std::string& name);

// The columns of `events` in the order ReadEventRow expects them.
inline constexpr const char* kEventColumns =
    "sequence, dossier_code, idx, action, from_state, to_state, actor_id, actor_roles, "
    "actor_agency, at, step, channel, payload, previous_hash, hash, actor_auth_method, "
    "actor_identity_provider";

// Reads the current row of a statement that selected kEventColumns.
Result<AuditRecord> ReadEventRow(const SqliteStatement& row);

// The columns of a DossierSummary over `dossiers AS d`, in the order
// ReadSummaries expects them (dossier listings and document references).
inline constexpr const char* kSummaryColumns =
    "d.code, d.procedure_code, d.applicant_id, d.agency, d.state, d.national_status, d.version, "
    "d.assignee, d.due_at, d.updated_at";
inline constexpr int kSummaryColumnCount = 10;

// Steps through `stmt`, which selected kSummaryColumns (then, optionally,
// more columns from index kSummaryColumnCount on), reading every row;
// `read_more`, if given, reads those further columns into the summary.
Result<std::vector<DossierSummary>> ReadSummaries(
    SqliteStatement& stmt,
    const std::function<void(const SqliteStatement&, DossierSummary&)>& read_more = nullptr);

}  // namespace motcua
