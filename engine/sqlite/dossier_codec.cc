#include "engine/sqlite/dossier_codec.h"

#include <utility>

#include "engine/domain/status_macros.h"

namespace motcua {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr std::size_t kHashBytes = 32;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string ColumnEventHash(const SqliteStatement& row, int column) {
  if (!row.IsBlob(column)) return row.ColumnText(column);
  return EventHashHex(row.ColumnBlob(column));
}

std::string EventHashHex(std::string_view bytes) {
  std::string hex;
  hex.reserve(2 * bytes.size());
  for (const char byte : bytes) {
    const auto value = static_cast<unsigned char>(byte);
    hex += kHexDigits[value >> 4];
    hex += kHexDigits[value & 0x0f];
  }
  return hex;
}

std::string EventHashBytes(const std::string& hash) {
  if (hash.size() != 2 * kHashBytes) return hash;
  std::string bytes(kHashBytes, '\0');
  for (std::size_t i = 0; i < kHashBytes; ++i) {
    const int high = HexValue(hash[2 * i]);
    const int low = HexValue(hash[2 * i + 1]);
    if (high < 0 || low < 0) return hash;
    bytes[i] = static_cast<char>((high << 4) | low);
  }
  return bytes;
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
