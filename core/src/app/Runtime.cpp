#include "app/Runtime.hpp"

#include "auth/Roles.hpp"
#include "auth/crypto/Random.hpp"
#include "obs/DependencyProbes.hpp"
#include "plugin/PluginContext.hpp"
#include "realtime/InProcessRoomBroker.hpp"
#include "realtime/RedisRoomBroker.hpp"

#include <monti/http/Errors.hpp>
#include <monti/http/Pagination.hpp>
#include <monti/plugin/Context.hpp>
#include <monti/plugin/RegistrationError.hpp>

#include <Poco/Process.h>

#include <fstream>

namespace monti::app {
namespace {

std::int64_t residentBytes() {
  std::ifstream statm("/proc/self/statm");
  std::int64_t pages = 0;
  std::int64_t resident = 0;
  statm >> pages >> resident;
  return resident * 4096;
}

std::int64_t threadCount() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::stoll(line.substr(8));
  }
  return 0;
}

}  // namespace

const char* montiVersion() noexcept { return MONTI_VERSION; }

Runtime::Runtime(config::ConfigStore& store, config::CoreConfig config, Paths paths, std::FILE* logOutput)
    : store_(store),
      config_(std::move(config)),
      paths_(std::move(paths)),
      logger_(logOutput, config_.logLevel, config_.podId),
      kv_(kv::makeKeyValueServices(config_.redis.url, config_.redis.password, metrics_, logger_,
                                   kv::KeyValueOptions{.keyPrefix = config_.redis.keyPrefix})) {
  if (!config_.dataKey.empty()) dataKeyring_ = std::make_unique<auth::DataKeyring>(config_.dataKey);
  health_.add("database", true, obs::postgresProbe(config_.database.url));
  health_.add("redis", false, obs::redisProbe(config_.redis.url, config_.redis.password));
  if (!config_.database.url.empty()) {
    const data::ConnectionOptions connection{std::chrono::seconds{2}, config_.database.statementTimeout};
    const auto pool = [&](const std::string& url, const char* name) {
      return data::PgPool::Settings{
          url, name, config_.database.poolSize, config_.database.timeout, std::chrono::milliseconds{250}, connection};
    };
    std::optional<data::PgPool::Settings> replica;
    if (!config_.database.readUrl.empty()) replica = pool(config_.database.readUrl, "replica");
    database_ = std::make_unique<data::PgDatabase>(pool(config_.database.url, "primary"), std::move(replica), metrics_);
    events_ = std::make_unique<events::EventService>(catalog_, *kv_.pubsub, logger_, metrics_);
    setUpAuth();
  }
  setUpRealtime();
}

void Runtime::setUpRealtime() {
  const auto& rt = config_.realtime;
  if (kv_.redis) {
    // The node id names this process's presence counts: a restarted node starts afresh.
    roomBroker_ = std::make_unique<realtime::RedisRoomBroker>(
        kv_.redis, *kv_.pubsub,
        realtime::RedisRoomBroker::Settings{config_.redis.keyPrefix, config_.podId + "-" + realtime::newEpoch(),
                                            rt.historySize, rt.historyTtl});
  } else {
    roomBroker_ = std::make_unique<realtime::InProcessRoomBroker>(rt.historySize, rt.historyTtl);
  }
  realtime::Hub::Services services{config_.realtime, catalog_, *roomBroker_, metrics_, logger_, {}, {}, {}};
  services.authenticate = [this](const std::string& token) {
    const http::Request request("GET", "/ws", "", {{"Authorization", "Bearer " + token}}, "", "", "",
                                std::chrono::steady_clock::now() + std::chrono::seconds(10));
    auto user = activeAuthenticator_->authenticate(request);
    if (!user) throw http::Unauthorized("a token is required");
    return *user;
  };
  services.isRevoked = [this](const std::string& tokenId) { return revoked_.revoked(tokenId); };
  if (events_) {
    services.emitDurable = [this](std::string_view name, const nlohmann::json& payload, std::string_view tenant) {
      emitDurable(name, payload, tenant);
    };
  }
  hub_ = std::make_unique<realtime::Hub>(std::move(services));
  hubTakeover_ = std::make_unique<realtime::HubTakeover>(*hub_);
}

void Runtime::emitDurable(std::string_view name, const nlohmann::json& payload, std::string_view tenant) {
  auto tx = database_->begin();
  const std::string aggregate = "user:" + payload.value("userId", std::string());
  events_->emit(*tx, name, payload, {.tenant = tenant, .aggregate = aggregate});
  tx->commit();
}

