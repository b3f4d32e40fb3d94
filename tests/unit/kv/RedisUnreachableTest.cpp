#include "KvTestSupport.hpp"

#include <gtest/gtest.h>

namespace monti::kvtest {
namespace {

// Nothing listens on port 1: every connect is refused at once.
class RedisUnreachableTest : public ::testing::Test {
 protected:
  RedisUnreachableTest() : backend_("redis://127.0.0.1:1") {}
  RedisBackend backend_;
};

TEST_F(RedisUnreachableTest, CacheGetIsAMissAndWritesAreNoOps) {
  const auto cache = backend_.cache();
  EXPECT_NO_THROW(cache->set("k", "v", 10s, {"t"}));
  EXPECT_EQ(cache->get("k"), std::nullopt);
  EXPECT_NO_THROW(cache->deleteKey("k"));
  EXPECT_NO_THROW(cache->deletePrefix("k"));
  EXPECT_NO_THROW(cache->deleteTag("t"));
}

TEST_F(RedisUnreachableTest, CacheGetOrComputeStillComputes) {
  const auto cache = backend_.cache();
  EXPECT_EQ(cache->getOrCompute("k", 10s, [] { return std::string("computed"); }), "computed");
}

TEST_F(RedisUnreachableTest, CountersThrowUnavailable) {
  const auto counters = backend_.counters();
  EXPECT_THROW(counters->increment("c", 1, 10s), kv::Unavailable);
}

TEST_F(RedisUnreachableTest, LocksThrowOnAcquireAndReleaseQuietly) {
  const auto locks = backend_.locks();
  EXPECT_THROW(locks->tryAcquire("job", 10s), kv::Unavailable);
  EXPECT_NO_THROW(locks->release("job", "token"));
}

TEST_F(RedisUnreachableTest, PublishReturnsFalseAndSubscribeDoesNotHang) {
  const auto started = std::chrono::steady_clock::now();
  {
    const auto pubsub = backend_.pubsub();
    EXPECT_FALSE(pubsub->publish("events", "lost"));
    Inbox inbox;
    const auto subscription = pubsub->subscribe("events", inbox.handler());
  }  // the subscriber thread, in its backoff, stops promptly
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1500ms);
}

TEST_F(RedisUnreachableTest, TheOutageIsLoggedOnce) {
  const auto cache = backend_.cache();
  for (int i = 0; i < 20; ++i)
    cache->get("k");
  EXPECT_EQ(backend_.logger.warnings, 1);
}

TEST(RedisSettings, UrlPasswordWinsOverTheSeparateOne) {
  EXPECT_EQ(kv::RedisSettings::fromUrl("redis://:fromurl@cache:6380/2", "separate").password, "fromurl");
  const auto settings = kv::RedisSettings::fromUrl("redis://cache:6380/2", "separate");
  EXPECT_EQ(settings.password, "separate");
  EXPECT_EQ(settings.host, "cache");
  EXPECT_EQ(settings.port, 6380);
  EXPECT_EQ(settings.db, 2);
}

}  // namespace
}  // namespace monti::kvtest
