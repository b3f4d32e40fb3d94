// The agents plugin's rooms and room events over a real WebSocket (plugins/agents/README.md "Events and rooms",
// seed 001 §3, docs/realtime.md): REST changes reach agents:all, agents:department:{name} and agent:{id}, and the
// join rules keep agents:admin for admins and agent:{id} for that agent or an admin, within one tenant.
#include "support/AgentsFixture.hpp"
#include "support/WsClient.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <string>

namespace monti::itest {
namespace {

constexpr auto kWait = std::chrono::seconds(5);

std::string agentPath(std::int64_t id, const std::string& tail = "") { return "/agents/" + std::to_string(id) + tail; }

// The agent an event is about: `agentId` of most events, `id` of those whose data is an Agent.
bool isAbout(const nlohmann::json& data, std::int64_t agentId) {
  if (!data.is_object()) return false;
  if (data.contains("agentId")) return sameId(data["agentId"], agentId);
  return data.contains("id") && sameId(data["id"], agentId);
}

// The first event `name` about `agentId` in `room` (from an `event` or a `batch` frame), waiting up to `timeout`.
std::optional<nlohmann::json> waitForAgentEvent(WsClient& client, const std::string& room, const std::string& name,
                                                std::int64_t agentId, std::chrono::milliseconds timeout = kWait) {
  const auto matches = [&](const nlohmann::json& event) {
    return event.value("event", "") == name && isAbout(event.value("data", nlohmann::json()), agentId);
  };
  const auto message = client.waitFor(
      [&](const nlohmann::json& m) {
        const auto events = eventsOf(m, room);
        return std::any_of(events.begin(), events.end(), matches);
      },
      timeout);
  if (!message) return std::nullopt;
  for (auto& event : eventsOf(*message, room)) {
    if (matches(event)) return event;
  }
  return std::nullopt;
}

// Every event name `client` set aside for `room` about `agentId`.
std::vector<std::string> setAsideAbout(const WsClient& client, const std::string& room, std::int64_t agentId) {
  std::vector<std::string> names;
  for (const auto& message : client.setAside()) {
    for (const auto& event : eventsOf(message, room)) {
      if (isAbout(event.value("data", nlohmann::json()), agentId)) names.push_back(event.value("event", ""));
    }
  }
  return names;
}

std::string seen(const WsClient& client) {
  std::string text;
  for (const auto& message : client.setAside())
    text += message.dump() + "\n";
  return text.empty() ? "(nothing)" : text;
}

class AgentsRealtime : public AgentsSuite<AgentsRealtime> {};

TEST_F(AgentsRealtime, StatusChangeReachesAgentsAll) {
  const auto agent = newAgent();
  const auto ws = openWs(port(), admin().token);
  ASSERT_TRUE(subscribes(*ws, "agents:all"));
  setStatus(port(), admin().token, idOf(agent), "busy");
  const auto event = waitForAgentEvent(*ws, "agents:all", "agent_status_change", idOf(agent));
  ASSERT_TRUE(event) << "no agent_status_change; seen:\n" << seen(*ws);
  const auto& data = event->at("data");
  EXPECT_TRUE(data.value("agentId", nlohmann::json()).is_number_integer()) << data.dump();
  EXPECT_EQ(data.value("status", ""), "busy") << data.dump();
  EXPECT_TRUE(isIsoUtc(data.value("timestamp", nlohmann::json()))) << data.dump();
}

TEST_F(AgentsRealtime, GoingOnlineAndOfflineAlsoSendsAgentOnlineAndAgentOffline) {
  const auto agent = newAgent();
  const auto ws = openWs(port(), admin().token);
  ASSERT_TRUE(subscribes(*ws, "agents:all"));
  setStatus(port(), admin().token, idOf(agent), "online");
  const auto online = waitForAgentEvent(*ws, "agents:all", "agent_online", idOf(agent));
  ASSERT_TRUE(online) << "no agent_online; seen:\n" << seen(*ws);
  EXPECT_TRUE(isIsoUtc(online->at("data").value("timestamp", nlohmann::json()))) << online->dump();
  setStatus(port(), admin().token, idOf(agent), "offline");
  EXPECT_TRUE(waitForAgentEvent(*ws, "agents:all", "agent_offline", idOf(agent))) << "seen:\n" << seen(*ws);
}

TEST_F(AgentsRealtime, CreateReachesAgentsAllWithTheAgent) {
  const auto ws = openWs(port(), admin().token);
  ASSERT_TRUE(subscribes(*ws, "agents:all"));
  const auto agent = newAgent();
  const auto event = waitForAgentEvent(*ws, "agents:all", "agent_created", idOf(agent));
  ASSERT_TRUE(event) << "no agent_created; seen:\n" << seen(*ws);
  EXPECT_TRUE(isAgent(event->at("data")));
  EXPECT_EQ(event->at("data").value("username", ""), agent.value("username", "")) << event->dump();
}

TEST_F(AgentsRealtime, UpdateReachesAgentsAllWithTheUpdatedAgent) {
  const auto agent = newAgent();
  const auto ws = openWs(port(), admin().token);
  ASSERT_TRUE(subscribes(*ws, "agents:all"));
  ASSERT_EQ(asAdmin("PUT", agentPath(idOf(agent)), nlohmann::json{{"fullName", "Live Rename"}}).status, 200);
  const auto event = waitForAgentEvent(*ws, "agents:all", "agent_updated", idOf(agent));
  ASSERT_TRUE(event) << "no agent_updated; seen:\n" << seen(*ws);
  EXPECT_TRUE(isAgent(event->at("data")));
  EXPECT_EQ(event->at("data").value("fullName", ""), "Live Rename") << event->dump();
}

TEST_F(AgentsRealtime, DeleteReachesAgentsAll) {
  const auto agent = newAgent();
  const auto ws = openWs(port(), admin().token);
  ASSERT_TRUE(subscribes(*ws, "agents:all"));
  ASSERT_EQ(asAdmin("DELETE", agentPath(idOf(agent))).status, 200);
  const auto event = waitForAgentEvent(*ws, "agents:all", "agent_deleted", idOf(agent));
  ASSERT_TRUE(event) << "no agent_deleted; seen:\n" << seen(*ws);
  EXPECT_TRUE(event->at("data").value("agentId", nlohmann::json()).is_number_integer()) << event->dump();
  EXPECT_TRUE(isIsoUtc(event->at("data").value("timestamp", nlohmann::json()))) << event->dump();
}

// Seed 001 §3.3: agents:all carries "all agent updates"; the README routes agent.activity without restriction.
TEST_F(AgentsRealtime, PostedActivityReachesAgentsAll) {
  const auto agent = newAgent();
  const auto ws = openWs(port(), admin().token);
  ASSERT_TRUE(subscribes(*ws, "agents:all"));
  ASSERT_EQ(asAdmin("POST", agentPath(idOf(agent), "/activity"), nlohmann::json{{"type", "ticket_assigned"}}).status,
            201);
  const auto event = waitForAgentEvent(*ws, "agents:all", "agent_activity", idOf(agent));
  ASSERT_TRUE(event) << "no agent_activity; seen:\n" << seen(*ws);
  EXPECT_TRUE(isActivity(event->at("data"), idOf(agent)));
  EXPECT_EQ(event->at("data").value("type", ""), "ticket_assigned") << event->dump();
}

TEST_F(AgentsRealtime, PostedActivityReachesAgentsAdminAndTheAgentsOwnRoom) {
  const auto cs = createAgentAndLogIn(port(), admin().token, "cs");
  const auto adminWs = openWs(port(), admin().token);
  const auto ownWs = openWs(port(), cs.token);
  const auto own = "agent:" + std::to_string(cs.id);
  ASSERT_TRUE(subscribes(*adminWs, "agents:admin"));
  ASSERT_TRUE(subscribes(*ownWs, own));
  ASSERT_EQ(as(cs.token, "POST", agentPath(cs.id, "/activity"), nlohmann::json{{"type", "message_sent"}}).status, 201);
  const auto toAdmins = waitForAgentEvent(*adminWs, "agents:admin", "agent_activity", cs.id);
  ASSERT_TRUE(toAdmins) << "no agent_activity in agents:admin; seen:\n" << seen(*adminWs);
  EXPECT_TRUE(isActivity(toAdmins->at("data"), cs.id));
  EXPECT_EQ(toAdmins->at("data").value("type", ""), "message_sent") << toAdmins->dump();
  EXPECT_TRUE(waitForAgentEvent(*ownWs, own, "agent_activity", cs.id)) << "seen:\n" << seen(*ownWs);
}

TEST_F(AgentsRealtime, ADepartmentRoomGetsOnlyItsDepartmentsEvents) {
  const auto tag = uniqueTag();
  const auto ours = newAgent("cs", "Dept " + tag);
  const auto theirs = newAgent("cs", "Else " + tag);
  const auto ws = openWs(port(), admin().token);
  const auto room = "agents:department:Dept " + tag;
  ASSERT_TRUE(subscribes(*ws, room));
  setStatus(port(), admin().token, idOf(theirs), "busy");
  setStatus(port(), admin().token, idOf(ours), "away");
  const auto event = waitForAgentEvent(*ws, room, "agent_status_change", idOf(ours));
  ASSERT_TRUE(event) << "no agent_status_change in " << room << "; seen:\n" << seen(*ws);
  EXPECT_TRUE(setAsideAbout(*ws, room, idOf(theirs)).empty()) << "another department's event:\n" << seen(*ws);
}

TEST_F(AgentsRealtime, AViewerMayJoinAgentsAll) {
  const auto viewer = createAgentAndLogIn(port(), admin().token, "viewer");
  const auto ws = openWs(port(), viewer.token);
  EXPECT_TRUE(subscribes(*ws, "agents:all"));
}

// CONTRACT.md "Scoping": a token with departments sees only agents (and rooms) in them.
TEST_F(AgentsRealtime, AUserWithDepartmentsJoinsOnlyTheirDepartmentsRoom) {
  const auto tag = uniqueTag();
  auto viewer = makeAccount("viewer");
  const auto viewerId = createAccount(env(), viewer);
  db().sql().query("UPDATE users SET departments = ARRAY[$1::text] WHERE id = $2",
                   {"Mine " + tag, std::to_string(viewerId)});
  const auto ws = openWs(port(), loginOk(port(), viewer).accessToken);
  EXPECT_TRUE(subscribes(*ws, "agents:department:Mine " + tag));
  const auto refused = ws->subscribe("agents:department:Theirs " + tag);
  ASSERT_TRUE(refused) << "no answer";
  EXPECT_EQ(refused->value("code", ""), "forbidden") << refused->dump();
}

TEST_F(AgentsRealtime, OnlyAdminsMayJoinAgentsAdmin) {
  const auto cs = createAgentAndLogIn(port(), admin().token, "cs");
  const auto csWs = openWs(port(), cs.token);
  const auto refused = csWs->subscribe("agents:admin");
  ASSERT_TRUE(refused) << "no answer";
  EXPECT_EQ(refused->value("type", ""), "error") << refused->dump();
  EXPECT_EQ(refused->value("code", ""), "forbidden") << refused->dump();
  EXPECT_TRUE(csWs->roundTrip()) << "the connection must stay open after a refused subscribe";
  const auto adminWs = openWs(port(), admin().token);
  EXPECT_TRUE(subscribes(*adminWs, "agents:admin"));
}

TEST_F(AgentsRealtime, AnAgentRoomIsForThatAgentOrAnAdmin) {
  const auto cs = createAgentAndLogIn(port(), admin().token, "cs");
  const auto other = newAgent();
  const auto csWs = openWs(port(), cs.token);
  EXPECT_TRUE(subscribes(*csWs, "agent:" + std::to_string(cs.id)));
  const auto refused = csWs->subscribe("agent:" + std::to_string(idOf(other)));
  ASSERT_TRUE(refused) << "no answer";
  EXPECT_EQ(refused->value("code", ""), "forbidden") << refused->dump();
  const auto adminWs = openWs(port(), admin().token);
  EXPECT_TRUE(subscribes(*adminWs, "agent:" + std::to_string(idOf(other))));
}

TEST_F(AgentsRealtime, AnAgentRoomCarriesThatAgentsStatusChanges) {
  const auto cs = createAgentAndLogIn(port(), admin().token, "cs");
  const auto ws = openWs(port(), cs.token);
  const auto room = "agent:" + std::to_string(cs.id);
  ASSERT_TRUE(subscribes(*ws, room));
  ASSERT_EQ(as(cs.token, "PUT", agentPath(cs.id, "/status"), nlohmann::json{{"status", "busy"}}).status, 200);
  const auto event = waitForAgentEvent(*ws, room, "agent_status_change", cs.id);
  ASSERT_TRUE(event) << "no agent_status_change in " << room << "; seen:\n" << seen(*ws);
  EXPECT_EQ(event->at("data").value("status", ""), "busy") << event->dump();
}

TEST_F(AgentsRealtime, AnotherTenantsAgentsAllStaysQuiet) {
  const auto tenantB = addTenantMember(env(), port(), "admin", "tenantb");
  const auto ours = openWs(port(), admin().token);
  const auto theirs = openWs(port(), tenantB.token);
  ASSERT_TRUE(subscribes(*ours, "agents:all"));
  ASSERT_TRUE(subscribes(*theirs, "agents:all"));
  const auto agent = newAgent();
  setStatus(port(), admin().token, idOf(agent), "busy");
  ASSERT_TRUE(waitForAgentEvent(*ours, "agents:all", "agent_status_change", idOf(agent))) << seen(*ours);
  // An event of tenant B after ours: had ours leaked into B's room, it would have arrived there first.
  const auto marker = createAgent(port(), tenantB.token, agentBody());
  ASSERT_TRUE(waitForAgentEvent(*theirs, "agents:all", "agent_created", idOf(marker))) << seen(*theirs);
  EXPECT_TRUE(setAsideAbout(*theirs, "agents:all", idOf(agent)).empty()) << "tenant B saw:\n" << seen(*theirs);
}

}  // namespace
}  // namespace monti::itest

