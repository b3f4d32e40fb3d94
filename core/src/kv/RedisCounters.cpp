#include "kv/RedisCounters.hpp"

#include <stdexcept>
#include <utility>

namespace monti::kv {
namespace {

constexpr std::string_view kIncrement = R"lua(
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value
)lua";

}  // namespace

RedisCounters::RedisCounters(std::shared_ptr<RedisConnectionPool> pool, std::string prefix)
    : pool_(std::move(pool)), prefix_(std::move(prefix) + "counter:") {}

std::int64_t RedisCounters::increment(std::string_view key, std::int64_t by, std::chrono::milliseconds ttl) {
  const std::string name = prefix_ + std::string(key);
  const std::string amount = std::to_string(by);
  const std::string millis = std::to_string(std::max<std::int64_t>(ttl.count(), 1));
  const RedisReplyPtr reply = pool_->command({"EVAL", kIncrement, "1", name, amount, millis});
  if (reply->type != REDIS_REPLY_INTEGER) {
    // Not an outage: the key holds something else, or the script failed. A bug to surface, not to hide.
    throw std::runtime_error("redis: counter " + std::string(key) + ": " + replyText(*reply));
  }
  return reply->integer;
}

}  // namespace monti::kv
