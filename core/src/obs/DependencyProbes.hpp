#pragma once

#include "obs/HealthRegistry.hpp"

#include <string>

namespace monti::obs {

/// /health probe for PostgreSQL: a libpq ping with a 2 s connect timeout. Disabled without a URL.
HealthRegistry::Probe postgresProbe(std::string url);
/// /health probe for Redis: connect, AUTH when a password is set, PING. Without a URL the node runs its
/// single-node in-process mode, which the probe reports as disabled with mode "in-process".
HealthRegistry::Probe redisProbe(std::string url, std::string password);

/// Parts of redis://[:password@]host[:port][/db]. Throws std::invalid_argument on anything else.
struct RedisAddress {
  std::string host;
  int port = 6379;
  std::string password;
  int db = 0;
};
RedisAddress parseRedisUrl(const std::string& url);

}  // namespace monti::obs
