#include "engine/domain/payment.h"

#include <algorithm>

namespace motcua {

std::int64_t AmountDue(const Procedure& procedure, const Dossier& dossier, Channel channel) {
  std::int64_t copies = 1;
  if (auto it = dossier.form.find("copies");
      it != dossier.form.end() && it->is_number_integer() && it->get<std::int64_t>() > 0) {
    copies = it->get<std::int64_t>();
  }
  std::int64_t total = 0;
  for (const Fee& fee : procedure.fees) {
    const std::int64_t amount = channel == Channel::kOnline ? fee.online_amount : fee.desk_amount;
    total += fee.per_copy ? amount * copies : amount;
  }
  return total;
}

FeeStatus FeeStatusOf(const Workflow& workflow, const Dossier& dossier) {
  FeeStatus status;
  status.desk_due = AmountDue(workflow.procedure, dossier, Channel::kDesk);
  status.online_due = AmountDue(workflow.procedure, dossier, Channel::kOnline);
  status.awaiting_payment =
      std::any_of(workflow.actions.begin(), workflow.actions.end(), [&](const Action& action) {
        return action.step == ApplicantStep::kPayment && action.AllowedFrom(dossier.state);
      });
  for (auto it = dossier.history.rbegin(); it != dossier.history.rend(); ++it) {
    if (it->step != ApplicantStep::kPayment) continue;
    const nlohmann::json note = it->payload.value("payment", nlohmann::json::object());
    status.paid =
        PaidFee{note.is_object() ? note.value("amount", std::int64_t{0}) : 0, it->channel, it->at};
    break;
  }
  return status;
}

}  // namespace motcua
