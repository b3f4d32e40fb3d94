// The agents plugin: seed 001's agent-management API and seed 000's grouped live monitoring.
#include "AgentRooms.hpp"
#include "AgentsApi.hpp"

#include <monti/auth/Passwords.hpp>
#include <monti/data/MigrationRegistry.hpp>
#include <monti/events/EventRegistry.hpp>
#include <monti/http/RouteRegistry.hpp>
#include <monti/obs/Logger.hpp>
#include <monti/plugin/Context.hpp>
#include <monti/plugin/Plugin.hpp>

#include <memory>

namespace monti::agents {
namespace {

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
    api_ = std::make_unique<AgentsApi>(ctx.database(), events, ctx.passwords());
    api_->registerRoutes(ctx.routes());
    registerRooms(ctx.realtime());
    ctx.migrations().dir("migrations");
  }

 private:
  std::unique_ptr<AgentsApi> api_;
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
