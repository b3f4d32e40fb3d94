#include "AgentRooms.hpp"

#include <algorithm>

namespace monti::agents {
namespace {

using auth::Principal;
using realtime::RoomParams;

bool unrestricted(const Principal& user) { return user.departments.empty() && user.locations.empty(); }

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

/// The rooms that show an agent: everyone's, the admins', its department's, its location's and its own.
std::vector<std::string> roomsOf(const nlohmann::json& payload, std::int64_t agentId) {
  std::vector<std::string> rooms{"agents:all", "agents:admin"};
  if (const auto department = payload.value("department", std::string()); !department.empty()) {
    rooms.push_back("agents:department:" + department);
  }
  if (const auto location = payload.value("location", std::string()); !location.empty()) {
    rooms.push_back("agents:location:" + location);
  }
  rooms.push_back("agent:" + std::to_string(agentId));
  return rooms;
}

nlohmann::json without(nlohmann::json payload, std::initializer_list<const char*> keys) {
  for (const auto* key : keys)
    payload.erase(key);
  return payload;
}

}  // namespace

void registerRooms(realtime::RoomRegistry& rooms, GroupedView& view) {
  rooms.room("agents:all",
             [](const Principal& user, const RoomParams&) { return user.has("read:agents") && unrestricted(user); });
  rooms.room("agents:admin", [](const Principal& user, const RoomParams&) { return user.role == "admin"; });
  rooms.room("agents:department:{name}", [](const Principal& user, const RoomParams& p) {
    return user.has("read:agents") && user.locations.empty() &&
           (user.departments.empty() || contains(user.departments, p.front().second));
  });
  rooms.room("agents:location:{name}", [](const Principal& user, const RoomParams& p) {
    return user.has("read:agents") && user.departments.empty() &&
           (user.locations.empty() || contains(user.locations, p.front().second));
  });
  rooms.room("agent:{id}",
             [](const Principal& user, const RoomParams& p) { return user.isSelfOrAdmin(p.front().second); });
  rooms.route("agent.*", roomEventsFor);
  // Seed 000's grouped view: per batch window, the counts and the agents that changed.
  rooms.room("agents:summary",
             [](const Principal& user, const RoomParams&) { return user.has("read:agents") && unrestricted(user); });
  rooms.room("agents:summary:location:{name}", [](const Principal& user, const RoomParams& p) {
    return user.has("read:agents") && user.departments.empty() &&
           (user.locations.empty() || contains(user.locations, p.front().second));
  });
  rooms.route("agent.*", [&view](const events::Event& event) { return view.apply(event); });
  rooms.aggregate("agents:summary", mergeSummaries);
  rooms.aggregate("agents:summary:location:{name}", mergeSummaries);
}

std::vector<realtime::RoomEvent> roomEventsFor(const events::Event& event) {
  const auto& p = event.payload;
  const std::int64_t id = p.contains("agentId") ? p.value("agentId", std::int64_t{0}) : p.value("id", std::int64_t{0});
  std::vector<std::pair<std::string, nlohmann::json>> out;  // room event name and data
  if (event.name == "agent.created") {
    out.emplace_back("agent_created", p);
  } else if (event.name == "agent.updated") {
    out.emplace_back("agent_updated", p);
  } else if (event.name == "agent.deleted") {
    out.emplace_back("agent_deleted", without(p, {"department", "location"}));
  } else if (event.name == "agent.status_changed") {
    const auto status = p.value("status", std::string());
    const auto previous = p.value("previousStatus", std::string());
    out.emplace_back("agent_status_change", without(p, {"department", "location", "previousStatus"}));
    const nlohmann::json presence{{"agentId", id}, {"timestamp", p.value("timestamp", std::string())}};
    if (previous == "offline" && status != "offline") out.emplace_back("agent_online", presence);
    if (previous != "offline" && status == "offline") out.emplace_back("agent_offline", presence);
  } else if (event.name == "agent.activity") {
    out.emplace_back("agent_activity", without(p, {"department", "location"}));
  } else if (event.name == "agent.performance_updated") {
    out.emplace_back("performance_update", without(p, {"department", "location"}));
  } else {
    return {};
  }
  std::vector<realtime::RoomEvent> events;
  for (const auto& room : roomsOf(p, id))
    for (const auto& [name, data] : out)
      events.push_back({room, name, data});
  return events;
}

}  // namespace monti::agents
