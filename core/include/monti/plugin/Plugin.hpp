#pragma once
/// The plugin boundary: what a plugin's shared library exports and implements.

#include <cstdint>

namespace monti {

class Context;

/// Bumped on every change that breaks binary compatibility of the headers under monti/.
inline constexpr std::uint32_t kPluginAbiVersion = 1;

/// A feature loaded from a shared library. Lifecycle: registerWith → start → stop, on the main thread.
class Plugin {
 public:
  virtual ~Plugin() = default;
  /// Declares routes, rooms, events, jobs, migrations and config. No I/O here.
  virtual void registerWith(Context& ctx) = 0;
  /// Called after migrations ran and before the server accepts requests.
  virtual void start() {}
  /// Called in reverse start order after in-flight requests drained.
  virtual void stop() noexcept {}
};

/// What `monti_plugin_info()` returns: plain data, so it can cross the C boundary.
struct PluginInfo {
  std::uint32_t abiVersion;      ///< kPluginAbiVersion the plugin was built against
  const char* name;              ///< matches the name in plugins.enabled
  const char* version;           ///< the plugin's own version, shown by `monti plugins`
  const char* const* dependsOn;  ///< nullptr-terminated plugin names started before this one, or nullptr
  Plugin* (*create)() noexcept;  ///< a new instance, or nullptr when construction failed
  void (*destroy)(Plugin*) noexcept;
};

}  // namespace monti

/// Plugins build with hidden visibility; the entry point is the one symbol they export.
#define MONTI_PLUGIN_EXPORT __attribute__((visibility("default")))

/// The one symbol a plugin exports.
extern "C" MONTI_PLUGIN_EXPORT const monti::PluginInfo* monti_plugin_info();