void Runtime::setUpAuth() {
  auto& auth = config_.auth;
  if (auth.jwtAlgorithm == "HS256" && auth.jwtSecret.empty()) {
    // Secure but not shareable: tokens die with this process and other nodes reject them.
    auth.jwtSecret = auth::crypto::randomToken();
    logger_.warn(
        "JWT_SECRET is not set: using a random key; tokens will not survive a restart or work on "
        "other nodes");
  }
  hasher_ = std::make_unique<auth::crypto::PasswordHasher>(static_cast<std::uint32_t>(auth.passwordIterations));
  passwords_ = std::make_unique<auth::HashingPasswords>(*hasher_);
  accounts_ = std::make_unique<auth::AccountRepository>(*database_);
  tokens_ = std::make_unique<auth::TokenService>(auth, *database_);
  throttle_ = std::make_unique<auth::LoginThrottle>(
      *kv_.counters, auth::ThrottleSettings{auth.loginMaxFailures, auth.loginFailureWindow, auth.loginLockout,
                                            auth.ipMaxFailures, auth.ipFailureWindow});
  audit_ = std::make_unique<auth::AuditLog>(*database_, logger_);
  revocationSync_ = std::make_unique<auth::RevocationSync>(revoked_, *database_, *kv_.pubsub, logger_);
  authService_ = std::make_unique<auth::AuthService>(auth::AuthService::Services{
      *accounts_, *tokens_, *throttle_, *audit_, revoked_, *kv_.pubsub, events_.get(), *hasher_});
  apiKeys_ = std::make_unique<auth::ApiKeys>(*database_, *audit_);
  if (!auth.oidc.issuer.empty()) {
    externalTokens_ = std::make_unique<auth::ExternalTokens>(
        auth.oidc, std::chrono::duration_cast<std::chrono::seconds>(auth.leeway), logger_);
  }
  tokenAuthenticator_ = std::make_unique<auth::TokenAuthenticator>(tokens_->verifier(), externalTokens_.get(),
                                                                   auth.oidc, revoked_, *database_, audit_.get());
  activeAuthenticator_ = tokenAuthenticator_.get();
}

Runtime::~Runtime() { stop(); }

void Runtime::registerAll() {
  registerCoreRoutes();
  registerCoreJobs();
  if (authService_) registerAuthRoutes();
  plugin::PluginLoader loader(paths_.pluginDir);
  plugins_ = loader.load(config_.plugins.enabled);
  for (auto& p : plugins_) {
    auto& ctx = *contexts_.emplace_back(std::make_unique<plugin::PluginContext>(
        p.name, paths_.pluginDir / p.name,
        plugin::PluginContext::Services{router_, catalog_, store_, metrics_, logger_, database_.get(), *kv_.cache,
                                        events_.get(), dataKeyring_.get(), *hub_, passwords_.get()}));
    try {
      p.instance->registerWith(ctx);
    } catch (const std::exception& e) {
      throw plugin::PluginError("plugin " + p.name + " (" + p.file.string() + "): registration failed: " + e.what());
    }
    ctx.seal();
    store_.rejectUnknownFileKeys("plugin." + p.name + ".");
    metrics_.gauge("monti_plugin_info", "Loaded plugins", {{"plugin", p.name}, {"version", p.version}}).set(1);
  }
  // Sections of installed-but-disabled plugins are allowed to stay in the file; anything else is a typo.
  std::vector<std::string> skip;
  for (const auto& a : loader.available())
    skip.push_back("plugin." + a.name + ".");
  store_.rejectUnknownFileKeys("", skip);
  store_.rejectUnknownEnvironment(config::bootstrapEnvironmentNames());
}

void Runtime::registerCoreJobs() {
  if (!database_) return;  // both jobs clean up tables that only exist with a database
  auto add = [this](std::string name, std::string_view cron, sched::Job job) {
    catalog_.jobs.push_back(
        plugin::JobDecl{std::move(name), std::nullopt, sched::CronExpression::parse(cron), std::move(job), "core"});
  };
  add("core.outbox-prune", "17 * * * *", [this] {
    database_->exec("DELETE FROM event_outbox WHERE published_at < now() - $1::bigint * interval '1 millisecond'",
                    {static_cast<std::int64_t>(config_.events.retention.count())});
  });
  add("core.job-runs-prune", "23 3 * * *", [this] {
    database_->exec("DELETE FROM job_runs WHERE started_at < now() - $1::bigint * interval '1 millisecond'",
                    {static_cast<std::int64_t>(config_.sched.historyRetention.count())});
  });
}

