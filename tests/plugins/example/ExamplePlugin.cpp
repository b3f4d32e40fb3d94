// A plugin that uses every registry of monti::Context, for the loader and integration tests.
#include <monti/config/Section.hpp>
#include <monti/data/Database.hpp>
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
#include <mutex>
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
    ctx.events().subscribe("example.*", [this](const monti::events::Event& event) {
      std::lock_guard lock(mutex_);
      received_.push_back(event.toJson());
    });
    try {
      database_ = &ctx.database();
    } catch (const std::logic_error&) {
      database_ = nullptr;  // the routes below that need it answer 503
    }
    events_ = &ctx.events();
    registerDataRoutes(routes);
    registerRooms(ctx.realtime());
    ctx.realtime().observeConnections([this](const monti::realtime::ConnectionEvent& event) {
      static constexpr const char* kKinds[] = {"opened", "active", "closed"};
      std::lock_guard lock(mutex_);
      connections_.push_back({{"connectionId", event.connectionId},
                              {"user", event.user.id},
                              {"transport", event.transport},
                              {"remoteAddress", event.remoteAddress},
                              {"userAgent", event.userAgent},
                              {"kind", kKinds[static_cast<int>(event.kind)]}});
    });
    ctx.luaModules().module("example",
                            {{"twice", [](const nlohmann::json& args) { return args.at(0).get<int>() * 2; }}});
    ctx.jobs().interval("example.tick", std::chrono::seconds(1), [this] {
      ticks_.fetch_add(1);
      if (database_ != nullptr) database_->exec("INSERT INTO example_job_runs DEFAULT VALUES");
    });
    ctx.jobs().cron("example.nightly", "0 3 * * *", [] {});
    ctx.migrations().dir("migrations");
    logger_ = &ctx.logger();
  }

  void start() override { logger_->info("example plugin started", {{"greeting", greeting_}}); }

  // Rooms for the realtime integration tests (docs/realtime.md lists them).
  static void registerRooms(monti::realtime::RoomRegistry& rooms) {
    using monti::auth::Principal;
    using monti::realtime::RoomParams;
    const auto anyone = [](const Principal&, const RoomParams&) { return true; };
    rooms.room("example:{id}", anyone);
    rooms.room("example:events", anyone);
    rooms.room("example:grouped", anyone);
    rooms.room("example:admins", [](const Principal& user, const RoomParams&) { return user.role == "admin"; });
    rooms.room("example:user:{id}", [](const Principal& user, const RoomParams& params) {
      return user.role == "admin" || (!params.empty() && params.front().second == user.id);
    });
    // Plugin bugs the hub must survive: a join rule and an aggregator that throw.
    rooms.room("example:broken",
               [](const Principal&, const RoomParams&) -> bool { throw std::runtime_error("join rule bug"); });
    rooms.room("example:badgroup", anyone);
    rooms.aggregate("example:badgroup",
                    [](const std::vector<monti::realtime::RoomMessage>&,
                       const RoomParams&) -> std::vector<std::pair<std::string, nlohmann::json>> {
                      throw std::runtime_error("aggregator bug");
                    });
    rooms.route("example.*", [](const monti::events::Event& event) {
      return std::vector<monti::realtime::RoomEvent>{{"example:events", event.name, event.payload}};
    });
    rooms.aggregate("example:grouped", [](const std::vector<monti::realtime::RoomMessage>& batch, const RoomParams&) {
      nlohmann::json names = nlohmann::json::array();
      for (const auto& m : batch)
        names.push_back(m.event);
      return std::vector<std::pair<std::string, nlohmann::json>>{
          {"example.grouped", {{"count", batch.size()}, {"events", names}}}};
    });
  }

  // Routes over the database and the outbox, for the data and events integration tests.
  void registerDataRoutes(monti::http::RouteRegistry& routes) {
    routes.post("/example/notes",
                [this](const Request& r) {
                  auto tx = db().begin();
                  auto rows = tx->exec("INSERT INTO example_notes (text) VALUES ($1) RETURNING id",
                                       {r.json().at("text").get<std::string>()});
                  tx->commit();
                  return Response::json({{"id", rows[0].int64(0)}}, 201);
                },
                {.permission = "public"});
    routes.get("/example/notes/:id",
               [this](const Request& r) {
                 auto rows = db().read("SELECT text FROM example_notes WHERE id = $1", {r.paramAs<std::int64_t>("id")});
                 if (rows.empty()) throw monti::http::NotFound("no such note");
                 return Response::json({{"text", rows[0].string(0)}});
               },
               {.permission = "public"});
    // {"name", "payload", "aggregate", "rollback"}: emits inside a transaction that commits or rolls back.
    routes.post(
        "/example/events",
        [this](const Request& r) {
          const auto& body = r.json();
          auto tx = db().begin();
          tx->exec("INSERT INTO example_notes (text) VALUES ($1)", {"emitted " + body.at("name").get<std::string>()});
          const std::string aggregate = body.value("aggregate", "");
          const std::string tenant = body.value("tenant", "t1");
          const auto id =
              events_->emit(*tx, body.at("name").get<std::string>(), body.value("payload", nlohmann::json::object()),
                            {.tenant = tenant, .aggregate = aggregate});
          if (!body.value("rollback", false)) tx->commit();
          return Response::json({{"eventId", id}}, 202);
        },
        {.permission = "public"});
    routes.get("/example/connections",
               [this](const Request&) {
                 std::lock_guard lock(mutex_);
                 return Response::json({{"connections", connections_}});
               },
               {.permission = "public"});
    routes.get("/example/events",
               [this](const Request&) {
                 std::lock_guard lock(mutex_);
                 return Response::json({{"events", received_}});
               },
               {.permission = "public"});
  }
  void stop() noexcept override {}

 private:
  std::string greeting_;
  monti::obs::Counter* echoes_ = nullptr;
  monti::obs::Logger* logger_ = nullptr;
  std::atomic<int> ticks_{0};
  monti::data::Database* database_ = nullptr;
  monti::events::EventRegistry* events_ = nullptr;
  std::mutex mutex_;
  nlohmann::json received_ = nlohmann::json::array();
  nlohmann::json connections_ = nlohmann::json::array();  // what observeConnections reported

  monti::data::Database& db() const {
    if (database_ == nullptr) throw monti::http::ServiceUnavailable("the example plugin has no database");
    return *database_;
  }
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
