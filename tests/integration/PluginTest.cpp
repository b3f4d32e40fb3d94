// Plugins through the real binary: the example plugin's routes, config and metrics, and the loader refusing
// bad plugins before the server listens.
#include "support/HttpClient.hpp"
#include "support/MontiProcess.hpp"
#include "support/SharedServer.hpp"

#include <gtest/gtest.h>

namespace monti::itest {
namespace {

class ExamplePluginRoutes : public SharedServer<ExamplePluginRoutes> {
 public:
  static Environment environment() {
    auto env = withPlugins(baseEnvironment(), "example");
    env["MONTI_PLUGIN_EXAMPLE_GREETING"] = "bonjour";
    return env;
  }
};

TEST_F(ExamplePluginRoutes, EchoAnswersWithConfiguredGreetingAndWord) {
  const auto response = get(port(), "/api/v1/example/echo/world");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto body = response.json();
  EXPECT_EQ(body.value("greeting", ""), "bonjour");
  EXPECT_EQ(body.value("word", ""), "world");
}

TEST_F(ExamplePluginRoutes, EchoDecodesPercentEncodedWord) {
  const auto response = get(port(), "/api/v1/example/echo/caf%C3%A9%20au%20lait");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.json().value("word", ""), "caf\xC3\xA9 au lait");
}

TEST_F(ExamplePluginRoutes, PostItemCreatesWith201) {
  const auto response = postJson(port(), "/api/v1/example/items", R"({"name":"widget"})");
  ASSERT_EQ(response.status, 201) << response.body;
  EXPECT_EQ(response.json(), nlohmann::json({{"name", "widget"}}));
}

TEST_F(ExamplePluginRoutes, PostItemWithoutNameGets400NamingTheField) {
  const auto response = postJson(port(), "/api/v1/example/items", R"({"title":"widget"})");
  ASSERT_EQ(response.status, 400) << response.body;
  const auto error = response.json()["error"];
  EXPECT_EQ(error.value("code", ""), "validation_failed");
  ASSERT_EQ(error["details"].size(), 1u) << response.body;
  EXPECT_EQ(error["details"][0].value("field", ""), "name");
}

TEST_F(ExamplePluginRoutes, PermissionRouteGets401ForAnonymousCaller) {
  const auto response = get(port(), "/api/v1/example/secret");
  ASSERT_EQ(response.status, 401) << response.body;
  EXPECT_EQ(response.json()["error"].value("code", ""), "unauthorized");
  EXPECT_EQ(response.body.find("\"secret\":true"), std::string::npos);
}

TEST_F(ExamplePluginRoutes, PermissionRouteGets401WithUnverifiableToken) {
  const auto response = get(port(), "/api/v1/example/secret", {{"Authorization", "Bearer not-a-real-token"}});
  ASSERT_EQ(response.status, 401) << response.body;
  EXPECT_EQ(response.json()["error"].value("code", ""), "unauthorized");
}

TEST_F(ExamplePluginRoutes, HandlerExceptionGets500WithoutLeakingInternals) {
  const auto response = get(port(), "/api/v1/example/boom", {{"X-Correlation-ID", "itest-boom"}});
  ASSERT_EQ(response.status, 500);
  const auto error = response.json()["error"];
  EXPECT_EQ(error.value("code", ""), "internal_error");
  EXPECT_EQ(error.value("message", ""), "internal error");
  EXPECT_EQ(error.value("correlationId", ""), "itest-boom");
  EXPECT_EQ(response.body.find("secret internals"), std::string::npos) << response.body;
  EXPECT_EQ(response.body.find("postgresql"), std::string::npos) << response.body;
  EXPECT_EQ(get(port(), "/health").status, 200);
}

TEST_F(ExamplePluginRoutes, HandlerExceptionIsLoggedWithItsCorrelationId) {
  get(port(), "/api/v1/example/boom", {{"X-Correlation-ID", "itest-boom-log"}});
  const auto lines = logLinesFor(server(), "unhandled exception", "itest-boom-log");
  ASSERT_EQ(lines.size(), 1u) << server().out().text();
  EXPECT_EQ(lines[0].value("level", ""), "error");
  EXPECT_NE(lines[0].value("error", "").find("secret internals"), std::string::npos) << lines[0].dump();
}

TEST_F(ExamplePluginRoutes, PluginCounterAndVersionAppearInMetrics) {
  const std::string echoes = "monti_example_echo_total";
  const auto before = metricValue(get(port(), "/metrics").body, echoes).value_or(0);
  ASSERT_EQ(get(port(), "/api/v1/example/echo/counted").status, 200);
  const auto after = get(port(), "/metrics").body;
  EXPECT_EQ(metricValue(after, echoes).value_or(-1) - before, 1) << after;
  EXPECT_EQ(metricValue(after, R"(monti_plugin_info{plugin="example",version="1.2.3"})"), 1.0) << after;
}

TEST_F(ExamplePluginRoutes, PluginStartIsLogged) {
  const auto line = server().out().waitForLine(
      [](const std::string& l) { return l.find("\"example plugin started\"") != std::string::npos; },
      std::chrono::seconds(1));
  ASSERT_TRUE(line) << server().out().text();
  EXPECT_EQ(nlohmann::json::parse(*line).value("greeting", ""), "bonjour");
}

// ---------------------------------------------------------------------------------------------------------------

TEST(PluginLoading, DisabledPluginRoutesAnswer404) {
  auto env = baseEnvironment();
  env["MONTI_PLUGINS_DIR"] = MONTI_TEST_PLUGIN_DIR;
  const auto server = startServer(env);
  EXPECT_EQ(get(server->port(), "/api/v1/example/echo/x").status, 404);
  EXPECT_EQ(get(server->port(), "/health").status, 200);
}

// Asserts that enabling `plugin` stops start-up with exit 78 and one stderr line naming it and `why`.
void expectStartupRefused(const std::string& plugin, const std::string& why) {
  const auto result = runToExit({}, withPlugins(baseEnvironment(), plugin));
  ASSERT_TRUE(result.exitCode) << "monti kept running with plugin " << plugin << "\n" << result.out;
  EXPECT_EQ(*result.exitCode, 78) << result.err;
  const auto lines = nonEmptyLines(result.err);
  ASSERT_EQ(lines.size(), 1u) << result.err;
  EXPECT_NE(lines[0].find(plugin), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(why), std::string::npos) << lines[0];
  EXPECT_EQ(result.out.find("\"listening\""), std::string::npos) << result.out;
}

TEST(PluginLoading, AbiMismatchStopsStartupNamingThePlugin) { expectStartupRefused("bad_abi", "ABI"); }

TEST(PluginLoading, MissingEntryPointStopsStartupNamingThePlugin) {
  expectStartupRefused("no_entry", "monti_plugin_info");
}

TEST(PluginLoading, UninstalledPluginStopsStartupNamingThePlugin) {
  expectStartupRefused("not_installed", "no such file");
}

TEST(PluginLoading, RouteWithoutPermissionStopsStartupNamingThePlugin) {
  expectStartupRefused("failing_register", "permission");
}

TEST(PluginLoading, RegistrationAfterRegisterWithStopsStartupNamingThePlugin) {
  expectStartupRefused("late_register", "registerWith");
}

TEST(PluginLoading, PluginsCommandListsInstalledPluginsWithVersions) {
  const auto result = runToExit({"plugins"}, withPlugins(baseEnvironment(), "example"));
  ASSERT_EQ(result.exitCode, 0) << result.err;
  EXPECT_NE(result.out.find("[enabled]  example 1.2.3"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("[disabled] bad_abi"), std::string::npos) << result.out;
}

TEST(PluginLoading, UnknownKeyInPluginSectionStopsStartup) {
  auto env = withPlugins(baseEnvironment(), "example");
  env["MONTI_PLUGIN_EXAMPLE_GRETING"] = "typo";
  const auto result = runToExit({}, env);
  ASSERT_EQ(result.exitCode, 78) << result.out << result.err;
  EXPECT_NE(result.err.find("MONTI_PLUGIN_EXAMPLE_GRETING"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace monti::itest
