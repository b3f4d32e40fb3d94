// Rate limits against the real binary: seed 001 §7.2 semantics, counted in Redis across two nodes.
#include "support/HttpClient.hpp"
#include "support/MontiProcess.hpp"
#include "support/TestDatabase.hpp"

#include <gtest/gtest.h>

#include <random>

namespace monti::itest {
namespace {

const std::string kEcho = "/api/v1/example/echo/hi";

std::string uniquePrefix() {
  std::mt19937_64 rng{std::random_device{}()};
  return "t" + std::to_string(rng() % 1'000'000'000) + ":";
}

Environment limitedEnvironment(const std::string& redis, const std::string& prefix) {
  auto env = withPlugins(baseEnvironment(), "example");
  env["REDIS_URL"] = redis;
  env["MONTI_REDIS_KEY_PREFIX"] = prefix;  // this test's counters only: the Redis is shared with other tests
  env["MONTI_RATELIMIT_ROUTES"] = "GET /api/v1/example/echo/:word=5/1m";
  return env;
}

class TwoNodeRateLimit : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto redis = runnerVariable("MONTI_TEST_REDIS_URL");
    if (redis.empty()) GTEST_SKIP() << "MONTI_TEST_REDIS_URL is not set (scripts/test sets it)";
    const auto env = limitedEnvironment(redis, uniquePrefix());
    a_ = startServer(env);
    b_ = startServer(env);
  }

  std::unique_ptr<MontiProcess> a_;
  std::unique_ptr<MontiProcess> b_;
};

TEST_F(TwoNodeRateLimit, TheLimitHoldsAcrossNodesSharingRedis) {
  for (int i = 0; i < 5; ++i) {
    const auto& node = i % 2 == 0 ? a_ : b_;
    const auto response = get(node->port(), kEcho);
    ASSERT_EQ(response.status, 200) << "request " << i + 1 << ": " << response.body;
    EXPECT_EQ(response.header("RateLimit-Limit").value_or(""), "5");
    EXPECT_EQ(response.header("RateLimit-Remaining").value_or(""), std::to_string(4 - i));
  }
  const auto rejected = get(b_->port(), kEcho);
  EXPECT_EQ(rejected.status, 429) << rejected.body;
  EXPECT_NE(rejected.body.find("\"rate_limited\""), std::string::npos) << rejected.body;
  EXPECT_GT(std::stoi(rejected.header("Retry-After").value_or("0")), 0);
  EXPECT_EQ(rejected.header("RateLimit-Remaining").value_or(""), "0");
  EXPECT_EQ(get(a_->port(), kEcho).status, 429);
}

TEST_F(TwoNodeRateLimit, TheApiAliasSharesTheBudget) {
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(get(i % 2 == 0 ? a_->port() : b_->port(), "/api/example/echo/x").status, 200);
  EXPECT_EQ(get(a_->port(), kEcho).status, 429);
}

TEST_F(TwoNodeRateLimit, OtherRoutesKeepTheirOwnBudget) {
  for (int i = 0; i < 6; ++i)
    get(a_->port(), kEcho);
  EXPECT_EQ(get(a_->port(), "/api/v1/example/events").status, 200);
}

TEST(RateLimit, SingleNodeWithoutRedisLimitsInProcess) {
  auto env = withPlugins(baseEnvironment(), "example");
  env["MONTI_RATELIMIT_ROUTES"] = "GET /api/v1/example/echo/:word=2/1m";
  const auto node = startServer(env);
  EXPECT_EQ(get(node->port(), kEcho).status, 200);
  EXPECT_EQ(get(node->port(), kEcho).status, 200);
  EXPECT_EQ(get(node->port(), kEcho).status, 429);
}

TEST(RateLimit, MalformedOverrideStopsStartupNamingTheKey) {
  auto env = baseEnvironment();
  env["MONTI_RATELIMIT_ROUTES"] = "GET /api/v1/x=ten/1m";
  const auto result = runToExit({"config", "check"}, env);
  EXPECT_EQ(result.exitCode, 78);
  EXPECT_NE(result.err.find("ratelimit.routes"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace monti::itest