auth::Account Runtime::createUser(const std::string& username, const std::string& email, const std::string& role,
                                  const std::string& tenant, const std::string& password) {
  if (!accounts_) throw std::logic_error("accounts need a database");
  if (!auth::isKnownRole(role)) throw http::BadRequest::field("role", "must be admin, cs or viewer");
  if (username.empty() || username.size() > 50)
    throw http::BadRequest::field("username", "must have 1 to 50 characters");
  if (email.find('@') == std::string::npos || email.size() > 255)
    throw http::BadRequest::field("email", "is not an email");
  auth::requireAcceptablePassword(password, "password");
  database_->exec("INSERT INTO tenants (id, name) VALUES ($1, $1) ON CONFLICT DO NOTHING", {tenant});
  auth::NewAccount account{tenant, username, email, hasher_->hash(password), role, {}, {}};
  try {
    return accounts_->create(account);
  } catch (const data::DatabaseError& e) {
    if (e.isUniqueViolation()) throw http::Conflict("the username or email is already taken");
    throw;
  }
}

void Runtime::registerAuthRoutes() {
  catalog_.events.push_back(plugin::EventDecl{"auth.login", "A user logged in", "core"});
  catalog_.events.push_back(plugin::EventDecl{"auth.logout", "A user logged out", "core"});
  auto add = [this](std::string method, std::string path, std::string permission, http::Handler handler) {
    router_.add(
        http::Route{std::move(method), "/api/v1" + std::move(path), std::move(permission), "core", std::move(handler)});
  };
  const std::string open(http::kPublic);
  const std::string signedIn(http::kAuthenticated);
  add("POST", "/auth/login", open,
      [this](const http::Request& r) { return http::Response::json(authService_->login(r)); });
  add("POST", "/auth/refresh", open,
      [this](const http::Request& r) { return http::Response::json(authService_->refresh(r)); });
  add("POST", "/auth/logout", signedIn, [this](const http::Request& r) {
    authService_->logout(r);
    return http::Response::noContent();
  });
  add("GET", "/auth/me", signedIn,
      [this](const http::Request& r) { return http::Response::json(authService_->me(r)); });
  add("GET", "/admin/audit", "admin:audit", [this](const http::Request& r) {
    const auto page = http::parsePage(r);
    return http::Response::json(audit_->page(r.user()->tenant, page.page, page.limit));
  });
  add("GET", "/admin/api-keys", "admin:api-keys",
      [this](const http::Request& r) { return http::Response::json(apiKeys_->list(*r.user())); });
  add("POST", "/admin/api-keys", "admin:api-keys", [this](const http::Request& r) {
    return http::Response::json(apiKeys_->create(*r.user(), r.json(), r.correlationId()), 201);
  });
  add("DELETE", "/admin/api-keys/:id", "admin:api-keys", [this](const http::Request& r) {
    if (!apiKeys_->revoke(*r.user(), r.paramAs<std::int64_t>("id"), r.correlationId())) {
      throw http::NotFound("no such API key");
    }
    return http::Response::json({{"success", true}, {"message", "API key revoked"}});
  });
}

void Runtime::registerCoreRoutes() {
  realtime::registerRealtimeRoutes(router_, *hub_);
  catalog_.events.push_back(
      plugin::EventDecl{"realtime.user_online", "A user's first realtime connection (on any node) opened", "core"});
  catalog_.events.push_back(
      plugin::EventDecl{"realtime.user_offline", "A user's last realtime connection (on any node) closed", "core"});
  auto add = [this](std::string method, std::string path, http::Handler handler) {
    router_.add(
        http::Route{std::move(method), std::move(path), std::string(http::kPublic), "core", std::move(handler)});
  };
  add("GET", "/health", [this](const http::Request&) {
    auto [body, unhealthy] = health_.report(config_.podId, montiVersion(), startedAt_);
    return http::Response::json(body, unhealthy ? 503 : 200);
  });
  add("GET", "/ready", [this](const http::Request&) {
    const bool ready = ready_ && !pipeline_->draining();
    return http::Response::json({{"ready", ready}}, ready ? 200 : 503);
  });
  auto metrics = [this](const http::Request& request) {
    if (!config_.metrics.enabled) throw http::NotFound("metrics are disabled (METRICS_ENABLED=false)");
    if (!config_.metrics.bearerToken.empty()) {
      const auto auth = request.header("Authorization");
      if (!auth || *auth != "Bearer " + config_.metrics.bearerToken)
        throw http::Unauthorized("metrics need a bearer token");
    }
    metrics_.gauge("process_resident_memory_bytes", "Resident memory").set(residentBytes());
    metrics_.gauge("process_threads", "Threads of this process").set(threadCount());
    return http::Response::text(metrics_.render(), "text/plain; version=0.0.4; charset=utf-8");
  };
  add("GET", "/metrics", metrics);
  add("GET", "/api/v1/metrics", metrics);
  router_.add(http::Route{"GET", "/api/v1/admin/jobs", "admin:jobs", "core",
                          [this](const http::Request&) { return http::Response::json(scheduler_->describe()); }});
}

