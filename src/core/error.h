// Errors as values: every fallible operation returns Result<T>; only the CLI
// prints. An Error carries where it happened (file:line:col) when known.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace drover {

// A position in a source file. line and col are 1-based; 0 means unknown.
struct Location {
  std::shared_ptr<const std::string> file;  // shared: many values, one file
  int line = 0;
  int col = 0;

  bool known() const { return file != nullptr; }
  // "path:line:col", "path:line", "path", or "" when unknown.
  std::string str() const;
};

// Exit codes, as ansible-playbook uses them.
enum class ExitCode : int {
  kOk = 0,
  kError = 1,
  kHostFailed = 2,
  kUnreachable = 4,
  kBadOptions = 5,
  kUnexpected = 250,
};

struct Error {
  std::string message;
  Location where;
  ExitCode code = ExitCode::kError;
  // Optional extra text printed after the headline (e.g. a source excerpt
  // with a caret, or a hint).
  std::string detail;

  // "path:line:col: message" (or just message when the location is unknown).
  std::string headline() const;
  // headline, then detail on the following lines when present.
  std::string full() const;
};

// A value or an Error. Minimal stand-in for C++23 std::expected.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(state_); }
  Error&& take_error() { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, Error> state_;
};

// Result for operations that return nothing on success.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *error_; }
  Error&& take_error() { return std::move(*error_); }

 private:
  std::optional<Error> error_;
};

inline Error MakeError(std::string message, Location where = {}) {
  return Error{std::move(message), std::move(where), ExitCode::kError, {}};
}

}  // namespace drover
