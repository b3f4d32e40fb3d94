#include "config/CoreConfig.hpp"

#include "ConfigTestSupport.hpp"

#include <monti/config/ConfigError.hpp>

#include <Poco/Environment.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace monti::config {
namespace {

using std::chrono::seconds;
using testing::makeStore;

CoreConfig load(const std::string& ini, std::map<std::string, std::string> env = {}) {
  auto store = makeStore(ini, std::move(env));
  return CoreConfig::load(*store);
}

std::string loadError(const std::string& ini, std::map<std::string, std::string> env = {}) {
  try {
    load(ini, std::move(env));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(CoreConfig, DefaultsApplyWithoutFileOrEnvironment) {
  const auto c = load("");
  EXPECT_EQ(c.server.host, "127.0.0.1");
  EXPECT_EQ(c.server.port, 8080);
  EXPECT_EQ(c.server.maxBodyBytes, 1 << 20);
  EXPECT_EQ(c.server.requestTimeout, seconds(30));
  EXPECT_EQ(c.logLevel, obs::LogLevel::info);
  EXPECT_TRUE(c.metrics.enabled);
  EXPECT_TRUE(c.plugins.enabled.empty());
  EXPECT_EQ(c.auth.jwtExpiry, std::chrono::hours(24));
  EXPECT_EQ(c.realtime.heartbeatInterval, seconds(30));
}

TEST(CoreConfig, PodIdDefaultsToTheHostName) { EXPECT_EQ(load("").podId, Poco::Environment::nodeName()); }

TEST(CoreConfig, PodIdComesFromPodIdVariable) { EXPECT_EQ(load("", {{"POD_ID", "pod-7"}}).podId, "pod-7"); }

TEST(CoreConfig, ServerPortVariableOverridesFile) {
  EXPECT_EQ(load("[server]\nport = 9000\n", {{"SERVER_PORT", "9100"}}).server.port, 9100);
}

TEST(CoreConfig, FileOverridesDefault) { EXPECT_EQ(load("[server]\nport = 9000\n").server.port, 9000); }

TEST(CoreConfig, DatabaseUrlVariableIsRead) {
  EXPECT_EQ(load("", {{"DATABASE_URL", "postgresql://u:p@h/db"}}).database.url, "postgresql://u:p@h/db");
}

TEST(CoreConfig, PostgresSchemeAliasIsAccepted) {
  EXPECT_EQ(load("", {{"DATABASE_URL", "postgres://h/db"}}).database.url, "postgres://h/db");
}

TEST(CoreConfig, WsHeartbeatIntervalBareNumberIsMilliseconds) {
  EXPECT_EQ(load("", {{"WS_HEARTBEAT_INTERVAL", "30000"}}).realtime.heartbeatInterval, seconds(30));
}

TEST(CoreConfig, JwtExpiryTakesAUnit) {
  EXPECT_EQ(load("", {{"JWT_EXPIRY", "24h"}}).auth.jwtExpiry, std::chrono::hours(24));
}

TEST(CoreConfig, BadServerPortNamesKeyVariableAndExpectation) {
  EXPECT_EQ(loadError("", {{"SERVER_PORT", "80a"}}),
            "config: server.port = \"80a\" (env SERVER_PORT): expected an integer 0..65535");
}

TEST(CoreConfig, ServerPortAboveRangeIsRejected) {
  EXPECT_EQ(loadError("[server]\nport = 65536\n"),
            "config: server.port = \"65536\" (monti.ini:2): expected an integer 0..65535");
}

TEST(CoreConfig, MaxBodyBytesIsConfigurable) {
  EXPECT_EQ(load("[server]\nmax_body_bytes = 2048\n").server.maxBodyBytes, 2048);
}

TEST(CoreConfig, CorsOriginsAreAList) {
  const auto c = load("[cors]\nallowed_origins = https://a.example, https://b.example\n");
  EXPECT_EQ(c.cors.allowedOrigins, (std::vector<std::string>{"https://a.example", "https://b.example"}));
}

TEST(CoreConfig, CorsWildcardWithCredentialsIsRejected) {
  EXPECT_EQ(loadError("[cors]\nallowed_origins = *\nallow_credentials = true\n"),
            "config: cors.allow_credentials = true cannot be combined with cors.allowed_origins = *");
}

TEST(CoreConfig, CorsWildcardWithoutCredentialsIsAccepted) {
  EXPECT_EQ(load("[cors]\nallowed_origins = *\n").cors.allowedOrigins, (std::vector<std::string>{"*"}));
}

TEST(CoreConfig, DatabaseUrlWithAnotherSchemeIsRejectedWithPasswordMasked) {
  EXPECT_EQ(loadError("", {{"DATABASE_URL", "mysql://u:s3cret@h/db"}}),
            "config: database.url = \"mysql://u:****@h/db\": expected a URL postgresql://… or postgres://…");
}

TEST(CoreConfig, DatabaseReadUrlWithAnotherSchemeIsRejected) {
  EXPECT_THROW(load("", {{"DATABASE_READ_URL", "http://h/db"}}), ConfigError);
}

TEST(CoreConfig, RedisUrlWithAnotherSchemeIsRejected) {
  EXPECT_EQ(loadError("", {{"REDIS_URL", "http://cache:6379"}}),
            "config: redis.url = \"http://cache:6379\": expected a URL redis://…");
}

TEST(CoreConfig, LogLevelsAreParsed) {
  EXPECT_EQ(load("", {{"LOG_LEVEL", "debug"}}).logLevel, obs::LogLevel::debug);
  EXPECT_EQ(load("", {{"LOG_LEVEL", "warn"}}).logLevel, obs::LogLevel::warn);
  EXPECT_EQ(load("", {{"LOG_LEVEL", "WARN"}}).logLevel, obs::LogLevel::warn);
  EXPECT_EQ(load("[log]\nlevel = error\n").logLevel, obs::LogLevel::error);
}

TEST(CoreConfig, UnknownLogLevelNamesKeyAndExpectation) {
  const auto error = loadError("", {{"LOG_LEVEL", "verbose"}});
  EXPECT_EQ(error.rfind("config: log.level = \"verbose\"", 0), 0u) << error;
  EXPECT_NE(error.find("(env LOG_LEVEL): expected one of debug, info, warn, error"), std::string::npos) << error;
}

TEST(CoreConfig, MontiPluginsVariableListsPlugins) {
  EXPECT_EQ(load("", {{"MONTI_PLUGINS", "agents,chat"}}).plugins.enabled, (std::vector<std::string>{"agents", "chat"}));
}

TEST(CoreConfig, EveryCoreFileKeyIsDeclared) {
  auto store = makeStore(
      "[node]\npod_id = p\n[log]\nlevel = info\n[server]\nhost = 0.0.0.0\nport = 1\nthreads = 4\n"
      "max_queued = 10\nbacklog = 64\nkeep_alive_timeout = 5s\nmax_keep_alive_requests = 10\nread_timeout = 1s\n"
      "request_timeout = 1s\ndrain_timeout = 1s\nmax_body_bytes = 10\nmax_concurrent_requests = 10\n"
      "[cors]\nallowed_origins = x\nallow_credentials = false\nmax_age = 1m\n"
      "[metrics]\nenabled = true\nbearer_token = t\n[plugins]\nenabled =\ndir = /x\n"
      "[database]\nurl =\nread_url =\npool_size = 2\ntimeout = 1s\n[redis]\nurl =\npassword =\n"
      "[auth]\njwt_secret = s\njwt_expiry = 1h\nrefresh_token_expiry = 1d\n"
      "[realtime]\nheartbeat_interval = 1s\n");
  CoreConfig::load(*store);
  EXPECT_NO_THROW(store->rejectUnknownFileKeys(""));
}

TEST(CoreConfig, SeedEnvironmentNamesAreNotUnknownMontiVariables) {
  auto store = makeStore("", {{"MONTI_PLUGINS", "a"}, {"MONTI_SERVER_THREADS", "4"}, {"MONTI_CONFIG", "/x"}});
  CoreConfig::load(*store);
  EXPECT_NO_THROW(store->rejectUnknownEnvironment(bootstrapEnvironmentNames()));
}

TEST(CoreConfig, JwtSecretIsDeclaredSecret) {
  auto store = makeStore("", {{"JWT_SECRET", "hunter2"}});
  CoreConfig::load(*store);
  const auto declared = store->declared();
  const auto spec =
      std::find_if(declared.begin(), declared.end(), [](const KeySpec& s) { return s.key == "auth.jwt_secret"; });
  ASSERT_NE(spec, declared.end());
  EXPECT_TRUE(spec->secret);
  EXPECT_EQ(store->displayValue(*spec), "****");
}

}  // namespace
}  // namespace monti::config
