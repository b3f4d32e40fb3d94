#include "http/RateLimiter.hpp"

#include "../kv/KvTestSupport.hpp"
#include "kv/InProcessRateStore.hpp"
#include "kv/RedisRateStore.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace monti::http {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kCreate = "/api/v1/agents";

/// Time that moves only when told to, so the in-process limiter is deterministic.
class FakeClock {
 public:
  std::chrono::steady_clock::time_point now() const {
    return std::chrono::steady_clock::time_point(std::chrono::microseconds(micros_.load()));
  }
  void advance(std::chrono::microseconds d) { micros_ += d.count(); }

 private:
  std::atomic<std::int64_t> micros_{1'000'000'000};
};

/// Runs every behaviour against the in-process store (on a fake clock) and against Redis (real time; skipped
/// without MONTI_TEST_REDIS_URL). For Redis each node(i) is a separate pool, as on separate servers.
class RateLimiterTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      memory_ = std::make_unique<kv::InProcessRateStore>(1000, [this] { return clock_.now(); });
      return;
    }
    url_ = kvtest::testRedisUrl();
    if (!url_) GTEST_SKIP() << "MONTI_TEST_REDIS_URL is not set";
    prefix_ = "monti-test:" + kvtest::uniqueName() + ":";
  }

  kv::RateStore& node(std::size_t i) {
    if (memory_) return *memory_;
    while (nodes_.size() <= i) {
      kv::RedisSettings settings = kv::RedisSettings::fromUrl(*url_, "");
      settings.clientName = "monti-test-rate";
      auto pool = std::make_shared<kv::RedisConnectionPool>(settings, 4, logger_);
      nodes_.push_back(std::make_unique<kv::RedisRateStore>(pool, prefix_));
    }
    return *nodes_[i];
  }
  RateLimiter limiter(std::size_t nodeIndex = 0, const RateLimitTable& overrides = {}) {
    return RateLimiter(node(nodeIndex), metrics_, logger_, kDefaultRateLimit, overrides);
  }
  void advance(std::chrono::milliseconds d) {
    if (memory_) {
      clock_.advance(d);
    } else {
      std::this_thread::sleep_for(d);
    }
  }

  obs::PrometheusRegistry metrics_;
  kvtest::CountingLogger logger_;

 private:
  FakeClock clock_;
  std::unique_ptr<kv::InProcessRateStore> memory_;
  std::optional<std::string> url_;
  std::string prefix_;
  std::vector<std::unique_ptr<kv::RateStore>> nodes_;
};

TEST_P(RateLimiterTest, RejectsEleventhCreateWithinAMinute) {
  auto rl = limiter();
  for (int i = 0; i < 10; ++i) {
    const RateDecision d = rl.check("POST", kCreate, "user:1");
    ASSERT_TRUE(d.allowed) << "request " << i + 1;
    EXPECT_EQ(d.limit, 10);
    EXPECT_EQ(d.remaining, 9 - i);
  }
  const RateDecision eleventh = rl.check("POST", kCreate, "user:1");
  EXPECT_FALSE(eleventh.allowed);
  EXPECT_EQ(eleventh.remaining, 0);
  EXPECT_GT(eleventh.retryAfter, 0s);
  EXPECT_LE(eleventh.retryAfter, 60s);
  EXPECT_GT(eleventh.reset, 0s);
}

TEST_P(RateLimiterTest, CountsRejectedRequestsToo) {
  auto rl = limiter(0, {{"POST /api/v1/probe", {2, 1s}}});
  ASSERT_TRUE(rl.check("POST", "/api/v1/probe", "ip:10.0.0.1").allowed);
  ASSERT_TRUE(rl.check("POST", "/api/v1/probe", "ip:10.0.0.1").allowed);
  const RateDecision third = rl.check("POST", "/api/v1/probe", "ip:10.0.0.1");
  ASSERT_FALSE(third.allowed);
  ASSERT_FALSE(rl.check("POST", "/api/v1/probe", "ip:10.0.0.1").allowed);  // counted: pushes the next slot out
  advance(third.retryAfter + 50ms);
  EXPECT_FALSE(rl.check("POST", "/api/v1/probe", "ip:10.0.0.1").allowed);
  advance(1s);
  EXPECT_TRUE(rl.check("POST", "/api/v1/probe", "ip:10.0.0.1").allowed);
}

