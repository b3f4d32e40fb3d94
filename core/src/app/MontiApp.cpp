#include "app/MontiApp.hpp"

#include "app/Runtime.hpp"
#include "config/ConfigStore.hpp"
#include "config/CoreConfig.hpp"
#include "config/IniFile.hpp"
#include "data/MigrationRunner.hpp"
#include "data/PgConnection.hpp"
#include "plugin/PluginLoader.hpp"

#include <monti/config/ConfigError.hpp>
#include <monti/plugin/RegistrationError.hpp>

#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionException.h>
#include <Poco/Util/OptionSet.h>

#include <csignal>
#include <filesystem>
#include <iostream>
#include <map>

namespace monti::app {
namespace {

constexpr const char* kUsageText =
    "usage: monti [--config FILE] [COMMAND]\n"
    "\n"
    "commands:\n"
    "  serve              serve HTTP (the default)\n"
    "  plugins            list the plugins found and whether they are enabled\n"
    "  routes             print every route with its permission and owner (JSON)\n"
    "  admin create --username U --email E [--tenant T]\n"
    "  user create --username U --email E --role admin|cs|viewer [--tenant T]\n"
    "                     create an account; the password is read from standard input\n"
    "  config check       validate the config and print the effective values (secrets masked)\n"
    "  config docs        print the config reference as a Markdown table\n"
    "  migrate up|down [N]|status\n"
    "                     apply pending migrations, revert the last N (default 1), or list them\n"
    "\n"
    "options:\n"
    "  -c, --config FILE  config file (also MONTI_CONFIG); every key can be overridden by environment\n"
    "  --version          print the version\n"
    "  -h, --help         print this help\n"
    "\n"
    "exit codes: 0 ok, 1 failure, 64 usage, 78 configuration error\n";

// The install prefix: the executable lives in <prefix>/bin, in a build tree and once installed alike.
std::filesystem::path installPrefix() {
  std::error_code ec;
  return std::filesystem::read_symlink("/proc/self/exe", ec).parent_path().parent_path();
}

struct LoadedConfig {
  std::unique_ptr<config::ConfigStore> store;
  config::CoreConfig core;
  Runtime::Paths paths;
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
  loaded.store =
      std::make_unique<config::ConfigStore>(std::move(values), path.empty() ? "(no file)" : path, std::move(env));
  loaded.core = config::CoreConfig::load(*loaded.store);
  const auto& core = loaded.core;
  loaded.paths.pluginDir = core.plugins.dir.empty() ? installPrefix() / "lib" / "monti" / "plugins"
                                                    : std::filesystem::path(core.plugins.dir);
  loaded.paths.coreMigrationsDir = core.database.migrationsDir.empty()
                                       ? installPrefix() / "share" / "monti" / "migrations"
                                       : std::filesystem::path(core.database.migrationsDir);
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
  } catch (const data::MigrationError& e) {
    std::cerr << e.what() << "\n";
    return kFailure;
  } catch (const data::DatabaseError& e) {
    std::cerr << e.what() << "\n";
    return kFailure;
  } catch (const http::HttpError& e) {  // e.g. the database cannot be reached
    std::cerr << (e.logDetail().empty() ? e.what() : e.logDetail()) << "\n";
    return kFailure;
  } catch (const RegistrationError& e) {
    std::cerr << "registration: " << e.what() << "\n";
    return kFailure;
  } catch (const std::exception& e) {
    std::cerr << "monti: " << e.what() << "\n";
    return kFailure;
  }
}

}  // namespace

int MontiApp::execute(int argc, char** argv) {
  try {
    // init() on its own: ServerApplication::run(argc, argv) would turn an option error into exit 78.
    init(argc, argv);
  } catch (const Poco::Util::OptionException& e) {
    std::cerr << "monti: " << e.displayText() << " (see monti --help)\n";
    return kUsage;
  }
  return run();
}

void MontiApp::defineOptions(Poco::Util::OptionSet& options) {
  ServerApplication::defineOptions(options);
  options.addOption(
      Poco::Util::Option("config", "c", "config file").required(false).repeatable(false).argument("FILE"));
  options.addOption(Poco::Util::Option("version", "", "print the version").required(false).repeatable(false));
  for (const char* flag : {"username", "email", "role", "tenant"}) {
    options.addOption(
        Poco::Util::Option(flag, "", "for user/admin create").required(false).repeatable(false).argument("VALUE"));
  }
  options.addOption(Poco::Util::Option("help", "h", "print help").required(false).repeatable(false));
}

