#pragma once
/// Picks Redis or the in-process stand-ins for pub/sub, counters, locks, rate-limit buckets and the cache.

#include "kv/KeyValue.hpp"
#include "kv/RateStore.hpp"

#include <monti/cache/Cache.hpp>
#include <monti/obs/Logger.hpp>
#include <monti/obs/Metrics.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace monti::kv {

class RedisConnectionPool;

/// Tunables with working defaults; the app maps its config onto them.
struct KeyValueOptions {
  std::size_t poolSize = 8;                 // Redis command connections
  std::chrono::milliseconds timeout{2000};  // Redis connect and per-command timeout
  std::string keyPrefix = "monti:";         // every Redis key and channel lives under it
  std::string clientName = "monti";         // CLIENT SETNAME of the Redis connections
  std::size_t cacheMaxEntries = 10000;      // in-process cache size bound
  std::size_t rateMaxEntries = 100000;      // in-process rate-limit buckets bound (one per route and client)
};

/// The services of one mode. Destroy them before the Logger and MetricsRegistry they were given; the
/// pub/sub owns a thread, joined by its destructor.
struct KeyValueServices {
  std::unique_ptr<PubSub> pubsub;
  std::unique_ptr<Counters> counters;
  std::unique_ptr<Locks> locks;
  std::unique_ptr<cache::Cache> cache;
  std::unique_ptr<RateStore> rates;
  std::string mode;  // "redis" or "in-process", for /health
  /// The command connections, for services with scripts of their own (the realtime room broker);
  /// nullptr in in-process mode.
  std::shared_ptr<RedisConnectionPool> redis;
  std::string keyPrefix;
};

/// Redis when `redisUrl` is set (REDIS_URL; `redisPassword` from REDIS_PASSWORD applies when the URL has
/// none), in-process otherwise. Does not connect: Redis may come up after us, and outages are survived at
/// run time. Throws std::invalid_argument on a malformed URL.
KeyValueServices makeKeyValueServices(const std::string& redisUrl, const std::string& redisPassword,
                                      obs::MetricsRegistry& metrics, obs::Logger& logger,
                                      const KeyValueOptions& options = {});

}  // namespace monti::kv
