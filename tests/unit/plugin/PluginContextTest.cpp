#include "cache/InProcessCache.hpp"
#include "plugin/PluginContext.hpp"

#include "../obs/MemoryFile.hpp"
#include "config/IniFile.hpp"
#include "obs/JsonLogger.hpp"
#include "obs/PrometheusRegistry.hpp"
#include "plugin/PluginLoader.hpp"

#include <monti/data/MigrationRegistry.hpp>
#include <monti/events/EventRegistry.hpp>
#include <monti/hooks/LuaModuleRegistry.hpp>
#include <monti/http/RouteRegistry.hpp>
#include <monti/plugin/RegistrationError.hpp>
#include <monti/realtime/RoomRegistry.hpp>
#include <monti/sched/JobRegistry.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace monti::plugin {
namespace {

const std::filesystem::path kDir = MONTI_TEST_PLUGIN_DIR;

http::Response ok(const http::Request&) { return http::Response::noContent(); }
bool anyone(const auth::Principal&, const realtime::RoomParams&) { return true; }
nlohmann::json nothing(const nlohmann::json&) { return nullptr; }

// The services a PluginContext writes to. Loaded plugins are declared first so that they are destroyed
// last: the router and catalog hold std::function objects whose code lives in the plugin libraries.
class PluginContextTest : public ::testing::Test {
 protected:
  std::vector<LoadedPlugin> plugins_;
  obs::testing::MemoryFile out_;
  obs::JsonLogger logger_{out_.file(), obs::LogLevel::debug, "test"};
  obs::PrometheusRegistry metrics_;
  std::unique_ptr<config::ConfigStore> store_;
  Catalog catalog_;
  http::Router router_;
  cache::InProcessCache cache_{100, metrics_};
  struct NoPublisher final : realtime::Publisher {
    realtime::Published publish(std::string_view, std::string_view, std::string_view, const nlohmann::json&) override {
      throw std::logic_error("not in this test");
    }
    realtime::Published position(std::string_view, std::string_view) override {
      throw std::logic_error("not in this test");
    }
  } publisher_;

  void useConfig(const std::string& ini) {
    store_ = std::make_unique<config::ConfigStore>(config::parseIni(ini, "monti.ini"), "monti.ini",
                                                   std::map<std::string, std::string>{});
  }

  std::unique_ptr<PluginContext> context(const std::string& name, std::filesystem::path resources = {}) {
    if (!store_) useConfig("");
    if (resources.empty()) resources = kDir / name;
    return std::make_unique<PluginContext>(
        name, resources,
        PluginContext::Services{router_, catalog_, *store_, metrics_, logger_, nullptr, cache_, nullptr, nullptr,
                                publisher_, nullptr});
  }

  Plugin& load(const std::string& name) {
    auto loaded = PluginLoader(kDir).load({name});
    plugins_.push_back(std::move(loaded.at(0)));
    return *plugins_.back().instance;
  }

