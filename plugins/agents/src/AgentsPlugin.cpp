// The agents plugin: seed 001's agent-management API and seed 000's grouped live monitoring.
#include "AgentJobs.hpp"
#include "AgentRooms.hpp"
#include "AgentsApi.hpp"

#include <monti/auth/Passwords.hpp>
#include <monti/cache/Cache.hpp>
#include <monti/config/Section.hpp>
#include <monti/data/MigrationRegistry.hpp>
#include <monti/events/EventRegistry.hpp>
#include <monti/http/Errors.hpp>
#include <monti/http/RouteRegistry.hpp>
#include <monti/obs/Logger.hpp>
#include <monti/plugin/Context.hpp>
#include <monti/plugin/Plugin.hpp>
#include <monti/sched/JobRegistry.hpp>

#include <charconv>
#include <stdexcept>

#include <algorithm>
#include <memory>

namespace monti::agents {
namespace {

/// A decimal from config within [min, max]; std::invalid_argument naming the key otherwise.
double decimal(config::Section& section, const char* key, const char* fallback, double min, double max,
               const char* help) {
  const auto text = section.string(key, fallback, {.help = help});
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
    throw std::invalid_argument(std::string("plugin.agents.") + key + ": expected a number from " +
                                std::to_string(min) + " to " + std::to_string(max) + ", got \"" + text + "\"");
  }
  return value;
}

LevelThresholds readThresholds(config::Section& c) {
  LevelThresholds t;
  t.highSatisfaction = decimal(c, "high_satisfaction", "4.2", 1, 5,
                               "CSAT at or above which (with a fast enough "
                               "response) an agent's performance is high");
  t.highResponseMinutes = decimal(c, "high_response_minutes", "3", 0, 1440,
                                  "Average response time (minutes) at or below which performance can be high");
  t.lowSatisfaction = decimal(c, "low_satisfaction", "3.0", 1, 5, "CSAT below which performance is low");
  t.lowResponseMinutes = decimal(c, "low_response_minutes", "10", 0, 1440,
                                 "Average response time (minutes) above which performance is low");
  t.slaMinutes = decimal(c, "sla_minutes", "5", 0, 1440, "A response within this many minutes meets the SLA");
  return t;
}

class AgentsPlugin final : public Plugin {
 public:
  void registerWith(Context& ctx) override {
    auto& events = ctx.events();
    events.declare("agent.created", "An agent was created (payload: the Agent)");
    events.declare("agent.updated", "An agent's profile, role or activity flag changed (payload: the Agent)");
    events.declare("agent.deleted", "An agent was deactivated: {agentId, timestamp, department, location}");
    events.declare("agent.status_changed",
                   "An agent's online status changed: {agentId, status, previousStatus, timestamp, department, "
                   "location}");
    events.declare("agent.activity", "An agent activity was recorded (payload: the AgentActivity)");
    events.declare("agent.performance_updated",
                   "A live metric of an agent changed: {agentId, metric, value, timestamp, department, location}");
    CacheTtls ttls;
    auto& c = ctx.config();
    ttls.agents = c.duration("cache_ttl_agents", std::chrono::minutes(2),
                             {.help = "TTL of cached agent list pages (bare numbers are seconds)",
                              .env = "CACHE_TTL_AGENTS",
                              .bareNumberUnit = std::chrono::seconds(1)});
    ttls.stats = c.duration("cache_ttl_stats", std::chrono::minutes(5),
                            {.help = "TTL of cached agent stats (bare numbers are seconds)",
                             .env = "CACHE_TTL_STATS",
                             .bareNumberUnit = std::chrono::seconds(1)});
    ttls.departments = c.duration("cache_ttl_departments", std::chrono::hours(1),
                                  {.help = "TTL of the cached department list (bare numbers are seconds)",
                                   .env = "CACHE_TTL_DEPARTMENTS",
                                   .bareNumberUnit = std::chrono::seconds(1)});
    api_ = std::make_unique<AgentsApi>(ctx.database(), events, ctx.passwords(), ctx.cache(), ttls);
    api_->registerRoutes(ctx.routes());
    // Writes invalidate at once on their node; this catches the jobs' changes too, on every node.
    events.subscribe("agent.*", [this](const events::Event& e) { api_->invalidate(e.tenant); });
    view_ = std::make_unique<GroupedView>(ctx.database());
    registerRooms(ctx.realtime(), *view_);
    publisher_ = &ctx.publisher();
    ctx.routes().get("/agents/summary", [this](const http::Request& r) { return summary(r); },
                     {.permission = "read:agents"});
    const auto sessionTimeout = std::chrono::duration_cast<std::chrono::minutes>(
        ctx.config().duration("session_timeout", std::chrono::minutes(30),
                              {.help = "Sessions idle this long end; their agent goes offline"}));
    jobs_ = std::make_unique<AgentJobs>(ctx.database(), events, readThresholds(ctx.config()),
                                        std::max(std::chrono::minutes(1), sessionTimeout));
    ctx.jobs().cron("agents.daily_aggregation", "1 0 * * *", [this] { jobs_->aggregateYesterday(); });
    ctx.jobs().interval("agents.session_cleanup", std::chrono::minutes(5), [this] { jobs_->cleanUpSessions(); });
    ctx.jobs().interval("agents.performance_levels", std::chrono::hours(1),
                        [this] { jobs_->updatePerformanceLevels(); });
    registerOperations(ctx.routes());
    ctx.realtime().observeConnections([this](const realtime::ConnectionEvent& e) { jobs_->onConnection(e); });
    ctx.migrations().dir("migrations");
  }

