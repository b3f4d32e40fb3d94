#pragma once
/// Rate-limit buckets shared by every node, in Redis.

#include "kv/RateStore.hpp"
#include "kv/RedisConnectionPool.hpp"

#include <memory>
#include <string>

namespace monti::kv {

/// One EVAL per request: the script reads the bucket, applies the GCRA step and writes it back atomically,
/// with PX set to the TAT so an idle bucket vanishes as soon as it is full again. Keys live under
/// `prefix` + "rate:". Needs Redis 5 or later (scripts that call TIME before writing). Thread-safe.
class RedisRateStore final : public RateStore {
 public:
  RedisRateStore(std::shared_ptr<RedisConnectionPool> pool, const std::string& prefix);
  /// Throws kv::Unavailable when Redis cannot be reached or refuses writes (OOM, READONLY, LOADING, …),
  /// std::runtime_error on any other error reply (a bug: the key holds something else).
  RateVerdict take(std::string_view key, int limit, std::chrono::milliseconds window) override;

 private:
  std::shared_ptr<RedisConnectionPool> pool_;
  const std::string prefix_;
};

}  // namespace monti::kv
