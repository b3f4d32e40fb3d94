// The transactional outbox end to end: POST /api/v1/example/events writes a note and emits example.pinged in one
// transaction (rolled back on request); GET /api/v1/example/events lists what this node's subscriber received.
//
// Each test has a database of its own, so its relay (advisory lock 4242000002, per database) never waits for
// another test's. Redis pub/sub channels are not per database, though: a node may also receive events of a test
// running in parallel, so every check looks for its own event ids or aggregate only.
#include "support/HttpClient.hpp"
#include "support/MontiProcess.hpp"
#include "support/TestDatabase.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace monti::itest {
namespace {

using Events = DatabaseTest;

std::string emit(int port, const std::string& aggregate, const nlohmann::json& payload, bool rollback = false) {
  const nlohmann::json body{
      {"name", "example.pinged"}, {"payload", payload}, {"aggregate", aggregate}, {"rollback", rollback}};
  const auto response = postJson(port, "/api/v1/example/events", body.dump());
  if (response.status != 202)
    throw std::runtime_error("emit failed: " + std::to_string(response.status) + response.body);
  return response.json().at("eventId").get<std::string>();
}

nlohmann::json received(int port) {
  const auto response = get(port, "/api/v1/example/events");
  if (response.status != 200) throw std::runtime_error("events: " + std::to_string(response.status) + response.body);
  return response.json().at("events");
}

std::vector<nlohmann::json> receivedOn(int port, const std::string& aggregate) {
  std::vector<nlohmann::json> found;
  for (const auto& event : received(port)) {
    if (event.value("aggregate", "") == aggregate) found.push_back(event);
  }
  return found;
}

std::optional<nlohmann::json> receivedById(int port, const std::string& id) {
  for (const auto& event : received(port)) {
    if (event.value("id", "") == id) return event;
  }
  return std::nullopt;
}

// Polls until the node has received the event with `id`, at most `timeout`.
std::optional<nlohmann::json> waitForEvent(int port, const std::string& id, std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto event = receivedById(port, id)) return event;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(50ms);
  }
}

Environment nodeEnvironment(const std::string& databaseUrl, const std::string& redisUrl, const std::string& pod) {
  auto env = exampleEnvironment(databaseUrl, pod);
  if (!redisUrl.empty()) env["REDIS_URL"] = redisUrl;
  return env;
}

class TwoNodeEvents : public Events {
 protected:
  void SetUp() override {
    Events::SetUp();
    if (IsSkipped()) return;
    const auto redis = runnerVariable("MONTI_TEST_REDIS_URL");
    if (redis.empty()) GTEST_SKIP() << "MONTI_TEST_REDIS_URL is not set (scripts/test sets it)";
    aggregate_ = uniqueName("agg");
    a_ = startServer(nodeEnvironment(db().url(), redis, "node-a"));
    b_ = startServer(nodeEnvironment(db().url(), redis, "node-b"));
  }
  void TearDown() override {
    a_.reset();
    b_.reset();
    Events::TearDown();
  }

  MontiProcess& a() { return *a_; }
  MontiProcess& b() { return *b_; }
  const std::string& aggregate() const { return aggregate_; }

 private:
  std::string aggregate_;
  std::unique_ptr<MontiProcess> a_;
  std::unique_ptr<MontiProcess> b_;
};

TEST_F(TwoNodeEvents, CommittedEventOnNodeAReachesSubscribersOnBothNodes) {
  const nlohmann::json payload{{"hello", "world"}, {"n", 42}};
  const auto id = emit(a().port(), aggregate(), payload);

  const auto onB = waitForEvent(b().port(), id);
  ASSERT_TRUE(onB) << "node B never received " << id << "\n" << a().describe() << b().describe();
  EXPECT_EQ(onB->value("name", ""), "example.pinged");
  EXPECT_EQ(onB->value("tenant", ""), "t1");
  EXPECT_EQ(onB->value("aggregate", ""), aggregate());
  EXPECT_EQ(onB->at("payload"), payload);
  EXPECT_FALSE(onB->value("createdAt", "").empty());
  EXPECT_TRUE(waitForEvent(a().port(), id)) << "node A (the emitter) never received " << id;
  EXPECT_EQ(db().sql().count("SELECT count(*) FROM event_outbox WHERE id = $1 AND published_at IS NOT NULL", {id}), 1);
}

TEST_F(TwoNodeEvents, EventOfARolledBackTransactionReachesNobody) {
  const auto rolledBack = emit(a().port(), aggregate(), {{"kind", "rolled back"}}, true);
  // A committed event emitted later: once both nodes have it, the relay has gone past the rolled-back one.
  const auto marker = emit(a().port(), aggregate(), {{"kind", "marker"}});
  ASSERT_TRUE(waitForEvent(a().port(), marker)) << a().describe();
  ASSERT_TRUE(waitForEvent(b().port(), marker)) << b().describe();
  std::this_thread::sleep_for(2s);

  EXPECT_FALSE(receivedById(a().port(), rolledBack));
  EXPECT_FALSE(receivedById(b().port(), rolledBack));
  EXPECT_EQ(db().sql().count("SELECT count(*) FROM event_outbox WHERE id = $1", {rolledBack}), 0);
  // The note written in the same transaction was rolled back with it.
  EXPECT_EQ(db().sql().count("SELECT count(*) FROM example_notes"), 1);
}

TEST_F(TwoNodeEvents, EventsOfOneAggregateArriveOnTheOtherNodeInEmitOrder) {
  constexpr int kCount = 20;
  std::vector<std::string> ids;
  ids.reserve(kCount);
  for (int seq = 0; seq < kCount; ++seq)
    ids.push_back(emit(a().port(), aggregate(), {{"seq", seq}}));
  ASSERT_TRUE(waitForEvent(b().port(), ids.back())) << b().describe();
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (receivedOn(b().port(), aggregate()).size() < kCount && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(50ms);

  const auto events = receivedOn(b().port(), aggregate());
  ASSERT_EQ(events.size(), static_cast<std::size_t>(kCount));
  for (int seq = 0; seq < kCount; ++seq) {
    const auto& event = events[static_cast<std::size_t>(seq)];
    EXPECT_EQ(event.at("payload").value("seq", -1), seq) << event.dump();
    EXPECT_EQ(event.value("id", ""), ids[static_cast<std::size_t>(seq)]);
    if (seq > 0) {
      EXPECT_GT(event.value("sequence", 0), events[static_cast<std::size_t>(seq) - 1].value("sequence", 0));
    }
  }
}

TEST_F(Events, WithoutRedisTheInProcessBusDeliversCommittedEventsOnly) {
  const auto server = startServer(nodeEnvironment(db().url(), "", "solo"));
  const auto health = get(server->port(), "/health").json();
  EXPECT_EQ(health["checks"]["redis"].value("status", ""), "disabled") << health.dump();
  const auto aggregate = uniqueName("agg");

  const auto rolledBack = emit(server->port(), aggregate, {{"kind", "rolled back"}}, true);
  const auto committed = emit(server->port(), aggregate, {{"kind", "committed"}});
  const auto event = waitForEvent(server->port(), committed);
  ASSERT_TRUE(event) << server->describe();
  EXPECT_EQ(event->at("payload").value("kind", ""), "committed");
  std::this_thread::sleep_for(2s);
  EXPECT_FALSE(receivedById(server->port(), rolledBack));
  EXPECT_EQ(receivedOn(server->port(), aggregate).size(), 1U);
}

}  // namespace
}  // namespace monti::itest
