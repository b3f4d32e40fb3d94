#include "kv/RateStore.hpp"

#include "KvTestSupport.hpp"
#include "kv/InProcessRateStore.hpp"
#include "kv/KeyValueServices.hpp"
#include "kv/RedisRateStore.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

namespace monti::kvtest {
namespace {

using std::chrono::microseconds;

// --- The GCRA arithmetic -----------------------------------------------------------------------------------

constexpr std::int64_t kNow = 1'000'000'000;
constexpr std::int64_t kSecond = 1'000'000;

TEST(Gcra, IntervalIsTheWindowSharedOutRoundedUp) {
  EXPECT_EQ(kv::gcraInterval(10, 1min), 6 * kSecond);
  EXPECT_EQ(kv::gcraInterval(3, 1000ms), 333'334);
  EXPECT_THROW(kv::gcraInterval(0, 1min), std::invalid_argument);
  EXPECT_THROW(kv::gcraInterval(5, 0ms), std::invalid_argument);
}

TEST(Gcra, AllowsABurstOfTheLimitThenRejects) {
  const std::int64_t interval = kv::gcraInterval(3, 3s);
  std::int64_t tat = 0;
  for (int remaining = 2; remaining >= 0; --remaining) {
    const kv::GcraStep step = kv::gcraStep(tat, kNow, 3, interval);
    ASSERT_TRUE(step.verdict.allowed);
    EXPECT_EQ(step.verdict.remaining, remaining);
    EXPECT_EQ(step.verdict.retryAfter, microseconds(0));
    tat = step.tat;
  }
  EXPECT_EQ(tat, kNow + 3 * kSecond);
  const kv::GcraStep rejected = kv::gcraStep(tat, kNow, 3, interval);
  EXPECT_FALSE(rejected.verdict.allowed);
  EXPECT_EQ(rejected.verdict.remaining, 0);
  EXPECT_EQ(rejected.verdict.retryAfter, microseconds(2 * kSecond));  // this one counted: two slots to wait
  EXPECT_EQ(rejected.verdict.resetAfter, microseconds(4 * kSecond));
}

TEST(Gcra, ResetIsWhenTheBucketIsFullAgain) {
  const kv::GcraStep step = kv::gcraStep(0, kNow, 10, kv::gcraInterval(10, 1min));
  EXPECT_EQ(step.verdict.resetAfter, microseconds(6 * kSecond));
  EXPECT_EQ(step.tat, kNow + 6 * kSecond);
}

TEST(Gcra, OneSlotFreesPerInterval) {
  const std::int64_t interval = kv::gcraInterval(2, 2s);
  const std::int64_t full = kNow + 2 * kSecond;
  EXPECT_FALSE(kv::gcraStep(full, kNow + kSecond - 1, 2, interval).verdict.allowed);
  const kv::GcraStep step = kv::gcraStep(full, kNow + kSecond, 2, interval);
  EXPECT_TRUE(step.verdict.allowed);
  EXPECT_EQ(step.verdict.remaining, 0);
}

TEST(Gcra, RetryingPastTheLimitCannotLockAClientOutForLong) {
  const std::int64_t interval = kv::gcraInterval(10, 1min);
  std::int64_t tat = 0;
  for (int i = 0; i < 1000; ++i)
    tat = kv::gcraStep(tat, kNow, 10, interval).tat;
  EXPECT_EQ(tat, kNow + 120 * kSecond);  // the debt stops at two windows
  EXPECT_TRUE(kv::gcraStep(tat, kNow + 66 * kSecond, 10, interval).verdict.allowed);
}

// --- Both stores -------------------------------------------------------------------------------------------

class RateStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      store_ = std::make_unique<kv::InProcessRateStore>();
      return;
    }
    const auto url = testRedisUrl();
    if (!url) GTEST_SKIP() << "MONTI_TEST_REDIS_URL is not set";
    settings_ = kv::RedisSettings::fromUrl(*url, "");
    settings_.clientName = "monti-test-rate";
    prefix_ = "monti-test:" + uniqueName() + ":";
    store_ =
        std::make_unique<kv::RedisRateStore>(std::make_shared<kv::RedisConnectionPool>(settings_, 4, logger_), prefix_);
  }
  kv::RateStore& store() { return *store_; }

  CountingLogger logger_;
  kv::RedisSettings settings_;
  std::string prefix_;

 private:
  std::unique_ptr<kv::RateStore> store_;
};

TEST_P(RateStoreTest, AllowsTheLimitThenRejectsWithARetryTime) {
  for (int remaining = 2; remaining >= 0; --remaining) {
    const kv::RateVerdict v = store().take("k", 3, 1min);
    ASSERT_TRUE(v.allowed);
    EXPECT_EQ(v.remaining, remaining);
  }
  const kv::RateVerdict rejected = store().take("k", 3, 1min);
  EXPECT_FALSE(rejected.allowed);
  EXPECT_GT(rejected.retryAfter, 39s);  // 20 s per slot; this rejected request took one as well
  EXPECT_LE(rejected.retryAfter, 40s);
  EXPECT_GT(rejected.resetAfter, rejected.retryAfter);
}

TEST_P(RateStoreTest, KeysAreIndependent) {
  ASSERT_TRUE(store().take("a", 1, 1min).allowed);
  EXPECT_FALSE(store().take("a", 1, 1min).allowed);
  EXPECT_TRUE(store().take("b", 1, 1min).allowed);
}

