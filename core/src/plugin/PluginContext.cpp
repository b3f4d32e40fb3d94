#include "plugin/PluginContext.hpp"

#include "events/EventService.hpp"
#include "obs/PrometheusRegistry.hpp"

#include <monti/auth/Passwords.hpp>
#include <monti/plugin/RegistrationError.hpp>

#include <algorithm>
#include <regex>

namespace monti::plugin {
namespace {

bool matches(std::string_view text, const std::regex& pattern) {
  return std::regex_match(text.begin(), text.end(), pattern);
}

const std::regex& eventNamePattern() {
  static const std::regex re("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");  // "agent.status_changed"
  return re;
}

const std::regex& identifierPattern() {
  static const std::regex re("[a-z][a-z0-9_]*");
  return re;
}

const std::regex& roomPattern() {
  static const std::regex re("[a-z][a-z0-9_]*(:([a-zA-Z0-9_]+|\\{[a-z][a-zA-Z0-9_]*\\}))*");
  return re;
}

}  // namespace

PluginContext::PluginContext(std::string pluginName, std::filesystem::path resourceDir, const Services& services)
    : name_(std::move(pluginName)),
      resourceDir_(std::move(resourceDir)),
      services_(services),
      section_(services.config, "plugin." + name_) {}

obs::MetricsRegistry& PluginContext::metrics() { return services_.metrics; }

security::FieldEncryption& PluginContext::fieldEncryption() {
  if (services_.encryption == nullptr) {
    throw std::logic_error("plugin " + name_ + " encrypts data at rest: set MONTI_DATA_KEY (data.key)");
  }
  return *services_.encryption;
}

auth::Passwords& PluginContext::passwords() {
  if (services_.passwords == nullptr) {
    throw std::logic_error("plugin " + name_ + " creates accounts, which need a database: set DATABASE_URL");
  }
  return *services_.passwords;
}

data::Database& PluginContext::database() {
  if (services_.database == nullptr) {
    throw std::logic_error("plugin " + name_ + " needs a database: set DATABASE_URL (database.url)");
  }
  return *services_.database;
}

void PluginContext::requireEventPattern(std::string_view pattern) const {
  const bool family = pattern.size() > 2 && pattern.substr(pattern.size() - 2) == ".*" &&
                      matches(pattern.substr(0, pattern.size() - 2), identifierPattern());
  if (pattern != "*" && !family && !matches(pattern, eventNamePattern())) {
    throw RegistrationError("plugin " + name_ + ": event pattern \"" + std::string(pattern) +
                            "\" is malformed (expected a name, family.* or *)");
  }
}

void PluginContext::subscribe(std::string_view pattern, events::Subscriber subscriber) {
  requireOpen("event subscription " + std::string(pattern));
  requireEventPattern(pattern);
  if (!subscriber) {
    throw RegistrationError("plugin " + name_ + ": subscription " + std::string(pattern) + " has no handler");
  }
  services_.catalog.subscribers.push_back(SubscriberDecl{std::string(pattern), std::move(subscriber), name_});
}

std::string PluginContext::emit(data::Transaction& tx, std::string_view name, const nlohmann::json& payload,
                                const events::EmitOptions& options) {
  if (services_.events == nullptr) {
    throw std::logic_error("plugin " + name_ + " emits events, which need a database: set DATABASE_URL");
  }
  return services_.events->emit(tx, name, payload, options);
}

void PluginContext::requireOpen(std::string_view what) const {
  if (sealed_) {
    throw RegistrationError("plugin " + name_ + ": " + std::string(what) +
                            " declared after registerWith returned; declare everything in registerWith");
  }
}

void PluginContext::add(std::string_view method, std::string_view pattern, http::Handler handler,
                        http::RouteOptions options) {
  requireOpen("route " + std::string(pattern));
  if (pattern.empty() || pattern.front() != '/') {
    throw RegistrationError("plugin " + name_ + ": route \"" + std::string(pattern) + "\" must start with '/'");
  }
  services_.router.add(http::Route{std::string(method), std::string(kApiV1) + std::string(pattern),
                                   std::move(options.permission), name_, std::move(handler)});
}

void PluginContext::room(std::string_view pattern, realtime::JoinRule mayJoin) {
  requireOpen("room " + std::string(pattern));
  if (!matches(pattern, roomPattern())) {
    throw RegistrationError("plugin " + name_ + ": room pattern \"" + std::string(pattern) +
                            "\" is malformed (expected e.g. agents:department:{name})");
  }
  if (!mayJoin) throw RegistrationError("plugin " + name_ + ": room " + std::string(pattern) + " has no join rule");
  auto& rooms = services_.catalog.rooms;
  if (std::any_of(rooms.begin(), rooms.end(), [&](const RoomDecl& r) { return r.pattern == pattern; })) {
    throw RegistrationError("plugin " + name_ + ": room " + std::string(pattern) + " is already declared");
  }
  rooms.push_back(RoomDecl{std::string(pattern), std::move(mayJoin), name_});
}

void PluginContext::route(std::string_view eventPattern, realtime::EventRoute route) {
  requireOpen("room route " + std::string(eventPattern));
  requireEventPattern(eventPattern);
  if (!route) throw RegistrationError("plugin " + name_ + ": room route " + std::string(eventPattern) + " is empty");
  services_.catalog.roomRoutes.push_back(RouteDecl{std::string(eventPattern), std::move(route), name_});
}

void PluginContext::aggregate(std::string_view roomPattern, realtime::Aggregator aggregate) {
  requireOpen("room aggregator " + std::string(roomPattern));
  const auto& rooms = services_.catalog.rooms;
  if (std::none_of(rooms.begin(), rooms.end(),
                   [&](const RoomDecl& r) { return r.pattern == roomPattern && r.owner == name_; })) {
    throw RegistrationError("plugin " + name_ + ": aggregator for room " + std::string(roomPattern) +
                            ", which this plugin did not declare");
  }
  auto& aggregators = services_.catalog.aggregators;
  if (!aggregate || std::any_of(aggregators.begin(), aggregators.end(),
                                [&](const AggregatorDecl& a) { return a.roomPattern == roomPattern; })) {
    throw RegistrationError("plugin " + name_ + ": room " + std::string(roomPattern) +
                            " has an empty or second aggregator");
  }
  aggregators.push_back(AggregatorDecl{std::string(roomPattern), std::move(aggregate), name_});
}

void PluginContext::observeConnections(realtime::ConnectionObserver observer) {
  requireOpen("connection observer");
  if (!observer) throw RegistrationError("plugin " + name_ + ": empty connection observer");
  services_.catalog.connectionObservers.push_back(ConnectionObserverDecl{std::move(observer), name_});
}

void PluginContext::declare(std::string_view name, std::string_view description) {
  requireOpen("event " + std::string(name));
  if (!matches(name, eventNamePattern())) {
    throw RegistrationError("plugin " + name_ + ": event name \"" + std::string(name) +
                            "\" is malformed (expected lowercase dotted, e.g. agent.status_changed)");
  }
  auto& events = services_.catalog.events;
  auto it = std::find_if(events.begin(), events.end(), [&](const EventDecl& e) { return e.name == name; });
  if (it != events.end()) {
    throw RegistrationError("plugin " + name_ + ": event " + std::string(name) + " is already declared by " +
                            it->owner);
  }
  events.push_back(EventDecl{std::string(name), std::string(description), name_});
}

void PluginContext::module(std::string_view name, std::vector<std::pair<std::string, hooks::LuaFunction>> functions) {
  requireOpen("Lua module " + std::string(name));
  if (!matches(name, identifierPattern()) || name == "monti") {
    throw RegistrationError("plugin " + name_ + ": Lua module name \"" + std::string(name) + "\" is not allowed");
  }
  if (functions.empty())
    throw RegistrationError("plugin " + name_ + ": Lua module " + std::string(name) + " has no functions");
  for (const auto& [fn, impl] : functions) {
    if (!matches(fn, identifierPattern()) || !impl) {
      throw RegistrationError("plugin " + name_ + ": Lua function " + std::string(name) + "." + fn + " is malformed");
    }
  }
  auto& modules = services_.catalog.luaModules;
  if (std::any_of(modules.begin(), modules.end(), [&](const LuaModuleDecl& m) { return m.name == name; })) {
    throw RegistrationError("plugin " + name_ + ": Lua module " + std::string(name) + " is already declared");
  }
  modules.push_back(LuaModuleDecl{std::string(name), std::move(functions), name_});
}

void PluginContext::requireNewJob(std::string_view name) const {
  if (name.empty()) throw RegistrationError("plugin " + name_ + ": a job needs a name");
  const auto& jobs = services_.catalog.jobs;
  if (std::any_of(jobs.begin(), jobs.end(), [&](const JobDecl& j) { return j.name == name; })) {
    throw RegistrationError("plugin " + name_ + ": job " + std::string(name) + " is already declared");
  }
}

void PluginContext::interval(std::string_view name, std::chrono::milliseconds period, sched::Job job) {
  requireOpen("job " + std::string(name));
  requireNewJob(name);
  if (period < std::chrono::seconds(1)) {
    throw RegistrationError("plugin " + name_ + ": job " + std::string(name) + " period must be at least 1 s");
  }
  if (!job) throw RegistrationError("plugin " + name_ + ": job " + std::string(name) + " has no body");
  services_.catalog.jobs.push_back(JobDecl{std::string(name), period, std::nullopt, std::move(job), name_});
}

void PluginContext::cron(std::string_view name, std::string_view expression, sched::Job job) {
  requireOpen("job " + std::string(name));
  requireNewJob(name);
  if (!job) throw RegistrationError("plugin " + name_ + ": job " + std::string(name) + " has no body");
  try {
    services_.catalog.jobs.push_back(
        JobDecl{std::string(name), std::nullopt, sched::CronExpression::parse(expression), std::move(job), name_});
  } catch (const std::invalid_argument& e) {
    throw RegistrationError("plugin " + name_ + ": job " + std::string(name) + ": " + e.what());
  }
}

void PluginContext::dir(std::string_view relativePath) {
  requireOpen("migrations folder");
  const auto path = resourceDir_ / std::string(relativePath);
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) {
    throw RegistrationError("plugin " + name_ + ": migrations folder " + path.string() + " does not exist");
  }
  services_.catalog.migrationDirs.push_back(MigrationDirDecl{std::filesystem::absolute(path).string(), name_});
}

}  // namespace monti::plugin
