#pragma once

#include "config/ConfigSection.hpp"
#include "http/Router.hpp"
#include "plugin/Catalog.hpp"

#include <monti/data/MigrationRegistry.hpp>
#include <monti/events/EventRegistry.hpp>
#include <monti/plugin/Context.hpp>

#include <filesystem>

namespace monti::events {
class EventService;
}

namespace monti::obs {
class JsonLogger;
class PrometheusRegistry;
}  // namespace monti::obs

namespace monti::plugin {

/// The Context one plugin registers through. Declarations go to the shared router and catalog, tagged
/// with the plugin's name; once `seal()` is called every further declaration throws RegistrationError.
class PluginContext final : public Context,
                            private http::RouteRegistry,
                            private realtime::RoomRegistry,
                            private events::EventRegistry,
                            private hooks::LuaModuleRegistry,
                            private sched::JobRegistry,
                            private data::MigrationRegistry {
 public:
  struct Services {
    http::Router& router;
    Catalog& catalog;
    config::ConfigStore& config;
    obs::PrometheusRegistry& metrics;
    obs::Logger& logger;
    data::Database* database;  ///< nullptr without DATABASE_URL
    cache::Cache& cache;
    events::EventService* events;           ///< nullptr without a database (events live in the outbox)
    security::FieldEncryption* encryption;  ///< nullptr without MONTI_DATA_KEY
    realtime::Publisher& publisher;
    auth::Passwords* passwords;  ///< nullptr without a database
  };

  PluginContext(std::string pluginName, std::filesystem::path resourceDir, const Services& services);

  std::string_view pluginName() const override { return name_; }
  http::RouteRegistry& routes() override { return *this; }
  realtime::RoomRegistry& realtime() override { return *this; }
  realtime::Publisher& publisher() override { return services_.publisher; }
  events::EventRegistry& events() override { return *this; }
  hooks::LuaModuleRegistry& luaModules() override { return *this; }
  sched::JobRegistry& jobs() override { return *this; }
  data::MigrationRegistry& migrations() override { return *this; }
  config::Section& config() override { return section_; }
  data::Database& database() override;
  cache::Cache& cache() override { return services_.cache; }
  auth::Passwords& passwords() override;
  security::FieldEncryption& fieldEncryption() override;
  obs::MetricsRegistry& metrics() override;
  obs::Logger& logger() override { return services_.logger; }

  /// Ends registration: later declarations throw.
  void seal() noexcept { sealed_ = true; }

 private:
  void add(std::string_view method, std::string_view pattern, http::Handler handler,
           http::RouteOptions options) override;
  void room(std::string_view pattern, realtime::JoinRule mayJoin) override;
  void route(std::string_view eventPattern, realtime::EventRoute route) override;
  void aggregate(std::string_view roomPattern, realtime::Aggregator aggregate) override;
  void observeConnections(realtime::ConnectionObserver observer) override;
  void declare(std::string_view name, std::string_view description) override;
  void subscribe(std::string_view pattern, events::Subscriber subscriber) override;
  std::string emit(data::Transaction& tx, std::string_view name, const nlohmann::json& payload,
                   const events::EmitOptions& options) override;
  void module(std::string_view name, std::vector<std::pair<std::string, hooks::LuaFunction>> functions) override;
  void interval(std::string_view name, std::chrono::milliseconds period, sched::Job job) override;
  void cron(std::string_view name, std::string_view expression, sched::Job job) override;
  void dir(std::string_view relativePath) override;

  void requireOpen(std::string_view what) const;
  void requireEventPattern(std::string_view pattern) const;
  void requireNewJob(std::string_view name) const;

  std::string name_;
  std::filesystem::path resourceDir_;
  Services services_;
  config::ConfigSection section_;
  bool sealed_ = false;
};

/// The prefix plugin routes live under.
inline constexpr std::string_view kApiV1 = "/api/v1";

}  // namespace monti::plugin