TEST_P(RateStoreTest, RefillsAfterTheWindow) {
  ASSERT_TRUE(store().take("tiny", 2, 200ms).allowed);
  ASSERT_TRUE(store().take("tiny", 2, 200ms).allowed);
  ASSERT_FALSE(store().take("tiny", 2, 200ms).allowed);
  std::this_thread::sleep_for(350ms);
  const kv::RateVerdict v = store().take("tiny", 2, 200ms);
  EXPECT_TRUE(v.allowed);
  EXPECT_EQ(v.remaining, 1);
}

TEST_P(RateStoreTest, HammeringIsForgivenWithinTwoWindows) {
  for (int i = 0; i < 50; ++i)
    store().take("hammer", 2, 200ms);  // 48 rejected, each counted
  std::this_thread::sleep_for(400ms);  // uncapped, the debt would be 5 s
  EXPECT_TRUE(store().take("hammer", 2, 200ms).allowed);
}

INSTANTIATE_TEST_SUITE_P(Backends, RateStoreTest, ::testing::Values("memory", "redis"), backendName);

// --- Redis specifics ---------------------------------------------------------------------------------------

class RedisRateStoreTest : public RateStoreTest {};

TEST_P(RedisRateStoreTest, KeysLiveUnderThePrefixAndExpireWhenFull) {
  store().take("route|user:1", 10, 1min);
  const kv::RedisContextPtr c = kv::connectRedis(settings_);
  const std::string key = prefix_ + "rate:route|user:1";
  const kv::RedisReplyPtr ttl = kv::runCommand(*c, {"PTTL", key});
  ASSERT_EQ(ttl->type, REDIS_REPLY_INTEGER);
  EXPECT_GT(ttl->integer, 5000);  // one slot of 6 s in use
  EXPECT_LE(ttl->integer, 6000);
  store().take("short", 5, 100ms);
  std::this_thread::sleep_for(200ms);
  const kv::RedisReplyPtr exists = kv::runCommand(*c, {"EXISTS", prefix_ + "rate:short"});
  EXPECT_EQ(exists->integer, 0);
}

TEST_P(RedisRateStoreTest, AWrongTypedKeyIsABugNotAnOutage) {
  const kv::RedisContextPtr c = kv::connectRedis(settings_);
  kv::runCommand(*c, {"LPUSH", prefix_ + "rate:odd", "x"});
  EXPECT_THROW(
      {
        try {
          store().take("odd", 1, 1s);
        } catch (const kv::Unavailable&) {
          ADD_FAILURE() << "reported as an outage";
        }
      },
      std::runtime_error);
}

INSTANTIATE_TEST_SUITE_P(Redis, RedisRateStoreTest, ::testing::Values("redis"), backendName);

TEST(RedisRateStore, UnreachableRedisIsUnavailable) {
  CountingLogger logger;
  kv::RedisSettings settings = kv::RedisSettings::fromUrl("redis://127.0.0.1:1", "");
  settings.timeout = 200ms;
  kv::RedisRateStore store(std::make_shared<kv::RedisConnectionPool>(settings, 1, logger), "monti-test:");
  EXPECT_THROW(store.take("k", 1, 1s), kv::Unavailable);
}

// --- In-process specifics ----------------------------------------------------------------------------------

class FakeSteadyClock {
 public:
  kv::InProcessRateStore::Clock clock() {
    return [this] { return std::chrono::steady_clock::time_point(std::chrono::microseconds(micros_.load())); };
  }
  void advance(std::chrono::microseconds d) { micros_ += d.count(); }

 private:
  std::atomic<std::int64_t> micros_{kNow};
};

TEST(InProcessRateStore, UsesTheInjectedClock) {
  FakeSteadyClock time;
  kv::InProcessRateStore store(100, time.clock());
  ASSERT_TRUE(store.take("k", 1, 1h).allowed);
  const kv::RateVerdict rejected = store.take("k", 1, 1h);
  ASSERT_FALSE(rejected.allowed);
  time.advance(rejected.retryAfter);
  EXPECT_TRUE(store.take("k", 1, 1h).allowed);
}

TEST(InProcessRateStore, DropsFullBucketsOnItsSweep) {
  FakeSteadyClock time;
  kv::InProcessRateStore store(100000, time.clock());
  for (int i = 0; i < 500; ++i)
    store.take("ip:" + std::to_string(i), 10, 1s);
  EXPECT_EQ(store.size(), 500U);
  time.advance(2min);  // every bucket is full again, and a minute has passed since the last sweep
  store.take("ip:new", 10, 1s);
  EXPECT_EQ(store.size(), 1U);
}

TEST(InProcessRateStore, StaysWithinItsCapEvictingTheBucketsClosestToFull) {
  FakeSteadyClock time;
  kv::InProcessRateStore store(100, time.clock());
  ASSERT_TRUE(store.take("hot", 1, 1h).allowed);
  ASSERT_FALSE(store.take("hot", 1, 1h).allowed);
  for (int i = 0; i < 1000; ++i)
    store.take("ip:" + std::to_string(i), 10, 1min);
  EXPECT_LE(store.size(), 100U);
  EXPECT_FALSE(store.take("hot", 1, 1h).allowed);  // the most limited client is the last forgotten
}

TEST(KeyValueServicesRates, EachModeHasARateStore) {
  obs::PrometheusRegistry metrics;
  CountingLogger logger;
  const auto local = kv::makeKeyValueServices("", "", metrics, logger);
  EXPECT_NE(dynamic_cast<kv::InProcessRateStore*>(local.rates.get()), nullptr);
  const auto shared = kv::makeKeyValueServices("redis://127.0.0.1:1", "", metrics, logger);
  EXPECT_NE(dynamic_cast<kv::RedisRateStore*>(shared.rates.get()), nullptr);
}

}  // namespace
}  // namespace monti::kvtest
