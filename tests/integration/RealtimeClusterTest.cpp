// The realtime hub over several monti processes sharing PostgreSQL and Redis (docs/realtime.md): room traffic,
// routed outbox events and presence cross nodes through Redis, and a room's history in Redis survives a restart.
// Each test has a Redis key prefix of its own, so tests running in parallel never share rooms. RealtimeInProcess
// runs one node without Redis.
#include "support/Accounts.hpp"
#include "support/HttpClient.hpp"
#include "support/RealtimeFixture.hpp"
#include "support/WsClient.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>

namespace monti::itest {
namespace {

constexpr auto kWait = std::chrono::seconds(5);

class RealtimeCluster : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped()) return;
    if (runnerVariable("MONTI_TEST_REDIS_URL").empty())
      GTEST_SKIP() << "MONTI_TEST_REDIS_URL is not set (scripts/test sets it)";
    env_ = realtimeEnvironment(db().url());
    migrateUp(env_);
    a_ = startNode("node-a");
    b_ = startNode("node-b");
    admin_ = addMember(env_, a_->port(), "admin");
    alice_ = addMember(env_, a_->port(), "cs");
  }
  void TearDown() override {
    a_.reset();
    b_.reset();
    DatabaseTest::TearDown();
  }
  std::unique_ptr<MontiProcess> startNode(const std::string& pod) {
    auto env = env_;
    env["POD_ID"] = pod;
    return startServer(env);
  }
  std::string describeNodes() const {
    return (a_ ? a_->describe() : std::string()) + (b_ ? b_->describe() : std::string());
  }

  Environment env_;
  std::unique_ptr<MontiProcess> a_;
  std::unique_ptr<MontiProcess> b_;
  Member admin_;
  Member alice_;
};

TEST_F(RealtimeCluster, EventPublishedOnOneNodeReachesSubscribersOnTheOther) {
  const auto room = uniqueRoom();
  const auto onA = openWs(a_->port(), alice_.token);
  ASSERT_TRUE(subscribes(*onA, room));
  const nlohmann::json data{{"from", "node-b"}};
  const auto published = publish(b_->port(), admin_.token, room, "example.thing", data);
  const auto got = collectEvents(*onA, room, published.at("offset").get<std::int64_t>());
  ASSERT_EQ(got.offsets, (std::vector<std::int64_t>{published.at("offset").get<std::int64_t>()}))
      << "node A's client did not get node B's event\n"
      << describeNodes();
  EXPECT_EQ(got.events.front().value("data", nlohmann::json()), data);
}

TEST_F(RealtimeCluster, RoutedEventCommittedOnOneNodeReachesSubscribersOnTheOther) {
  const auto onA = openWs(a_->port(), alice_.token);
  ASSERT_TRUE(subscribes(*onA, "example:events"));
  const nlohmann::json payload{{"marker", uniqueName("routed")}};
  const nlohmann::json body{{"name", "example.pinged"}, {"payload", payload}, {"tenant", "default"}};
  const auto emitted = postJson(b_->port(), "/api/v1/example/events", body.dump());
  ASSERT_EQ(emitted.status, 202) << emitted.body;
  const auto event = onA->waitFor(
      [&](const nlohmann::json& m) {
        for (const auto& e : eventsOf(m, "example:events")) {
          if (e.value("data", nlohmann::json()) == payload && e.value("event", "") == "example.pinged") return true;
        }
        return false;
      },
      std::chrono::seconds(10));
  EXPECT_TRUE(event) << "node A's client never got the event committed on node B\n" << describeNodes();
}

TEST_F(RealtimeCluster, JoinOnOneNodeIsAnnouncedAndCountedOnTheOther) {
  const auto room = uniqueRoom();
  const auto user = addMember(env_, b_->port(), "viewer");
  const auto observer = openWs(a_->port(), alice_.token);
  ASSERT_TRUE(subscribes(*observer, room));
  const auto joiner = openWs(b_->port(), user.token);
  ASSERT_TRUE(subscribes(*joiner, room));
  const auto join = observer->waitFor(
      [&](const nlohmann::json& m) {
        return m.value("type", "") == "join" && m.value("room", "") == room && m.contains("user") &&
               sameId(m["user"].value("id", nlohmann::json()), user.id);
      },
      kWait);
  ASSERT_TRUE(join) << "node A's client got no join for a user on node B";
  ASSERT_TRUE(observer->sendJson({{"type", "presence"}, {"room", room}}));
  const auto presence = observer->waitForType("presence", kWait, room);
  ASSERT_TRUE(presence);
  EXPECT_EQ(presence->value("count", -1), 2) << presence->dump();
}