TEST_P(RateLimiterTest, LimitsArePerIdentity) {
  auto rl = limiter();
  for (int i = 0; i < 11; ++i)
    rl.check("POST", kCreate, "user:1");
  EXPECT_FALSE(rl.check("POST", kCreate, "user:1").allowed);
  EXPECT_TRUE(rl.check("POST", kCreate, "user:2").allowed);
  EXPECT_TRUE(rl.check("POST", kCreate, "ip:192.0.2.7").allowed);
}

TEST_P(RateLimiterTest, LimitsArePerRoute) {
  auto rl = limiter();
  for (int i = 0; i < 11; ++i)
    rl.check("POST", kCreate, "user:1");
  EXPECT_FALSE(rl.check("POST", kCreate, "user:1").allowed);
  const RateDecision list = rl.check("GET", kCreate, "user:1");
  EXPECT_TRUE(list.allowed);
  EXPECT_EQ(list.remaining, 99);
  EXPECT_TRUE(rl.check("PUT", "/api/v1/agents/:id", "user:1").allowed);
}

TEST_P(RateLimiterTest, TheWindowRefills) {
  auto rl = limiter(0, {{"GET /api/v1/tiny", {2, 1s}}});
  ASSERT_TRUE(rl.check("GET", "/api/v1/tiny", "user:1").allowed);
  ASSERT_TRUE(rl.check("GET", "/api/v1/tiny", "user:1").allowed);
  const RateDecision rejected = rl.check("GET", "/api/v1/tiny", "user:1");
  ASSERT_FALSE(rejected.allowed);
  EXPECT_EQ(rejected.retryAfter, 1s);
  advance(rejected.retryAfter + 50ms);
  EXPECT_TRUE(rl.check("GET", "/api/v1/tiny", "user:1").allowed);
}

TEST_P(RateLimiterTest, TwoNodesShareOneBudget) {
  auto first = limiter(0);
  auto second = limiter(1);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(first.check("POST", kCreate, "user:1").allowed);
    ASSERT_TRUE(second.check("POST", kCreate, "user:1").allowed);
  }
  const RateDecision eleventh = second.check("POST", kCreate, "user:1");
  EXPECT_FALSE(eleventh.allowed);
  EXPECT_GT(eleventh.retryAfter, 0s);
  EXPECT_FALSE(first.check("POST", kCreate, "user:1").allowed);
}

