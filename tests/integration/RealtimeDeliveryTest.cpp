// What the realtime hub delivers, against the real binary (docs/realtime.md): events to subscribers only,
// batching and aggregation, heartbeats, slow consumers, recovery with `since`, Server-Sent Events and presence.
#include "support/Accounts.hpp"
#include "support/HttpClient.hpp"
#include "support/RealtimeFixture.hpp"
#include "support/SseClient.hpp"
#include "support/WsClient.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

namespace monti::itest {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kWait = std::chrono::seconds(5);

std::int64_t offsetOf(const nlohmann::json& published) { return published.at("offset").get<std::int64_t>(); }

// The sum of every series of metric `name`, whatever its labels; nullopt when there is none.
std::optional<double> metricSum(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string line;
  std::optional<double> sum;
  while (std::getline(in, line)) {
    if (line.rfind(name, 0) != 0 || line.size() <= name.size()) continue;
    const char next = line[name.size()];
    if (next != ' ' && next != '{') continue;
    sum = sum.value_or(0) + std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

// ----------------------------------------------------------------------------------------------------------------
// Delivery, presence, metrics

class RealtimeDelivery : public RealtimeSuite<RealtimeDelivery> {};

TEST_F(RealtimeDelivery, PublishedEventReachesEverySubscriberAndNoOneElse) {
  const auto room = uniqueRoom();
  const auto elsewhere = uniqueRoom();
  const auto first = openWs(port(), alice().token);
  const auto second = openWs(port(), bob().token);
  const auto outsider = openWs(port(), alice().token);
  ASSERT_TRUE(subscribes(*first, room));
  ASSERT_TRUE(subscribes(*second, room));
  ASSERT_TRUE(subscribes(*outsider, elsewhere));

  const nlohmann::json data{{"hello", "world"}, {"n", 42}};
  const auto published = publish(port(), admin().token, room, "example.thing", data);
  EXPECT_EQ(published.value("room", ""), room) << published.dump();
  EXPECT_TRUE(published.contains("epoch") && published["epoch"].is_string()) << published.dump();
  for (auto* client : {first.get(), second.get()}) {
    // The first event after a quiet period leaves at once, as a single `event`.
    const auto message = client->waitFor([&](const nlohmann::json& m) { return !eventsOf(m, room).empty(); }, kWait);
    ASSERT_TRUE(message) << "a subscriber never got the event";
    EXPECT_EQ(message->value("type", ""), "event") << message->dump();
    EXPECT_EQ(message->value("offset", -1), offsetOf(published)) << message->dump();
    EXPECT_EQ(message->value("event", ""), "example.thing") << message->dump();
    EXPECT_EQ(message->value("data", nlohmann::json()), data) << message->dump();
  }
  const auto marker = publish(port(), admin().token, elsewhere, "example.marker", {});
  ASSERT_FALSE(collectEvents(*outsider, elsewhere, offsetOf(marker)).offsets.empty());
  for (const auto& message : outsider->setAside())
    EXPECT_NE(message.value("room", ""), room) << "a non-subscriber got " << message.dump();
}

TEST_F(RealtimeDelivery, PublishingNeedsAnAdminToken) {
  const nlohmann::json body{{"room", uniqueRoom()}, {"event", "example.thing"}, {"data", {{"n", 1}}}};
  const auto byCs = postJson(port(), "/api/v1/admin/realtime/publish", body.dump(), bearer(alice().token));
  EXPECT_EQ(byCs.status, 403) << byCs.body;
  const auto anonymous = postJson(port(), "/api/v1/admin/realtime/publish", body.dump());
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
}

TEST_F(RealtimeDelivery, ABatchPublishPlacesEveryEventOrNoneWhenOneIsBad) {
  const auto a = uniqueRoom();
  const auto b = uniqueRoom();
  const auto client = openWs(port(), alice().token);
  ASSERT_TRUE(subscribes(*client, b));
  const nlohmann::json bad{
      {"events", {{{"room", a}, {"event", "example.one"}}, {{"room", 7}, {"event", "example.two"}}}}};
  const auto refused = postJson(port(), "/api/v1/admin/realtime/publish", bad.dump(), bearer(admin().token));
  ASSERT_EQ(refused.status, 400) << refused.body;
  EXPECT_NE(refused.body.find("events[1].room"), std::string::npos) << refused.body;

  const nlohmann::json good{{"events",
                             {{{"room", a}, {"event", "example.one"}, {"data", {{"n", 1}}}},
                              {{"room", b}, {"event", "example.two"}, {"data", {{"n", 2}}}},
                              {{"room", a}, {"event", "example.three"}}}}};
  const auto accepted = postJson(port(), "/api/v1/admin/realtime/publish", good.dump(), bearer(admin().token));
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  const auto published = accepted.json().at("published");
  ASSERT_EQ(published.size(), 3u) << accepted.body;
  EXPECT_EQ(published[0].value("offset", 0), 1) << "the refused batch published nothing in room a";
  EXPECT_EQ(published[2].value("offset", 0), 2);
  EXPECT_EQ(published[1].value("room", ""), b);
  const auto collected = collectEvents(*client, b, published[1].value("offset", 0));
  ASSERT_EQ(collected.events.size(), 1u);
  EXPECT_EQ(collected.events[0].value("data", nlohmann::json()), nlohmann::json({{"n", 2}}));
}

TEST_F(RealtimeDelivery, CommittedExampleEventIsRoutedToTheEventsRoom) {
  const auto client = openWs(port(), alice().token);
  ASSERT_TRUE(subscribes(*client, "example:events"));
  const nlohmann::json payload{{"marker", uniqueName("routed")}};
  const nlohmann::json body{{"name", "example.pinged"}, {"payload", payload}, {"tenant", "default"}};
  const auto emitted = postJson(port(), "/api/v1/example/events", body.dump());
  ASSERT_EQ(emitted.status, 202) << emitted.body;
  const auto event = client->waitFor(
      [&](const nlohmann::json& m) {
        for (const auto& e : eventsOf(m, "example:events")) {
          if (e.value("data", nlohmann::json()) == payload) return true;
        }
        return false;
      },
      std::chrono::seconds(10));
  ASSERT_TRUE(event) << "the routed event never reached example:events\n" << server().describe();
  EXPECT_EQ(eventsOf(*event, "example:events").back().value("event", ""), "example.pinged") << event->dump();
}

TEST_F(RealtimeDelivery, PresenceAnnouncesJoinAndLeaveAndCountsUsers) {
  const auto room = uniqueRoom();
  const auto user = addMember(env(), port(), "viewer");
  const auto observer = openWs(port(), alice().token);
  ASSERT_TRUE(subscribes(*observer, room));
  auto joiner = openWs(port(), user.token);
  ASSERT_TRUE(subscribes(*joiner, room));

  const auto isAbout = [&](const std::string& type) {
    return [&, type](const nlohmann::json& m) {
      return m.value("type", "") == type && m.value("room", "") == room && m.contains("user") &&
             sameId(m["user"].value("id", nlohmann::json()), user.id);
    };
  };
  const auto join = observer->waitFor(isAbout("join"), kWait);
  ASSERT_TRUE(join) << "the observer got no join for the new user";
  EXPECT_EQ(join->at("user").value("username", ""), user.account.username) << join->dump();

  ASSERT_TRUE(observer->sendJson({{"type", "presence"}, {"room", room}}));
  const auto presence = observer->waitForType("presence", kWait, room);
  ASSERT_TRUE(presence);
  EXPECT_EQ(presence->value("count", -1), 2) << presence->dump();
  std::set<std::string> ids;
  for (const auto& u : presence->value("users", nlohmann::json::array()))
    ids.insert(u.at("id").is_string() ? u.at("id").get<std::string>() : std::to_string(u.at("id").get<std::int64_t>()));
  EXPECT_EQ(ids, (std::set<std::string>{std::to_string(alice().id), std::to_string(user.id)})) << presence->dump();

  const auto overHttp = get(port(), "/api/v1/realtime/presence?room=" + room, bearer(alice().token));
  ASSERT_EQ(overHttp.status, 200) << overHttp.body;
  EXPECT_EQ(overHttp.json().value("count", -1), 2) << overHttp.body;
  EXPECT_EQ(overHttp.json().value("room", ""), room) << overHttp.body;

  joiner->sendClose();
  joiner->waitForEnd(kWait);
  joiner.reset();
  EXPECT_TRUE(observer->waitFor(isAbout("leave"), kWait)) << "the observer got no leave";
}

TEST_F(RealtimeDelivery, PresenceOverHttpNeedsTheRightToJoin) {
  const auto response = get(port(), "/api/v1/realtime/presence?room=example:admins", bearer(alice().token));
  EXPECT_EQ(response.status, 403) << response.body;
}

TEST_F(RealtimeDelivery, FirstAndLastConnectionOfAUserEmitDurableOnlineAndOfflineEvents) {
  const auto user = addMember(env(), port(), "viewer");
  const auto id = std::to_string(user.id);
  const auto count = [&](const std::string& name) {
    return db().sql().count("SELECT count(*) FROM event_outbox WHERE name = $1 AND payload->>'userId' = $2",
                            {name, id});
  };
  auto first = openWs(port(), user.token);
  ASSERT_TRUE(first->roundTrip());
  EXPECT_TRUE(eventually([&] { return count("realtime.user_online") >= 1; }, kWait))
      << "no realtime.user_online in event_outbox for user " << id;
  auto second = openWs(port(), user.token);
  ASSERT_TRUE(second->roundTrip());
  first->sendClose();
  first->waitForEnd(kWait);
  first.reset();
  ASSERT_TRUE(second->roundTrip());
  EXPECT_EQ(count("realtime.user_offline"), 0) << "offline while a connection is still open";
  EXPECT_EQ(count("realtime.user_online"), 1) << "online again for a second connection";

  second->sendClose();
  second->waitForEnd(kWait);
  second.reset();
  EXPECT_TRUE(eventually([&] { return count("realtime.user_offline") == 1; }, std::chrono::seconds(10)))
      << "no realtime.user_offline in event_outbox after the user's last connection closed";
  const auto payload = nlohmann::json::parse(
      db().sql().scalar("SELECT payload::text FROM event_outbox WHERE name = 'realtime.user_offline' AND "
                        "payload->>'userId' = $1",
                        {id}));
  EXPECT_EQ(payload.value("username", ""), user.account.username) << payload.dump();
  EXPECT_EQ(payload.value("tenant", ""), "default") << payload.dump();
}

TEST_F(RealtimeDelivery, APluginsThrowingJoinRuleOrAggregatorDoesNotTakeTheServerDown) {
  const auto victim = openWs(port(), alice().token);
  victim->sendText(R"({"type":"subscribe","room":"example:broken"})");
  EXPECT_TRUE(victim->waitForEnd(kWait)) << "the connection whose join rule threw should be closed";

  const auto client = openWs(port(), bob().token);
  ASSERT_TRUE(subscribes(*client, "example:badgroup"));
  const auto published = publish(port(), admin().token, "example:badgroup", "example.raw", {{"n", 1}});
  const auto collected = collectEvents(*client, "example:badgroup", offsetOf(published));
  ASSERT_FALSE(collected.events.empty()) << "the raw event should arrive when the aggregator throws";
  EXPECT_EQ(collected.events.back().value("event", ""), "example.raw");
  EXPECT_TRUE(client->roundTrip()) << "the server keeps serving";
}

TEST_F(RealtimeDelivery, PluginsObserveConnectionsOpeningAndClosing) {
  const auto user = addMember(env(), port(), "viewer");
  const auto id = std::to_string(user.id);
  const auto reported = [&](const std::string& kind) {
    std::vector<nlohmann::json> out;
    const auto body = get(port(), "/api/v1/example/connections").json();  // kept: the loop reads into it
    for (const auto& c : body.at("connections")) {
      if (c.value("user", "") == id && c.value("kind", "") == kind) out.push_back(c);
    }
    return out;
  };
  auto client = openWs(port(), user.token);
  ASSERT_TRUE(client->roundTrip());
  ASSERT_TRUE(eventually([&] { return reported("opened").size() == 1; }, kWait));
  const auto opened = reported("opened").front();
  EXPECT_EQ(opened.value("transport", ""), "websocket") << opened.dump();
  EXPECT_EQ(opened.value("remoteAddress", ""), "127.0.0.1") << opened.dump();
  EXPECT_FALSE(opened.value("connectionId", "").empty()) << opened.dump();
  EXPECT_TRUE(reported("closed").empty());
  client->sendClose();
  client->waitForEnd(kWait);
  client.reset();
  ASSERT_TRUE(eventually([&] { return reported("closed").size() == 1; }, kWait));
  EXPECT_EQ(reported("closed").front().value("connectionId", ""), opened.value("connectionId", ""));
}

TEST_F(RealtimeDelivery, MetricsCountConnectionsSubscriptionsAndPublishedEvents) {
  const auto room = uniqueRoom();
  const auto client = openWs(port(), alice().token);
  ASSERT_TRUE(subscribes(*client, room));
  const auto published = publish(port(), admin().token, room, "example.thing", {});
  ASSERT_FALSE(collectEvents(*client, room, offsetOf(published)).offsets.empty());
  const auto text = metricsText(port());
  for (const auto* name : {"monti_realtime_connections", "monti_realtime_subscriptions", "monti_realtime_rooms",
                           "monti_realtime_frames_out_total", "monti_realtime_bytes_out_total",
                           "monti_realtime_messages_in_total", "monti_realtime_published_total"}) {
    const auto value = metricSum(text, name);
    ASSERT_TRUE(value) << name << " is missing from /metrics";
    EXPECT_GE(*value, 1) << name;
  }
}

// ----------------------------------------------------------------------------------------------------------------
// Batching and aggregation

class RealtimeBatching : public RealtimeSuite<RealtimeBatching> {
 public:
  static void configure(Environment& env) { env["MONTI_REALTIME_BATCH_WINDOW"] = "300ms"; }
};

TEST_F(RealtimeBatching, EventsWithinTheWindowLeaveTogetherInBatchFrames) {
  const auto room = uniqueRoom();
  const auto client = openWs(port(), alice().token);
  ASSERT_TRUE(subscribes(*client, room));
  std::vector<std::int64_t> published;
  published.reserve(10);
  for (int i = 0; i < 10; ++i)
    published.push_back(offsetOf(publish(port(), admin().token, room, "example.thing", {{"i", i}})));
  for (std::size_t i = 1; i < published.size(); ++i)
    ASSERT_EQ(published[i], published[i - 1] + 1) << "offsets of one room must count up by one";

  const auto got = collectEvents(*client, room, published.back());
  ASSERT_EQ(got.offsets, published);
  EXPECT_LT(got.frames.size(), published.size()) << "no batching: one frame per event";
  EXPECT_EQ(got.frames.front().value("type", ""), "event") << "the first event after a quiet period leaves at once";
  bool sawBatch = false;
  for (const auto& frame : got.frames) {
    if (frame.value("type", "") != "batch") continue;
    sawBatch = true;
    const auto offsets = offsetsOf(frame, room);
    ASSERT_FALSE(offsets.empty()) << frame.dump();
    for (std::size_t i = 1; i < offsets.size(); ++i)
      EXPECT_EQ(offsets[i], offsets[i - 1] + 1) << frame.dump();
    EXPECT_EQ(frame.value("offset", -1), offsets.back()) << "a batch's offset is its last event's: " << frame.dump();
  }
  EXPECT_TRUE(sawBatch) << "no batch frame";
  for (std::size_t i = 0; i < got.events.size(); ++i) {
    EXPECT_EQ(got.events[i].value("event", ""), "example.thing");
    EXPECT_EQ(got.events[i].value("data", nlohmann::json()), (nlohmann::json{{"i", i}})) << got.events[i].dump();
  }
}

TEST_F(RealtimeBatching, AggregatorTurnsEachBatchIntoOneGroupedEvent) {
  const std::string room = "example:grouped";
  const auto client = openWs(port(), alice().token);
  ASSERT_TRUE(subscribes(*client, room));
  std::vector<std::string> names;
  for (int i = 0; i < 7; ++i) {
    names.push_back("example.g" + std::to_string(i));
    publish(port(), admin().token, room, names.back(), {{"i", i}});
  }
  std::vector<std::string> grouped;
  std::int64_t counted = 0;
  std::size_t frames = 0;
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (counted < 7 && Clock::now() < deadline) {
    const auto message =
        client->waitFor([&](const nlohmann::json& m) { return !eventsOf(m, room).empty(); },
                        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
    if (!message) break;
    ++frames;
    for (const auto& event : eventsOf(*message, room)) {
      EXPECT_EQ(event.value("event", ""), "example.grouped") << event.dump();
      const auto& data = event.at("data");
      counted += data.value("count", 0);
      for (const auto& name : data.value("events", nlohmann::json::array()))
        grouped.push_back(name.get<std::string>());
    }
  }
  EXPECT_EQ(counted, 7);
  EXPECT_EQ(grouped, names);
  EXPECT_LT(frames, names.size()) << "the aggregator grouped nothing";
}

// ----------------------------------------------------------------------------------------------------------------
// Heartbeat

class RealtimeHeartbeat : public RealtimeSuite<RealtimeHeartbeat> {
 public:
  static void configure(Environment& env) { env["WS_HEARTBEAT_INTERVAL"] = "500ms"; }
};

TEST_F(RealtimeHeartbeat, PeerThatAnswersNoPingIsClosedWhileOneThatDoesStaysOpen) {
  const auto room = uniqueRoom();
  const auto dead = openWs(port(), alice().token, WsOptions{.autoPong = false});
  const auto live = openWs(port(), bob().token);
  ASSERT_TRUE(subscribes(*live, room));
  const auto start = Clock::now();
  while (!dead->end() && Clock::now() - start < std::chrono::seconds(6)) {
    dead->nextFrame(std::chrono::milliseconds(50));
    live->nextFrame(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(dead->end()) << "a peer that answered no ping is still open after 6 s (interval 500 ms)";
  EXPECT_GE(dead->pingsReceived(), 1U) << "the server never pinged";
  // As long again as the dead peer lived, plus three intervals: the live one must still be there.
  const auto lived = Clock::now() - start;
  while (Clock::now() - start < 2 * lived + std::chrono::milliseconds(1500) && !live->end())
    live->nextFrame(std::chrono::milliseconds(50));
  ASSERT_FALSE(live->end()) << "a peer that answered every ping was closed: " << live->end()->describe();
  EXPECT_GE(live->pingsReceived(), 2U);
  const auto published = publish(port(), admin().token, room, "example.thing", {});
  EXPECT_FALSE(collectEvents(*live, room, offsetOf(published)).offsets.empty());
}

TEST_F(RealtimeHeartbeat, SseStreamGetsAPingCommentEveryInterval) {
  SseClient sse(port(), "/api/v1/events?rooms=" + uniqueRoom(), bearer(alice().token));
  ASSERT_EQ(sse.response().status, 200) << sse.response().body;
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (Clock::now() < deadline && !sse.ended() &&
         std::count(sse.comments().begin(), sse.comments().end(), "ping") < 2)
    sse.next(std::chrono::milliseconds(100));
  EXPECT_GE(std::count(sse.comments().begin(), sse.comments().end(), "ping"), 2) << "fewer than 2 `: ping` in 5 s";
}

// ----------------------------------------------------------------------------------------------------------------
// Slow consumers

class RealtimeSlowConsumer : public RealtimeSuite<RealtimeSlowConsumer> {
 public:
  static void configure(Environment& env) { env["MONTI_REALTIME_MAX_QUEUE_BYTES"] = "65536"; }
};

TEST_F(RealtimeSlowConsumer, ConsumerThatStopsReadingIsClosedWhileOthersGetEveryEvent) {
  // 8 KB events until the server gives up on the client that never reads: the kernel buffers a few MB of a
  // loopback connection before the server's own queue grows at all, so a fixed count could be too small.
  constexpr int kMaxEvents = 1000;
  const auto slowConsumersDropped = [&] {
    return metricValue(metricsText(port()), "monti_realtime_disconnects_total{reason=\"slow_consumer\"}").value_or(0);
  };
  const auto room = uniqueRoom();
  const auto slow = openWs(port(), alice().token, WsOptions{.receiveBufferBytes = 4096});
  const auto fast = openWs(port(), bob().token);
  ASSERT_TRUE(subscribes(*slow, room));
  ASSERT_TRUE(subscribes(*fast, room));

  std::mutex mutex;
  std::vector<std::int64_t> received;
  std::atomic<std::int64_t> lastReceived{0};
  std::atomic<std::int64_t> lastPublished{-1};
  std::thread reader([&] {
    const auto deadline = Clock::now() + std::chrono::seconds(90);
    while (Clock::now() < deadline && !fast->end()) {
      const auto target = lastPublished.load();
      if (target >= 0 && lastReceived.load() >= target) break;
      const auto message = fast->waitFor([&](const nlohmann::json& m) { return !eventsOf(m, room).empty(); },
                                         std::chrono::milliseconds(200));
      if (!message) continue;
      std::lock_guard lock(mutex);
      for (const auto offset : offsetsOf(*message, room)) {
        received.push_back(offset);
        lastReceived = offset;
      }
    }
  });

  const std::string payload(std::size_t{8} * 1024, 'x');
  std::vector<std::int64_t> published;
  try {
    for (int i = 0; i < kMaxEvents; ++i) {
      if (i >= 300 && i % 25 == 0 && slowConsumersDropped() >= 1) break;
      published.push_back(offsetOf(publish(port(), admin().token, room, "example.big", {{"i", i}, {"pad", payload}})));
      // Keep the reading client well under the queue limit: it must never look slow itself.
      const auto deadline = Clock::now() + std::chrono::seconds(10);
      while (published.back() - lastReceived.load() > 3 && Clock::now() < deadline && !fast->end())
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  } catch (...) {
    lastPublished = 0;
    reader.join();
    throw;
  }
  lastPublished = published.back();
  reader.join();

  ASSERT_FALSE(fast->end()) << "the reading client was closed: " << fast->end()->describe();
  EXPECT_EQ(received, published) << "the reading client missed events";

  const auto end = slow->waitForEnd(std::chrono::seconds(20));
  std::set<std::int64_t> slowOffsets;
  for (const auto& message : slow->setAside()) {
    for (const auto offset : offsetsOf(message, room))
      slowOffsets.insert(offset);
  }
  ASSERT_TRUE(end) << "the client that never read is still open after " << published.size() << " events of 8 KB ("
                   << published.size() * 8 / 1024 << " MB); reading now, it got " << slowOffsets.size() << " of them";
  if (end->closeFrame) {
    EXPECT_EQ(end->code.value_or(0), 1008) << end->describe();
  }
  EXPECT_LT(slowOffsets.size(), published.size());
  EXPECT_TRUE(eventually([&] { return slowConsumersDropped() >= 1; }, kWait))
      << "monti_realtime_disconnects_total{reason=\"slow_consumer\"} did not count it";
  RecordProperty("eventsPublished", static_cast<int>(published.size()));
}

// ----------------------------------------------------------------------------------------------------------------
// Recovery

class RealtimeRecovery : public RealtimeSuite<RealtimeRecovery> {
 public:
  static void configure(Environment& env) { env["MONTI_REALTIME_HISTORY_SIZE"] = "5"; }

 protected:
  // Publishes `count` events {"n": 1..count} to `room`; returns the 202 bodies.
  std::vector<nlohmann::json> publishMany(const std::string& room, int count) {
    std::vector<nlohmann::json> bodies;
    for (int n = 1; n <= count; ++n)
      bodies.push_back(publish(port(), admin().token, room, "example.thing", {{"n", n}}));
    return bodies;
  }
  // Subscribes with `since`, publishes a marker and returns the answer and the offsets that arrived up to it.
  std::pair<nlohmann::json, std::vector<std::int64_t>> resume(const std::string& room, const nlohmann::json& since,
                                                              std::int64_t* markerOffset = nullptr) {
    const auto client = openWs(port(), bob().token);
    const auto answer = client->subscribe(room, since);
    if (!answer) return {nlohmann::json(), {}};
    const auto marker = offsetOf(publish(port(), admin().token, room, "example.marker", {}));
    if (markerOffset != nullptr) *markerOffset = marker;
    return {*answer, collectEvents(*client, room, marker).offsets};
  }
};

TEST_F(RealtimeRecovery, SinceWithinTheHistoryReplaysExactlyTheMissedEventsInOrder) {
  const auto room = uniqueRoom();
  const auto bodies = publishMany(room, 3);
  EXPECT_EQ(offsetOf(bodies[0]), 1) << "a new room's first offset is 1";
  EXPECT_EQ(offsetOf(bodies[1]), 2);
  EXPECT_EQ(bodies[2].value("epoch", ""), bodies[0].value("epoch", "?"));

  const auto client = openWs(port(), bob().token);
  const auto answer = client->subscribe(room, nlohmann::json{{"offset", 1}, {"epoch", bodies[0]["epoch"]}});
  ASSERT_TRUE(answer);
  ASSERT_EQ(answer->value("type", ""), "subscribed") << answer->dump();
  EXPECT_EQ(answer->value("recovered", false), true) << answer->dump();
  const auto marker = offsetOf(publish(port(), admin().token, room, "example.marker", {}));
  const auto got = collectEvents(*client, room, marker);
  EXPECT_EQ(got.offsets, (std::vector<std::int64_t>{2, 3, marker}));
  ASSERT_GE(got.events.size(), 2U);
  EXPECT_EQ(got.events[0].value("data", nlohmann::json()), (nlohmann::json{{"n", 2}})) << got.events[0].dump();
  EXPECT_EQ(got.events[0].value("event", ""), "example.thing");
}

TEST_F(RealtimeRecovery, SinceExactlyAtTheHistorysStartIsStillRecovered) {
  const auto room = uniqueRoom();
  const auto bodies = publishMany(room, 13);  // history 5: offsets 9..13 are kept
  std::int64_t marker = 0;
  const auto [answer, offsets] = resume(room, {{"offset", 8}, {"epoch", bodies[0]["epoch"]}}, &marker);
  EXPECT_EQ(answer.value("recovered", false), true) << answer.dump();
  EXPECT_EQ(offsets, (std::vector<std::int64_t>{9, 10, 11, 12, 13, marker}));
}

TEST_F(RealtimeRecovery, SinceOlderThanTheHistoryIsNotRecoveredAndReplaysNothing) {
  const auto room = uniqueRoom();
  const auto bodies = publishMany(room, 13);
  std::int64_t marker = 0;
  const auto [answer, offsets] = resume(room, {{"offset", 7}, {"epoch", bodies[0]["epoch"]}}, &marker);
  EXPECT_EQ(answer.value("type", ""), "subscribed") << answer.dump();
  EXPECT_EQ(answer.value("recovered", true), false) << answer.dump();
  EXPECT_EQ(offsets, (std::vector<std::int64_t>{marker}));
}

TEST_F(RealtimeRecovery, SinceWithAnotherEpochIsNotRecovered) {
  const auto room = uniqueRoom();
  publishMany(room, 3);
  std::int64_t marker = 0;
  const auto [answer, offsets] = resume(room, {{"offset", 2}, {"epoch", "not-the-epoch"}}, &marker);
  EXPECT_EQ(answer.value("type", ""), "subscribed") << answer.dump();
  EXPECT_EQ(answer.value("recovered", true), false) << answer.dump();
  EXPECT_EQ(offsets, (std::vector<std::int64_t>{marker}));
}

TEST_F(RealtimeRecovery, SinceAtTheCurrentOffsetIsRecoveredWithNothingToReplay) {
  const auto room = uniqueRoom();
  const auto bodies = publishMany(room, 3);
  std::int64_t marker = 0;
  const auto [answer, offsets] = resume(room, {{"offset", 3}, {"epoch", bodies[0]["epoch"]}}, &marker);
  EXPECT_EQ(answer.value("recovered", false), true) << answer.dump();
  EXPECT_EQ(offsets, (std::vector<std::int64_t>{marker}));
}

// ----------------------------------------------------------------------------------------------------------------
// Server-Sent Events

class RealtimeSse : public RealtimeSuite<RealtimeSse> {};

std::string eventsTarget(const std::string& rooms) { return "/api/v1/events?rooms=" + rooms; }

// The positions an SSE id names: {"room@offset", …} (order is not specified).
std::set<std::string> positions(const std::optional<std::string>& id) {
  std::set<std::string> out;
  if (!id) return out;
  std::istringstream in(*id);
  std::string part;
  while (std::getline(in, part, ','))
    out.insert(part);
  return out;
}

TEST_F(RealtimeSse, StreamStartsWithSubscribedThenCarriesEventsWithRoomAtOffsetIds) {
  const auto room = uniqueRoom();
  SseClient sse(port(), eventsTarget(room), bearer(alice().token));
  ASSERT_EQ(sse.response().status, 200) << sse.response().body;
  EXPECT_EQ(sse.response().header("Content-Type").value_or("").rfind("text/event-stream", 0), 0U)
      << sse.response().header("Content-Type").value_or("(none)");
  const auto subscribed = sse.nextOfType("subscribed", kWait);
  ASSERT_TRUE(subscribed) << "no subscribed event";
  EXPECT_EQ(subscribed->json().value("room", ""), room) << subscribed->data;
  EXPECT_EQ(subscribed->json().value("recovered", true), false) << subscribed->data;

  const nlohmann::json data{{"hello", "sse"}};
  const auto published = publish(port(), admin().token, room, "example.thing", data);
  const auto event = sse.nextOfType("example.thing", kWait);
  ASSERT_TRUE(event) << "the published event never came";
  EXPECT_EQ(event->id.value_or("(none)"), room + "@" + std::to_string(offsetOf(published)));
  EXPECT_EQ(event->json(), data);
}

TEST_F(RealtimeSse, LastEventIdReplaysWhatWasMissed) {
  const auto room = uniqueRoom();
  std::string lastId;
  {
    SseClient sse(port(), eventsTarget(room), bearer(alice().token));
    ASSERT_EQ(sse.response().status, 200) << sse.response().body;
    ASSERT_TRUE(sse.nextOfType("subscribed", kWait));
    publish(port(), admin().token, room, "example.thing", {{"n", 1}});
    const auto event = sse.nextOfType("example.thing", kWait);
    ASSERT_TRUE(event && event->id);
    lastId = *event->id;
  }
  const auto second = publish(port(), admin().token, room, "example.thing", {{"n", 2}});
  const auto third = publish(port(), admin().token, room, "example.thing", {{"n", 3}});

  auto headers = bearer(alice().token);
  headers.emplace_back("Last-Event-ID", lastId);
  SseClient resumed(port(), eventsTarget(room), headers);
  ASSERT_EQ(resumed.response().status, 200) << resumed.response().body;
  const auto subscribed = resumed.nextOfType("subscribed", kWait);
  ASSERT_TRUE(subscribed);
  EXPECT_EQ(subscribed->json().value("recovered", false), true) << subscribed->data;
  const auto replayed2 = resumed.nextOfType("example.thing", kWait);
  const auto replayed3 = resumed.nextOfType("example.thing", kWait);
  ASSERT_TRUE(replayed2 && replayed3) << "the missed events were not replayed";
  EXPECT_EQ(replayed2->id.value_or(""), room + "@" + std::to_string(offsetOf(second)));
  EXPECT_EQ(replayed2->json(), (nlohmann::json{{"n", 2}}));
  EXPECT_EQ(replayed3->id.value_or(""), room + "@" + std::to_string(offsetOf(third)));
}

TEST_F(RealtimeSse, StreamOverTwoRoomsNamesThePositionInEachAndResumesBoth) {
  const auto first = uniqueRoom();
  const auto second = uniqueRoom();
  const auto a1 = publish(port(), admin().token, first, "example.thing", {{"n", "a1"}});
  publish(port(), admin().token, second, "example.thing", {{"n", "b1"}});
  std::optional<std::string> lastId;
  {
    SseClient sse(port(), eventsTarget(first + "," + second), bearer(alice().token));
    ASSERT_EQ(sse.response().status, 200) << sse.response().body;
    ASSERT_TRUE(sse.nextOfType("subscribed", kWait));
    ASSERT_TRUE(sse.nextOfType("subscribed", kWait)) << "one subscribed per room";
    const auto b2 = publish(port(), admin().token, second, "example.thing", {{"n", "b2"}});
    const auto event = sse.nextOfType("example.thing", kWait);
    ASSERT_TRUE(event);
    EXPECT_EQ(positions(event->id), (std::set<std::string>{first + "@" + std::to_string(offsetOf(a1)),
                                                           second + "@" + std::to_string(offsetOf(b2))}))
        << event->id.value_or("(no id)");
    lastId = event->id;
  }
  const auto a2 = publish(port(), admin().token, first, "example.thing", {{"n", "a2"}});
  auto headers = bearer(alice().token);
  headers.emplace_back("Last-Event-ID", lastId.value_or(""));
  SseClient resumed(port(), eventsTarget(first + "," + second), headers);
  ASSERT_EQ(resumed.response().status, 200) << resumed.response().body;
  const auto event = resumed.nextOfType("example.thing", kWait);
  ASSERT_TRUE(event) << "the event missed in the first room was not replayed";
  EXPECT_EQ(event->json(), (nlohmann::json{{"n", "a2"}})) << "replayed something else first";
  EXPECT_TRUE(positions(event->id).count(first + "@" + std::to_string(offsetOf(a2))) == 1)
      << event->id.value_or("(no id)");
}

TEST_F(RealtimeSse, RoomTheCallerMayNotJoinIs403AndAnUnknownRoom400) {
  SseClient forbidden(port(), eventsTarget("example:admins"), bearer(alice().token));
  EXPECT_EQ(forbidden.response().status, 403) << forbidden.response().body;
  SseClient unknown(port(), eventsTarget("nosuchplugin:room"), bearer(alice().token));
  EXPECT_EQ(unknown.response().status, 400) << unknown.response().body;
}

TEST_F(RealtimeSse, TokenInTheQueryWorksAndNoTokenIs401) {
  const auto room = uniqueRoom();
  SseClient anonymous(port(), eventsTarget(room));
  EXPECT_EQ(anonymous.response().status, 401) << anonymous.response().body;
  SseClient byQuery(port(), eventsTarget(room) + "&token=" + alice().token);
  ASSERT_EQ(byQuery.response().status, 200) << byQuery.response().body;
  EXPECT_TRUE(byQuery.nextOfType("subscribed", kWait));
}

}  // namespace
}  // namespace monti::itest
