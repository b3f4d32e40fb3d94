#pragma once
/// Rate-limit state: GCRA (generic cell rate algorithm) buckets, one per key, in Redis or in-process.
///
/// GCRA keeps a single number per key, the theoretical arrival time (TAT): the moment the bucket would be
/// empty again. Each request moves it one emission interval (window / limit) into the future; a request is
/// allowed while TAT stays within one window of now. That gives `limit` requests in a burst, then one per
/// interval: a sliding window without per-request bookkeeping, updated in one atomic step.

#include <chrono>
#include <cstdint>
#include <string_view>

namespace monti::kv {

/// The outcome of one request against a bucket.
struct RateVerdict {
  bool allowed = false;
  int remaining = 0;                       ///< requests still allowed right now, after this one
  std::chrono::microseconds resetAfter{};  ///< until the bucket is full again
  std::chrono::microseconds retryAfter{};  ///< until the next request would be allowed; 0 when allowed
};

/// Where buckets live. Implementations: RedisRateStore (shared by every node), InProcessRateStore.
class RateStore {
 public:
  virtual ~RateStore() = default;
  /// Counts one request against `key`'s bucket of `limit` requests per `window` and says whether it is
  /// allowed. Rejected requests count too: a client hammering past its limit stays limited (the debt is
  /// capped, see gcraStep). The store keeps its own clock (Redis uses the server's, so every node agrees).
  /// Throws kv::Unavailable when the store cannot be reached. Called concurrently from worker threads.
  virtual RateVerdict take(std::string_view key, int limit, std::chrono::milliseconds window) = 0;
};

/// One GCRA step on microsecond integers, the arithmetic both stores share (the Redis Lua script mirrors it).
struct GcraStep {
  RateVerdict verdict;
  std::int64_t tat = 0;  ///< the new theoretical arrival time to store; the key can expire at it
};

/// The emission interval: window / limit rounded up to whole microseconds, so the arithmetic stays exact in
/// integers (and in the doubles of Redis' Lua); `limit` intervals then exceed the window by under `limit` µs.
/// Throws std::invalid_argument unless limit > 0 and window > 0.
std::int64_t gcraInterval(int limit, std::chrono::milliseconds window);

/// Applies one request at `now` to a bucket whose stored TAT is `tat` (0 when there is none).
/// A rejected request still adds its interval, but the TAT never runs more than two windows ahead of now,
/// so a client that stops retrying is let in again within about one window, as with a fixed window.
GcraStep gcraStep(std::int64_t tat, std::int64_t now, int limit, std::int64_t interval);

}  // namespace monti::kv
