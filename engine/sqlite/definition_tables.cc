#include "engine/sqlite/definition_tables.h"

#include <utility>

#include "engine/domain/status_macros.h"
#include "engine/sqlite/dossier_codec.h"

namespace motcua {
namespace {

constexpr const char* kDefinitionColumns =
    "procedure_code, version, content_hash, document, published_at, published_by, owner_agency";

Result<StoredDefinition> ReadDefinition(const SqliteStatement& row) {
  StoredDefinition definition;
  definition.procedure_code = row.ColumnText(0);
  definition.version = row.ColumnInt(1);
  definition.content_hash = row.ColumnText(2);
  ASSIGN_OR_RETURN(nlohmann::json document, DecodeJson(row.ColumnText(3), "definitions.document"));
  definition.document = std::move(document);
  definition.published_at = FromSeconds(row.ColumnInt(4));
  definition.published_by = row.ColumnText(5);
  definition.owner_agency = row.ColumnText(6);
  return definition;
}

Result<std::vector<StoredDefinition>> ReadDefinitions(SqliteStatement& stmt) {
  std::vector<StoredDefinition> definitions;
  Status read = stmt.ForEachRow([&](const SqliteStatement& row) -> Status {
    ASSIGN_OR_RETURN(StoredDefinition definition, ReadDefinition(row));
    definitions.push_back(std::move(definition));
    return Status();
  });
  RETURN_IF_ERROR(read);
  return definitions;
}

}  // namespace

Status InsertDefinitionVersion(SqliteConnection& db, const std::string& document_text,
                               StoredDefinition& published) {
  ASSIGN_OR_RETURN(
      SqliteStatement * latest,
      db.Prepare(std::string("SELECT ") + kDefinitionColumns +
                 " FROM definitions WHERE procedure_code = ?1 ORDER BY version DESC LIMIT 1"));
  {
    StatementReset reset(latest);
    latest->BindText(1, published.procedure_code);
    ASSIGN_OR_RETURN(bool row, latest->Step());
    if (row) {
      if (latest->ColumnText(2) == published.content_hash) {
        ASSIGN_OR_RETURN(StoredDefinition existing, ReadDefinition(*latest));
        published = std::move(existing);
        return Status();
      }
      published.version = latest->ColumnInt(1) + 1;
    } else {
      published.version = 1;
    }
  }
  ASSIGN_OR_RETURN(SqliteStatement * insert,
                   db.Prepare(std::string("INSERT INTO definitions (") + kDefinitionColumns +
                              ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  StatementReset reset(insert);
  insert->BindText(1, published.procedure_code);
  insert->BindInt(2, published.version);
  insert->BindText(3, published.content_hash);
  insert->BindText(4, document_text);
  insert->BindInt(5, ToSeconds(published.published_at));
  insert->BindText(6, published.published_by);
  insert->BindText(7, published.owner_agency);
  return insert->Run();
}

Result<StoredDefinition> QueryDefinition(SqliteConnection& db, const std::string& procedure_code,
                                         std::int64_t version) {
  ASSIGN_OR_RETURN(
      SqliteStatement * stmt,
      db.Prepare(std::string("SELECT ") + kDefinitionColumns +
                 " FROM definitions WHERE procedure_code = ?1 AND (?2 = 0 OR version = ?2) "
                 "ORDER BY version DESC LIMIT 1"));
  StatementReset reset(stmt);
  stmt->BindText(1, procedure_code);
  stmt->BindInt(2, version);
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) {
    return Error(ErrorCode::kNotFound,
                 "procedure " + procedure_code + " has no published definition" +
                     (version == 0 ? std::string() : " version " + std::to_string(version)));
  }
  return ReadDefinition(*stmt);
}

Result<std::int64_t> QueryLatestDefinitionVersion(SqliteConnection& db,
                                                  const std::string& procedure_code) {
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   db.Prepare("SELECT version FROM definitions WHERE procedure_code = ?1 ORDER BY "
                              "version DESC LIMIT 1"));
  StatementReset reset(stmt);
  stmt->BindText(1, procedure_code);
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) {
    return Error(ErrorCode::kNotFound,
                 "procedure " + procedure_code + " has no published definition");
  }
  return stmt->ColumnInt(0);
}

Result<std::vector<StoredDefinition>> QueryDefinitionVersions(SqliteConnection& db,
                                                              const std::string& procedure_code) {
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   db.Prepare(std::string("SELECT ") + kDefinitionColumns +
                              " FROM definitions WHERE procedure_code = ?1 ORDER BY version"));
  StatementReset reset(stmt);
  stmt->BindText(1, procedure_code);
  return ReadDefinitions(*stmt);
}

Result<std::vector<StoredDefinition>> QueryLatestDefinitions(SqliteConnection& db) {
  ASSIGN_OR_RETURN(
      SqliteStatement * stmt,
      db.Prepare(std::string("SELECT ") + kDefinitionColumns +
                 " FROM definitions AS d WHERE version = (SELECT MAX(version) FROM definitions "
                 "WHERE procedure_code = d.procedure_code) ORDER BY procedure_code"));
  StatementReset reset(stmt);
  return ReadDefinitions(*stmt);
}

}  // namespace motcua
