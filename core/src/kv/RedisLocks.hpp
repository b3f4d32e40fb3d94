#pragma once
/// Locks shared by every node, in Redis.

#include "kv/KeyValue.hpp"
#include "kv/RedisConnectionPool.hpp"

#include <memory>
#include <string>

namespace monti::kv {

/// SET name token NX PX ttl to acquire; a Lua compare-and-delete to release, so a holder whose lock expired
/// cannot release the next holder's. Keys live under `prefix` + "lock:". tryAcquire throws kv::Unavailable
/// when Redis is unreachable; release is best effort (the lock then expires by itself). Thread-safe.
class RedisLocks final : public Locks {
 public:
  RedisLocks(std::shared_ptr<RedisConnectionPool> pool, std::string prefix);
  std::optional<std::string> tryAcquire(std::string_view name, std::chrono::milliseconds ttl) override;
  void release(std::string_view name, std::string_view token) override;

 private:
  std::shared_ptr<RedisConnectionPool> pool_;
  const std::string prefix_;
};

}  // namespace monti::kv
