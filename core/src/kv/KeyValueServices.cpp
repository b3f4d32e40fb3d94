#include "kv/KeyValueServices.hpp"

#include "cache/InProcessCache.hpp"
#include "cache/RedisCache.hpp"
#include "kv/InProcessCounters.hpp"
#include "kv/InProcessLocks.hpp"
#include "kv/InProcessPubSub.hpp"
#include "kv/InProcessRateStore.hpp"
#include "kv/RedisConnectionPool.hpp"
#include "kv/RedisCounters.hpp"
#include "kv/RedisLocks.hpp"
#include "kv/RedisPubSub.hpp"
#include "kv/RedisRateStore.hpp"

namespace monti::kv {

KeyValueServices makeKeyValueServices(const std::string& redisUrl, const std::string& redisPassword,
                                      obs::MetricsRegistry& metrics, obs::Logger& logger,
                                      const KeyValueOptions& options) {
  KeyValueServices services;
  if (redisUrl.empty()) {
    services.pubsub = std::make_unique<InProcessPubSub>(logger);
    services.counters = std::make_unique<InProcessCounters>();
    services.locks = std::make_unique<InProcessLocks>();
    services.cache = std::make_unique<cache::InProcessCache>(options.cacheMaxEntries, metrics);
    services.rates = std::make_unique<InProcessRateStore>(options.rateMaxEntries);
    services.mode = "in-process";
    return services;
  }
  RedisSettings settings = RedisSettings::fromUrl(redisUrl, redisPassword);
  settings.timeout = options.timeout;
  settings.clientName = options.clientName;
  auto pool = std::make_shared<RedisConnectionPool>(std::move(settings), options.poolSize, logger);
  services.pubsub = std::make_unique<RedisPubSub>(pool, options.keyPrefix, logger);
  services.counters = std::make_unique<RedisCounters>(pool, options.keyPrefix);
  services.locks = std::make_unique<RedisLocks>(pool, options.keyPrefix);
  services.cache = std::make_unique<cache::RedisCache>(pool, options.keyPrefix, metrics, logger);
  services.rates = std::make_unique<RedisRateStore>(pool, options.keyPrefix);
  services.mode = "redis";
  services.redis = pool;
  services.keyPrefix = options.keyPrefix;
  return services;
}

}  // namespace monti::kv
