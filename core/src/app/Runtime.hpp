#pragma once

#include "auth/ApiKeys.hpp"
#include "auth/AuthService.hpp"
#include "auth/Authenticator.hpp"
#include "auth/DataKeyring.hpp"
#include "auth/HashingPasswords.hpp"
#include "auth/RevocationSync.hpp"
#include "auth/TokenAuthenticator.hpp"
#include "config/ConfigStore.hpp"
#include "config/CoreConfig.hpp"
#include "data/MigrationRunner.hpp"
#include "data/PgDatabase.hpp"
#include "events/EventService.hpp"
#include "events/OutboxRelay.hpp"
#include "http/HttpPipeline.hpp"
#include "http/HttpServer.hpp"
#include "http/Router.hpp"
#include "kv/KeyValueServices.hpp"
#include "obs/HealthRegistry.hpp"
#include "obs/JsonLogger.hpp"
#include "obs/PrometheusRegistry.hpp"
#include "plugin/Catalog.hpp"
#include "plugin/PluginContext.hpp"
#include "plugin/PluginLoader.hpp"
#include "realtime/Hub.hpp"
#include "realtime/RealtimeHttp.hpp"
#include "realtime/RoomBroker.hpp"
#include "sched/Scheduler.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <vector>

namespace monti::app {

/// One running node: config, observability, router, plugins and the HTTP server, wired together.
/// Lifecycle on the main thread: registerAll() → start() → stop().
class Runtime {
 public:
  struct Paths {
    std::filesystem::path pluginDir;
    std::filesystem::path coreMigrationsDir;
  };
  /// `logOutput`: stdout when serving; the CLI commands log to stderr so that their output stays clean.
  Runtime(config::ConfigStore& store, config::CoreConfig config, Paths paths, std::FILE* logOutput = stdout);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  /// Core routes, then each enabled plugin's registerWith, then the config checks for unknown keys.
  /// Throws PluginError, RegistrationError or ConfigError.
  void registerAll();
  /// Starts plugins in dependency order, then the HTTP server.
  void start();
  /// Drains in-flight requests, then stops plugins in reverse order.
  void stop() noexcept;

  /// Applies pending migrations of the core and the enabled plugins when a database is configured and
  /// database.migrate_on_start is on. Call after registerAll().
  void migrateOnStart();
  /// Creates an account (the `monti user create` command). Throws http::HttpError for invalid input
  /// (BadRequest, Conflict for a taken username or email).
  auth::Account createUser(const std::string& username, const std::string& email, const std::string& role,
                           const std::string& tenant, const std::string& password);
  /// The core's migrations folder, then each enabled plugin's, in dependency order.
  std::vector<data::MigrationSource> migrationSources() const;

  std::uint16_t port() const noexcept { return server_ ? server_->port() : 0; }
  obs::JsonLogger& logger() noexcept { return logger_; }
  const plugin::Catalog& catalog() const noexcept { return catalog_; }
  const http::Router& router() const noexcept { return router_; }

 private:
  void registerCoreRoutes();
  void registerCoreJobs();
  void setUpAuth();
  void registerAuthRoutes();
  void setUpRealtime();
  void emitDurable(std::string_view name, const nlohmann::json& payload, std::string_view tenant);

  config::ConfigStore& store_;
  config::CoreConfig config_;
  Paths paths_;
  std::chrono::steady_clock::time_point startedAt_ = std::chrono::steady_clock::now();
  obs::JsonLogger logger_;
  obs::PrometheusRegistry metrics_;
  obs::HealthRegistry health_;
  // Declared before router_ and catalog_ so that it is destroyed after them: both hold std::functions
  // whose code lives in the plugins' libraries, which unload with plugins_.
  std::vector<plugin::LoadedPlugin> plugins_;
  http::Router router_;
  plugin::Catalog catalog_;
  // Plugins may keep their Context; it stays valid (and sealed) for the life of the node.
  std::vector<std::unique_ptr<plugin::PluginContext>> contexts_;
  auth::AnonymousOnly authenticator_;
  kv::KeyValueServices kv_;
  std::unique_ptr<data::PgDatabase> database_;  // nullptr without DATABASE_URL
  std::unique_ptr<events::EventService> events_;
  std::unique_ptr<events::OutboxRelay> relay_;
  std::unique_ptr<sched::Scheduler> scheduler_;
  // Accounts and tokens: only with a database. Without one, only public routes answer.
  std::unique_ptr<auth::crypto::PasswordHasher> hasher_;
  std::unique_ptr<auth::HashingPasswords> passwords_;  // Context::passwords() for plugins
  std::unique_ptr<auth::AccountRepository> accounts_;
  std::unique_ptr<auth::TokenService> tokens_;
  std::unique_ptr<auth::LoginThrottle> throttle_;
  std::unique_ptr<auth::AuditLog> audit_;
  auth::RevocationList revoked_;
  std::unique_ptr<auth::RevocationSync> revocationSync_;
  std::unique_ptr<auth::AuthService> authService_;
  std::unique_ptr<auth::ApiKeys> apiKeys_;
  std::unique_ptr<auth::DataKeyring> dataKeyring_;        // nullptr without MONTI_DATA_KEY
  std::unique_ptr<auth::ExternalTokens> externalTokens_;  // OIDC; nullptr unless oidc.issuer is set
  std::unique_ptr<auth::TokenAuthenticator> tokenAuthenticator_;
  auth::Authenticator* activeAuthenticator_ = &authenticator_;
  std::vector<plugin::LoadedPlugin*> started_;
  // The realtime hub: after the database, events and auth it uses, so it is destroyed before them.
  std::unique_ptr<realtime::RoomBroker> roomBroker_;
  std::unique_ptr<realtime::Hub> hub_;
  std::unique_ptr<realtime::HubTakeover> hubTakeover_;
  std::unique_ptr<http::RateLimiter> rateLimiter_;
  std::unique_ptr<http::HttpPipeline> pipeline_;
  std::unique_ptr<http::HttpServer> server_;
  bool ready_ = false;
};

/// The version string of this build.
const char* montiVersion() noexcept;

}  // namespace monti::app