TEST_P(RateLimiterTest, ConcurrentRequestsNeverExceedTheLimit) {
  auto rl = limiter();
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  threads.reserve(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        if (rl.check("POST", kCreate, "user:1").allowed) ++allowed;
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(allowed.load(), 10);
}

TEST_P(RateLimiterTest, CountsRejectionsPerRoute) {
  auto rl = limiter();
  for (int i = 0; i < 12; ++i)
    rl.check("POST", kCreate, "user:1");
  EXPECT_EQ(metrics_.counter("monti_rate_limited_total", "", {{"route", "POST /api/v1/agents"}}).value(), 2U);
  EXPECT_EQ(metrics_.render().find("user:1"), std::string::npos);  // identities never become labels
}

INSTANTIATE_TEST_SUITE_P(Stores, RateLimiterTest, ::testing::Values("memory", "redis"), kvtest::backendName);

// --- Limits and config -------------------------------------------------------------------------------------

class Limits : public ::testing::Test {
 protected:
  kv::InProcessRateStore store_;
  obs::PrometheusRegistry metrics_;
  kvtest::CountingLogger logger_;
};

TEST_F(Limits, SeedDefaultsApplyWithoutConfig) {
  const RateLimiter rl(store_, metrics_, logger_);
  EXPECT_EQ(rl.limitFor("POST", "/api/v1/agents").limit, 10);
  EXPECT_EQ(rl.limitFor("POST", "/api/v1/agents").window, 1min);
  EXPECT_EQ(rl.limitFor("PUT", "/api/v1/agents/:id").limit, 30);
  EXPECT_EQ(rl.limitFor("GET", "/api/v1/agents").limit, 100);
  EXPECT_EQ(rl.limitFor("PUT", "/api/v1/agents/bulk").limit, 5);
  EXPECT_EQ(rl.limitFor("PUT", "/api/v1/agents/bulk").window, 5min);
  EXPECT_EQ(rl.limitFor("GET", "/api/v1/agents/:id").limit, 300);  // every other route: 300 per minute
  EXPECT_EQ(rl.limitFor("GET", "/api/v1/agents/:id").window, 1min);
}

TEST_F(Limits, BulkUpdatesAreLimitedToFivePerFiveMinutes) {
  RateLimiter rl(store_, metrics_, logger_);
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(rl.check("PUT", "/api/v1/agents/bulk", "user:1").allowed);
  const RateDecision sixth = rl.check("PUT", "/api/v1/agents/bulk", "user:1");
  EXPECT_FALSE(sixth.allowed);
  EXPECT_GT(sixth.retryAfter, 59s);  // one slot frees every minute
}

TEST_F(Limits, OverridesReplaceSeedDefaults) {
  RateLimiter rl(store_, metrics_, logger_, {50, 1min}, parseRateLimitOverrides("POST /api/v1/agents=3/1m"));
  EXPECT_EQ(rl.limitFor("GET", "/api/v1/other").limit, 50);
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(rl.check("POST", kCreate, "user:1").allowed);
  EXPECT_FALSE(rl.check("POST", kCreate, "user:1").allowed);
  EXPECT_EQ(rl.limitFor("GET", "/api/v1/agents").limit, 100);  // untouched seed entries stay
}

TEST_F(Limits, RejectsNonPositiveLimits) {
  EXPECT_THROW(RateLimiter(store_, metrics_, logger_, {0, 1min}), std::invalid_argument);
  EXPECT_THROW(RateLimiter(store_, metrics_, logger_, kDefaultRateLimit, {{"GET /x", {5, 0ms}}}),
               std::invalid_argument);
}

TEST(RateLimitOverrides, ParsesEntriesAndUnits) {
  const RateLimitTable table = parseRateLimitOverrides(
      "POST /api/v1/agents=10/1m; GET /api/v1/agents=100/60s\nPUT /api/v1/agents/bulk = 5/5m;"
      "DELETE /api/v1/agents/:id=2/500ms;PATCH /x=1/1h;");
  ASSERT_EQ(table.size(), 5U);
  EXPECT_EQ(table.at("POST /api/v1/agents").limit, 10);
  EXPECT_EQ(table.at("POST /api/v1/agents").window, 60s);
  EXPECT_EQ(table.at("GET /api/v1/agents").window, 60s);
  EXPECT_EQ(table.at("PUT /api/v1/agents/bulk").window, 5min);
  EXPECT_EQ(table.at("DELETE /api/v1/agents/:id").window, 500ms);
  EXPECT_EQ(table.at("PATCH /x").window, 1h);
}

TEST(RateLimitOverrides, EmptyTextMeansNone) {
  EXPECT_TRUE(parseRateLimitOverrides("").empty());
  EXPECT_TRUE(parseRateLimitOverrides(" ; \n ").empty());
}

TEST(RateLimitOverrides, TheApiAliasSharesTheV1Budget) {
  const RateLimitTable table = parseRateLimitOverrides("POST /api/agents=7/1m; GET /api=1/1s");
  EXPECT_EQ(table.at("POST /api/v1/agents").limit, 7);
  EXPECT_EQ(table.count("GET /api/v1"), 1U);
}

TEST(RateLimitOverrides, ErrorsNameTheBadEntry) {
  const std::vector<std::string> bad{
      "POST /api/v1/agents",          // no '='
      "POST=10/1m",                   // no pattern
      "FETCH /api/v1/agents=10/1m",   // unknown method
      "post /api/v1/agents=10/1m",    // methods are upper case
      "POST api/v1/agents=10/1m",     // pattern without '/'
      "POST /api/v1/agents=0/1m",     // zero count
      "POST /api/v1/agents=ten/1m",   // not a number
      "POST /api/v1/agents=10",       // no window
      "POST /api/v1/agents=10/60",    // window without unit
      "POST /api/v1/agents=10/1d",    // unknown unit
      "POST /api/v1/agents=10/0s",    // empty window
      "POST /api/v1/agents=10/999h",  // longer than a week
  };
  for (const auto& entry : bad) {
    try {
      parseRateLimitOverrides("GET /api/v1/agents=5/1m; " + entry);
      ADD_FAILURE() << "accepted: " << entry;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find('"' + entry + '"'), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("expected"), std::string::npos) << e.what();
    }
  }
}

TEST(RateLimitOverrides, ARouteListedTwiceIsAnError) {
  EXPECT_THROW(parseRateLimitOverrides("POST /api/agents=1/1m; POST /api/v1/agents=2/1m"), std::invalid_argument);
}

TEST(RateLimitOverrides, ParsesASingleLimit) {
  EXPECT_EQ(parseRateLimit("300/1m").limit, 300);
  EXPECT_EQ(parseRateLimit("300/1m").window, 1min);
  EXPECT_THROW(parseRateLimit("300"), std::invalid_argument);
}

