#include "engine/service/checkpoint_publisher.h"

#include <utility>

#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

bool SameHeads(const std::vector<ChainHead>& a, const std::vector<ChainHead>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].dossier_code != b[i].dossier_code || a[i].version != b[i].version ||
        a[i].head != b[i].head) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<std::optional<Checkpoint>> CheckpointPublisher::PublishIfChanged() {
  ASSIGN_OR_RETURN(std::vector<ChainHead> heads, ports_.read_heads());
  if (last_published_ && SameHeads(*last_published_, heads)) return std::optional<Checkpoint>();
  ASSIGN_OR_RETURN(Checkpoint checkpoint, ports_.sign(heads, clock_.Now()));
  Status outcome;
  for (const auto& sink : ports_.sinks) {
    Status written = sink(checkpoint);
    if (!written.ok() && outcome.ok()) outcome = written;
  }
  RETURN_IF_ERROR(outcome);
  last_published_ = std::move(heads);
  return std::optional<Checkpoint>(std::move(checkpoint));
}

}  // namespace motcua
