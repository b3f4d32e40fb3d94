#pragma once
/// Counters shared by every node, in Redis.

#include "kv/KeyValue.hpp"
#include "kv/RedisConnectionPool.hpp"

#include <memory>
#include <string>

namespace monti::kv {

/// INCRBY and, for a key without expiry (a new one), PEXPIRE in one Lua script, so the TTL is set exactly
/// once and a crash between the two cannot leave an immortal counter. Keys live under `prefix` + "counter:".
/// Thread-safe.
class RedisCounters final : public Counters {
 public:
  RedisCounters(std::shared_ptr<RedisConnectionPool> pool, std::string prefix);
  std::int64_t increment(std::string_view key, std::int64_t by, std::chrono::milliseconds ttl) override;

 private:
  std::shared_ptr<RedisConnectionPool> pool_;
  const std::string prefix_;
};

}  // namespace monti::kv
