// pg_payment_tables.h: the PostgreSQL side of payments (payment.h): the table
// `payments`, one row per settled transaction id, written by the transition
// that settles it (DossierStore::TransitionCommit::payment).
//
// The same contracts as engine/sqlite/payment_tables.h. For several engine
// processes on one database the primary key decides: of two processes
// settling one transaction id at once, InsertPayment refuses the later one
// (kConflict) without aborting the transaction's other statements.
// Writes run inside the pool's write transaction (pg_pool.h), queries inside
// the caller's transaction. Each function owns its SQL.
#pragma once

#include <optional>
#include <string>

#include "engine/domain/payment.h"
#include "engine/domain/status.h"
#include "engine/postgres/pg_connection.h"

namespace motcua {

// Records `payment`; kConflict "duplicate_payment" when its id is recorded,
// also by a transaction that committed meanwhile.
Status InsertPayment(PgConnection& db, const PaymentRecord& payment);
// The payment recorded under `transaction_id`, if any; kInternal for a
// corrupt row.
Result<std::optional<PaymentRecord>> QueryPayment(PgConnection& db,
                                                  const std::string& transaction_id);

}  // namespace motcua
