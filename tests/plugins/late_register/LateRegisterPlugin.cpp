// Keeps the Context and declares a route from start(): registration after registerWith must fail.
#include <monti/http/RouteRegistry.hpp>
#include <monti/plugin/Context.hpp>
#include <monti/plugin/Plugin.hpp>

namespace {

class LateRegisterPlugin final : public monti::Plugin {
 public:
  void registerWith(monti::Context& ctx) override { ctx_ = &ctx; }
  void start() override {
    ctx_->routes().get("/late", [](const monti::http::Request&) { return monti::http::Response::noContent(); },
                       {.permission = "public"});
  }

 private:
  monti::Context* ctx_ = nullptr;
};

monti::Plugin* create() noexcept { return new (std::nothrow) LateRegisterPlugin(); }
void destroy(monti::Plugin* plugin) noexcept { delete plugin; }  // NOLINT(cppcoreguidelines-owning-memory)
constexpr monti::PluginInfo kInfo{monti::kPluginAbiVersion, "late_register", "0.0.1", nullptr, &create, &destroy};

}  // namespace

extern "C" const monti::PluginInfo* monti_plugin_info() { return &kInfo; }
