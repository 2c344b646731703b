// idempotency.h: the port that remembers the outcome of retried requests.
//
// A client that may retry a write (a dropped connection, a timeout) sends an
// idempotency key with it. The first request with a key reserves it; when it
// finishes, its response is stored. A repeat with the same key by the same
// caller gets the stored response and is never applied again. The response
// is opaque text here (the API layer decides its form).
//
// Contract for every implementation:
//  - Reserve and Complete are durable when they return OK.
//  - Keys are scoped by caller: two users may use the same key.
//  - A record created before `expire_before` (passed to Reserve) counts as
//    absent and is replaced.
//  - A reservation that is never completed (the process died while the first
//    request ran) stays reserved until it expires: its outcome is unknown, so
//    a repeat must not run the request again.
#pragma once

#include <optional>
#include <string>

#include "engine/domain/clock.h"
#include "engine/domain/status.h"

namespace motcua {

struct IdempotencyRecord {
  std::string fingerprint;              // what the first request was (method, path, body digest)
  std::optional<std::string> response;  // empty while the first request runs
  Instant created_at;
};

class IdempotencyStore {
 public:
  virtual ~IdempotencyStore() = default;

  // Reserves (`user_id`, `key`) for a request described by `fingerprint`.
  // Returns nothing when the caller now holds the reservation (and must
  // Complete or Abandon it), else the record already there.
  virtual Result<std::optional<IdempotencyRecord>> ReserveIdempotencyKey(
      const std::string& user_id, const std::string& key, const std::string& fingerprint,
      Instant at, Instant expire_before) = 0;
  // Stores the response of a reserved key. kNotFound if it is not reserved.
  virtual Status CompleteIdempotencyKey(const std::string& user_id, const std::string& key,
                                        const std::string& response) = 0;
  // Drops a reservation whose request changed nothing, so that it may be retried.
  virtual Status AbandonIdempotencyKey(const std::string& user_id, const std::string& key) = 0;
};

}  // namespace motcua
