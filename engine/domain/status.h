// status.h: errors as values for the whole engine.
//
// Every fallible function in motcua returns either a `Status` (no value) or a
// `Result<T>` (a value or an error). Exceptions never cross a layer boundary.
// The error code says what kind of failure it is; the API layer maps each code
// to exactly one HTTP status in one table (see api/), nowhere else.
//
// Choosing a code:
//   kInvalidArgument    the input is malformed regardless of system state
//                       (bad JSON, wrong type, unknown field, bad citizen ID).
//   kNotFound           a named thing (dossier, procedure, action) does not exist.
//   kConflict           the caller's view is stale or another caller won a race
//                       (optimistic concurrency, claim already taken).
//   kFailedPrecondition the input is well formed but the system is not in a
//                       state that allows it (action not allowed from this
//                       state, missing requirement, four-eyes violation).
//   kPermissionDenied   the caller is known but lacks the role or scope.
//   kUnauthenticated    the caller is not known (no token, bad token).
//   kUnavailable        a transient failure; retrying may succeed.
//   kInternal           an invariant broke; a bug, never the caller's fault.
//
// Example:
//   Result<Workflow> wf = ParseWorkflow(json);
//   if (!wf.ok()) return wf.error();
//   Use(wf.value());
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "engine/domain/error_reason.h"

namespace motcua {

enum class ErrorCode {
  kInvalidArgument,
  kNotFound,
  kConflict,
  kFailedPrecondition,
  kPermissionDenied,
  kUnauthenticated,
  kUnavailable,
  kInternal,
};

// Stable lower_snake_case name of a code, e.g. "failed_precondition".
const char* ErrorCodeName(ErrorCode code);

// One problem with one part of the input, located by an RFC 6901 JSON pointer
// ("" for the whole document), with a plain sentence saying what is wrong.
struct FieldError {
  std::string pointer;
  std::string message;

  friend bool operator==(const FieldError&, const FieldError&) = default;
};

// An error: a code, a one-line message for humans, an optional machine-readable
// reason (engine/domain/error_reason.h, e.g. ErrorReason::kFourEyes), and
// per-field details.
class Error {
 public:
  Error(ErrorCode code, std::string message, ErrorReason reason = ErrorReason::kNone,
        std::vector<FieldError> fields = {})
      : code_(code),
        message_(std::move(message)),
        reason_(reason),
        fields_(std::move(fields)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  ErrorReason reason() const { return reason_; }
  const std::vector<FieldError>& fields() const { return fields_; }

 private:
  ErrorCode code_;
  std::string message_;
  ErrorReason reason_;
  std::vector<FieldError> fields_;
};

// A value of type T or an Error. Must be checked before the value is used.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  const T& value() const& {
    assert(ok());
    return std::get<T>(state_);
  }
  T& value() & {
    assert(ok());
    return std::get<T>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(state_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<Error>(state_);
  }

 private:
  std::variant<T, Error> state_;
};

// Success or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_{ErrorCode::kInternal, ""};
  bool ok_ = true;
};

}  // namespace motcua
