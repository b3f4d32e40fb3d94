#pragma once

#include "config/ConfigStore.hpp"
#include "config/HooksConfig.hpp"

#include <monti/obs/Logger.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace monti::config {

struct ServerConfig {
  std::string host;
  int port = 8080;
  int threads = 64;
  int maxQueued = 512;
  int backlog = 1024;
  std::chrono::milliseconds keepAliveTimeout{5000};
  int maxKeepAliveRequests = 1000;
  std::chrono::milliseconds readTimeout{30000};
  std::chrono::milliseconds requestTimeout{30000};
  std::chrono::milliseconds drainTimeout{15000};
  std::int64_t maxBodyBytes = 1 << 20;
  int maxConcurrentRequests = 1000;
  bool tlsEnabled = false;  ///< an HTTPS listener besides the HTTP one
  int tlsPort = 8443;       ///< 0 picks a free port
  std::string tlsCertFile;
  std::string tlsKeyFile;
  bool hsts = true;  ///< Strict-Transport-Security on HTTPS responses
};

struct CorsConfig {
  std::vector<std::string> allowedOrigins;  ///< "*" allows any origin (never with credentials)
  bool allowCredentials = false;
  std::chrono::seconds maxAge{600};
};

struct MetricsConfig {
  bool enabled = true;
  std::string bearerToken;  ///< empty: /metrics is public (Prometheus convention)
};

struct PluginsConfig {
  std::vector<std::string> enabled;
  std::string dir;  ///< empty: <executable dir>/../lib/monti/plugins
};

struct DatabaseConfig {
  std::string url;
  std::string readUrl;
  int poolSize = 20;
  std::chrono::milliseconds timeout{30000};
  bool migrateOnStart = true;
  std::chrono::milliseconds statementTimeout{30000};
  std::string migrationsDir;  ///< empty: <executable dir>/../share/monti/migrations
};

struct RedisConfig {
  std::string url;
  std::string password;
  std::string keyPrefix = "monti:";
};

struct OidcConfig {
  std::string issuer;  ///< empty: external tokens are not accepted
  std::string audience;
  std::string jwksUrl;
  std::string jwksFile;
  std::string algorithm = "RS256";
  std::string roleClaim = "role";
  std::string tenantClaim = "tenant";
  std::string departmentsClaim = "departments";
  std::string locationsClaim = "locations";
  std::string defaultTenant = "default";
  std::chrono::milliseconds refetchInterval{30'000};
};

struct AuthConfig {
  std::string jwtSecret;
  std::string jwtAlgorithm = "HS256";
  std::string jwtPrivateKeyFile;  ///< RS256/ES256 signing key (PEM)
  std::string issuer = "monti";
  std::string audience = "monti";
  std::chrono::milliseconds leeway{60'000};
  std::chrono::milliseconds jwtExpiry{24 * 3'600'000};
  std::chrono::milliseconds refreshTokenExpiry{7 * 86'400'000LL};
  int passwordIterations = 600'000;
  int loginMaxFailures = 5;
  std::chrono::milliseconds loginFailureWindow{15 * 60'000};
  std::chrono::milliseconds loginLockout{15 * 60'000};
  int ipMaxFailures = 20;
  std::chrono::milliseconds ipFailureWindow{60'000};
  std::string bootstrapUsername;
  std::string bootstrapEmail;
  std::string bootstrapPassword;
  OidcConfig oidc;
};

struct EventsConfig {
  std::chrono::milliseconds retention{7 * 86'400'000LL};
};

struct SchedConfig {
  int workers = 4;
  std::chrono::milliseconds historyRetention{30 * 86'400'000LL};
};

struct RateLimitConfig {
  bool enabled = true;
  std::string defaultLimit = "300/1m";  ///< COUNT/WINDOW for routes without their own
  std::string routes;                   ///< "METHOD /pattern=COUNT/WINDOW; …" overrides
};

/// The core's own configuration, read and validated in one place at start-up.
/// The realtime hub: transports, limits, batching and history (docs/realtime.md).
struct RealtimeConfig {
  std::chrono::milliseconds heartbeatInterval{30000};
  std::chrono::milliseconds batchWindow{50};
  std::size_t maxMessageBytes = 65536;  ///< largest client message (1009 past it)
  int maxMessagesPerSecond = 50;        ///< client messages per connection (1008 past it)
  std::size_t maxQueueBytes = 1048576;  ///< unsent bytes per connection before it counts as slow (1008)
  int maxSubscriptions = 100;           ///< rooms per connection
  int maxConnections = 15000;           ///< per node; 503 past it
  std::size_t maxEventBytes = 65536;    ///< data of one published event
  int historySize = 1000;               ///< events kept per room for recovery
  std::chrono::milliseconds historyTtl{600000};
  int eventLoops = 1;  ///< epoll threads
};

struct CoreConfig {
  std::string podId;
  obs::LogLevel logLevel = obs::LogLevel::info;
  ServerConfig server;
  CorsConfig cors;
  MetricsConfig metrics;
  PluginsConfig plugins;
  DatabaseConfig database;
  RedisConfig redis;
  AuthConfig auth;
  RateLimitConfig rateLimit;
  std::string dataKey;  ///< MONTI_DATA_KEY keyring; empty: no encryption at rest available
  EventsConfig events;
  SchedConfig sched;
  RealtimeConfig realtime;
  HooksConfig hooks;

  /// Reads every core key from `store` (declaring it). Throws ConfigError on the first invalid value.
  static CoreConfig load(ConfigStore& store);
};

/// Variables read outside the key table (the config path itself), so they are not "unknown".
const std::vector<std::string>& bootstrapEnvironmentNames();

}  // namespace monti::config