void MontiApp::handleOption(const std::string& name, const std::string& value) {
  ServerApplication::handleOption(name, value);
  if (name == "config") configPath_ = value;
  if (name == "version") versionRequested_ = true;
  if (name == "help") helpRequested_ = true;
  if (name == "username" || name == "email" || name == "role" || name == "tenant") accountFlags_[name] = value;
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
  const bool creatingAccount = (command == "user" || command == "admin") && args.size() == 2 && args[1] == "create";
  if (!accountFlags_.empty() && !creatingAccount) {
    return usage("--username, --email, --role and --tenant go with user/admin create");
  }
  if (command == "serve" && args.size() <= 1) return guarded([this] { return serve(); });
  if (command == "plugins" && args.size() == 1) return guarded([this] { return listPlugins(); });
  if (command == "routes" && args.size() == 1) return guarded([this] { return listRoutes(); });
  if (creatingAccount) {
    auto flags = accountFlags_;
    if (command == "admin") flags["role"] = "admin";
    if (flags["username"].empty() || flags["email"].empty() || flags["role"].empty()) {
      return usage(command + " create needs --username and --email" + (command == "user" ? " and --role" : ""));
    }
    return guarded([this, flags] { return createUser(flags); });
  }
  if (command == "config" && args.size() == 2 && args[1] == "check")
    return guarded([this] { return configCheck(false); });
  if (command == "config" && args.size() == 2 && args[1] == "docs")
    return guarded([this] { return configCheck(true); });
  if (command == "migrate") {
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    int count = 1;
    const bool down = !rest.empty() && rest[0] == "down";
    if (down && rest.size() == 2) {
      const auto& n = rest[1];
      if (n.empty() || n.size() > 6 || !std::all_of(n.begin(), n.end(), ::isdigit) || std::stoi(n) < 1) {
        return usage("migrate down takes a positive number of migrations");
      }
      count = std::stoi(n);
    }
    const bool valid = (rest.size() == 1 && (rest[0] == "up" || rest[0] == "down" || rest[0] == "status")) ||
                       (down && rest.size() == 2);
    if (!valid) return usage("migrate takes up, down [N] or status");
    return guarded([this, &rest, count] { return migrate(rest[0], count); });
  }
  return usage("unknown command \"" + command + (args.size() > 1 ? " " + args[1] : "") + "\"");
}

int MontiApp::serve() {
  // Block the stop signals before any thread starts, so every thread inherits the mask and a signal
  // arriving before waitForTerminationRequest() waits for it still ends in a graceful drain.
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGINT);
  sigaddset(&stopSignals, SIGTERM);
  sigaddset(&stopSignals, SIGQUIT);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
  auto loaded = loadConfig(configPath_);
  Runtime runtime(*loaded.store, loaded.core, loaded.paths);
  runtime.registerAll();
  runtime.migrateOnStart();
  runtime.start();
  waitForTerminationRequest();  // SIGINT / SIGTERM
  runtime.logger().info("shutting down", nlohmann::json::object());
  runtime.stop();
  runtime.logger().info("stopped", nlohmann::json::object());
  return kOk;
}

int MontiApp::migrate(const std::string& action, int count) {
  auto loaded = loadConfig(configPath_);
  if (loaded.core.database.url.empty())
    throw config::ConfigError("config: database.url (DATABASE_URL) is required for migrate");
  Runtime runtime(*loaded.store, loaded.core, loaded.paths, stderr);
  runtime.registerAll();  // enabled plugins declare their migration folders
  data::PgConnection connection(loaded.core.database.url);
  data::MigrationRunner runner(connection, runtime.migrationSources(),
                               [](const std::string& line) { std::cout << line << "\n"; });
  if (action == "up") {
    const int applied = runner.up();
    std::cout << "migrate up: " << applied << " applied\n";
  } else if (action == "down") {
    const int reverted = runner.down(count);
    std::cout << "migrate down: " << reverted << " reverted\n";
  } else {
    for (const auto& state : runner.status()) {
      std::cout << (state.applied ? "applied  " : "pending  ") << state.component << "/" << state.name;
      if (state.applied) std::cout << "  " << state.appliedAt;
      if (state.missingFile) std::cout << "  (files not installed)";
      std::cout << "\n";
    }
  }
  return kOk;
}

int MontiApp::listRoutes() {
  auto loaded = loadConfig(configPath_);
  Runtime runtime(*loaded.store, loaded.core, loaded.paths, stderr);
  runtime.registerAll();
  nlohmann::json routes = nlohmann::json::array();
  for (const auto* route : runtime.router().routes()) {
    routes.push_back({{"method", route->method},
                      {"pattern", route->pattern},
                      {"permission", route->permission},
                      {"owner", route->owner}});
  }
  std::cout << routes.dump(2) << "\n";
  return kOk;
}

int MontiApp::createUser(const std::map<std::string, std::string>& flags) {
  auto loaded = loadConfig(configPath_);
  if (loaded.core.database.url.empty()) {
    throw config::ConfigError("config: database.url (DATABASE_URL) is required to create users");
  }
  std::string password;
  std::getline(std::cin, password);  // from stdin, never from the command line (it would show in ps)
  Runtime runtime(*loaded.store, loaded.core, loaded.paths, stderr);
  const auto tenant = flags.count("tenant") != 0 ? flags.at("tenant") : std::string("default");
  const auto account = runtime.createUser(flags.at("username"), flags.at("email"), flags.at("role"), tenant, password);
  std::cout << "created user " << account.username << " (id " << account.id << ", role " << account.role << ", tenant "
            << account.tenant << ")\n";
  return kOk;
}

int MontiApp::listPlugins() {
  auto loaded = loadConfig(configPath_);
  plugin::PluginLoader loader(loaded.paths.pluginDir);
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
  Runtime runtime(*loaded.store, loaded.core, loaded.paths, stderr);
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
