#pragma once
/// Locks inside one process: the single-node stand-in for Redis.

#include "kv/KeyValue.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace monti::kv {

/// Named locks with expiry and tokens, with the same rules as Redis: an expired lock is free, and only the
/// current token releases. Never throws kv::Unavailable. Thread-safe.
class InProcessLocks final : public Locks {
 public:
  std::optional<std::string> tryAcquire(std::string_view name, std::chrono::milliseconds ttl) override;
  void release(std::string_view name, std::string_view token) override;

 private:
  using Clock = std::chrono::steady_clock;
  struct Holder {
    std::string token;
    Clock::time_point expiresAt;
  };

  std::mutex mutex_;
  std::map<std::string, Holder, std::less<>> holders_;
};

}  // namespace monti::kv