  const http::Route* route(const std::string& method, const std::string& pattern) const {
    for (const auto* r : router_.routes()) {
      if (r->method == method && r->pattern == pattern) return r;
    }
    return nullptr;
  }
};

TEST_F(PluginContextTest, ExampleRoutesLiveUnderApiV1OwnedByThePlugin) {
  auto ctx = context("example");
  load("example").registerWith(*ctx);
  const auto* echo = route("GET", "/api/v1/example/echo/:word");
  ASSERT_NE(echo, nullptr);
  EXPECT_EQ(echo->owner, "example");
  EXPECT_EQ(echo->permission, "public");
  const auto* secret = route("GET", "/api/v1/example/secret");
  ASSERT_NE(secret, nullptr);
  EXPECT_EQ(secret->permission, "read:example");
  for (const auto* r : router_.routes())
    EXPECT_EQ(r->pattern.rfind("/api/v1/example/", 0), 0u) << r->pattern;
}

TEST_F(PluginContextTest, ExampleDeclarationsReachTheCatalogTaggedWithThePlugin) {
  auto ctx = context("example");
  load("example").registerWith(*ctx);
  ASSERT_EQ(catalog_.events.size(), 1u);
  EXPECT_EQ(catalog_.events[0].name, "example.pinged");
  EXPECT_EQ(catalog_.events[0].owner, "example");
  ASSERT_EQ(catalog_.rooms.size(), 7u);
  EXPECT_EQ(catalog_.rooms[0].pattern, "example:{id}");
  EXPECT_EQ(catalog_.rooms[0].owner, "example");
  ASSERT_EQ(catalog_.roomRoutes.size(), 1u);
  EXPECT_EQ(catalog_.roomRoutes[0].eventPattern, "example.*");
  ASSERT_EQ(catalog_.aggregators.size(), 2u);
  EXPECT_EQ(catalog_.aggregators[1].roomPattern, "example:grouped");
  ASSERT_EQ(catalog_.luaModules.size(), 1u);
  EXPECT_EQ(catalog_.luaModules[0].name, "example");
  ASSERT_EQ(catalog_.jobs.size(), 2u);
  EXPECT_EQ(catalog_.jobs[0].name, "example.tick");
  EXPECT_EQ(catalog_.jobs[0].period, std::chrono::seconds(1));
  EXPECT_EQ(catalog_.jobs[1].name, "example.nightly");
  ASSERT_TRUE(catalog_.jobs[1].cron.has_value());
  EXPECT_EQ(catalog_.jobs[1].cron->text(), "0 3 * * *");
  ASSERT_EQ(catalog_.migrationDirs.size(), 1u);
  EXPECT_EQ(catalog_.migrationDirs[0].path, std::filesystem::absolute(kDir / "example" / "migrations").string());
  EXPECT_EQ(catalog_.migrationDirs[0].owner, "example");
}

TEST_F(PluginContextTest, PluginConfigSectionIsPluginDotName) {
  useConfig("[plugin.example]\ngreeting = howdy\n");
  auto ctx = context("example");
  load("example").registerWith(*ctx);
  const auto match = router_.match("GET", "/api/v1/example/echo/hi");
  ASSERT_NE(match.route, nullptr);
  http::Request request("GET", "/api/v1/example/echo/hi", "", {}, "", "127.0.0.1", "c",
                        http::Request::Clock::now() + std::chrono::seconds(5));
  request.setParams(match.params);
  const auto response = match.route->handler(request);
  EXPECT_EQ(nlohmann::json::parse(response.body()), (nlohmann::json{{"greeting", "howdy"}, {"word", "hi"}}));
  EXPECT_NO_THROW(store_->rejectUnknownFileKeys("plugin.example."));
}

TEST_F(PluginContextTest, PluginMetricsGoToTheSharedRegistry) {
  auto ctx = context("example");
  load("example").registerWith(*ctx);
  EXPECT_NE(metrics_.render().find("# TYPE monti_example_echo_total counter"), std::string::npos);
}

TEST_F(PluginContextTest, EveryRegistryRefusesDeclarationsAfterSeal) {
  auto ctx = context("example");
  ctx->seal();
  EXPECT_THROW(ctx->routes().get("/x", ok, {.permission = "public"}), RegistrationError);
  EXPECT_THROW(ctx->events().declare("example.late", ""), RegistrationError);
  EXPECT_THROW(ctx->realtime().room("late:{id}", anyone), RegistrationError);
  EXPECT_THROW(ctx->luaModules().module("late", {{"f", nothing}}), RegistrationError);
  EXPECT_THROW(ctx->jobs().interval("late.tick", std::chrono::seconds(5), [] {}), RegistrationError);
  EXPECT_THROW(ctx->jobs().cron("late.cron", "* * * * *", [] {}), RegistrationError);
  EXPECT_THROW(ctx->migrations().dir("migrations"), RegistrationError);
  EXPECT_TRUE(router_.routes().empty());
  EXPECT_TRUE(catalog_.events.empty());
}

TEST_F(PluginContextTest, LateRegistrationMessageNamesPluginAndWhat) {
  auto ctx = context("example");
  ctx->seal();
  try {
    ctx->routes().get("/x", ok, {.permission = "public"});
    FAIL() << "expected RegistrationError";
  } catch (const RegistrationError& e) {
    EXPECT_EQ(std::string(e.what()),
              "plugin example: route /x declared after registerWith returned; declare everything in registerWith");
  }
}

TEST_F(PluginContextTest, PluginThatRegistersFromStartFails) {
  auto ctx = context("late_register");
  auto& plugin = load("late_register");
  plugin.registerWith(*ctx);
  ctx->seal();
  EXPECT_THROW(plugin.start(), RegistrationError);
  EXPECT_TRUE(router_.routes().empty());
}

TEST_F(PluginContextTest, RouteWithoutPermissionFailsRegistration) {
  auto ctx = context("failing_register");
  EXPECT_THROW(load("failing_register").registerWith(*ctx), RegistrationError);
}

TEST_F(PluginContextTest, RoutePatternMustStartWithSlash) {
  auto ctx = context("p");
  EXPECT_THROW(ctx->routes().get("agents", ok, {.permission = "public"}), RegistrationError);
}

TEST_F(PluginContextTest, DuplicateEventAcrossPluginsNamesTheFirstOwner) {
  auto first = context("agents");
  auto second = context("chat");
  first->events().declare("agent.status_changed", "");
  try {
    second->events().declare("agent.status_changed", "");
    FAIL() << "expected RegistrationError";
  } catch (const RegistrationError& e) {
    EXPECT_EQ(std::string(e.what()), "plugin chat: event agent.status_changed is already declared by agents");
  }
}

TEST_F(PluginContextTest, MalformedEventNamesAreRefused) {
  auto ctx = context("p");
  for (const char* name : {"", "agent", "agent_status_change", "Agent.changed", "agent..changed", "agent.changed.",
                           "agent.status-changed", "1agent.x"}) {
    EXPECT_THROW(ctx->events().declare(name, ""), RegistrationError) << name;
  }
  EXPECT_NO_THROW(ctx->events().declare("agent.status_changed", ""));
}

TEST_F(PluginContextTest, DuplicateRoomIsRefused) {
  auto ctx = context("p");
  ctx->realtime().room("agent:{id}", anyone);
  EXPECT_THROW(ctx->realtime().room("agent:{id}", anyone), RegistrationError);
}

TEST_F(PluginContextTest, MalformedRoomPatternsAreRefused) {
  auto ctx = context("p");
  for (const char* pattern :
       {"", "Agent:{id}", "agent:", "agent::x", "agent:{", "agent:{Id}", "agent:{id", ":x", "agent:{id}x", "agent x"}) {
    EXPECT_THROW(ctx->realtime().room(pattern, anyone), RegistrationError) << pattern;
  }
  EXPECT_NO_THROW(ctx->realtime().room("agents:department:{name}", anyone));
}

TEST_F(PluginContextTest, RoomWithoutJoinRuleIsRefused) {
  auto ctx = context("p");
  EXPECT_THROW(ctx->realtime().room("agent:{id}", nullptr), RegistrationError);
}

TEST_F(PluginContextTest, RoomRoutesNeedAValidPatternAndAFunction) {
  auto ctx = context("p");
  const realtime::EventRoute none = [](const events::Event&) { return std::vector<realtime::RoomEvent>{}; };
  EXPECT_THROW(ctx->realtime().route("Agent.x", none), RegistrationError);
  EXPECT_THROW(ctx->realtime().route("agent.*", nullptr), RegistrationError);
  EXPECT_NO_THROW(ctx->realtime().route("agent.*", none));
  EXPECT_EQ(catalog_.roomRoutes.at(0).owner, "p");
}

TEST_F(PluginContextTest, AggregatorsOnlyForTheRoomsOfTheSamePluginAndOncePerRoom) {
  auto other = context("other");
  other->realtime().room("theirs:{id}", anyone);
  auto ctx = context("p");
  ctx->realtime().room("mine:{id}", anyone);
  const realtime::Aggregator keep = [](const std::vector<realtime::RoomMessage>&, const realtime::RoomParams&) {
    return std::vector<std::pair<std::string, nlohmann::json>>{};
  };
  EXPECT_THROW(ctx->realtime().aggregate("theirs:{id}", keep), RegistrationError);
  EXPECT_THROW(ctx->realtime().aggregate("unknown:{id}", keep), RegistrationError);
  EXPECT_NO_THROW(ctx->realtime().aggregate("mine:{id}", keep));
  EXPECT_THROW(ctx->realtime().aggregate("mine:{id}", keep), RegistrationError);
}

TEST_F(PluginContextTest, ConnectionObserversAreCatalogued) {
  auto ctx = context("p");
  EXPECT_THROW(ctx->realtime().observeConnections(nullptr), RegistrationError);
  ctx->realtime().observeConnections([](const realtime::ConnectionEvent&) {});
  ASSERT_EQ(catalog_.connectionObservers.size(), 1u);
  EXPECT_EQ(catalog_.connectionObservers[0].owner, "p");
  ctx->seal();
  EXPECT_THROW(ctx->realtime().observeConnections([](const realtime::ConnectionEvent&) {}), RegistrationError);
}

TEST_F(PluginContextTest, PasswordsNeedADatabase) {
  auto ctx = context("p");
  EXPECT_THROW(ctx->passwords(), std::logic_error);
}

TEST_F(PluginContextTest, DuplicateJobNameIsRefused) {
  auto ctx = context("p");
  ctx->jobs().interval("p.tick", std::chrono::seconds(1), [] {});
  EXPECT_THROW(ctx->jobs().cron("p.tick", "* * * * *", [] {}), RegistrationError);
}

TEST_F(PluginContextTest, IntervalBelowOneSecondIsRefused) {
  auto ctx = context("p");
  EXPECT_THROW(ctx->jobs().interval("p.fast", std::chrono::milliseconds(999), [] {}), RegistrationError);
}

TEST_F(PluginContextTest, JobWithoutBodyIsRefused) {
  auto ctx = context("p");
  EXPECT_THROW(ctx->jobs().interval("p.empty", std::chrono::seconds(1), nullptr), RegistrationError);
  EXPECT_THROW(ctx->jobs().cron("p.empty2", "* * * * *", nullptr), RegistrationError);
}

TEST_F(PluginContextTest, MalformedCronIsRefusedNamingJobAndField) {
  auto ctx = context("p");
  try {
    ctx->jobs().cron("p.nightly", "0 25 * * *", [] {});
    FAIL() << "expected RegistrationError";
  } catch (const RegistrationError& e) {
    EXPECT_EQ(std::string(e.what()), "plugin p: job p.nightly: cron hour: \"25\" is outside 0..23");
  }
  EXPECT_TRUE(catalog_.jobs.empty());
}

TEST_F(PluginContextTest, DuplicateLuaModuleIsRefused) {
  auto ctx = context("p");
  ctx->luaModules().module("reports", {{"save_draft", nothing}});
  EXPECT_THROW(ctx->luaModules().module("reports", {{"other", nothing}}), RegistrationError);
}

TEST_F(PluginContextTest, MalformedLuaModulesAreRefused) {
  auto ctx = context("p");
  EXPECT_THROW(ctx->luaModules().module("monti", {{"f", nothing}}), RegistrationError);
  EXPECT_THROW(ctx->luaModules().module("Reports", {{"f", nothing}}), RegistrationError);
  EXPECT_THROW(ctx->luaModules().module("reports", {}), RegistrationError);
  EXPECT_THROW(ctx->luaModules().module("reports", {{"bad-name", nothing}}), RegistrationError);
  EXPECT_THROW(ctx->luaModules().module("reports", {{"f", nullptr}}), RegistrationError);
}

TEST_F(PluginContextTest, MissingMigrationsFolderIsRefused) {
  auto ctx = context("example");
  EXPECT_THROW(ctx->migrations().dir("no_such_folder"), RegistrationError);
  EXPECT_TRUE(catalog_.migrationDirs.empty());
}

TEST_F(PluginContextTest, PluginNameIsReported) { EXPECT_EQ(context("agents")->pluginName(), "agents"); }

}  // namespace
}  // namespace monti::plugin
