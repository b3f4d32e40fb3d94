// Configuration through the real binary: the file is read, the environment overrides it, and bad config stops
// start-up with exit 78 and one line naming the key.
#include "support/HttpClient.hpp"
#include "support/MontiProcess.hpp"
#include "support/TempFile.hpp"

#include <gtest/gtest.h>

namespace monti::itest {
namespace {

// Asserts exit 78, exactly one stderr line, containing every one of `names`, and that nothing listened.
void expectConfigError(const ExitResult& result, const std::vector<std::string>& names) {
  ASSERT_TRUE(result.exitCode) << "monti kept running\n" << result.out;
  EXPECT_EQ(*result.exitCode, 78) << result.err;
  const auto lines = nonEmptyLines(result.err);
  ASSERT_EQ(lines.size(), 1u) << result.err;
  for (const auto& name : names)
    EXPECT_NE(lines[0].find(name), std::string::npos) << lines[0];
  EXPECT_EQ(result.out.find("\"listening\""), std::string::npos) << result.out;
}

Environment withConfigFile(Environment env, const TempFile& file) {
  env["MONTI_CONFIG"] = file.path();
  return env;
}

TEST(ConfigErrors, UnknownFileKeyExits78NamingTheKey) {
  const TempFile file("[server]\nport = 0\nbogus_key = 1\n");
  expectConfigError(runToExit({}, withConfigFile(baseEnvironment(), file)), {"server.bogus_key", file.path()});
}

TEST(ConfigErrors, UnknownSectionExits78NamingTheKey) {
  const TempFile file("[servre]\nport = 0\n");
  expectConfigError(runToExit({}, withConfigFile(baseEnvironment(), file)), {"servre.port"});
}

TEST(ConfigErrors, MalformedPortInEnvironmentExits78NamingServerPort) {
  auto env = baseEnvironment();
  env["SERVER_PORT"] = "80a";
  expectConfigError(runToExit({}, env), {"server.port", "80a", "SERVER_PORT"});
}

TEST(ConfigErrors, OutOfRangePortInFileExits78NamingServerPort) {
  const TempFile file("[server]\nport = 70000\n");
  auto env = baseEnvironment();
  env.erase("SERVER_PORT");
  expectConfigError(runToExit({}, withConfigFile(env, file)), {"server.port", "70000"});
}

TEST(ConfigErrors, UnknownMontiVariableExits78NamingIt) {
  auto env = baseEnvironment();
  env["MONTI_FOO"] = "1";
  expectConfigError(runToExit({}, env), {"MONTI_FOO"});
}

TEST(ConfigErrors, DatabaseUrlWithWrongSchemeExits78) {
  auto env = baseEnvironment();
  env["DATABASE_URL"] = "mysql://user:hunter2@127.0.0.1/db";
  const auto result = runToExit({}, env);
  expectConfigError(result, {"database.url"});
  EXPECT_EQ(result.err.find("hunter2"), std::string::npos) << "the password must be masked: " << result.err;
}

TEST(ConfigErrors, MissingConfigFileExits78) {
  auto env = baseEnvironment();
  env["MONTI_CONFIG"] = "/nonexistent/monti-itest.ini";
  expectConfigError(runToExit({}, env), {"/nonexistent/monti-itest.ini"});
}

TEST(ConfigErrors, MalformedIniLineExits78NamingFileAndLine) {
  const TempFile file("[server]\nthis line has no equals sign\n");
  expectConfigError(runToExit({}, withConfigFile(baseEnvironment(), file)), {file.path() + ":2"});
}

TEST(ConfigFile, ValuesFromTheFileApply) {
  const TempFile file(std::string("[server]\nport = 0\n\n[plugins]\nenabled = example\ndir = ") +
                      MONTI_TEST_PLUGIN_DIR + "\n\n[plugin.example]\ngreeting = hej\n");
  auto env = baseEnvironment();
  env.erase("SERVER_PORT");
  const auto server = startServer(withConfigFile(env, file));
  const auto response = get(server->port(), "/api/v1/example/echo/file");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.json().value("greeting", ""), "hej");
}

TEST(ConfigFile, ConfigOptionSelectsTheFile) {
  const TempFile file(std::string("[plugins]\nenabled = example\ndir = ") + MONTI_TEST_PLUGIN_DIR + "\n");
  const auto server = startServer(baseEnvironment(), {"--config", file.path()});
  EXPECT_EQ(get(server->port(), "/api/v1/example/echo/option").status, 200);
}

TEST(ConfigFile, EnvironmentOverridesTheFile) {
  const TempFile file("[server]\nmax_body_bytes = 16\n");
  auto env = withPlugins(withConfigFile(baseEnvironment(), file), "example");
  env["MONTI_SERVER_MAX_BODY_BYTES"] = "4096";
  const auto server = startServer(env);
  const auto response = postJson(server->port(), "/api/v1/example/items", R"({"name":"longer than sixteen bytes"})");
  EXPECT_EQ(response.status, 201) << response.body;
}

TEST(ConfigFile, ConfigCheckValidatesAndMasksSecrets) {
  auto env = baseEnvironment();
  env["JWT_SECRET"] = "itest-very-secret";
  const auto result = runToExit({"config", "check"}, env);
  ASSERT_EQ(result.exitCode, 0) << result.err;
  EXPECT_NE(result.out.find("config: ok"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("server.port = 0"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("itest-very-secret"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace monti::itest
