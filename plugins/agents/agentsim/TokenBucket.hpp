#pragma once

#include <algorithm>
#include <chrono>

namespace monti::agentsim {

/// Paces one kind of request at `rate` a second, saving up at most `burst` while the caller is behind.
/// A token bucket in its GCRA form: instead of counting tokens it keeps the time the next one is due, so
/// the caller sleeps until due() rather than polling. Not thread-safe: one per worker and kind.
class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  /// Starts empty at `start` (no burst at start-up). A rate of 0 never gives a token.
  TokenBucket(double ratePerSecond, double burst, Clock::time_point start)
      : enabled_(ratePerSecond > 0),
        interval_(enabled_
                      ? std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / ratePerSecond))
                      : Clock::duration::zero()),
        tolerance_(interval_ * static_cast<long>(std::max(burst, 1.0) - 1)),
        theoretical_(start + tolerance_) {}

  bool enabled() const { return enabled_; }

  /// When the next token is available; Clock::time_point::max() when disabled.
  Clock::time_point due() const { return enabled_ ? theoretical_ - tolerance_ : Clock::time_point::max(); }

  /// Takes a token if one is available at `now`.
  bool tryTake(Clock::time_point now) {
    if (!enabled_ || now < due()) return false;
    theoretical_ = std::max(theoretical_, now) + interval_;
    return true;
  }

 private:
  bool enabled_;
  Clock::duration interval_;
  Clock::duration tolerance_;      // (burst - 1) intervals
  Clock::time_point theoretical_;  // when the bucket would be empty had every token been taken on time
};

}  // namespace monti::agentsim
