// The RoomBroker contract, run against the in-process broker and (with MONTI_TEST_REDIS_URL) Redis.
#include "../kv/KvTestSupport.hpp"
#include "realtime/InProcessRoomBroker.hpp"
#include "realtime/RedisRoomBroker.hpp"

#include <gtest/gtest.h>

#include <mutex>

namespace monti::realtime {
namespace {

using kvtest::eventually;
using namespace std::chrono_literals;

/// What a broker's listener received.
class Received {
 public:
  RoomBroker::Listener listener() {
    return [this](const std::string& key, const BrokerMessage& message) {
      std::lock_guard lock(mutex_);
      messages_.emplace_back(key, message);
    };
  }
  std::vector<std::pair<std::string, BrokerMessage>> messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return messages_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, BrokerMessage>> messages_;
};

class RoomBrokerTest : public kvtest::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    broker_ = makeBroker("node-a");
    broker_->setListener(received_.listener());
    broker_->heartbeat();
  }
  void TearDown() override {
    broker_.reset();
    other_.reset();
    pubsubs_.clear();
  }

  std::unique_ptr<RoomBroker> makeBroker(const std::string& node, int historySize = 3,
                                         std::chrono::milliseconds ttl = 60s) {
    if (GetParam() == "memory") return std::make_unique<InProcessRoomBroker>(historySize, ttl);
    auto& redis = dynamic_cast<kvtest::RedisBackend&>(backend());
    pubsubs_.push_back(redis.pubsub());
    return std::make_unique<RedisRoomBroker>(redis.pool(), *pubsubs_.back(),
                                             RedisRoomBroker::Settings{redis.prefix(), node, historySize, ttl});
  }

  RoomBroker& broker() { return *broker_; }
  Received received_;
  std::vector<std::unique_ptr<kv::PubSub>> pubsubs_;
  std::unique_ptr<RoomBroker> broker_;
  std::unique_ptr<RoomBroker> other_;
};

TEST_P(RoomBrokerTest, OffsetsCountFromOneWithinOneEpoch) {
  broker().listen("t/r");
  const auto first = broker().publish("t/r", "e.one", R"({"n":1})");
  const auto second = broker().publish("t/r", "e.two", R"({"n":2})");
  EXPECT_EQ(first.offset, 1);
  EXPECT_EQ(second.offset, 2);
  EXPECT_EQ(first.epoch, second.epoch);
  EXPECT_FALSE(first.epoch.empty());
  EXPECT_EQ(broker().publish("t/other", "e", "{}").offset, 1) << "each room counts on its own";
}

