// payment.h: fees a dossier owes and the payments that settle them.
//
// A procedure's fees have a desk amount and an online amount (online is often
// cheaper). A payment is recorded exactly once, keyed by its transaction id:
// the payment gateway's id for online payments, "desk:AGENCY:RECEIPT" for
// payments taken at the one-stop desk. The store writes the record in the
// same transaction as the payment action (DossierStore::TransitionCommit), so
// a replayed confirmation finds it and changes nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/domain/clock.h"
#include "engine/domain/dossier.h"
#include "engine/domain/workflow.h"

namespace motcua {

struct PaymentRecord {
  std::string transaction_id;
  std::string dossier_code;
  Channel channel = Channel::kOnline;
  std::int64_t amount = 0;  // VND
  Instant recorded_at;
  std::string recorded_by;  // the clerk, or "system" for the gateway
};

// What the dossier owes when paying through `channel`: the sum of the
// procedure's fees at the desk or online amount (post pays the desk amount);
// a per-copy fee is multiplied by the form's positive integer "copies"
// (1 when absent).
std::int64_t AmountDue(const Procedure& procedure, const Dossier& dossier, Channel channel);

// The last payment recorded on a dossier: the event of a "payment" step.
struct PaidFee {
  std::int64_t amount = 0;  // VND; 0 when the event carries no payment note
  std::optional<Channel> channel;
  Instant at;
};

// What a dossier owes and has paid, as the people settling it need to see:
// the AmountDue at the desk and online, whether its current state waits for
// a payment (some action of the "payment" step leaves it), and the last
// payment, if any.
struct FeeStatus {
  std::int64_t desk_due = 0;
  std::int64_t online_due = 0;
  bool awaiting_payment = false;
  std::optional<PaidFee> paid;
};
FeeStatus FeeStatusOf(const Workflow& workflow, const Dossier& dossier);

}  // namespace motcua