TEST_F(RealtimeCluster, HistoryInRedisSurvivesARestartOfEveryNode) {
  const auto room = uniqueRoom();
  std::vector<nlohmann::json> bodies;
  for (int n = 1; n <= 3; ++n)
    bodies.push_back(publish(a_->port(), admin_.token, room, "example.thing", {{"n", n}}));
  a_.reset();
  b_.reset();
  a_ = startNode("node-a2");

  const auto client = openWs(a_->port(), alice_.token);
  const auto since = nlohmann::json{{"offset", bodies[0].at("offset")}, {"epoch", bodies[0].at("epoch")}};
  const auto answer = client->subscribe(room, since);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->value("recovered", false), true) << answer->dump();
  const auto marker = publish(a_->port(), admin_.token, room, "example.marker", {});
  EXPECT_EQ(marker.value("epoch", ""), bodies[0].value("epoch", "?")) << "the epoch changed across the restart";
  const auto got = collectEvents(*client, room, marker.at("offset").get<std::int64_t>());
  EXPECT_EQ(got.offsets, (std::vector<std::int64_t>{bodies[1].at("offset").get<std::int64_t>(),
                                                    bodies[2].at("offset").get<std::int64_t>(),
                                                    marker.at("offset").get<std::int64_t>()}));
}

TEST_F(RealtimeCluster, ShutdownClosesConnectionsWith1001) {
  const auto client = openWs(a_->port(), alice_.token);
  ASSERT_TRUE(client->roundTrip());
  ASSERT_TRUE(a_->waitUntilSignalIsHandled(SIGTERM));
  a_->signal(SIGTERM);
  const auto end = client->waitForEnd(std::chrono::seconds(10));
  ASSERT_TRUE(end) << "the connection outlived the shutdown";
  EXPECT_TRUE(end->closeFrame) << end->describe();
  EXPECT_EQ(end->code.value_or(0), 1001) << end->describe();
  EXPECT_EQ(a_->waitForExit(std::chrono::seconds(15)), 0) << a_->describe();
}

// ----------------------------------------------------------------------------------------------------------------
// One node without Redis: rooms and history live in the process

class RealtimeInProcess : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped()) return;
    env_ = realtimeEnvironment(db().url(), false);
    migrateUp(env_);
    server_ = startServer(env_);
    admin_ = addMember(env_, server_->port(), "admin");
    alice_ = addMember(env_, server_->port(), "cs");
  }
  void TearDown() override {
    server_.reset();
    DatabaseTest::TearDown();
  }

  Environment env_;
  std::unique_ptr<MontiProcess> server_;
  Member admin_;
  Member alice_;
};

TEST_F(RealtimeInProcess, DeliversAndRecoversWithoutRedis) {
  const auto room = uniqueRoom();
  const auto first = publish(server_->port(), admin_.token, room, "example.thing", {{"n", 1}});
  publish(server_->port(), admin_.token, room, "example.thing", {{"n", 2}});
  const auto client = openWs(server_->port(), alice_.token);
  const auto answer =
      client->subscribe(room, nlohmann::json{{"offset", first.at("offset")}, {"epoch", first.at("epoch")}});
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->value("recovered", false), true) << answer->dump();
  const auto marker = publish(server_->port(), admin_.token, room, "example.marker", {});
  const auto got = collectEvents(*client, room, marker.at("offset").get<std::int64_t>());
  EXPECT_EQ(got.offsets, (std::vector<std::int64_t>{first.at("offset").get<std::int64_t>() + 1,
                                                    marker.at("offset").get<std::int64_t>()}));
}

TEST_F(RealtimeInProcess, RestartLosesTheHistoryChangesTheEpochAndSinceIsNotRecovered) {
  const auto room = uniqueRoom();
  const auto first = publish(server_->port(), admin_.token, room, "example.thing", {{"n", 1}});
  publish(server_->port(), admin_.token, room, "example.thing", {{"n", 2}});
  server_.reset();
  server_ = startServer(env_);

  const auto client = openWs(server_->port(), alice_.token);
  const auto answer =
      client->subscribe(room, nlohmann::json{{"offset", first.at("offset")}, {"epoch", first.at("epoch")}});
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->value("type", ""), "subscribed") << answer->dump();
  EXPECT_EQ(answer->value("recovered", true), false)
      << "recovered history that died with the process: " << answer->dump();
  EXPECT_NE(answer->value("epoch", ""), first.value("epoch", "")) << "same epoch after the history was lost";
  const auto marker = publish(server_->port(), admin_.token, room, "example.marker", {});
  const auto got = collectEvents(*client, room, marker.at("offset").get<std::int64_t>());
  EXPECT_EQ(got.offsets, (std::vector<std::int64_t>{marker.at("offset").get<std::int64_t>()})) << "replayed something";
}

}  // namespace
}  // namespace monti::itest
