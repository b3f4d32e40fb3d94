#pragma once

#include <monti/events/EventRegistry.hpp>
#include <monti/hooks/LuaModuleRegistry.hpp>
#include <monti/realtime/RoomRegistry.hpp>
#include <monti/sched/JobRegistry.hpp>

#include "sched/CronExpression.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace monti::plugin {

struct EventDecl {
  std::string name;
  std::string description;
  std::string owner;
};

struct SubscriberDecl {
  std::string pattern;
  events::Subscriber subscriber;
  std::string owner;
};

struct RoomDecl {
  std::string pattern;
  realtime::JoinRule mayJoin;
  std::string owner;
};

struct RouteDecl {
  std::string eventPattern;
  realtime::EventRoute route;
  std::string owner;
};

struct AggregatorDecl {
  std::string roomPattern;
  realtime::Aggregator aggregate;
  std::string owner;
};

struct ConnectionObserverDecl {
  realtime::ConnectionObserver observer;
  std::string owner;
};

struct LuaModuleDecl {
  std::string name;
  std::vector<std::pair<std::string, hooks::LuaFunction>> functions;
  std::string owner;
};

struct JobDecl {
  std::string name;
  std::optional<std::chrono::milliseconds> period;  ///< interval jobs
  std::optional<sched::CronExpression> cron;        ///< cron jobs
  sched::Job job;
  std::string owner;
};

struct MigrationDirDecl {
  std::string path;  ///< absolute
  std::string owner;
};

/// Everything the core and the plugins declared at start-up: what the services that run them read.
/// Written on the main thread during registration, read-only afterwards.
struct Catalog {
  std::vector<EventDecl> events;
  std::vector<SubscriberDecl> subscribers;
  std::vector<RoomDecl> rooms;
  std::vector<RouteDecl> roomRoutes;
  std::vector<AggregatorDecl> aggregators;
  std::vector<ConnectionObserverDecl> connectionObservers;
  std::vector<LuaModuleDecl> luaModules;
  std::vector<JobDecl> jobs;
  std::vector<MigrationDirDecl> migrationDirs;
};

}  // namespace monti::plugin
