#pragma once
/// Exponential reconnect delays for Redis connections.

#include <algorithm>
#include <chrono>

namespace monti::kv {

/// 100 ms, 200 ms, … capped at 5 s; reset() after a success. Not thread-safe: guard it with its owner's lock.
class Backoff {
 public:
  static constexpr std::chrono::milliseconds kFirst{100};
  static constexpr std::chrono::milliseconds kMax{5000};

  /// The delay to wait before the next attempt; each call doubles the following one.
  std::chrono::milliseconds next() noexcept {
    const auto delay = delay_;
    delay_ = std::min(delay_ * 2, kMax);
    return delay;
  }
  void reset() noexcept { delay_ = kFirst; }

 private:
  std::chrono::milliseconds delay_ = kFirst;
};

}  // namespace monti::kv
