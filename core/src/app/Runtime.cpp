#include "app/Runtime.hpp"

#include "obs/DependencyProbes.hpp"
#include "plugin/PluginContext.hpp"

#include <monti/http/Errors.hpp>
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

Runtime::Runtime(config::ConfigStore& store, config::CoreConfig config, Paths paths)
    : store_(store),
      config_(std::move(config)),
      paths_(std::move(paths)),
      logger_(stdout, config_.logLevel, config_.podId),
      kv_(kv::makeKeyValueServices(config_.redis.url, config_.redis.password, metrics_, logger_)) {
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
  }
}

Runtime::~Runtime() { stop(); }

void Runtime::registerAll() {
  registerCoreRoutes();
  registerCoreJobs();
  plugin::PluginLoader loader(paths_.pluginDir);
  plugins_ = loader.load(config_.plugins.enabled);
  for (auto& p : plugins_) {
    auto& ctx = *contexts_.emplace_back(std::make_unique<plugin::PluginContext>(
        p.name, paths_.pluginDir / p.name,
        plugin::PluginContext::Services{router_, catalog_, store_, metrics_, logger_, database_.get(), *kv_.cache,
                                        events_.get()}));
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

void Runtime::registerCoreRoutes() {
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
  if (events_) {
    events_->start();
    relay_ = std::make_unique<events::OutboxRelay>(
        events::OutboxRelay::Settings{config_.database.url, std::string(events::EventService::kChannel)}, *kv_.pubsub,
        logger_, metrics_);
    relay_->start();
  }
  scheduler_ = std::make_unique<sched::Scheduler>(catalog_, database_.get(), config_.podId, config_.sched.workers,
                                                  logger_, metrics_);
  scheduler_->start();
  pipeline_ =
      std::make_unique<http::HttpPipeline>(router_, config_.server, config_.cors, authenticator_, logger_, metrics_);
  server_ = std::make_unique<http::HttpServer>(config_.server, *pipeline_);
  server_->start();
  ready_ = true;
  logger_.info("listening", {{"host", config_.server.host},
                             {"port", server_->port()},
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
  if (scheduler_) scheduler_->stop();
  if (relay_) relay_->stop();
  if (events_) events_->stop();
  // An index loop: clang-tidy 14 cannot parse libstdc++ 12's ranges::reverse_view.
  for (std::size_t i = started_.size(); i-- > 0;) {
    started_[i]->instance->stop();
    logger_.info("plugin stopped", {{"plugin", started_[i]->name}});
  }
  started_.clear();
}

}  // namespace monti::app
