#pragma once
/// monti::Context: the only door a plugin has into the core.

#include <string_view>

namespace monti {

namespace http {
class RouteRegistry;
}
namespace auth {
class Passwords;
}
namespace realtime {
class RoomRegistry;
class Publisher;
}  // namespace realtime
namespace events {
class EventRegistry;
}
namespace hooks {
class LuaModuleRegistry;
}
namespace sched {
class JobRegistry;
}
namespace data {
class MigrationRegistry;
class Database;
}  // namespace data
namespace cache {
class Cache;
}
namespace security {
class FieldEncryption;
}
namespace config {
class Section;
}
namespace obs {
class MetricsRegistry;
class Logger;
}  // namespace obs

/// Handed to Plugin::registerWith. Registries accept declarations only while registerWith runs; a
/// declaration after it returns throws monti::RegistrationError.
class Context {
 public:
  virtual ~Context() = default;
  virtual std::string_view pluginName() const = 0;
  virtual http::RouteRegistry& routes() = 0;
  virtual realtime::RoomRegistry& realtime() = 0;
  /// Publishes into rooms at run time (after start).
  virtual realtime::Publisher& publisher() = 0;
  virtual events::EventRegistry& events() = 0;
  virtual hooks::LuaModuleRegistry& luaModules() = 0;
  virtual sched::JobRegistry& jobs() = 0;
  virtual data::MigrationRegistry& migrations() = 0;
  /// PostgreSQL. Throws std::logic_error when no database is configured (DATABASE_URL), so a plugin that
  /// needs one fails at start-up with a clear message.
  virtual data::Database& database() = 0;
  /// Password hashing for accounts a plugin creates in the core's users table. Throws std::logic_error
  /// when no database is configured.
  virtual auth::Passwords& passwords() = 0;
  /// The shared cache (Redis, or in-process on a single node).
  virtual cache::Cache& cache() = 0;
  /// Encryption for sensitive columns. Throws std::logic_error when MONTI_DATA_KEY is not set, so a
  /// plugin that stores such columns fails at start-up with a clear message.
  virtual security::FieldEncryption& fieldEncryption() = 0;
  /// The plugin's own config section `[plugin.<name>]`.
  virtual config::Section& config() = 0;
  virtual obs::MetricsRegistry& metrics() = 0;
  virtual obs::Logger& logger() = 0;
};

}  // namespace monti