// --- Headers -----------------------------------------------------------------------------------------------

std::map<std::string, std::string> headersOf(const Response& response) {
  return {response.headers().begin(), response.headers().end()};
}

TEST(RateHeaders, AllowedResponsesCarryTheQuota) {
  Response response = Response::noContent();
  applyRateHeaders(response, {true, 10, 7, 18s, 0s});
  const auto headers = headersOf(response);
  EXPECT_EQ(headers.at("RateLimit-Limit"), "10");
  EXPECT_EQ(headers.at("RateLimit-Remaining"), "7");
  EXPECT_EQ(headers.at("RateLimit-Reset"), "18");
  EXPECT_EQ(headers.count("Retry-After"), 0U);
}

TEST(RateHeaders, RejectedResponsesSayWhenToRetry) {
  Response response = Response::noContent();
  applyRateHeaders(response, {false, 10, 0, 66s, 6s});
  const auto headers = headersOf(response);
  EXPECT_EQ(headers.at("RateLimit-Remaining"), "0");
  EXPECT_EQ(headers.at("RateLimit-Reset"), "66");
  EXPECT_EQ(headers.at("Retry-After"), "6");
}

TEST(RateHeaders, ComeFromARealDecision) {
  kv::InProcessRateStore store;
  obs::PrometheusRegistry metrics;
  kvtest::CountingLogger logger;
  RateLimiter rl(store, metrics, logger);
  for (int i = 0; i < 10; ++i)
    rl.check("POST", kCreate, "user:1");
  Response response = Response::noContent();
  applyRateHeaders(response, rl.check("POST", kCreate, "user:1"));
  const auto headers = headersOf(response);
  EXPECT_EQ(headers.at("RateLimit-Limit"), "10");
  EXPECT_GT(std::stoi(headers.at("Retry-After")), 0);
  EXPECT_GE(std::stoi(headers.at("RateLimit-Reset")), std::stoi(headers.at("Retry-After")));
}

// --- Store outages -----------------------------------------------------------------------------------------

/// A store that fails while `down` is set.
class FlakyStore final : public kv::RateStore {
 public:
  kv::RateVerdict take(std::string_view key, int limit, std::chrono::milliseconds window) override {
    if (down) throw kv::Unavailable("redis: connect 127.0.0.1:1: Connection refused");
    return inner_.take(key, limit, window);
  }
  std::atomic<bool> down{false};

 private:
  kv::InProcessRateStore inner_;
};

TEST(RateLimiterOutage, FailsOpenCountsAndLogsOncePerOutage) {
  FlakyStore store;
  obs::PrometheusRegistry metrics;
  kvtest::CountingLogger logger;
  RateLimiter rl(store, metrics, logger, kDefaultRateLimit, {{"GET /x", {1, 1min}}});
  auto& errors = metrics.counter("monti_rate_limit_store_errors_total", "");
  store.down = true;
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(rl.check("GET", "/x", "user:1").allowed);
  EXPECT_EQ(errors.value(), 3U);
  EXPECT_EQ(logger.warnings.load(), 1);
  store.down = false;
  EXPECT_TRUE(rl.check("GET", "/x", "user:1").allowed);
  EXPECT_FALSE(rl.check("GET", "/x", "user:1").allowed);  // enforced again once the store is back
  store.down = true;
  rl.check("GET", "/x", "user:1");
  EXPECT_EQ(logger.warnings.load(), 2);  // a new outage is logged again
}

TEST(RateLimiterOutage, AnUnreachableRedisAllowsRequests) {
  obs::PrometheusRegistry metrics;
  kvtest::CountingLogger logger;
  kv::RedisSettings settings = kv::RedisSettings::fromUrl("redis://127.0.0.1:1", "");
  settings.timeout = 200ms;
  kv::RedisRateStore store(std::make_shared<kv::RedisConnectionPool>(settings, 2, logger), "monti-test:");
  RateLimiter rl(store, metrics, logger, kDefaultRateLimit, {{"GET /x", {1, 1min}}});
  EXPECT_TRUE(rl.check("GET", "/x", "user:1").allowed);
  EXPECT_TRUE(rl.check("GET", "/x", "user:1").allowed);
  EXPECT_EQ(metrics.counter("monti_rate_limit_store_errors_total", "").value(), 2U);
}

}  // namespace
}  // namespace monti::http