TEST_P(RoomBrokerTest, ListenersReceiveEventsInOffsetOrder) {
  broker().listen("t/r");
  for (int i = 0; i < 5; ++i)
    broker().publish("t/r", "e.n", std::to_string(i));
  ASSERT_TRUE(eventually([&] { return received_.size() == 5; }));
  const auto messages = received_.messages();
  for (std::size_t i = 0; i < messages.size(); ++i) {
    EXPECT_EQ(messages[i].first, "t/r");
    EXPECT_EQ(messages[i].second.kind, BrokerMessage::Kind::event);
    EXPECT_EQ(messages[i].second.event.offset, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(messages[i].second.event.event, "e.n");
    EXPECT_EQ(messages[i].second.event.data, std::to_string(i));
  }
}

TEST_P(RoomBrokerTest, HistoryKeepsTheNewestEventsUpToItsSize) {
  for (int i = 1; i <= 5; ++i)
    broker().publish("t/h", "e", "{\"i\":" + std::to_string(i) + "}");
  const auto history = broker().history("t/h");
  EXPECT_EQ(history.offset, 5);
  ASSERT_EQ(history.events.size(), 3u);
  EXPECT_EQ(history.events.front().offset, 3);
  EXPECT_EQ(history.events.back().offset, 5);
  EXPECT_EQ(history.events.back().data, R"({"i":5})");
}

TEST_P(RoomBrokerTest, AnUnknownRoomHasOffsetZeroAndAStableEpoch) {
  const auto a = broker().history("t/new");
  const auto b = broker().history("t/new");
  EXPECT_EQ(a.offset, 0);
  EXPECT_TRUE(a.events.empty());
  EXPECT_EQ(a.epoch, b.epoch);
  EXPECT_EQ(broker().publish("t/new", "e", "{}").epoch, a.epoch) << "the first publish keeps the epoch";
}

TEST_P(RoomBrokerTest, DataWithNewlinesAndSpacesSurvivesTheRoundTrip) {
  broker().publish("t/d", "name with spaces", "{\"text\":\"a b\\nc\"}");
  const auto history = broker().history("t/d");
  ASSERT_EQ(history.events.size(), 1u);
  EXPECT_EQ(history.events[0].event, "name with spaces");
  EXPECT_EQ(history.events[0].data, "{\"text\":\"a b\\nc\"}");
}

TEST_P(RoomBrokerTest, PublishManyKeepsOrderAndOffsetsPerRoom) {
  broker().listen("t/a");
  broker().listen("t/b");
  broker().publish("t/a", "e.first", "0");
  const auto placed = broker().publishMany({{"t/a", "e.x", "1"}, {"t/b", "e.y", "2"}, {"t/a", "e.z", "3"}});
  ASSERT_EQ(placed.size(), 3u);
  EXPECT_EQ(placed[0].offset, 2);
  EXPECT_EQ(placed[1].offset, 1);
  EXPECT_EQ(placed[2].offset, 3);
  EXPECT_EQ(placed[0].epoch, placed[2].epoch);
  ASSERT_TRUE(eventually([&] { return received_.size() == 4; }));
  const auto messages = received_.messages();
  EXPECT_EQ(messages[1].second.event.data, "1");
  EXPECT_EQ(messages[2].first, "t/b");
  EXPECT_EQ(messages[3].second.event.event, "e.z");
  EXPECT_EQ(broker().history("t/a").events.back().data, "3");
  EXPECT_TRUE(broker().publishMany({}).empty());
}

TEST_P(RoomBrokerTest, SignalsReachListenersWithoutTakingAnOffset) {
  broker().listen("t/s");
  broker().signal("t/s", R"({"type":"join"})");
  ASSERT_TRUE(eventually([&] { return received_.size() == 1; }));
  EXPECT_EQ(received_.messages()[0].second.kind, BrokerMessage::Kind::signal);
  EXPECT_EQ(received_.messages()[0].second.signal, R"({"type":"join"})");
  EXPECT_EQ(broker().publish("t/s", "e", "{}").offset, 1);
}

TEST_P(RoomBrokerTest, TrackReportsTheFirstArrivalAndTheLastDeparture) {
  EXPECT_TRUE(broker().track("presence:t/r", "7", R"({"id":"7"})", +1));
  EXPECT_FALSE(broker().track("presence:t/r", "7", R"({"id":"7"})", +1)) << "a second connection";
  EXPECT_TRUE(broker().track("presence:t/r", "8", R"({"id":"8"})", +1));
  auto members = broker().members("presence:t/r");
  std::sort(members.begin(), members.end());
  EXPECT_EQ(members, (std::vector<std::string>{R"({"id":"7"})", R"({"id":"8"})"}));
  EXPECT_FALSE(broker().track("presence:t/r", "7", "", -1));
  EXPECT_TRUE(broker().track("presence:t/r", "7", "", -1));
  EXPECT_EQ(broker().members("presence:t/r"), std::vector<std::string>{R"({"id":"8"})"});
}

INSTANTIATE_TEST_SUITE_P(Backends, RoomBrokerTest, ::testing::Values("memory", "redis"), kvtest::backendName);

class RedisRoomBrokerTest : public RoomBrokerTest {};

TEST_P(RedisRoomBrokerTest, APublishOnOneNodeReachesAnotherNodeThatListens) {
  other_ = makeBroker("node-b");
  Received onB;
  other_->setListener(onB.listener());
  other_->listen("t/x");
  broker().publish("t/x", "e", "{}");
  ASSERT_TRUE(eventually([&] { return onB.size() == 1; }));
  EXPECT_EQ(onB.messages()[0].second.event.offset, 1);
  EXPECT_EQ(received_.size(), 0u) << "node A never listened to t/x";
  other_->unlisten("t/x");
  broker().publish("t/x", "e", "{}");
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(onB.size(), 1u) << "no traffic after the last unlisten";
}

TEST_P(RedisRoomBrokerTest, PresenceSpansNodesAndIgnoresDeadOnes) {
  other_ = makeBroker("node-b");
  other_->heartbeat();
  EXPECT_TRUE(broker().track("presence:t/p", "7", R"({"id":"7"})", +1));
  EXPECT_FALSE(other_->track("presence:t/p", "7", R"({"id":"7"})", +1)) << "already present on node A";
  EXPECT_FALSE(broker().track("presence:t/p", "7", "", -1)) << "still connected on node B";
  EXPECT_TRUE(other_->track("presence:t/p", "7", "", -1));

  auto ghost = makeBroker("node-never-alive");  // no heartbeat: counts as dead
  EXPECT_TRUE(ghost->track("presence:t/p", "9", R"({"id":"9"})", +1));
  EXPECT_TRUE(broker().members("presence:t/p").empty());
  EXPECT_TRUE(broker().track("presence:t/p", "9", R"({"id":"9"})", +1)) << "the dead node's count does not hide it";
}

INSTANTIATE_TEST_SUITE_P(Redis, RedisRoomBrokerTest, ::testing::Values("redis"), kvtest::backendName);

TEST(InProcessRoomBrokerTest, HistoryOlderThanItsTtlIsDropped) {
  InProcessRoomBroker broker(100, 50ms);
  broker.publish("t/r", "e", "{}");
  std::this_thread::sleep_for(80ms);
  broker.publish("t/r", "e", "{}");
  const auto history = broker.history("t/r");
  ASSERT_EQ(history.events.size(), 1u);
  EXPECT_EQ(history.events[0].offset, 2);
}

}  // namespace
}  // namespace monti::realtime
