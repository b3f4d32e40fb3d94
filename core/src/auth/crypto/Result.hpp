#pragma once
/// A value or the reason there is none: how the crypto code reports bad input without throwing.

#include <utility>
#include <variant>

namespace monti::auth::crypto {

/// Either a `T` or an error `E` (an enum). `E` and `T` must be different types.
template <class T, class E>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT(google-explicit-constructor): return a value as-is
  Result(E error) : state_(error) {}             // NOLINT(google-explicit-constructor): return an error as-is

  /// True when a value is present.
  [[nodiscard]] bool ok() const noexcept { return std::holds_alternative<T>(state_); }
  explicit operator bool() const noexcept { return ok(); }

  /// The value; throws std::bad_variant_access when this holds an error.
  [[nodiscard]] const T& value() const& { return std::get<T>(state_); }
  [[nodiscard]] T&& value() && { return std::get<T>(std::move(state_)); }

  /// The error; throws std::bad_variant_access when this holds a value.
  [[nodiscard]] E error() const { return std::get<E>(state_); }

 private:
  std::variant<T, E> state_;
};

}  // namespace monti::auth::crypto
