#include "config/CoreConfig.hpp"

#include "config/ConfigSection.hpp"
#include "http/RateLimiter.hpp"

#include <monti/config/ConfigError.hpp>

#include <Poco/Environment.h>

namespace monti::config {
namespace {

constexpr std::int64_t kMiB = std::int64_t{1024} * 1024;

obs::LogLevel parseLogLevel(const std::string& value) {
  if (value == "debug") return obs::LogLevel::debug;
  if (value == "warn") return obs::LogLevel::warn;
  if (value == "error") return obs::LogLevel::error;
  return obs::LogLevel::info;
}

void requireUrlScheme(const std::string& key, const std::string& url, std::initializer_list<std::string_view> schemes) {
  if (url.empty()) return;
  for (auto scheme : schemes) {
    if (url.rfind(std::string(scheme) + "://", 0) == 0) return;
  }
  std::string expected;
  for (auto scheme : schemes)
    expected += (expected.empty() ? "" : " or ") + std::string(scheme) + "://…";
  throw ConfigError("config: " + key + " = \"" + maskUrlPassword(url) + "\": expected a URL " + expected);
}

int asInt(std::int64_t v) { return static_cast<int>(v); }

}  // namespace

CoreConfig CoreConfig::load(ConfigStore& store) {
  CoreConfig c;
  ConfigSection node(store, "node");
  c.podId = node.string(
      "pod_id", "", {.help = "Name of this node in logs, metrics and /health (default: hostname)", .env = "POD_ID"});
  if (c.podId.empty()) c.podId = Poco::Environment::nodeName();

  ConfigSection log(store, "log");
  c.logLevel = parseLogLevel(log.choice("level", "info", {"debug", "info", "warn", "error"},
                                        {.help = "Least severe level logged", .env = "LOG_LEVEL"}));

  ConfigSection server(store, "server");
  auto& s = c.server;
  s.host = server.string("host", "127.0.0.1", {.help = "Address to listen on (0.0.0.0 for all)", .env = "SERVER_HOST"});
  s.port =
      asInt(server.integer("port", 8080, 0, 65535, {.help = "HTTP port; 0 picks a free one", .env = "SERVER_PORT"}));
  s.threads =
      asInt(server.integer("threads", 64, 2, 4096, {.help = "HTTP worker threads (one per active connection)"}));
  s.maxQueued = asInt(server.integer(
      "max_queued", 512, 1, 100000, {.help = "Accepted connections waiting for a worker before new ones are refused"}));
  s.backlog = asInt(server.integer("backlog", 1024, 16, 65535, {.help = "Listen backlog"}));
  s.keepAliveTimeout = server.duration("keep_alive_timeout", std::chrono::seconds(5),
                                       {.help = "Idle time before a keep-alive connection frees its worker"});
  s.maxKeepAliveRequests = asInt(server.integer("max_keep_alive_requests", 1000, 0, 1000000,
                                                {.help = "Requests per keep-alive connection (0: unlimited)"}));
  s.readTimeout = server.duration("read_timeout", std::chrono::seconds(30),
                                  {.help = "Longest wait for the next bytes of a request"});
  s.requestTimeout = server.duration("request_timeout", std::chrono::seconds(30),
                                     {.help = "Deadline for a request, body upload included (503 past it)"});
  s.drainTimeout = server.duration("drain_timeout", std::chrono::seconds(15),
                                   {.help = "On SIGTERM, how long in-flight requests may take to finish"});
  s.maxBodyBytes = server.integer("max_body_bytes", 1 << 20, 0, std::int64_t{1} << 30,
                                  {.help = "Largest request body; larger ones get 413"});
  s.maxConcurrentRequests = asInt(server.integer(
      "max_concurrent_requests", 1000, 1, 1000000,
      {.help = "Requests handled at once; past it 503 with Retry-After", .env = "MAX_CONCURRENT_REQUESTS"}));

  s.tlsEnabled = server.boolean("tls_enabled", false, {.help = "Also serve HTTPS (TLS 1.2 or later)"});
  s.tlsPort = asInt(server.integer("tls_port", 8443, 0, 65535, {.help = "HTTPS port; 0 picks a free one"}));
  s.tlsCertFile = server.string("tls_cert_file", "", {.help = "PEM certificate (chain) for HTTPS"});
  s.tlsKeyFile = server.string("tls_key_file", "", {.help = "PEM private key for HTTPS"});
  s.hsts = server.boolean("hsts", true, {.help = "Send Strict-Transport-Security on HTTPS responses"});
  if (s.tlsEnabled && (s.tlsCertFile.empty() || s.tlsKeyFile.empty())) {
    throw ConfigError("config: server.tls_enabled = true needs server.tls_cert_file and server.tls_key_file");
  }

  ConfigSection cors(store, "cors");
  c.cors.allowedOrigins = cors.list("allowed_origins", "", {.help = "Origins allowed by CORS (comma list, * for any)"});
  c.cors.allowCredentials = cors.boolean("allow_credentials", false, {.help = "Send Access-Control-Allow-Credentials"});
  c.cors.maxAge = std::chrono::duration_cast<std::chrono::seconds>(
      cors.duration("max_age", std::chrono::minutes(10), {.help = "How long browsers may cache a preflight"}));
  if (c.cors.allowCredentials &&
      std::find(c.cors.allowedOrigins.begin(), c.cors.allowedOrigins.end(), "*") != c.cors.allowedOrigins.end()) {
    throw ConfigError("config: cors.allow_credentials = true cannot be combined with cors.allowed_origins = *");
  }

  ConfigSection metrics(store, "metrics");
  c.metrics.enabled = metrics.boolean("enabled", true, {.help = "Serve /metrics", .env = "METRICS_ENABLED"});
  c.metrics.bearerToken = metrics.string(
      "bearer_token", "", {.help = "When set, /metrics requires Authorization: Bearer <token>", .secret = true});

  ConfigSection plugins(store, "plugins");
  c.plugins.enabled =
      plugins.list("enabled", "", {.help = "Plugins to load, e.g. agents, chat", .env = "MONTI_PLUGINS"});
  c.plugins.dir = plugins.string("dir", "",
                                 {.help = "Folder of plugin .so files (default: ../lib/monti/plugins "
                                          "next to the executable)"});

  ConfigSection database(store, "database");
  c.database.url =
      database.string("url", "", {.help = "PostgreSQL URL postgresql://user:pass@host:port/db", .env = "DATABASE_URL"});
  c.database.readUrl = database.string(
      "read_url", "", {.help = "Optional read replica for read-only queries", .env = "DATABASE_READ_URL"});
  c.database.poolSize =
      asInt(database.integer("pool_size", 20, 1, 1000, {.help = "Connections per node", .env = "DATABASE_POOL_SIZE"}));
  c.database.timeout =
      database.duration("timeout", std::chrono::seconds(30),
                        {.help = "Longest wait for a pooled connection (503 past it)", .env = "DATABASE_TIMEOUT"});
  c.database.statementTimeout = database.duration("statement_timeout", std::chrono::seconds(30),
                                                  {.help = "Longest a statement may run before PostgreSQL cancels it"});
  c.database.migrateOnStart =
      database.boolean("migrate_on_start", true, {.help = "monti serve applies pending migrations before serving"});
  c.database.migrationsDir = database.string("migrations_dir", "",
                                             {.help = "Core migrations folder (default: ../share/monti/migrations "
                                                      "next to the executable)"});
  requireUrlScheme("database.url", c.database.url, {"postgresql", "postgres"});
  requireUrlScheme("database.read_url", c.database.readUrl, {"postgresql", "postgres"});

  ConfigSection redis(store, "redis");
  c.redis.url = redis.string("url", "",
                             {.help = "Redis URL redis://[:password@]host:port[/db]; empty: single-node "
                                      "in-process mode",
                              .env = "REDIS_URL"});
  c.redis.password = redis.string(
      "password", "", {.help = "Redis password (if not in the URL)", .env = "REDIS_PASSWORD", .secret = true});
  c.redis.keyPrefix = redis.string(
      "key_prefix", "monti:", {.help = "Prefix of every Redis key and channel, so deployments can share a Redis"});
  if (c.redis.keyPrefix.empty() || c.redis.keyPrefix.size() > 64) {
    throw ConfigError("config: redis.key_prefix: expected 1 to 64 characters");
  }
  requireUrlScheme("redis.url", c.redis.url, {"redis"});  // TLS to Redis (rediss://) is not supported

  ConfigSection auth(store, "auth");
  c.auth.jwtSecret =
      auth.string("jwt_secret", "", {.help = "HS256 key for access tokens", .env = "JWT_SECRET", .secret = true});
  c.auth.jwtAlgorithm = auth.choice("jwt_algorithm", "HS256", {"HS256", "RS256", "ES256"},
                                    {.help = "Signature of the access tokens Monti issues"});
  c.auth.jwtPrivateKeyFile =
      auth.string("jwt_private_key_file", "", {.help = "PEM private key for RS256/ES256 access tokens"});
  c.auth.issuer = auth.string("issuer", "monti", {.help = "iss of issued access tokens (and required on them)"});
  c.auth.audience = auth.string("audience", "monti", {.help = "aud of issued access tokens (and required on them)"});
  c.auth.leeway = auth.duration("leeway", std::chrono::seconds(60), {.help = "Clock skew allowed on exp, nbf, iat"});
  c.auth.passwordIterations =
      asInt(auth.integer("password_iterations", 600'000, 1000, 10'000'000,
                         {.help = "PBKDF2-HMAC-SHA256 cost of new password hashes (OWASP: 600000)"}));
  c.auth.loginMaxFailures = asInt(auth.integer("login_max_failures", 5, 1, 1000,
                                               {.help = "Failed logins per account within login_failure_window …"}));
  c.auth.loginFailureWindow =
      auth.duration("login_failure_window", std::chrono::minutes(15), {.help = "… this window …"});
  c.auth.loginLockout = auth.duration("login_lockout", std::chrono::minutes(15),
                                      {.help = "… lock the account this long (429, even for the right password)"});
  c.auth.ipMaxFailures = asInt(auth.integer("ip_max_failures", 20, 1, 100000,
                                            {.help = "Failed logins per IP within ip_failure_window before 429"}));
  c.auth.ipFailureWindow = auth.duration("ip_failure_window", std::chrono::minutes(1), {.help = "See ip_max_failures"});
  c.auth.bootstrapUsername = auth.string(
      "bootstrap_admin_username", "",
      {.help = "Creates this admin at start when no admin exists", .env = "MONTI_BOOTSTRAP_ADMIN_USERNAME"});
  c.auth.bootstrapEmail = auth.string("bootstrap_admin_email", "",
                                      {.help = "Email of the bootstrap admin", .env = "MONTI_BOOTSTRAP_ADMIN_EMAIL"});
  c.auth.bootstrapPassword =
      auth.string("bootstrap_admin_password", "",
                  {.help = "Password of the bootstrap admin", .env = "MONTI_BOOTSTRAP_ADMIN_PASSWORD", .secret = true});
  ConfigSection oidc(store, "oidc");
  c.auth.oidc.issuer = oidc.string("issuer", "", {.help = "External identity provider (OIDC) issuer; empty: off"});
  c.auth.oidc.audience = oidc.string("audience", "", {.help = "aud required on external tokens"});
  c.auth.oidc.jwksUrl =
      oidc.string("jwks_url", "", {.help = "JWKS URL of the provider (fetched, cached, refetched on an unknown kid)"});
  c.auth.oidc.jwksFile = oidc.string("jwks_file", "", {.help = "JWKS file instead of a URL"});
  c.auth.oidc.algorithm =
      oidc.choice("algorithm", "RS256", {"RS256", "ES256"}, {.help = "Signature of external tokens"});
  c.auth.oidc.roleClaim = oidc.string("role_claim", "role", {.help = "Claim that gives the role (admin, cs, viewer)"});
  c.auth.oidc.tenantClaim = oidc.string("tenant_claim", "tenant", {.help = "Claim that gives the tenant"});
  c.auth.oidc.departmentsClaim =
      oidc.string("departments_claim", "departments", {.help = "Claim that gives departments"});
  c.auth.oidc.locationsClaim = oidc.string("locations_claim", "locations", {.help = "Claim that gives locations"});
  c.auth.oidc.defaultTenant = oidc.string("default_tenant", "default", {.help = "Tenant when the claim is absent"});
  c.auth.oidc.refetchInterval = oidc.duration("refetch_interval", std::chrono::seconds(30),
                                              {.help = "Least time between two JWKS fetches for unknown key ids"});
  if (!c.auth.oidc.issuer.empty() && c.auth.oidc.jwksUrl.empty() == c.auth.oidc.jwksFile.empty()) {
    throw ConfigError("config: oidc.issuer is set: exactly one of oidc.jwks_url and oidc.jwks_file is required");
  }
  c.auth.jwtExpiry =
      auth.duration("jwt_expiry", std::chrono::hours(24), {.help = "Access token lifetime", .env = "JWT_EXPIRY"});
  c.auth.refreshTokenExpiry = auth.duration("refresh_token_expiry", std::chrono::hours(24 * 7),
                                            {.help = "Refresh token lifetime", .env = "REFRESH_TOKEN_EXPIRY"});

  ConfigSection rates(store, "ratelimit");
  c.rateLimit.enabled =
      rates.boolean("enabled", true, {.help = "Count requests per route and user (per IP when anonymous)"});
  c.rateLimit.defaultLimit =
      rates.string("default", "300/1m", {.help = "Limit of routes without their own, COUNT/WINDOW"});
  c.rateLimit.routes =
      rates.string("routes", "", {.help = "Per-route limits replacing seed 001's: \"POST /api/v1/agents=10/1m; …\""});
  try {
    (void)http::parseRateLimit(c.rateLimit.defaultLimit);
  } catch (const std::invalid_argument& e) {
    throw ConfigError("config: ratelimit.default = \"" + c.rateLimit.defaultLimit + "\": " + e.what());
  }
  try {
    (void)http::parseRateLimitOverrides(c.rateLimit.routes);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(std::string("config: ratelimit.routes: ") + e.what());
  }

  ConfigSection data(store, "data");
  c.dataKey = data.string("key", "",
                          {.help = "Keyring for encrypted columns: id:base64(32 bytes)[,older ids…]; the "
                                   "first encrypts",
                           .env = "MONTI_DATA_KEY",
                           .secret = true});

  ConfigSection events(store, "events");
  c.events.retention = events.duration("retention", std::chrono::hours(24 * 7),
                                       {.help = "How long published events stay in the outbox"});

  ConfigSection sched(store, "sched");
  c.sched.workers = asInt(sched.integer("workers", 4, 1, 64, {.help = "Threads that run scheduled jobs"}));
  c.sched.historyRetention =
      sched.duration("history_retention", std::chrono::hours(24 * 30), {.help = "How long job run history is kept"});

  ConfigSection realtime(store, "realtime");
  auto& rt = c.realtime;
  rt.heartbeatInterval =
      realtime.duration("heartbeat_interval", std::chrono::seconds(30),
                        {.help = "WebSocket ping (SSE comment) interval; two unanswered pings close the connection",
                         .env = "WS_HEARTBEAT_INTERVAL"});
  rt.batchWindow = realtime.duration("batch_window", std::chrono::milliseconds(50),
                                     {.help = "Events of a room within this window leave as one frame"});
  rt.maxMessageBytes = static_cast<std::size_t>(realtime.integer(
      "max_message_bytes", 65536, 128, kMiB * 16, {.help = "Largest client message (close 1009 past it)"}));
  rt.maxMessagesPerSecond = asInt(realtime.integer("max_messages_per_second", 50, 1, 100000,
                                                   {.help = "Client messages per connection and second (close 1008)"}));
  rt.maxQueueBytes = static_cast<std::size_t>(
      realtime.integer("max_queue_bytes", 1048576, 4096, kMiB * 1024,
                       {.help = "Unsent bytes per connection before it is closed as a slow consumer (1008)"}));
  rt.maxSubscriptions =
      asInt(realtime.integer("max_subscriptions", 100, 1, 10000, {.help = "Rooms one connection may join"}));
  rt.maxConnections = asInt(realtime.integer("max_connections", 15000, 1, 1000000,
                                             {.help = "WebSocket and SSE connections per node (503 past it)"}));
  rt.maxEventBytes = static_cast<std::size_t>(
      realtime.integer("max_event_bytes", 65536, 16, kMiB * 16, {.help = "Largest data of one published room event"}));
  rt.historySize = asInt(realtime.integer("history_size", 1000, 0, 1000000,
                                          {.help = "Events kept per room so reconnecting clients can recover"}));
  rt.historyTtl = realtime.duration("history_ttl", std::chrono::minutes(10),
                                    {.help = "How long a room's history is kept after its last event"});
  rt.eventLoops =
      asInt(realtime.integer("event_loops", 1, 1, 64, {.help = "Event-loop threads serving WebSocket and SSE"}));
  c.hooks = HooksConfig::load(store);
  return c;
}

const std::vector<std::string>& bootstrapEnvironmentNames() {
  static const std::vector<std::string> names{"MONTI_CONFIG"};
  return names;
}

}  // namespace monti::config
