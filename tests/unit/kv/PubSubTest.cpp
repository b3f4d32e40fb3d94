#include "KvTestSupport.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace monti::kvtest {
namespace {

class PubSubTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    pubsub_ = backend().pubsub();
  }
  kv::PubSub& pubsub() { return *pubsub_; }
  void destroyPubSub() { pubsub_.reset(); }

 private:
  std::unique_ptr<kv::PubSub> pubsub_;
};

TEST_P(PubSubTest, DeliversAPublishedMessageToASubscriber) {
  Inbox inbox;
  const auto subscription = pubsub().subscribe("events", inbox.handler());
  EXPECT_TRUE(pubsub().publish("events", "hello"));
  ASSERT_TRUE(inbox.waitFor(1));
  EXPECT_EQ(inbox.messages().at(0), std::make_pair(std::string("events"), std::string("hello")));
}

TEST_P(PubSubTest, DeliversOnAnotherThreadThanThePublishers) {
  Inbox inbox;
  const auto subscription = pubsub().subscribe("events", inbox.handler());
  ASSERT_TRUE(pubsub().publish("events", "x"));
  ASSERT_TRUE(inbox.waitFor(1));
  EXPECT_NE(inbox.threads().at(0), std::this_thread::get_id());
}

TEST_P(PubSubTest, DeliversInPublishOrder) {
  Inbox inbox;
  const auto subscription = pubsub().subscribe("events", inbox.handler());
  for (int i = 0; i < 100; ++i)
    ASSERT_TRUE(pubsub().publish("events", std::to_string(i)));
  ASSERT_TRUE(inbox.waitFor(100));
  const auto messages = inbox.messages();
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(messages.at(static_cast<std::size_t>(i)).second, std::to_string(i));
}

TEST_P(PubSubTest, KeepsBinaryPayloadsIntact) {
  Inbox inbox;
  const auto subscription = pubsub().subscribe("events", inbox.handler());
  const std::string payload("a\0b\r\n{\"x\":1}", 12);
  ASSERT_TRUE(pubsub().publish("events", payload));
  ASSERT_TRUE(inbox.waitFor(1));
  EXPECT_EQ(inbox.messages().at(0).second, payload);
}

TEST_P(PubSubTest, EverySubscriberOfAChannelReceives) {
  Inbox first;
  Inbox second;
  const auto a = pubsub().subscribe("events", first.handler());
  const auto b = pubsub().subscribe("events", second.handler());
  ASSERT_TRUE(pubsub().publish("events", "both"));
  EXPECT_TRUE(first.waitFor(1));
  EXPECT_TRUE(second.waitFor(1));
}

TEST_P(PubSubTest, OtherChannelsAreNotDelivered) {
  Inbox events;
  Inbox marker;
  const auto a = pubsub().subscribe("events", events.handler());
  const auto b = pubsub().subscribe("marker", marker.handler());
  ASSERT_TRUE(pubsub().publish("elsewhere", "no"));
  ASSERT_TRUE(pubsub().publish("marker", "done"));
  ASSERT_TRUE(marker.waitFor(1));
  EXPECT_TRUE(events.messages().empty());
}

TEST_P(PubSubTest, ADestroyedSubscriptionReceivesNothingMore) {
  Inbox gone;
  Inbox staying;
  auto leaving = pubsub().subscribe("events", gone.handler());
  const auto remaining = pubsub().subscribe("events", staying.handler());
  leaving.reset();
  ASSERT_TRUE(pubsub().publish("events", "after"));
  ASSERT_TRUE(staying.waitFor(1));
  EXPECT_TRUE(gone.messages().empty());
}

TEST_P(PubSubTest, TheLastSubscriptionOfAChannelUnsubscribes) {
  Inbox gone;
  Inbox marker;
  auto leaving = pubsub().subscribe("events", gone.handler());
  const auto markerSubscription = pubsub().subscribe("marker", marker.handler());
  leaving.reset();
  ASSERT_TRUE(pubsub().publish("events", "after"));
  ASSERT_TRUE(pubsub().publish("marker", "done"));  // delivered after "after" would have been
  ASSERT_TRUE(marker.waitFor(1));
  EXPECT_TRUE(gone.messages().empty());
  // And subscribing again works.
  Inbox back;
  const auto again = pubsub().subscribe("events", back.handler());
  ASSERT_TRUE(pubsub().publish("events", "again"));
  EXPECT_TRUE(back.waitFor(1));
}

TEST_P(PubSubTest, AHandlerMayUnsubscribeItself) {
  Inbox marker;
  std::unique_ptr<kv::PubSub::Subscription> self;
  std::mutex mutex;
  std::atomic<int> calls{0};
  {
    const std::lock_guard lock(mutex);
    self = pubsub().subscribe("events", [&](const std::string&, const std::string&) {
      ++calls;
      const std::lock_guard inner(mutex);
      self.reset();
    });
  }
  const auto markerSubscription = pubsub().subscribe("marker", marker.handler());
  ASSERT_TRUE(pubsub().publish("events", "1"));
  ASSERT_TRUE(pubsub().publish("events", "2"));
  ASSERT_TRUE(pubsub().publish("marker", "done"));
  ASSERT_TRUE(marker.waitFor(1));
  EXPECT_EQ(calls, 1);
}

TEST_P(PubSubTest, AHandlerThatThrowsDoesNotStopDelivery) {
  Inbox inbox;
  const auto bad = pubsub().subscribe(
      "events", [](const std::string&, const std::string&) { throw std::runtime_error("handler bug"); });
  const auto good = pubsub().subscribe("events", inbox.handler());
  ASSERT_TRUE(pubsub().publish("events", "1"));
  ASSERT_TRUE(pubsub().publish("events", "2"));
  EXPECT_TRUE(inbox.waitFor(2));
}

TEST_P(PubSubTest, ASubscriptionMayOutliveItsPubSub) {
  Inbox inbox;
  auto subscription = pubsub().subscribe("events", inbox.handler());
  destroyPubSub();
  subscription.reset();  // must not touch the destroyed PubSub (ASan would tell)
  SUCCEED();
}

INSTANTIATE_TEST_SUITE_P(Backends, PubSubTest, ::testing::Values("memory", "redis"), backendName);

}  // namespace
}  // namespace monti::kvtest
