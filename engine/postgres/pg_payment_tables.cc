#include "engine/postgres/pg_payment_tables.h"

#include <cstdint>

#include "engine/domain/error_reason.h"
#include "engine/domain/status_macros.h"
#include "engine/domain/workflow.h"
#include "engine/storage/column_codec.h"

namespace motcua {

Status InsertPayment(PgConnection& db, const PaymentRecord& payment) {
  // DO NOTHING rather than a unique violation, which would abort the whole
  // transaction; an insert racing another waits for its commit.
  ASSIGN_OR_RETURN(PgResult inserted,
                   db.Exec("INSERT INTO payments (transaction_id, dossier_code, channel, amount,"
                           " recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)"
                           " ON CONFLICT (transaction_id) DO NOTHING",
                           PgParams()
                               .Text(payment.transaction_id)
                               .Text(payment.dossier_code)
                               .Int(static_cast<int>(payment.channel))
                               .Int(payment.amount)
                               .Int(ToSeconds(payment.recorded_at))
                               .Text(payment.recorded_by)));
  if (inserted.Affected() == 0) {
    return Error(ErrorCode::kConflict, "payment " + payment.transaction_id + " is already recorded",
                 ErrorReason::kDuplicatePayment);
  }
  return Status();
}

Result<std::optional<PaymentRecord>> QueryPayment(PgConnection& db,
                                                  const std::string& transaction_id) {
  using Found = std::optional<PaymentRecord>;
  ASSIGN_OR_RETURN(PgResult rows,
                   db.Exec("SELECT dossier_code, channel, amount, recorded_at, recorded_by"
                           " FROM payments WHERE transaction_id = $1",
                           PgParams().Text(transaction_id)));
  if (rows.Rows() == 0) return Found();
  const std::int64_t channel = rows.Int(0, 1);
  if (channel < 1 || channel > 3) return Error(ErrorCode::kInternal, "payments.channel is corrupt");
  return Found(PaymentRecord{transaction_id, rows.Text(0, 0), static_cast<Channel>(channel),
                             rows.Int(0, 2), FromSeconds(rows.Int(0, 3)), rows.Text(0, 4)});
}

}  // namespace motcua
