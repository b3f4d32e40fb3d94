#include "AgentJobs.hpp"

#include "Agent.hpp"

#include <charconv>

namespace monti::agents {
namespace {

std::optional<std::int64_t> userId(const std::string& id) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
  if (ec != std::errc{} || end != id.data() + id.size()) return std::nullopt;  // API keys, OIDC users
  return value;
}

}  // namespace

bool AgentJobs::aggregateDay(const std::string& day) {
  auto tx = db_.begin();
  // One marker row per day makes the job idempotent, even when two nodes raced past the scheduler.
  if (tx->exec("INSERT INTO agent_aggregation_runs (day) VALUES ($1::date) ON CONFLICT DO NOTHING RETURNING day", {day})
          .empty()) {
    return false;
  }
  // $1 the day; online hours close the running interval at midnight (UTC).
  tx->exec(
      "INSERT INTO agent_performance_metrics (agent_id, date, messages_handled, avg_response_time, "
      "customer_satisfaction, tickets_resolved, online_hours, sla_compliance) "
      "SELECT a.id, $1::date, a.messages_handled_today, coalesce(round(avg(x.response_time_minutes), 2), 0), "
      "round(avg(x.satisfaction), 2), a.tickets_resolved_today, "
      "least(24, round((a.online_hours_today + CASE WHEN a.online_status <> 'offline' THEN greatest(0, extract(epoch "
      "FROM ($1::date + 1)::timestamp AT TIME ZONE 'UTC' - greatest(a.status_since, $1::date::timestamp AT TIME ZONE "
      "'UTC')) / 3600) ELSE 0 END)::numeric, 2)), "
      "coalesce(round(100.0 * count(*) FILTER (WHERE x.response_time_minutes <= $2::numeric) / "
      "nullif(count(x.response_time_minutes), 0), 2), 100) "
      "FROM agents a LEFT JOIN agent_activities x ON x.agent_id = a.id AND x.timestamp >= $1::date::timestamp AT "
      "TIME ZONE 'UTC' AND x.timestamp < ($1::date + 1)::timestamp AT TIME ZONE 'UTC' "
      "GROUP BY a.id ON CONFLICT (agent_id, date) DO NOTHING",
      {day, thresholds_.slaMinutes});
  tx->exec(
      "UPDATE agents SET tickets_resolved_today = 0, messages_handled_today = 0, online_hours_today = 0, "
      "status_since = greatest(status_since, ($1::date + 1)::timestamp AT TIME ZONE 'UTC')",
      {day});
  tx->commit();
  return true;
}

void AgentJobs::aggregateYesterday() {
  const auto yesterday = db_.read("SELECT to_char((now() AT TIME ZONE 'UTC')::date - 1, 'YYYY-MM-DD')")[0].string(0);
  aggregateDay(yesterday);
}

void AgentJobs::cleanUpSessions() {
  const auto timeout = static_cast<int>(sessionTimeout_.count());
  db_.exec(
      "UPDATE agent_sessions SET is_active = false, ended_at = now() "
      "WHERE is_active AND last_activity < now() - make_interval(mins => $1)",
      {timeout});
  db_.exec("DELETE FROM agent_sessions WHERE NOT is_active AND ended_at < now() - interval '30 days'");
  // Agents that show a status but have had no live connection (nor any call) for the timeout go offline.
  auto tx = db_.begin();
  const auto stale = tx->exec(
      "UPDATE agents a SET online_hours_today = online_hours_today + extract(epoch FROM now() - greatest(status_since, "
      "date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')) / 3600, online_status = 'offline', "
      "status_since = now(), updated_at = now() "
      "FROM (SELECT id, online_status FROM agents WHERE online_status <> 'offline' AND last_seen < now() - "
      "make_interval(mins => $1) FOR UPDATE) old "
      "WHERE a.id = old.id AND NOT EXISTS (SELECT 1 FROM agent_sessions s WHERE s.agent_id = a.id AND s.is_active) "
      "RETURNING a.id, a.tenant_id, a.department, a.location, old.online_status, " +
          isoTimestamp("now()"),
      {timeout});
  for (const auto row : stale) {
    const auto id = row.int64(0);
    tx->exec(
        "INSERT INTO agent_activities (agent_id, type, description, metadata) VALUES ($1, 'status_change', "
        "$2, $3::jsonb)",
        {id, "status changed from " + row.string(4) + " to offline (no activity)",
         nlohmann::json{{"from", row.string(4)}, {"to", "offline"}, {"reason", "inactive"}}});
    const std::string aggregate = "agent:" + std::to_string(id);
    events_.emit(*tx, "agent.status_changed",
                 {{"agentId", id},
                  {"status", "offline"},
                  {"previousStatus", row.string(4)},
                  {"timestamp", row.string(5)},
                  {"department", row.string(2)},
                  {"location", row.string(3)}},
                 {.tenant = row.string(1), .aggregate = aggregate});
  }
  tx->commit();
}

int AgentJobs::updatePerformanceLevels() {
  auto tx = db_.begin();
  const auto changed = tx->exec(
      "UPDATE agents a SET performance_level = l.level, updated_at = now() FROM ("
      "  SELECT id, CASE WHEN customer_satisfaction >= $1 AND avg_response_time <= $2 THEN 'high' "
      "    WHEN customer_satisfaction < $3 OR avg_response_time > $4 THEN 'low' ELSE 'medium' END AS level "
      "  FROM agents) l "
      "WHERE a.id = l.id AND a.performance_level <> l.level RETURNING a.id",
      {thresholds_.highSatisfaction, thresholds_.highResponseMinutes, thresholds_.lowSatisfaction,
       thresholds_.lowResponseMinutes});
  for (const auto row : changed) {
    const auto agent =
        tx->exec("SELECT " + kAgentColumns + std::string(kAgentFrom) + "WHERE a.id = $1", {row.int64(0)});
    const std::string aggregate = "agent:" + std::to_string(row.int64(0));
    events_.emit(*tx, "agent.updated", agentJson(agent[0]),
                 {.tenant = agent[0].string(kAgentTenantColumn), .aggregate = aggregate});
  }
  tx->commit();
  return changed.size();
}

void AgentJobs::onConnection(const realtime::ConnectionEvent& event) {
  const auto id = userId(event.user.id);
  if (!id) return;
  using Kind = realtime::ConnectionEvent::Kind;
  switch (event.kind) {
    case Kind::opened:
      db_.exec(
          "INSERT INTO agent_sessions (agent_id, socket_id, ip_address, user_agent) "
          "SELECT $1, $2, $3::inet, $4 WHERE EXISTS (SELECT 1 FROM agents WHERE id = $1)",
          {*id, event.connectionId,
           event.remoteAddress.empty() ? data::Param(std::nullopt) : data::Param(event.remoteAddress),
           event.userAgent.substr(0, 1000)});
      db_.exec("UPDATE agents SET last_seen = now() WHERE id = $1", {*id});
      break;
    case Kind::active:
      db_.exec("UPDATE agent_sessions SET last_activity = now() WHERE socket_id = $1 AND is_active",
               {event.connectionId});
      db_.exec("UPDATE agents SET last_seen = now() WHERE id = $1", {*id});
      break;
    case Kind::closed:
      db_.exec(
          "UPDATE agent_sessions SET is_active = false, ended_at = now(), last_activity = now() "
          "WHERE socket_id = $1 AND is_active",
          {event.connectionId});
      break;
  }
}

}  // namespace monti::agents
