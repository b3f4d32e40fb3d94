#include "app/MontiApp.hpp"

#include "app/Runtime.hpp"
#include "config/ConfigStore.hpp"
#include "config/CoreConfig.hpp"
#include "config/IniFile.hpp"
#include "plugin/PluginLoader.hpp"

#include <monti/config/ConfigError.hpp>
#include <monti/plugin/RegistrationError.hpp>

#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>

#include <filesystem>
#include <iostream>

namespace monti::app {
namespace {

constexpr const char* kUsageText =
    "usage: monti [--config FILE] [COMMAND]\n"
    "\n"
    "commands:\n"
    "  serve              serve HTTP (the default)\n"
    "  plugins            list the plugins found and whether they are enabled\n"
    "  config check       validate the config and print the effective values (secrets masked)\n"
    "  config docs        print the config reference as a Markdown table\n"
    "  migrate up|down [N]|status\n"
    "                     run schema migrations (not available yet: see docs/configuration.md)\n"
    "\n"
    "options:\n"
    "  -c, --config FILE  config file (also MONTI_CONFIG); every key can be overridden by environment\n"
    "  --version          print the version\n"
    "  -h, --help         print this help\n"
    "\n"
    "exit codes: 0 ok, 1 failure, 64 usage, 78 configuration error\n";

std::filesystem::path defaultPluginDir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return exe.parent_path().parent_path() / "lib" / "monti" / "plugins";
}

struct LoadedConfig {
  std::unique_ptr<config::ConfigStore> store;
  config::CoreConfig core;
  std::filesystem::path pluginDir;
};

LoadedConfig loadConfig(const std::string& cliPath) {
  auto env = config::ConfigStore::processEnvironment();
  std::string path = cliPath;
  if (path.empty()) {
    if (auto it = env.find("MONTI_CONFIG"); it != env.end()) path = it->second;
  }
  std::map<std::string, config::FileValue> values;
  if (!path.empty()) values = config::readIniFile(path);
  LoadedConfig loaded;
  loaded.store = std::make_unique<config::ConfigStore>(std::move(values), path.empty() ? "(no file)" : path, std::move(env));
  loaded.core = config::CoreConfig::load(*loaded.store);
  loaded.pluginDir = loaded.core.plugins.dir.empty() ? defaultPluginDir() : std::filesystem::path(loaded.core.plugins.dir);
  return loaded;
}

// Errors at start-up become one line on stderr and an exit code.
template <typename Fn>
int guarded(Fn&& fn) {
  try {
    return fn();
  } catch (const config::ConfigError& e) {
    std::cerr << e.what() << "\n";
    return kConfig;
  } catch (const plugin::PluginError& e) {
    std::cerr << "plugins: " << e.what() << "\n";
    return kConfig;
  } catch (const RegistrationError& e) {
    std::cerr << "registration: " << e.what() << "\n";
    return kFailure;
  } catch (const std::exception& e) {
    std::cerr << "monti: " << e.what() << "\n";
    return kFailure;
  }
}

}  // namespace

void MontiApp::defineOptions(Poco::Util::OptionSet& options) {
  ServerApplication::defineOptions(options);
  options.addOption(Poco::Util::Option("config", "c", "config file").required(false).repeatable(false).argument("FILE"));
  options.addOption(Poco::Util::Option("version", "", "print the version").required(false).repeatable(false));
  options.addOption(Poco::Util::Option("help", "h", "print help").required(false).repeatable(false));
}

void MontiApp::handleOption(const std::string& name, const std::string& value) {
  ServerApplication::handleOption(name, value);
  if (name == "config") configPath_ = value;
  if (name == "version") versionRequested_ = true;
  if (name == "help") helpRequested_ = true;
}

int MontiApp::main(const std::vector<std::string>& args) {
  if (helpRequested_) {
    std::cout << kUsageText;
    return kOk;
  }
  if (versionRequested_) {
    std::cout << "monti " << montiVersion() << " (plugin ABI " << kPluginAbiVersion << ")\n";
    return kOk;
  }
  return dispatch(args);
}

int MontiApp::dispatch(const std::vector<std::string>& args) {
  const std::string command = args.empty() ? "serve" : args[0];
  const auto usage = [](const std::string& why) {
    std::cerr << "monti: " << why << "\n\n" << kUsageText;
    return kUsage;
  };
  if (command == "serve" && args.size() <= 1) return guarded([this] { return serve(); });
  if (command == "plugins" && args.size() == 1) return guarded([this] { return listPlugins(); });
  if (command == "config" && args.size() == 2 && args[1] == "check") return guarded([this] { return configCheck(false); });
  if (command == "config" && args.size() == 2 && args[1] == "docs") return guarded([this] { return configCheck(true); });
  if (command == "migrate") {
    std::cerr << "monti migrate: schema migrations are not available in this build yet\n";
    return kFailure;
  }
  return usage("unknown command \"" + command + (args.size() > 1 ? " " + args[1] : "") + "\"");
}

int MontiApp::serve() {
  auto loaded = loadConfig(configPath_);
  Runtime runtime(*loaded.store, loaded.core, loaded.pluginDir);
  runtime.registerAll();
  runtime.start();
  waitForTerminationRequest();  // SIGINT / SIGTERM
  runtime.logger().info("shutting down", nlohmann::json::object());
  runtime.stop();
  runtime.logger().info("stopped", nlohmann::json::object());
  return kOk;
}

int MontiApp::listPlugins() {
  auto loaded = loadConfig(configPath_);
  plugin::PluginLoader loader(loaded.pluginDir);
  const auto& enabled = loaded.core.plugins.enabled;
  std::cout << "plugin folder: " << loader.dir().string() << "\n";
  for (const auto& p : loader.available()) {
    const bool on = std::find(enabled.begin(), enabled.end(), p.name) != enabled.end();
    std::cout << (on ? "  [enabled]  " : "  [disabled] ") << p.name << " " << (p.version.empty() ? "-" : p.version);
    if (!p.problem.empty()) std::cout << "  (cannot load: " << p.problem << ")";
    std::cout << "\n";
  }
  for (const auto& name : enabled) {
    if (!std::filesystem::exists(loader.dir() / (name + ".so"))) std::cout << "  [missing]  " << name << "\n";
  }
  return kOk;
}

int MontiApp::configCheck(bool markdown) {
  auto loaded = loadConfig(configPath_);
  Runtime runtime(*loaded.store, loaded.core, loaded.pluginDir);
  runtime.registerAll();  // plugins declare their keys; unknown keys and variables are refused here
  auto specs = loaded.store->declared();
  if (markdown) {
    std::cout << "| key | environment variable | type | default | meaning |\n|---|---|---|---|---|\n";
    for (const auto& s : specs) {
      std::cout << "| `" << s.key << "` | `" << s.env << "` | " << s.type << " | "
                << (s.defaultValue.empty() ? "" : "`" + s.defaultValue + "`") << " | " << s.help
                << (s.secret ? " (secret)" : "") << " |\n";
    }
    return kOk;
  }
  for (const auto& s : specs) {
    std::cout << s.key << " = " << loaded.store->displayValue(s) << "  (" << loaded.store->origin(s) << ")\n";
  }
  std::cout << "config: ok\n";
  return kOk;
}

}  // namespace monti::app
