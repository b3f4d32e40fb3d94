#pragma once
/// Rate-limit buckets inside one process: the single-node stand-in for RedisRateStore.

#include "kv/RateStore.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace monti::kv {

/// A hash map of GCRA buckets behind one mutex. Memory stays bounded: a bucket is dropped once its TAT has
/// passed (it is then indistinguishable from a fresh one) by sweeps as the map grows and at least once a
/// minute; past `maxEntries` live buckets, the ones closest to full are evicted first, since forgetting
/// them lets through the fewest extra requests. Never throws kv::Unavailable. Thread-safe.
class InProcessRateStore final : public RateStore {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  /// `clock` is for tests that need time to stand still or jump; the default is steady_clock::now.
  explicit InProcessRateStore(std::size_t maxEntries = 100000, Clock clock = {});
  RateVerdict take(std::string_view key, int limit, std::chrono::milliseconds window) override;

  /// Buckets currently held (expired ones included until the next sweep).
  std::size_t size() const;

 private:
  void sweep(std::int64_t now);
  void evictClosestToFull();

  const std::size_t maxEntries_;
  const Clock clock_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::int64_t> tats_;  // key -> TAT, µs on clock_
  std::size_t sweepAt_;
  std::int64_t nextSweep_ = 0;
};

}  // namespace monti::kv