namespace monti::itest {
namespace {

class AgentsSessions : public AgentsSuite<AgentsSessions> {};

TEST_F(AgentsSessions, AnAgentsConnectionIsASessionUntilItCloses) {
  const auto agent = createAgentAndLogIn(port(), admin().token, "cs");
  const auto id = std::to_string(agent.id);
  const auto active = [&] {
    return db().sql().count("SELECT count(*) FROM agent_sessions WHERE agent_id = $1 AND is_active", {id});
  };
  auto client = openWs(port(), agent.token);
  ASSERT_TRUE(client->roundTrip());
  ASSERT_TRUE(eventually([&] { return active() == 1; }, kWait)) << "no active agent_sessions row";
  EXPECT_EQ(db().sql().scalar("SELECT host(ip_address) FROM agent_sessions WHERE agent_id = $1", {id}), "127.0.0.1");
  EXPECT_FALSE(db().sql().scalar("SELECT socket_id FROM agent_sessions WHERE agent_id = $1", {id}).empty());
  client->sendClose();
  client->waitForEnd(kWait);
  client.reset();
  ASSERT_TRUE(eventually([&] { return active() == 0; }, kWait)) << "the session did not end";
  EXPECT_EQ(db().sql().count("SELECT count(*) FROM agent_sessions WHERE agent_id = $1 AND ended_at IS NOT NULL", {id}),
            1);
}

}  // namespace
}  // namespace monti::itest
