#include "engine/postgres/pg_definition_tables.h"

#include <cstddef>
#include <nlohmann/json.hpp>
#include <utility>

#include "engine/domain/error_reason.h"
#include "engine/domain/status_macros.h"
#include "engine/storage/column_codec.h"

namespace motcua {
namespace {

const std::string kDefinitionColumns =
    "procedure_code, version, content_hash, document, published_at, published_by, owner_agency";

// Row `r` of a statement that selected kDefinitionColumns.
Result<StoredDefinition> ReadDefinition(const PgResult& rows, int r) {
  StoredDefinition definition;
  definition.procedure_code = rows.Text(r, 0);
  definition.version = rows.Int(r, 1);
  definition.content_hash = rows.Text(r, 2);
  ASSIGN_OR_RETURN(nlohmann::json document, DecodeJson(rows.Text(r, 3), "definitions.document"));
  definition.document = std::move(document);
  definition.published_at = FromSeconds(rows.Int(r, 4));
  definition.published_by = rows.Text(r, 5);
  definition.owner_agency = rows.Text(r, 6);
  return definition;
}

Result<std::vector<StoredDefinition>> ReadDefinitions(const PgResult& rows) {
  std::vector<StoredDefinition> definitions;
  definitions.reserve(static_cast<std::size_t>(rows.Rows()));
  for (int r = 0; r < rows.Rows(); ++r) {
    ASSIGN_OR_RETURN(StoredDefinition definition, ReadDefinition(rows, r));
    definitions.push_back(std::move(definition));
  }
  return definitions;
}

}  // namespace

Status InsertDefinitionVersion(PgConnection& db, const std::string& document_text,
                               StoredDefinition& published) {
  for (int attempt = 0; attempt < kPublishAttempts; ++attempt) {
    ASSIGN_OR_RETURN(PgResult latest, db.Exec("SELECT " + kDefinitionColumns +
                                                  " FROM definitions WHERE procedure_code = $1"
                                                  " ORDER BY version DESC LIMIT 1",
                                              PgParams().Text(published.procedure_code)));
    std::int64_t version = 1;
    if (latest.Rows() == 1) {
      if (latest.Text(0, 2) == published.content_hash) {
        ASSIGN_OR_RETURN(StoredDefinition existing, ReadDefinition(latest, 0));
        published = std::move(existing);
        return Status();
      }
      version = latest.Int(0, 1) + 1;
    }
    // DO NOTHING when a concurrent publisher took `version` (it waits for
    // that one's commit): the next round reads what it published.
    ASSIGN_OR_RETURN(PgResult inserted,
                     db.Exec("INSERT INTO definitions (" + kDefinitionColumns +
                                 ") VALUES ($1, $2, $3, $4, $5, $6, $7)"
                                 " ON CONFLICT (procedure_code, version) DO NOTHING",
                             PgParams()
                                 .Text(published.procedure_code)
                                 .Int(version)
                                 .Text(published.content_hash)
                                 .Text(document_text)
                                 .Int(ToSeconds(published.published_at))
                                 .Text(published.published_by)
                                 .Text(published.owner_agency)));
    if (inserted.Affected() == 1) {
      published.version = version;
      return Status();
    }
  }
  return Error(ErrorCode::kUnavailable,
               "procedure " + published.procedure_code +
                   " kept getting new versions from other publishers; try again",
               ErrorReason::kDatabaseBusy);
}

Result<StoredDefinition> QueryDefinition(PgConnection& db, const std::string& procedure_code,
                                         std::int64_t version) {
  ASSIGN_OR_RETURN(PgResult rows, db.Exec("SELECT " + kDefinitionColumns +
                                              " FROM definitions WHERE procedure_code = $1"
                                              " AND ($2::bigint = 0 OR version = $2::bigint)"
                                              " ORDER BY version DESC LIMIT 1",
                                          PgParams().Text(procedure_code).Int(version)));
  if (rows.Rows() == 0) {
    return Error(ErrorCode::kNotFound,
                 "procedure " + procedure_code + " has no published definition" +
                     (version == 0 ? std::string() : " version " + std::to_string(version)));
  }
  return ReadDefinition(rows, 0);
}

Result<std::int64_t> QueryLatestDefinitionVersion(PgConnection& db,
                                                  const std::string& procedure_code) {
  ASSIGN_OR_RETURN(PgResult rows, db.Exec("SELECT max(version) FROM definitions"
                                          " WHERE procedure_code = $1",
                                          PgParams().Text(procedure_code)));
  if (rows.Rows() == 0 || rows.IsNull(0, 0)) {
    return Error(ErrorCode::kNotFound,
                 "procedure " + procedure_code + " has no published definition");
  }
  return rows.Int(0, 0);
}

Result<std::vector<StoredDefinition>> QueryDefinitionVersions(PgConnection& db,
                                                              const std::string& procedure_code) {
  ASSIGN_OR_RETURN(PgResult rows,
                   db.Exec("SELECT " + kDefinitionColumns +
                               " FROM definitions WHERE procedure_code = $1 ORDER BY version",
                           PgParams().Text(procedure_code)));
  return ReadDefinitions(rows);
}

Result<std::vector<StoredDefinition>> QueryLatestDefinitions(PgConnection& db) {
  ASSIGN_OR_RETURN(PgResult rows,
                   db.Exec("SELECT DISTINCT ON (procedure_code) " + kDefinitionColumns +
                           " FROM definitions ORDER BY procedure_code, version DESC"));
  return ReadDefinitions(rows);
}

}  // namespace motcua
