// payment_tables.h: the SQLite side of payments (payment.h): the table
// `payments`, one row per settled transaction id, written by the transition
// that settles it (DossierStore::TransitionCommit::payment).
//
// Writes run inside the writer's transaction (sqlite_connection_pool.h),
// queries inside the caller's transaction. Each function owns its SQL.
#pragma once

#include <optional>
#include <string>

#include "engine/domain/payment.h"
#include "engine/domain/status.h"
#include "engine/sqlite/sqlite_db.h"

namespace motcua {

// Whether a payment is recorded under `transaction_id`.
Result<bool> PaymentExists(SqliteConnection& db, const std::string& transaction_id);
// Records `payment`; kConflict (the primary key) when its id is recorded.
Status InsertPayment(SqliteConnection& db, const PaymentRecord& payment);
// The payment recorded under `transaction_id`, if any; kInternal for a
// corrupt row.
Result<std::optional<PaymentRecord>> QueryPayment(SqliteConnection& db,
                                                  const std::string& transaction_id);

}  // namespace motcua
