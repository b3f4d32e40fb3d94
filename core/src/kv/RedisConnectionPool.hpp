#pragma once
/// A small pool of blocking hiredis connections shared by the Redis cache, counters, locks and publisher.

#include "kv/Backoff.hpp"
#include "kv/RedisConnection.hpp"

#include <monti/obs/Logger.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string_view>
#include <vector>

namespace monti::kv {

/// Hands out up to `size` connections, opened lazily. A connection that breaks is dropped and a new one is
/// opened on next use; while Redis is unreachable, new attempts wait out an exponential backoff (100 ms …
/// 5 s) and callers fail fast with kv::Unavailable instead of each waiting for a connect timeout.
/// Logs once when Redis becomes unreachable and once when it is back. Thread-safe.
class RedisConnectionPool {
 public:
  RedisConnectionPool(RedisSettings settings, std::size_t size, obs::Logger& logger);
  RedisConnectionPool(const RedisConnectionPool&) = delete;
  RedisConnectionPool& operator=(const RedisConnectionPool&) = delete;
  ~RedisConnectionPool();

  /// Runs one command on a pooled connection and returns its reply (possibly an error reply).
  /// Throws kv::Unavailable when Redis cannot be reached, the pool stays exhausted past the timeout, or the
  /// connection broke during the command (it may or may not have run).
  RedisReplyPtr command(const std::vector<std::string_view>& args);

  const RedisSettings& settings() const noexcept { return settings_; }

 private:
  RedisContextPtr acquire();
  void release(RedisContextPtr c) noexcept;
  void connectFailed(const std::string& reason);
  void connected();

  const RedisSettings settings_;
  const std::size_t size_;
  obs::Logger& logger_;

  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<RedisContextPtr> idle_;
  std::size_t open_ = 0;  // idle plus lent out plus being opened
  Backoff backoff_;
  std::chrono::steady_clock::time_point nextAttempt_{};
  bool reachable_ = true;  // what we last logged
};

}  // namespace monti::kv
