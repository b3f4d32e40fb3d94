#pragma once

#include <monti/plugin/Plugin.hpp>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace monti::plugin {

/// A plugin that could not be loaded, initialised or started. The message names plugin, file and reason.
class PluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// dlopen handle, closed on destruction.
class SharedLibrary {
 public:
  explicit SharedLibrary(const std::filesystem::path& file);  ///< throws PluginError with dlerror()
  ~SharedLibrary();
  SharedLibrary(const SharedLibrary&) = delete;
  SharedLibrary& operator=(const SharedLibrary&) = delete;
  void* symbol(const char* name) const noexcept;

 private:
  void* handle_;
};

/// A loaded plugin. The instance is destroyed before its library is unloaded (member order).
struct LoadedPlugin {
  std::string name;
  std::string version;
  std::filesystem::path file;
  std::vector<std::string> dependsOn;
  std::unique_ptr<SharedLibrary> library;
  std::unique_ptr<Plugin, void (*)(Plugin*) noexcept> instance{nullptr, nullptr};
};

/// What `monti plugins` lists: a plugin file found in the plugin folder, with its declared version.
struct AvailablePlugin {
  std::string name;
  std::string version;
  std::filesystem::path file;
  std::string problem;  ///< why it cannot load (bad ABI, no entry point); empty when fine
};

/// Finds, checks and instantiates plugins from one folder (`<name>.so`).
class PluginLoader {
 public:
  explicit PluginLoader(std::filesystem::path dir);

  /// Loads `enabled` and returns them in dependency order. Throws PluginError for an unknown name, a
  /// missing entry point, an ABI mismatch, a missing or cyclic dependency or a failed construction.
  std::vector<LoadedPlugin> load(const std::vector<std::string>& enabled) const;
  /// Every *.so in the folder, sorted by name.
  std::vector<AvailablePlugin> available() const;
  const std::filesystem::path& dir() const noexcept { return dir_; }

 private:
  LoadedPlugin open(const std::string& name) const;

  std::filesystem::path dir_;
};

}  // namespace monti::plugin