std::vector<data::MigrationSource> Runtime::migrationSources() const {
  std::vector<data::MigrationSource> sources{{"core", paths_.coreMigrationsDir}};
  for (const auto& dir : catalog_.migrationDirs)
    sources.push_back({dir.owner, dir.path});
  return sources;
}

void Runtime::migrateOnStart() {
  if (config_.database.url.empty()) {
    logger_.warn("no database configured (DATABASE_URL): migrations skipped");
    return;
  }
  if (!config_.database.migrateOnStart) return;
  data::PgConnection connection(config_.database.url);
  data::MigrationRunner runner(connection, migrationSources(), [this](const std::string& line) {
    logger_.info("migration", {{"step", line}});
  });
  const int ran = runner.up();
  logger_.info("migrations up to date", {{"applied", ran}});
}

void Runtime::start() {
  for (auto& p : plugins_) {
    try {
      p.instance->start();
    } catch (const std::exception& e) {
      throw plugin::PluginError("plugin " + p.name + " (" + p.file.string() + "): start failed: " + e.what());
    }
    started_.push_back(&p);
    logger_.info("plugin started", {{"plugin", p.name}, {"version", p.version}});
  }
  hub_->start();  // before the relay, which routes committed events into rooms
  if (revocationSync_) revocationSync_->start();
  if (authService_ && authService_->bootstrapAdmin(config_.auth)) {
    logger_.info("bootstrap admin created", {{"username", config_.auth.bootstrapUsername}});
  }
  if (events_) {
    events_->start();
    events::OutboxRelay::Settings relaySettings{config_.database.url,
                                                std::string(events::EventService::kChannel),
                                                500,
                                                std::chrono::milliseconds(1000),
                                                {},
                                                {}};
    if (!catalog_.roomRoutes.empty())
      relaySettings.afterPublish = [this](const std::vector<events::Event>& batch) { hub_->route(batch); };
    relay_ = std::make_unique<events::OutboxRelay>(std::move(relaySettings), *kv_.pubsub, logger_, metrics_);
    relay_->start();
  }
  scheduler_ = std::make_unique<sched::Scheduler>(catalog_, database_.get(), config_.podId, config_.sched.workers,
                                                  logger_, metrics_);
  scheduler_->start();
  if (config_.rateLimit.enabled) {
    rateLimiter_ = std::make_unique<http::RateLimiter>(*kv_.rates, metrics_, logger_,
                                                       http::parseRateLimit(config_.rateLimit.defaultLimit),
                                                       http::parseRateLimitOverrides(config_.rateLimit.routes));
  }
  pipeline_ = std::make_unique<http::HttpPipeline>(router_, config_.server, config_.cors, *activeAuthenticator_,
                                                   logger_, metrics_, rateLimiter_.get());
  if (audit_) {
    pipeline_->onDenied([this](const auth::Principal& who, const http::Request& request, const http::Route& route) {
      audit_->record({who.tenant,
                      who.id.find(':') == std::string::npos ? "user:" + who.id : who.id,
                      "access.denied",
                      route.method + " " + route.pattern,
                      request.remoteAddress(),
                      request.correlationId(),
                      {{"permission", route.permission}, {"role", who.role}}});
    });
  }
  for (const auto& pattern : realtime::streamRoutePatterns())
    pipeline_->acceptTokensOutsideHeaders(pattern);
  server_ = std::make_unique<http::HttpServer>(config_.server, *pipeline_);
  server_->setTakeoverHandler(hubTakeover_.get());
  server_->start();
  ready_ = true;
  logger_.info("listening", {{"host", config_.server.host},
                             {"port", server_->port()},
                             {"tlsPort", server_->tlsPort()},
                             {"version", montiVersion()},
                             {"pid", Poco::Process::id()}});
}

void Runtime::stop() noexcept {
  ready_ = false;
  if (server_) {
    logger_.info("draining", {{"inFlight", pipeline_->inFlight()}});
    server_->drainAndStop(config_.server.drainTimeout);
    server_.reset();
  }
  if (hub_) hub_->stop();  // WebSocket clients get 1001 and reconnect to another node
  if (scheduler_) scheduler_->stop();
  if (relay_) relay_->stop();
  if (events_) events_->stop();
  if (revocationSync_) revocationSync_->stop();
  // An index loop: clang-tidy 14 cannot parse libstdc++ 12's ranges::reverse_view.
  for (std::size_t i = started_.size(); i-- > 0;) {
    started_[i]->instance->stop();
    logger_.info("plugin stopped", {{"plugin", started_[i]->name}});
  }
  started_.clear();
}

}  // namespace monti::app
