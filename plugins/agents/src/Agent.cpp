#include "Agent.hpp"

namespace monti::agents {

std::string isoTimestamp(std::string_view expression) {
  return "to_char((" + std::string(expression) + ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
}

// Online hours accrue from status intervals: what was banked plus the running interval since the later of
// the last status change and midnight (UTC).
const std::string kAgentColumns =
    "u.id, u.username, u.email, a.full_name, u.role, u.is_active, " + isoTimestamp("u.last_login_at") + ", " +
    isoTimestamp("u.created_at") + ", " + isoTimestamp("greatest(u.updated_at, a.updated_at)") +
    ", a.avatar, a.phone, a.department, a.online_status, " + isoTimestamp("a.last_seen") +
    ", a.current_tickets, a.total_tickets_handled, a.avg_response_time::float8, a.customer_satisfaction::float8, "
    "a.tickets_resolved_today, a.messages_handled_today, "
    "round((a.online_hours_today + CASE WHEN a.online_status <> 'offline' THEN extract(epoch FROM now() - "
    "greatest(a.status_since, date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')) / 3600 ELSE 0 "
    "END)::numeric, 2)::float8, a.performance_level, a.location, u.tenant_id";

nlohmann::json agentJson(const data::Row& r) {
  const auto optional = [&r](int column) -> nlohmann::json {
    if (r.isNull(column)) return nullptr;
    return r.string(column);
  };
  return {{"id", r.int64(0)},
          {"username", r.string(1)},
          {"email", r.string(2)},
          {"fullName", r.string(3)},
          {"role", r.string(4)},
          {"isActive", r.boolean(5)},
          {"lastLoginAt", optional(6)},
          {"createdAt", r.string(7)},
          {"updatedAt", r.string(8)},
          {"avatar", optional(9)},
          {"phone", optional(10)},
          {"department", r.string(11)},
          {"onlineStatus", r.string(12)},
          {"lastSeen", r.string(13)},
          {"currentTickets", r.int64(14)},
          {"totalTicketsHandled", r.int64(15)},
          {"avgResponseTime", r.number(16)},
          {"customerSatisfaction", r.number(17)},
          {"ticketsResolvedToday", r.int64(18)},
          {"messagesHandledToday", r.int64(19)},
          {"onlineHoursToday", r.number(20)},
          {"performanceLevel", r.string(21)},
          {"location", r.string(22)}};
}

const std::string kActivityColumns =
    "id::text, agent_id, type, description, " + isoTimestamp("timestamp") + ", metadata";

nlohmann::json activityJson(const data::Row& r) {
  return {{"id", r.string(0)},          {"agentId", r.int64(1)},    {"type", r.string(2)},
          {"description", r.string(3)}, {"timestamp", r.string(4)}, {"metadata", r.json(5)}};
}

const std::string kMetricsColumns =
    "id, agent_id, to_char(date, 'YYYY-MM-DD'), messages_handled, avg_response_time::float8, "
    "customer_satisfaction::float8, tickets_resolved, online_hours::float8, sla_compliance::float8, " +
    isoTimestamp("created_at");

nlohmann::json metricsJson(const data::Row& r) {
  return {{"id", r.int64(0)},
          {"agentId", r.int64(1)},
          {"date", r.string(2)},
          {"messagesHandled", r.int64(3)},
          {"avgResponseTime", r.number(4)},
          {"customerSatisfaction", r.isNull(5) ? nlohmann::json(nullptr) : nlohmann::json(r.number(5))},
          {"ticketsResolved", r.int64(6)},
          {"onlineHours", r.number(7)},
          {"slaCompliance", r.number(8)},
          {"createdAt", r.string(9)}};
}

}  // namespace monti::agents
