// A plugin that uses every registry of monti::Context, for the loader and integration tests.
#include <monti/config/Section.hpp>
#include <monti/data/MigrationRegistry.hpp>
#include <monti/events/EventRegistry.hpp>
#include <monti/hooks/LuaModuleRegistry.hpp>
#include <monti/http/Errors.hpp>
#include <monti/http/RouteRegistry.hpp>
#include <monti/obs/Logger.hpp>
#include <monti/obs/Metrics.hpp>
#include <monti/plugin/Context.hpp>
#include <monti/plugin/Plugin.hpp>
#include <monti/realtime/RoomRegistry.hpp>
#include <monti/sched/JobRegistry.hpp>

#include <atomic>
#include <stdexcept>
#include <thread>

namespace {

using monti::http::Request;
using monti::http::Response;

class ExamplePlugin final : public monti::Plugin {
 public:
  void registerWith(monti::Context& ctx) override {
    greeting_ = ctx.config().string("greeting", "hello", {.help = "What GET /example/echo/:word says first"});
    echoes_ = &ctx.metrics().counter("monti_example_echo_total", "Echo requests served by the example plugin");
    auto& routes = ctx.routes();
    routes.get("/example/echo/:word",
               [this](const Request& r) {
                 echoes_->inc();
                 return Response::json({{"greeting", greeting_}, {"word", r.param("word")}});
               },
               {.permission = "public"});
    routes.post("/example/items",
                [](const Request& r) {
                  if (!r.json().is_object() || !r.json().contains("name"))
                    throw monti::http::BadRequest::field("name", "is required");
                  return Response::json({{"name", r.json()["name"]}}, 201);
                },
                {.permission = "public"});
    routes.get("/example/secret",
               [](const Request&) {
                 return Response::json({{"secret", true}});
               },
               {.permission = "read:example"});
    routes.get("/example/slow",
               [](const Request& r) {
                 const auto ms = std::stoi(r.query("ms").value_or("0"));
                 std::this_thread::sleep_for(std::chrono::milliseconds(ms));
                 r.checkDeadline();
                 return Response::json({{"sleptMs", ms}});
               },
               {.permission = "public"});
    routes.get("/example/boom",
               [](const Request&) -> Response {
                 throw std::runtime_error("secret internals: connection string postgresql://u:p@h/db");
               },
               {.permission = "public"});
    ctx.events().declare("example.pinged", "Sent when somebody pings the example plugin");
    ctx.realtime().room("example:{id}",
                        [](const monti::auth::Principal&, const monti::realtime::RoomParams&) { return true; });
    ctx.luaModules().module("example",
                            {{"twice", [](const nlohmann::json& args) { return args.at(0).get<int>() * 2; }}});
    ctx.jobs().interval("example.tick", std::chrono::seconds(1), [this] { ticks_.fetch_add(1); });
    ctx.jobs().cron("example.nightly", "0 3 * * *", [] {});
    ctx.migrations().dir("migrations");
    logger_ = &ctx.logger();
  }

  void start() override { logger_->info("example plugin started", {{"greeting", greeting_}}); }
  void stop() noexcept override {}

 private:
  std::string greeting_;
  monti::obs::Counter* echoes_ = nullptr;
  monti::obs::Logger* logger_ = nullptr;
  std::atomic<int> ticks_{0};
};

monti::Plugin* create() noexcept {
  try {
    return new ExamplePlugin();  // NOLINT(cppcoreguidelines-owning-memory): ownership passes to the loader
  } catch (...) {
    return nullptr;
  }
}

void destroy(monti::Plugin* plugin) noexcept { delete plugin; }  // NOLINT(cppcoreguidelines-owning-memory)

constexpr const char* kDependsOn[] = {nullptr};
constexpr monti::PluginInfo kInfo{monti::kPluginAbiVersion, "example", "1.2.3", kDependsOn, &create, &destroy};

}  // namespace

extern "C" const monti::PluginInfo* monti_plugin_info() { return &kInfo; }
