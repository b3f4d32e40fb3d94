#include "kv/RedisLocks.hpp"

#include "kv/LockToken.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace monti::kv {
namespace {

constexpr std::string_view kRelease = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua";

}  // namespace

RedisLocks::RedisLocks(std::shared_ptr<RedisConnectionPool> pool, std::string prefix)
    : pool_(std::move(pool)), prefix_(std::move(prefix) + "lock:") {}

std::optional<std::string> RedisLocks::tryAcquire(std::string_view name, std::chrono::milliseconds ttl) {
  const std::string key = prefix_ + std::string(name);
  std::string token = newLockToken();
  const std::string millis = std::to_string(std::max<std::int64_t>(ttl.count(), 1));
  const RedisReplyPtr reply = pool_->command({"SET", key, token, "NX", "PX", millis});
  if (reply->type == REDIS_REPLY_NIL) return std::nullopt;
  if (reply->type == REDIS_REPLY_STATUS) return token;
  throw std::runtime_error("redis: lock " + std::string(name) + ": " + replyText(*reply));
}

void RedisLocks::release(std::string_view name, std::string_view token) {
  const std::string key = prefix_ + std::string(name);
  try {
    pool_->command({"EVAL", kRelease, "1", key, token});
  } catch (const Unavailable&) {
    // The lock expires at its ttl; the pool has logged the outage.
  }
}

}  // namespace monti::kv
