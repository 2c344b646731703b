// checkpoint_publisher.h: publishing signed checkpoints of the audit chain
// heads (engine/domain/checkpoint.h) to places a database editor cannot
// rewrite.
//
// The publisher reads the heads, has them signed and hands the checkpoint to
// every sink (the append-only checkpoint file, the sync feed). A checkpoint
// whose heads equal the last one this publisher published is skipped, so an
// idle engine does not grow its log.
//
// Not thread-safe: one caller at a time (the serve loop).
//
// Example:
//   CheckpointPublisher publisher({read_heads, sign, {append_to_file, append_to_feed}}, clock);
//   Result<std::optional<Checkpoint>> published = publisher.PublishIfChanged();
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/checkpoint.h"
#include "engine/domain/clock.h"
#include "engine/domain/status.h"

namespace motcua {

class CheckpointPublisher {
 public:
  struct Ports {
    // Every dossier's chain head now, ascending by code.
    std::function<Result<std::vector<ChainHead>>()> read_heads;
    // The signed checkpoint of the heads at the instant.
    std::function<Result<Checkpoint>(std::vector<ChainHead>, Instant)> sign;
    // Where checkpoints go; each is called with every checkpoint published.
    std::vector<std::function<Status(const Checkpoint&)>> sinks;
  };

  CheckpointPublisher(Ports ports, const Clock& clock) : ports_(std::move(ports)), clock_(clock) {}

  // Publishes a checkpoint of the current heads to every sink unless they
  // are those of the last checkpoint published here; nullopt then. Every
  // sink is tried; the first failure is returned (and the heads count as
  // unpublished, so the next call tries again).
  Result<std::optional<Checkpoint>> PublishIfChanged();

 private:
  Ports ports_;
  const Clock& clock_;
  std::optional<std::vector<ChainHead>> last_published_;
};

}  // namespace motcua
