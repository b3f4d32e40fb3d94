#pragma once
/// Counters inside one process: the single-node stand-in for Redis.

#include "kv/KeyValue.hpp"

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>

namespace monti::kv {

/// A map of counters with expiry, swept as it grows so expired keys (one per client IP, say) do not pile
/// up. Never throws kv::Unavailable. Thread-safe.
class InProcessCounters final : public Counters {
 public:
  std::int64_t increment(std::string_view key, std::int64_t by, std::chrono::milliseconds ttl) override;

 private:
  using Clock = std::chrono::steady_clock;
  struct Counter {
    std::int64_t value;
    Clock::time_point expiresAt;
  };
  void sweep(Clock::time_point now);

  std::mutex mutex_;
  std::map<std::string, Counter, std::less<>> counters_;
  std::size_t sweepAt_ = 1024;
};

}  // namespace monti::kv