 private:
  // Admin operations: backfill a day's aggregation (it is idempotent) and recompute levels now.
  void registerOperations(http::RouteRegistry& routes) {
    routes.post("/agents/aggregation",
                [this](const http::Request& r) {
                  const auto& body = r.json();
                  const auto day = body.is_object() ? body.value("date", std::string()) : std::string();
                  if (day.size() != 10 || day[4] != '-' || day[7] != '-') {
                    throw http::BadRequest::field("date", "must be a date YYYY-MM-DD");
                  }
                  try {
                    return http::Response::json({{"date", day}, {"aggregated", jobs_->aggregateDay(day)}});
                  } catch (const data::DatabaseError& e) {
                    if (e.sqlState().starts_with("22")) throw http::BadRequest::field("date", "is not a calendar date");
                    throw;
                  }
                },
                {.permission = "manage:agents"});
    routes.post("/agents/performance-levels",
                [this](const http::Request&) {
                  return http::Response::json({{"changed", jobs_->updatePerformanceLevels()}});
                },
                {.permission = "manage:agents"});
  }

  /// GET /agents/summary[?location=]: the grouped view with the room position to follow it from.
  http::Response summary(const http::Request& r) {
    const auto& user = *r.user();
    const auto location = r.query("location").value_or("");
    const bool mayAll = user.departments.empty() && user.locations.empty();
    const bool mayLocation =
        user.departments.empty() && (user.locations.empty() || std::find(user.locations.begin(), user.locations.end(),
                                                                         location) != user.locations.end());
    if (location.empty() ? !mayAll : !mayLocation) {
      throw http::Forbidden(location.empty() ? "your token is limited: ask for ?location=<one of yours>"
                                             : "not one of your locations");
    }
    const std::string room = location.empty() ? "agents:summary" : "agents:summary:location:" + location;
    realtime::Published position;
    try {
      position = publisher_->position(user.tenant, room);
    } catch (const std::invalid_argument&) {
      throw http::BadRequest::field("location", "is not a usable room name");
    }
    return http::Response::json({{"room", room},
                                 {"offset", position.offset},
                                 {"epoch", position.epoch},
                                 {"counts", view_->snapshot(user.tenant, location).toJson()},
                                 {"changed", nlohmann::json::array()}});
  }

  std::unique_ptr<AgentsApi> api_;
  std::unique_ptr<AgentJobs> jobs_;
  std::unique_ptr<GroupedView> view_;
  realtime::Publisher* publisher_ = nullptr;
};

Plugin* create() noexcept {
  try {
    return new AgentsPlugin();  // NOLINT(cppcoreguidelines-owning-memory): ownership passes to the loader
  } catch (...) {
    return nullptr;
  }
}

void destroy(Plugin* plugin) noexcept { delete plugin; }  // NOLINT(cppcoreguidelines-owning-memory)

constexpr const char* kDependsOn[] = {nullptr};
constexpr PluginInfo kInfo{kPluginAbiVersion, "agents", "0.1.0", kDependsOn, &create, &destroy};

}  // namespace
}  // namespace monti::agents

extern "C" const monti::PluginInfo* monti_plugin_info() { return &monti::agents::kInfo; }
