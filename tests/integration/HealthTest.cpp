// /health against real and unreachable dependencies. "Up" needs the servers scripts/test starts
// (MONTI_TEST_DATABASE_URL, MONTI_TEST_REDIS_URL); "down" uses a closed port and always runs.
#include "support/HttpClient.hpp"
#include "support/MontiProcess.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace monti::itest {
namespace {

std::string fromRunner(const char* name) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read before any server starts
  return value != nullptr ? value : "";
}

constexpr const char* kClosedDatabase = "postgresql://itest@127.0.0.1:1/itest";

// Migrations at start-up would need the database; these tests are about /health.
Environment withDatabase(Environment env, const std::string& url) {
  env["DATABASE_URL"] = url;
  env["MONTI_DATABASE_MIGRATE_ON_START"] = "false";
  return env;
}

TEST(Health, DatabaseDownMakesHealthUnhealthy503) {
  const auto env = withDatabase(baseEnvironment(), kClosedDatabase);
  const auto server = startServer(env);
  const auto response = get(server->port(), "/health");
  ASSERT_EQ(response.status, 503) << response.body;
  const auto body = response.json();
  EXPECT_EQ(body.value("status", ""), "unhealthy");
  EXPECT_EQ(body["checks"]["database"].value("status", ""), "down");
  EXPECT_TRUE(body["checks"]["database"].contains("error")) << response.body;
  EXPECT_EQ(body["checks"]["redis"].value("status", ""), "disabled");
}

TEST(Health, RedisDownMakesHealthDegradedButOk) {
  auto env = baseEnvironment();
  env["REDIS_URL"] = "redis://127.0.0.1:1";
  const auto server = startServer(env);
  const auto response = get(server->port(), "/health");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto body = response.json();
  EXPECT_EQ(body.value("status", ""), "degraded");
  EXPECT_EQ(body["checks"]["redis"].value("status", ""), "down");
  EXPECT_TRUE(body["checks"]["redis"].contains("error")) << response.body;
}

TEST(Health, UnreachableDatabaseStopsStartupWhenMigratingOnStart) {
  auto env = baseEnvironment();
  env["DATABASE_URL"] = kClosedDatabase;
  const auto result = runToExit({}, env);
  ASSERT_TRUE(result.exitCode) << "monti kept running without its database\n" << result.out;
  EXPECT_EQ(*result.exitCode, 1) << result.err;
  EXPECT_NE(result.err.find("postgresql"), std::string::npos) << result.err;
  EXPECT_EQ(result.out.find("\"listening\""), std::string::npos) << result.out;
}

TEST(Health, ReachableDatabaseIsUp) {
  const auto url = fromRunner("MONTI_TEST_DATABASE_URL");
  if (url.empty()) GTEST_SKIP() << "MONTI_TEST_DATABASE_URL is not set (scripts/test sets it)";
  const auto env = withDatabase(baseEnvironment(), url);
  const auto server = startServer(env);
  const auto response = get(server->port(), "/health");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto body = response.json();
  EXPECT_EQ(body.value("status", ""), "healthy");
  EXPECT_EQ(body["checks"]["database"].value("status", ""), "up");
  EXPECT_FALSE(body["checks"]["database"].contains("error")) << response.body;
}

TEST(Health, ReachableRedisIsUp) {
  const auto url = fromRunner("MONTI_TEST_REDIS_URL");
  if (url.empty()) GTEST_SKIP() << "MONTI_TEST_REDIS_URL is not set (scripts/test sets it)";
  auto env = baseEnvironment();
  env["REDIS_URL"] = url;
  const auto server = startServer(env);
  const auto response = get(server->port(), "/health");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto body = response.json();
  EXPECT_EQ(body.value("status", ""), "healthy");
  EXPECT_EQ(body["checks"]["redis"].value("status", ""), "up");
}

}  // namespace
}  // namespace monti::itest
