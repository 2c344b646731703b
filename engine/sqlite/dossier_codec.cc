#include "engine/sqlite/dossier_codec.h"

#include <utility>

#include "engine/crypto/hex.h"
#include "engine/domain/status_macros.h"

namespace motcua {

std::string ColumnEventHash(const SqliteStatement& row, int column) {
  if (!row.IsBlob(column)) return row.ColumnText(column);
  return LowerHex(row.ColumnBlob(column));
}

Result<AuditRecord> ReadEventRow(const SqliteStatement& row) {
  EventColumns columns;
  columns.sequence = row.ColumnInt(0);
  columns.dossier_code = row.ColumnText(1);
  columns.index = row.ColumnInt(2);
  columns.action = row.ColumnText(3);
  columns.from_state = row.ColumnText(4);
  columns.to_state = row.ColumnText(5);
  columns.actor_id = row.ColumnText(6);
  columns.actor_roles_json = row.ColumnText(7);
  columns.actor_agency = row.ColumnText(8);
  columns.at = row.ColumnInt(9);
  columns.step = row.ColumnText(10);
  if (!row.IsNull(11)) columns.channel = row.ColumnInt(11);
  columns.payload_json = row.ColumnText(12);
  columns.hash = ColumnEventHash(row, kEventHashColumn);
  columns.auth_method = row.ColumnOptionalText(14);
  columns.identity_provider = row.ColumnOptionalText(15);
  return DecodeEventColumns(std::move(columns));
}

Result<std::vector<DossierSummary>> ReadSummaries(
    SqliteStatement& stmt,
    const std::function<void(const SqliteStatement&, DossierSummary&)>& read_more) {
  std::vector<DossierSummary> summaries;
  Status read = stmt.ForEachRow([&](const SqliteStatement& row) {
    DossierSummary summary;
    summary.code = row.ColumnText(0);
    summary.procedure_code = row.ColumnText(1);
    summary.applicant_id = row.ColumnText(2);
    summary.agency = row.ColumnText(3);
    summary.state = row.ColumnText(4);
    summary.national_status = static_cast<int>(row.ColumnInt(5));
    summary.version = row.ColumnInt(6);
    summary.assignee = row.ColumnOptionalText(7);
    if (!row.IsNull(8)) summary.due_at = FromSeconds(row.ColumnInt(8));
    summary.updated_at = FromSeconds(row.ColumnInt(9));
    if (read_more) read_more(row, summary);
    summaries.push_back(std::move(summary));
  });
  RETURN_IF_ERROR(read);
  return summaries;
}

}  // namespace motcua
