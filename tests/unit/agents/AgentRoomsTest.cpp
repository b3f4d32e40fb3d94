#include "AgentRooms.hpp"
#include "GroupedView.hpp"

#include <gtest/gtest.h>

#include <set>

namespace monti::agents {
namespace {

events::Event event(std::string name, nlohmann::json payload) {
  events::Event e;
  e.name = std::move(name);
  e.tenant = "acme";
  e.payload = std::move(payload);
  return e;
}

std::set<std::string> roomsOf(const std::vector<realtime::RoomEvent>& events, const std::string& name) {
  std::set<std::string> rooms;
  for (const auto& e : events)
    if (e.event == name) rooms.insert(e.room);
  return rooms;
}

TEST(AgentRoomsTest, AStatusChangeReachesEveryRoomThatShowsTheAgentWithTheSeedsNames) {
  const auto events = roomEventsFor(event("agent.status_changed", {{"agentId", 7},
                                                                   {"status", "online"},
                                                                   {"previousStatus", "offline"},
                                                                   {"timestamp", "2026-11-22T10:00:00.000Z"},
                                                                   {"department", "Sales"},
                                                                   {"location", "Berlin"}}));
  const std::set<std::string> expected{"agents:all", "agents:admin", "agents:department:Sales",
                                       "agents:location:Berlin", "agent:7"};
  EXPECT_EQ(roomsOf(events, "agent_status_change"), expected);
  EXPECT_EQ(roomsOf(events, "agent_online"), expected) << "offline → online also says agent_online";
  EXPECT_TRUE(roomsOf(events, "agent_offline").empty());
  for (const auto& e : events) {
    if (e.event != "agent_status_change") continue;
    EXPECT_EQ(e.data,
              nlohmann::json::parse(R"({"agentId":7,"status":"online","timestamp":"2026-11-22T10:00:00.000Z"})"))
        << "seed 001 §3.2's shape, without the routing fields";
  }
}

TEST(AgentRoomsTest, ActivityReachesTheAgentsRoomsAndUnknownEventsGoNowhere) {
  const auto events =
      roomEventsFor(event("agent.activity", {{"agentId", 7}, {"type", "message_sent"}, {"department", "Sales"}}));
  EXPECT_EQ(roomsOf(events, "agent_activity"),
            (std::set<std::string>{"agents:all", "agents:admin", "agents:department:Sales", "agent:7"}));
  EXPECT_TRUE(roomEventsFor(event("agent.something_else", {{"agentId", 7}})).empty());
}

TEST(AgentRoomsTest, GoingOfflineSaysAgentOffline) {
  const auto events =
      roomEventsFor(event("agent.status_changed", {{"agentId", 3}, {"status", "offline"}, {"previousStatus", "busy"}}));
  EXPECT_EQ(roomsOf(events, "agent_offline").count("agent:3"), 1u);
  EXPECT_TRUE(roomsOf(events, "agent_online").empty());
}

TEST(GroupedViewTest, MergeKeepsTheLatestCountsAndEachChangedAgentOnce) {
  const std::vector<realtime::RoomMessage> batch{
      {1, "agents_summary",
       R"({"counts":{"byStatus":{"online":1}},"changed":[{"id":1,"onlineStatus":"online"}],"timestamp":"t1"})"},
      {2, "agents_summary",
       R"({"counts":{"byStatus":{"online":2}},"changed":[{"id":2,"onlineStatus":"online"}],"timestamp":"t2"})"},
      {3, "agents_summary",
       R"({"counts":{"byStatus":{"online":1,"busy":1}},"changed":[{"id":1,"onlineStatus":"busy"}],"timestamp":"t3"})"},
      {4, "agents_summary", "not json"}};
  const auto merged = mergeSummaries(batch, {});
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].first, "agents_summary");
  const auto& data = merged[0].second;
  EXPECT_EQ(data["counts"]["byStatus"]["busy"], 1);
  EXPECT_EQ(data["timestamp"], "t3");
  ASSERT_EQ(data["changed"].size(), 2u);
  EXPECT_EQ(data["changed"][0]["onlineStatus"], "busy") << "agent 1's last state in the window";
}

}  // namespace
}  // namespace monti::agents
