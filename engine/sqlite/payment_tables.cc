#include "engine/sqlite/payment_tables.h"

#include "engine/domain/status_macros.h"
#include "engine/sqlite/dossier_codec.h"

namespace motcua {

Result<bool> PaymentExists(SqliteConnection& db, const std::string& transaction_id) {
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   db.Prepare("SELECT 1 FROM payments WHERE transaction_id = ?1"));
  StatementReset reset(stmt);
  stmt->BindText(1, transaction_id);
  return stmt->Step();
}

Status InsertPayment(SqliteConnection& db, const PaymentRecord& payment) {
  ASSIGN_OR_RETURN(
      SqliteStatement * stmt,
      db.Prepare(
          "INSERT INTO payments (transaction_id, dossier_code, channel, amount, recorded_at, "
          "recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  StatementReset reset(stmt);
  stmt->BindText(1, payment.transaction_id);
  stmt->BindText(2, payment.dossier_code);
  stmt->BindInt(3, static_cast<int>(payment.channel));
  stmt->BindInt(4, payment.amount);
  stmt->BindInt(5, ToSeconds(payment.recorded_at));
  stmt->BindText(6, payment.recorded_by);
  return stmt->Run();
}

Result<std::optional<PaymentRecord>> QueryPayment(SqliteConnection& db,
                                                  const std::string& transaction_id) {
  using Found = std::optional<PaymentRecord>;
  ASSIGN_OR_RETURN(
      SqliteStatement * stmt,
      db.Prepare("SELECT dossier_code, channel, amount, recorded_at, recorded_by FROM payments "
                 "WHERE transaction_id = ?1"));
  StatementReset reset(stmt);
  stmt->BindText(1, transaction_id);
  ASSIGN_OR_RETURN(bool found, stmt->Step());
  if (!found) return Found();
  const std::int64_t channel = stmt->ColumnInt(1);
  if (channel < 1 || channel > 3) return Error(ErrorCode::kInternal, "payments.channel is corrupt");
  return Found(PaymentRecord{transaction_id, stmt->ColumnText(0), static_cast<Channel>(channel),
                             stmt->ColumnInt(2), FromSeconds(stmt->ColumnInt(3)),
                             stmt->ColumnText(4)});
}

}  // namespace motcua
