#pragma once
/// The cache shared by every node, in Redis.

#include "cache/CacheMetrics.hpp"
#include "cache/SingleFlight.hpp"
#include "kv/RedisConnectionPool.hpp"

#include <monti/cache/Cache.hpp>
#include <monti/obs/Logger.hpp>
#include <monti/obs/Metrics.hpp>

#include <memory>
#include <string>

namespace monti::cache {

/// Values under `prefix` + "cache:" + key (GET, SET PX); each tag a Redis set of the keys stored with it
/// (`prefix` + "tag:" + tag), kept at least as long as its longest-lived key, so deleteTag() unlinks them
/// all in one script. A key re-stored without a tag still goes with that tag's delete (harmless: one
/// extra miss). deletePrefix() SCANs with the prefix escaped for glob matching. While Redis is unreachable
/// every get is a miss and every write a no-op (the pool logs the outage once); nothing throws except
/// `compute` in getOrCompute. Counts hits and misses with backend="redis". Thread-safe.
class RedisCache final : public Cache {
 public:
  RedisCache(std::shared_ptr<kv::RedisConnectionPool> pool, const std::string& prefix, obs::MetricsRegistry& metrics,
             obs::Logger& logger);

  std::optional<std::string> get(std::string_view key) override;
  /// A ttl <= 0 stores nothing and drops any previous value.
  void set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl,
           const std::vector<std::string>& tags = {}) override;
  void deleteKey(std::string_view key) override;
  void deletePrefix(std::string_view prefix) override;
  void deleteTag(std::string_view tag) override;
  std::string getOrCompute(std::string_view key, std::chrono::milliseconds ttl,
                           const std::function<std::string()>& compute,
                           const std::vector<std::string>& tags = {}) override;

 private:
  std::optional<std::string> lookup(std::string_view key);  // no metrics
  /// Runs a command, swallowing an outage; logs (and returns nullptr for) an error reply too.
  kv::RedisReplyPtr tryCommand(const std::vector<std::string_view>& args);

  std::shared_ptr<kv::RedisConnectionPool> pool_;
  const std::string keyPrefix_;
  const std::string tagPrefix_;
  CacheMetrics metrics_;
  obs::Logger& logger_;
  SingleFlight flights_;
};

/// `text` with Redis glob characters (* ? [ ] \) escaped, to match it literally in SCAN MATCH or KEYS.
std::string escapeRedisGlob(std::string_view text);

}  // namespace monti::cache
