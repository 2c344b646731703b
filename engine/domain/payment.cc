#include "engine/domain/payment.h"

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

}  // namespace motcua
