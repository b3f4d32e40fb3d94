#include "kv/RedisRateStore.hpp"

#include "kv/KeyValue.hpp"

#include <array>
#include <stdexcept>
#include <utility>

namespace monti::kv {
namespace {

// KEYS[1] the bucket; ARGV[1] the emission interval in µs, ARGV[2] the limit. Mirrors kv::gcraStep.
// The clock is Redis' own TIME rather than the caller's: every node then measures against one clock, so
// skew between nodes cannot hand out extra requests or push a shared bucket into the future. (Redis 5+
// replicates a script's writes, not the script, so reading TIME before writing is allowed.) Microseconds
// since the epoch fit a double exactly; '%d' keeps all their digits where tostring would round to 14.
constexpr std::string_view kTake = R"lua(
local interval = tonumber(ARGV[1])
local span = interval * tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local arrival = math.max(tonumber(redis.call('GET', KEYS[1])) or 0, now) + interval
local allowed, remaining, retry, tat = 1, 0, 0, arrival
if arrival - now <= span then
  remaining = math.floor((span - (arrival - now)) / interval)
else
  allowed = 0
  tat = math.min(arrival, now + 2 * span)
  retry = tat + interval - span - now
end
redis.call('SET', KEYS[1], string.format('%d', tat), 'PX', math.ceil((tat - now) / 1000))
return {allowed, remaining, tat - now, retry}
)lua";

// Error replies that mean "Redis cannot serve writes right now" rather than "this script or key is wrong".
bool isOutage(const std::string& error) {
  constexpr std::array<std::string_view, 7> kCodes{"OOM ",        "READONLY ",   "LOADING ", "BUSY ",
                                                   "MASTERDOWN ", "NOREPLICAS ", "MISCONF "};
  for (const auto code : kCodes) {
    if (error.starts_with(code)) return true;
  }
  return false;
}

}  // namespace

RedisRateStore::RedisRateStore(std::shared_ptr<RedisConnectionPool> pool, const std::string& prefix)
    : pool_(std::move(pool)), prefix_(prefix + "rate:") {}

RateVerdict RedisRateStore::take(std::string_view key, int limit, std::chrono::milliseconds window) {
  const std::string interval = std::to_string(gcraInterval(limit, window));
  const std::string count = std::to_string(limit);
  const std::string name = prefix_ + std::string(key);
  const RedisReplyPtr reply = pool_->command({"EVAL", kTake, "1", name, interval, count});
  if (reply->type == REDIS_REPLY_ERROR) {
    const std::string error = replyText(*reply);
    if (isOutage(error)) throw Unavailable("redis: rate limit " + std::string(key) + ": " + error);
    throw std::runtime_error("redis: rate limit " + std::string(key) + ": " + error);
  }
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 4) {
    throw std::runtime_error("redis: rate limit " + std::string(key) + ": unexpected reply type " +
                             std::to_string(reply->type));
  }
  for (std::size_t i = 0; i < reply->elements; ++i) {
    if (reply->element[i]->type != REDIS_REPLY_INTEGER) {
      throw std::runtime_error("redis: rate limit " + std::string(key) + ": unexpected reply element");
    }
  }
  RateVerdict verdict;
  verdict.allowed = reply->element[0]->integer == 1;
  verdict.remaining = static_cast<int>(reply->element[1]->integer);
  verdict.resetAfter = std::chrono::microseconds(reply->element[2]->integer);
  verdict.retryAfter = std::chrono::microseconds(reply->element[3]->integer);
  return verdict;
}

}  // namespace monti::kv
