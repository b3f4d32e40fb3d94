#pragma once
/// The agent model of seed 001: how rows become the frontend's JSON, and the enums it allows.

#include <monti/data/Database.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <string>
#include <string_view>

namespace monti::agents {

inline constexpr std::array<std::string_view, 3> kRoles{"admin", "cs", "viewer"};
inline constexpr std::array<std::string_view, 4> kOnlineStatuses{"online", "offline", "away", "busy"};
inline constexpr std::array<std::string_view, 3> kPerformanceLevels{"high", "medium", "low"};
inline constexpr std::array<std::string_view, 6> kActivityTypes{"login",           "logout",          "status_change",
                                                                "ticket_assigned", "ticket_resolved", "message_sent"};

template <std::size_t N>
bool oneOf(const std::array<std::string_view, N>& allowed, std::string_view value) {
  for (const auto a : allowed)
    if (a == value) return true;
  return false;
}

/// The select list that agentJson() reads, over `agents a JOIN users u ON u.id = a.id`.
extern const std::string kAgentColumns;
/// The FROM clause every agent query uses.
inline constexpr std::string_view kAgentFrom = " FROM agents a JOIN users u ON u.id = a.id ";

/// An agent row (kAgentColumns) as seed 001's Agent JSON. Column kAgentTenantColumn holds the tenant.
nlohmann::json agentJson(const data::Row& row);
inline constexpr int kAgentTenantColumn = 23;

extern const std::string kActivityColumns;
nlohmann::json activityJson(const data::Row& row);

extern const std::string kMetricsColumns;
nlohmann::json metricsJson(const data::Row& row);

/// `to_char(<expr> AT TIME ZONE 'UTC', ISO 8601 with milliseconds and Z)`.
std::string isoTimestamp(std::string_view expression);

}  // namespace monti::agents
