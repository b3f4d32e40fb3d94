#include "KvTestSupport.hpp"

#include <gtest/gtest.h>

namespace monti::kvtest {
namespace {

// Redis closes our connections (CLIENT KILL, as a restart or a network cut would); everything recovers.
class RedisReconnectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto url = testRedisUrl();
    if (!url) GTEST_SKIP() << "MONTI_TEST_REDIS_URL is not set";
    backend_ = std::make_unique<RedisBackend>(*url);
  }
  RedisBackend& backend() { return *backend_; }
  int kill(const std::string& suffix = "") {
    return killRedisClients(backend_->settings(), backend_->settings().clientName + suffix);
  }

 private:
  std::unique_ptr<RedisBackend> backend_;
};

TEST_F(RedisReconnectTest, TheSubscriberResubscribesAfterItsConnectionIsKilled) {
  const auto pubsub = backend().pubsub();
  Inbox inbox;
  const auto subscription = pubsub->subscribe("events", inbox.handler());
  ASSERT_EQ(kill("-sub"), 1);
  // Only a message published after the kill proves the new connection subscribed again.
  int sent = 0;
  EXPECT_TRUE(eventually([&] {
    pubsub->publish("events", "after-kill-" + std::to_string(sent++));
    std::this_thread::sleep_for(50ms);
    return !inbox.messages().empty();
  }));
}

TEST_F(RedisReconnectTest, ChannelsSubscribedWhileDisconnectedAreSubscribedOnReconnect) {
  const auto pubsub = backend().pubsub();
  Inbox first;
  const auto a = pubsub->subscribe("first", first.handler());
  ASSERT_EQ(kill("-sub"), 1);
  Inbox second;
  const auto b = pubsub->subscribe("second", second.handler());
  EXPECT_TRUE(eventually([&] {
    pubsub->publish("first", "x");
    pubsub->publish("second", "y");
    std::this_thread::sleep_for(50ms);
    return !first.messages().empty() && !second.messages().empty();
  }));
}

TEST_F(RedisReconnectTest, CommandsWorkAgainAfterPooledConnectionsAreKilled) {
  const auto cache = backend().cache();
  const auto counters = backend().counters();
  const auto pubsub = backend().pubsub();
  cache->set("k", "v", 10s);
  counters->increment("c", 1, 10s);
  ASSERT_GE(kill(), 1);
  EXPECT_TRUE(eventually([&] {
    try {
      return cache->get("k") == "v" && counters->increment("c", 1, 10s) >= 2 && pubsub->publish("p", "m");
    } catch (const kv::Unavailable&) {
      return false;
    }
  }));
}

}  // namespace
}  // namespace monti::kvtest
