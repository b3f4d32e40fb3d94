#include "events/EventService.hpp"

#include "../obs/MemoryFile.hpp"
#include "kv/InProcessPubSub.hpp"
#include "obs/JsonLogger.hpp"
#include "obs/PrometheusRegistry.hpp"

#include <gtest/gtest.h>

namespace monti::events {
namespace {

// Records the statements an emit sends, and answers like the INSERT … RETURNING id would.
class RecordingTransaction final : public data::Transaction {
 public:
  data::Rows exec(std::string_view sql, const data::Params& params) override {
    statements.emplace_back(sql);
    for (const auto& p : params)
      values.push_back(p.text().value_or("NULL"));
    throw std::runtime_error("recorded");  // a Rows needs a real result; the test checks what was sent
  }
  void commit() override {}
  std::vector<std::string> statements;
  std::vector<std::string> values;
};

Event sample(std::string name, std::int64_t sequence) {
  return Event{"id-" + std::to_string(sequence), sequence, std::move(name), "t1", "agent:1", {{"n", sequence}},
               "2026-11-22T00:00:00.000Z"};
}

class EventServiceTest : public ::testing::Test {
 protected:
  obs::testing::MemoryFile out_;
  obs::JsonLogger logger_{out_.file(), obs::LogLevel::debug, "node-a"};
  obs::PrometheusRegistry metrics_;
  plugin::Catalog catalog_;
  kv::InProcessPubSub bus_{logger_};
  std::vector<std::string> seen_;

  void subscribe(const std::string& pattern) {
    catalog_.subscribers.push_back(plugin::SubscriberDecl{
        pattern, [this, pattern](const Event& e) { seen_.push_back(pattern + " " + e.name); }, "test"});
  }
};

TEST_F(EventServiceTest, DeliversToEverySubscriberWhosePatternMatches) {
  subscribe("agent.*");
  subscribe("agent.created");
  subscribe("*");
  subscribe("inquiry.*");
  EventService service(catalog_, bus_, logger_, metrics_);
  service.deliver(sample("agent.created", 1).toJson().dump());
  EXPECT_EQ(seen_,
            (std::vector<std::string>{"agent.* agent.created", "agent.created agent.created", "* agent.created"}));
}

TEST_F(EventServiceTest, AFailingSubscriberDoesNotStopTheOthers) {
  catalog_.subscribers.push_back(
      plugin::SubscriberDecl{"*", [](const Event&) { throw std::runtime_error("subscriber broke"); }, "broken"});
  subscribe("*");
  EventService service(catalog_, bus_, logger_, metrics_);
  service.deliver(sample("agent.created", 1).toJson().dump());
  EXPECT_EQ(seen_.size(), 1u);
  EXPECT_NE(out_.text().find("subscriber broke"), std::string::npos);
}

TEST_F(EventServiceTest, MalformedBusMessageIsLoggedAndSkipped) {
  subscribe("*");
  EventService service(catalog_, bus_, logger_, metrics_);
  service.deliver("{not json");
  service.deliver(R"({"id":"x"})");
  EXPECT_TRUE(seen_.empty());
  EXPECT_NE(out_.text().find("malformed event"), std::string::npos);
}

TEST_F(EventServiceTest, BusMessagesReachSubscribersOnceStarted) {
  subscribe("agent.*");
  EventService service(catalog_, bus_, logger_, metrics_);
  service.start();
  bus_.publish(EventService::kChannel, sample("agent.updated", 2).toJson().dump());
  for (int i = 0; i < 100 && seen_.empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  service.stop();
  EXPECT_EQ(seen_, (std::vector<std::string>{"agent.* agent.updated"}));
}

TEST_F(EventServiceTest, EmittingAnUndeclaredEventIsRefused) {
  EventService service(catalog_, bus_, logger_, metrics_);
  RecordingTransaction tx;
  EXPECT_THROW(service.emit(tx, "agent.created", {}, {}), std::invalid_argument);
  EXPECT_TRUE(tx.statements.empty());
}

TEST_F(EventServiceTest, EmitWritesTheOutboxRowInsideTheCallersTransaction) {
  catalog_.events.push_back(plugin::EventDecl{"agent.created", "", "agents"});
  EventService service(catalog_, bus_, logger_, metrics_);
  RecordingTransaction tx;
  EXPECT_THROW(service.emit(tx, "agent.created", {{"id", 7}}, {.tenant = "t1", .aggregate = "agent:7"}),
               std::runtime_error);
  ASSERT_EQ(tx.statements.size(), 1u);
  EXPECT_NE(tx.statements[0].find("INSERT INTO event_outbox"), std::string::npos);
  EXPECT_EQ(tx.values, (std::vector<std::string>{"agent.created", "t1", "agent:7", R"({"id":7})"}));
}

TEST(EventJson, RoundTrips) {
  const auto event = sample("agent.created", 9);
  const auto back = Event::fromJson(event.toJson());
  EXPECT_EQ(back.toJson(), event.toJson());
}

TEST(EventPattern, MatchesExactFamilyAndAll) {
  EXPECT_TRUE(matches("agent.created", "agent.created"));
  EXPECT_TRUE(matches("agent.*", "agent.status.changed"));
  EXPECT_TRUE(matches("*", "anything.at_all"));
  EXPECT_FALSE(matches("agent.*", "agents.created"));
  EXPECT_FALSE(matches("agent.*", "agent"));
  EXPECT_FALSE(matches("agent.created", "agent.created2"));
}

}  // namespace
}  // namespace monti::events
