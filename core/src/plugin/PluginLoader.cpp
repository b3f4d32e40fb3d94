#include "plugin/PluginLoader.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace monti::plugin {
namespace {

constexpr const char* kEntryPoint = "monti_plugin_info";

std::string describe(const std::string& name, const std::filesystem::path& file) {
  return "plugin " + name + " (" + file.string() + ")";
}

}  // namespace

SharedLibrary::SharedLibrary(const std::filesystem::path& file) : handle_(dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL)) {
  if (handle_ == nullptr) {
    const char* why = dlerror();
    throw PluginError(why != nullptr ? why : "dlopen failed");
  }
}

SharedLibrary::~SharedLibrary() { dlclose(handle_); }

void* SharedLibrary::symbol(const char* name) const noexcept { return dlsym(handle_, name); }

PluginLoader::PluginLoader(std::filesystem::path dir) : dir_(std::move(dir)) {}

LoadedPlugin PluginLoader::open(const std::string& name) const {
  LoadedPlugin loaded;
  loaded.name = name;
  loaded.file = dir_ / (name + ".so");
  const std::string who = describe(name, loaded.file);
  std::error_code ec;
  if (!std::filesystem::exists(loaded.file, ec)) {
    throw PluginError(who + ": no such file; plugins.enabled names a plugin that is not installed");
  }
  try {
    loaded.library = std::make_unique<SharedLibrary>(loaded.file);
  } catch (const PluginError& e) {
    throw PluginError(who + ": cannot load: " + e.what());
  }
  using InfoFn = const PluginInfo* (*)();
  auto* entry = reinterpret_cast<InfoFn>(loaded.library->symbol(kEntryPoint));  // NOLINT: dlsym's contract
  if (entry == nullptr) throw PluginError(who + ": no entry point " + kEntryPoint + "()");
  const PluginInfo* info = entry();
  if (info == nullptr) throw PluginError(who + ": " + kEntryPoint + "() returned null");
  if (info->abiVersion != kPluginAbiVersion) {
    throw PluginError(who + ": built for plugin ABI " + std::to_string(info->abiVersion) + ", this monti has ABI " +
                      std::to_string(kPluginAbiVersion) + "; rebuild the plugin against this version");
  }
  if (info->name == nullptr || name != info->name) {
    throw PluginError(who + ": declares the name \"" + std::string(info->name ? info->name : "") + "\"");
  }
  if (info->create == nullptr || info->destroy == nullptr) throw PluginError(who + ": no create/destroy function");
  loaded.version = info->version != nullptr ? info->version : "";
  for (const char* const* dep = info->dependsOn; dep != nullptr && *dep != nullptr; ++dep)
    loaded.dependsOn.emplace_back(*dep);
  Plugin* instance = info->create();
  if (instance == nullptr) throw PluginError(who + ": create() failed");
  loaded.instance = std::unique_ptr<Plugin, void (*)(Plugin*) noexcept>(instance, info->destroy);
  return loaded;
}

std::vector<LoadedPlugin> PluginLoader::load(const std::vector<std::string>& enabled) const {
  std::map<std::string, LoadedPlugin> byName;
  for (const auto& name : enabled) {
    if (byName.count(name) != 0) throw PluginError("plugin " + name + " is listed twice in plugins.enabled");
    byName.emplace(name, open(name));
  }
  // Depth-first topological order: dependencies first, a cycle is an error.
  std::vector<LoadedPlugin> ordered;
  std::set<std::string> done;
  std::set<std::string> visiting;
  std::function<void(const std::string&)> visit = [&](const std::string& name) {
    if (done.count(name) != 0) return;
    auto& plugin = byName.at(name);
    if (!visiting.insert(name).second) throw PluginError("plugin " + name + ": dependency cycle");
    for (const auto& dep : plugin.dependsOn) {
      if (byName.count(dep) == 0) {
        throw PluginError(describe(name, plugin.file) + ": depends on plugin " + dep + ", which is not enabled");
      }
      visit(dep);
    }
    visiting.erase(name);
    done.insert(name);
    ordered.push_back(std::move(plugin));
  };
  for (const auto& name : enabled)
    visit(name);
  return ordered;
}

std::vector<AvailablePlugin> PluginLoader::available() const {
  std::vector<AvailablePlugin> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    if (entry.path().extension() != ".so") continue;
    AvailablePlugin plugin{entry.path().stem().string(), "", entry.path(), ""};
    try {
      plugin.version = open(plugin.name).version;
    } catch (const PluginError& e) {
      plugin.problem = e.what();
    }
    found.push_back(std::move(plugin));
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return found;
}

}  // namespace monti::plugin
