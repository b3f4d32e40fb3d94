// Registers a route without a permission: start-up must stop and name the plugin.
#include <monti/http/RouteRegistry.hpp>
#include <monti/plugin/Context.hpp>
#include <monti/plugin/Plugin.hpp>

namespace {

class FailingRegisterPlugin final : public monti::Plugin {
 public:
  void registerWith(monti::Context& ctx) override {
    ctx.routes().get("/open", [](const monti::http::Request&) { return monti::http::Response::noContent(); }, {});
  }
};

monti::Plugin* create() noexcept { return new (std::nothrow) FailingRegisterPlugin(); }
void destroy(monti::Plugin* plugin) noexcept { delete plugin; }  // NOLINT(cppcoreguidelines-owning-memory)
constexpr monti::PluginInfo kInfo{monti::kPluginAbiVersion, "failing_register", "0.0.1", nullptr, &create, &destroy};

}  // namespace

extern "C" const monti::PluginInfo* monti_plugin_info() { return &kInfo; }
