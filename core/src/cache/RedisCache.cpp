#include "cache/RedisCache.hpp"

#include "kv/KeyValue.hpp"

#include <utility>

namespace monti::cache {
namespace {

// KEYS[1] the value's key, KEYS[2..] its tag sets; ARGV[1] the value, ARGV[2] the ttl in ms.
constexpr std::string_view kSetTagged = R"lua(
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local ttl = tonumber(ARGV[2])
for i = 2, #KEYS do
  redis.call('SADD', KEYS[i], KEYS[1])
  if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return 1
)lua";

// KEYS[1] a tag set: unlinks its members (in chunks: unpack has a stack limit) and the set itself. The
// members are not declared in KEYS, which a single Redis allows; Redis Cluster would need hash tags.
constexpr std::string_view kDeleteTag = R"lua(
local keys = redis.call('SMEMBERS', KEYS[1])
for i = 1, #keys, 1000 do redis.call('UNLINK', unpack(keys, i, math.min(i + 999, #keys))) end
redis.call('UNLINK', KEYS[1])
return #keys
)lua";

constexpr std::string_view kScanBatch = "1000";

}  // namespace

std::string escapeRedisGlob(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') escaped.push_back('\\');
    escaped.push_back(c);
  }
  return escaped;
}

RedisCache::RedisCache(std::shared_ptr<kv::RedisConnectionPool> pool, const std::string& prefix,
                       obs::MetricsRegistry& metrics, obs::Logger& logger)
    : pool_(std::move(pool)),
      keyPrefix_(prefix + "cache:"),
      tagPrefix_(prefix + "tag:"),
      metrics_(CacheMetrics::create(metrics, "redis")),
      logger_(logger) {}

kv::RedisReplyPtr RedisCache::tryCommand(const std::vector<std::string_view>& args) {
  try {
    kv::RedisReplyPtr reply = pool_->command(args);
    if (reply->type != REDIS_REPLY_ERROR) return reply;
    logger_.warn("redis cache command failed",
                 {{"command", std::string(args.front())}, {"error", kv::replyText(*reply)}});
  } catch (const kv::Unavailable&) {
    // A miss or a no-op; the pool has logged the outage.
  }
  return nullptr;
}

std::optional<std::string> RedisCache::get(std::string_view key) {
  auto value = lookup(key);
  metrics_.count(value.has_value());
  return value;
}

std::optional<std::string> RedisCache::lookup(std::string_view key) {
  const std::string name = keyPrefix_ + std::string(key);
  const kv::RedisReplyPtr reply = tryCommand({"GET", name});
  if (!reply || reply->type != REDIS_REPLY_STRING) return std::nullopt;
  return kv::replyText(*reply);
}

void RedisCache::set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl,
                     const std::vector<std::string>& tags) {
  const std::string name = keyPrefix_ + std::string(key);
  if (ttl.count() <= 0) {
    tryCommand({"UNLINK", name});
    return;
  }
  const std::string millis = std::to_string(ttl.count());
  if (tags.empty()) {
    tryCommand({"SET", name, value, "PX", millis});
    return;
  }
  std::vector<std::string> tagKeys;
  tagKeys.reserve(tags.size());
  for (const std::string& tag : tags)
    tagKeys.push_back(tagPrefix_ + tag);
  const std::string keyCount = std::to_string(1 + tagKeys.size());
  std::vector<std::string_view> args{"EVAL", kSetTagged, keyCount, name};
  args.insert(args.end(), tagKeys.begin(), tagKeys.end());
  args.emplace_back(value);
  args.emplace_back(millis);
  tryCommand(args);
}

void RedisCache::deleteKey(std::string_view key) {
  const std::string name = keyPrefix_ + std::string(key);
  tryCommand({"UNLINK", name});
}

void RedisCache::deletePrefix(std::string_view prefix) {
  const std::string pattern = escapeRedisGlob(keyPrefix_) + escapeRedisGlob(prefix) + "*";
  std::string cursor = "0";
  do {
    const kv::RedisReplyPtr reply = tryCommand({"SCAN", cursor, "MATCH", pattern, "COUNT", kScanBatch});
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) return;
    cursor = kv::replyText(*reply->element[0]);
    const redisReply& keys = *reply->element[1];
    if (keys.elements == 0) continue;
    std::vector<std::string_view> args{"UNLINK"};
    for (std::size_t i = 0; i < keys.elements; ++i)
      args.emplace_back(keys.element[i]->str, keys.element[i]->len);
    tryCommand(args);
  } while (cursor != "0");
}

void RedisCache::deleteTag(std::string_view tag) {
  const std::string name = tagPrefix_ + std::string(tag);
  tryCommand({"EVAL", kDeleteTag, "1", name});
}

std::string RedisCache::getOrCompute(std::string_view key, std::chrono::milliseconds ttl,
                                     const std::function<std::string()>& compute,
                                     const std::vector<std::string>& tags) {
  return flights_.getOrCompute(
      *this, [this](std::string_view k) { return lookup(k); }, key, ttl, compute, tags);
}

}  // namespace monti::cache
