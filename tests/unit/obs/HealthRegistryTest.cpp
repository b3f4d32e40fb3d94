#include "obs/HealthRegistry.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

namespace monti::obs {
namespace {

HealthRegistry::Probe returning(CheckStatus status) {
  return [status] {
    CheckResult r;
    r.status = status;
    if (status == CheckStatus::down) r.error = "refused";
    return r;
  };
}

nlohmann::json reportOf(const HealthRegistry& registry, bool* unhealthy = nullptr) {
  auto [body, bad] = registry.report("pod-1", "0.1.0", std::chrono::steady_clock::now());
  if (unhealthy != nullptr) *unhealthy = bad;
  return body;
}

TEST(HealthRegistry, NoChecksIsHealthy) {
  HealthRegistry registry;
  bool unhealthy = true;
  const auto body = reportOf(registry, &unhealthy);
  EXPECT_EQ(body["status"], "healthy");
  EXPECT_FALSE(unhealthy);
  EXPECT_TRUE(body["checks"].is_object());
  EXPECT_TRUE(body["checks"].empty());
}

TEST(HealthRegistry, ReportCarriesPodVersionAndUptime) {
  HealthRegistry registry;
  auto [body, unhealthy] =
      registry.report("pod-1", "0.1.0", std::chrono::steady_clock::now() - std::chrono::seconds(5));
  EXPECT_EQ(body["podId"], "pod-1");
  EXPECT_EQ(body["version"], "0.1.0");
  EXPECT_GE(body["uptimeSeconds"].get<int>(), 5);
}

TEST(HealthRegistry, AllUpIsHealthy) {
  HealthRegistry registry;
  registry.add("database", true, returning(CheckStatus::up));
  registry.add("redis", false, returning(CheckStatus::up));
  bool unhealthy = true;
  const auto body = reportOf(registry, &unhealthy);
  EXPECT_EQ(body["status"], "healthy");
  EXPECT_FALSE(unhealthy);
  EXPECT_EQ(body["checks"]["database"]["status"], "up");
  EXPECT_EQ(body["checks"]["redis"]["status"], "up");
}

TEST(HealthRegistry, NonCriticalDownIsDegraded) {
  HealthRegistry registry;
  registry.add("database", true, returning(CheckStatus::up));
  registry.add("redis", false, returning(CheckStatus::down));
  bool unhealthy = true;
  const auto body = reportOf(registry, &unhealthy);
  EXPECT_EQ(body["status"], "degraded");
  EXPECT_FALSE(unhealthy);
  EXPECT_EQ(body["checks"]["redis"]["status"], "down");
  EXPECT_EQ(body["checks"]["redis"]["error"], "refused");
}

TEST(HealthRegistry, CriticalDownIsUnhealthy) {
  HealthRegistry registry;
  registry.add("database", true, returning(CheckStatus::down));
  registry.add("redis", false, returning(CheckStatus::down));
  bool unhealthy = false;
  const auto body = reportOf(registry, &unhealthy);
  EXPECT_EQ(body["status"], "unhealthy");
  EXPECT_TRUE(unhealthy);
}

TEST(HealthRegistry, DisabledCriticalCheckIsStillHealthy) {
  HealthRegistry registry;
  registry.add("database", true, returning(CheckStatus::disabled));
  const auto body = reportOf(registry);
  EXPECT_EQ(body["status"], "healthy");
  EXPECT_EQ(body["checks"]["database"]["status"], "disabled");
  EXPECT_FALSE(body["checks"]["database"].contains("error"));
}

TEST(HealthRegistry, ThrowingProbeCountsAsDown) {
  HealthRegistry registry;
  registry.add("database", true, []() -> CheckResult { throw std::runtime_error("boom"); });
  bool unhealthy = false;
  const auto body = reportOf(registry, &unhealthy);
  EXPECT_TRUE(unhealthy);
  EXPECT_EQ(body["checks"]["database"]["status"], "down");
  EXPECT_EQ(body["checks"]["database"]["error"], "boom");
}

TEST(HealthRegistry, EveryCheckHasANumericLatency) {
  HealthRegistry registry;
  registry.add("slow", false, [] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return CheckResult{};
  });
  const auto body = reportOf(registry);
  ASSERT_TRUE(body["checks"]["slow"]["latencyMs"].is_number());
  EXPECT_GE(body["checks"]["slow"]["latencyMs"].get<double>(), 19.0);
}

TEST(HealthRegistry, ExtraFieldsOfAResultAreKept) {
  HealthRegistry registry;
  registry.add("redis", false, [] {
    return CheckResult{CheckStatus::disabled, std::nullopt, {{"mode", "in-process"}}};
  });
  EXPECT_EQ(reportOf(registry)["checks"]["redis"]["mode"], "in-process");
}

TEST(HealthRegistry, StatusNamesAreUpDownDisabled) {
  EXPECT_STREQ(statusName(CheckStatus::up), "up");
  EXPECT_STREQ(statusName(CheckStatus::down), "down");
  EXPECT_STREQ(statusName(CheckStatus::disabled), "disabled");
}

}  // namespace
}  // namespace monti::obs
