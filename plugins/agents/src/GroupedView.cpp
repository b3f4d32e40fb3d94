#include "GroupedView.hpp"

namespace monti::agents {
namespace {

// A relay that was not leading for a while missed events: after this much quiet the view reloads.
constexpr auto kTrustWindow = std::chrono::seconds(2);

}  // namespace

nlohmann::json GroupCounts::toJson() const {
  return {{"byStatus", byStatus}, {"byStatusDepartment", byStatusDepartment}, {"byStatusLocation", byStatusLocation}};
}

GroupedView::Tenant& GroupedView::load(const std::string& tenant) {
  auto& t = tenants_[tenant];
  const auto now = std::chrono::steady_clock::now();
  if (now - t.lastApplied > kTrustWindow) {
    t.agents.clear();
    for (const auto row : db_.read("SELECT a.id, a.online_status, a.department, a.location, u.is_active "
                                   "FROM agents a JOIN users u ON u.id = a.id WHERE a.tenant_id = $1",
                                   {tenant}))
      t.agents[row.int64(0)] = Member{row.string(1), row.string(2), row.string(3), row.boolean(4)};
  }
  t.lastApplied = now;
  return t;
}

GroupCounts GroupedView::count(const Tenant& tenant, const std::string& location) {
  GroupCounts c;
  for (const auto& [id, m] : tenant.agents) {
    if (!m.active || (!location.empty() && m.location != location)) continue;
    ++c.byStatus[m.status];
    ++c.byStatusDepartment[m.status][m.department];
    ++c.byStatusLocation[m.status][m.location];
  }
  return c;
}

std::vector<realtime::RoomEvent> GroupedView::apply(const events::Event& event) {
  const auto& p = event.payload;
  const bool whole = event.name == "agent.created" || event.name == "agent.updated";
  if (!whole && event.name != "agent.status_changed" && event.name != "agent.deleted") return {};
  const auto id = whole ? p.value("id", std::int64_t{0}) : p.value("agentId", std::int64_t{0});
  std::lock_guard lock(mutex_);
  auto& tenant = load(event.tenant);  // loads after the change was committed: applying it again is harmless
  Member& m = tenant.agents[id];
  if (whole) {
    m = Member{p.value("onlineStatus", "offline"), p.value("department", ""), p.value("location", ""),
               p.value("isActive", true)};
  } else if (event.name == "agent.status_changed") {
    m.status = p.value("status", m.status);
  } else {
    m.active = false;
  }
  const nlohmann::json changed{{"id", id},
                               {"onlineStatus", m.status},
                               {"department", m.department},
                               {"location", m.location},
                               {"isActive", m.active}};
  std::vector<realtime::RoomEvent> out;
  out.push_back({"agents:summary",
                 "agents_summary",
                 {{"counts", count(tenant, "").toJson()},
                  {"changed", nlohmann::json::array({changed})},
                  {"timestamp", event.createdAt}}});
  if (!m.location.empty()) {
    out.push_back(
        {"agents:summary:location:" + m.location,
         "agents_summary",
         {{"counts", count(tenant, m.location).toJson()}, {"changed", {changed}}, {"timestamp", event.createdAt}}});
  }
  return out;
}

GroupCounts GroupedView::snapshot(const std::string& tenant, const std::string& location) {
  GroupCounts c;
  for (const auto row :
       db_.read("SELECT a.online_status, a.department, a.location, count(*) FROM agents a JOIN users u ON u.id = a.id "
                "WHERE a.tenant_id = $1 AND u.is_active AND ($2 = '' OR a.location = $2) "
                "GROUP BY a.online_status, a.department, a.location",
                {tenant, location})) {
    const auto n = row.int64(3);
    c.byStatus[row.string(0)] += n;
    c.byStatusDepartment[row.string(0)][row.string(1)] += n;
    c.byStatusLocation[row.string(0)][row.string(2)] += n;
  }
  return c;
}

std::vector<std::pair<std::string, nlohmann::json>> mergeSummaries(const std::vector<realtime::RoomMessage>& batch,
                                                                   const realtime::RoomParams& /*params*/) {
  nlohmann::json counts;
  std::string timestamp;
  std::map<std::int64_t, nlohmann::json> changed;  // by agent id: the last state in the window
  for (const auto& message : batch) {
    auto data = nlohmann::json::parse(message.data, nullptr, false);
    if (!data.is_object()) continue;
    if (data.contains("counts")) counts = data["counts"];
    timestamp = data.value("timestamp", timestamp);
    if (const auto list = data.find("changed"); list != data.end() && list->is_array()) {
      for (const auto& agent : *list)
        if (agent.is_object()) changed[agent.value("id", std::int64_t{0})] = agent;
    }
  }
  nlohmann::json list = nlohmann::json::array();
  for (auto& [id, agent] : changed)
    list.push_back(std::move(agent));
  return {{"agents_summary", {{"counts", counts}, {"changed", list}, {"timestamp", timestamp}}}};
}

}  // namespace monti::agents
