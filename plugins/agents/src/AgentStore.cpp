#include "AgentStore.hpp"

#include "Agent.hpp"

#include <monti/http/Errors.hpp>

namespace monti::agents {
namespace {

// $1 tenant, $2 departments, $3 locations (auth::scopeParams).
constexpr std::string_view kScope =
    "a.tenant_id = $1 AND (cardinality($2::text[]) = 0 OR a.department = ANY($2::text[])) "
    "AND (cardinality($3::text[]) = 0 OR a.location = ANY($3::text[]))";

// $4.. the filters; a NULL parameter matches everything.
constexpr std::string_view kFilters =
    " AND ($4::text IS NULL OR u.role = $4) AND ($5::boolean IS NULL OR u.is_active = $5)"
    " AND ($6::text IS NULL OR a.online_status = $6) AND ($7::text IS NULL OR a.department = $7)"
    " AND ($8::text IS NULL OR a.location = $8) AND ($9::text IS NULL OR a.performance_level = $9)"
    " AND ($10::text IS NULL OR u.username ILIKE $10 OR u.email ILIKE $10 OR a.full_name ILIKE $10"
    " OR a.department ILIKE $10)";

/// A LIKE pattern matching `text` anywhere, with %, _ and \ taken literally (CONTRACT.md).
std::string containsPattern(const std::string& text) {
  std::string pattern = "%";
  for (const char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern.push_back('\\');
    pattern.push_back(c);
  }
  pattern.push_back('%');
  return pattern;
}

data::Params scopeAndFilters(const auth::ScopeParams& scope, const AgentFilters& f) {
  return {scope.tenant,       scope.departments,
          scope.locations,    f.role,
          f.active,           f.onlineStatus,
          f.department,       f.location,
          f.performanceLevel, f.search ? std::optional<std::string>(containsPattern(*f.search)) : std::nullopt};
}

StoredAgent stored(const data::Row& row) {
  auto json = agentJson(row);
  return {json, row.string(kAgentTenantColumn), json["department"], json["location"], json["onlineStatus"]};
}

/// A unique violation is a taken username or email: 409.
void throwIfTaken(const data::DatabaseError& e) {
  if (e.isUniqueViolation()) throw http::Conflict("the username or email is already taken");
}

}  // namespace

nlohmann::json AgentStore::list(const auth::ScopeParams& scope, const AgentFilters& filters, const http::Page& page) {
  auto params = scopeAndFilters(scope, filters);
  params.emplace_back(page.limit);
  params.emplace_back(page.offset());
  const auto rows = db_.read("SELECT " + kAgentColumns + ", count(*) OVER ()" + std::string(kAgentFrom) + "WHERE " +
                                 std::string(kScope) + std::string(kFilters) + " ORDER BY u.id LIMIT $11 OFFSET $12",
                             params);
  nlohmann::json data = nlohmann::json::array();
  std::int64_t total = 0;
  for (const auto row : rows) {
    data.push_back(agentJson(row));
    total = row.int64(kAgentTenantColumn + 1);
  }
  if (rows.empty() && page.page > 1) {  // past the end: the window count has no row to ride on
    params.erase(params.begin() + 10, params.end());
    total =
        db_.read("SELECT count(*)" + std::string(kAgentFrom) + "WHERE " + std::string(kScope) + std::string(kFilters),
                 params)[0]
            .int64(0);
  }
  const auto pages = total == 0 ? 0 : (total + page.limit - 1) / page.limit;
  return {{"data", std::move(data)},
          {"meta", {{"total", total}, {"page", page.page}, {"limit", page.limit}, {"totalPages", pages}}}};
}

std::optional<StoredAgent> AgentStore::find(const auth::ScopeParams& scope, std::int64_t id) {
  const auto rows =
      db_.read("SELECT " + kAgentColumns + std::string(kAgentFrom) + "WHERE " + std::string(kScope) + " AND a.id = $4",
               {scope.tenant, scope.departments, scope.locations, id});
  if (rows.empty()) return std::nullopt;
  return stored(rows[0]);
}

std::optional<StoredAgent> AgentStore::find(data::Transaction& tx, const auth::ScopeParams& scope, std::int64_t id,
                                            bool forUpdate) {
  const auto rows = tx.exec("SELECT " + kAgentColumns + std::string(kAgentFrom) + "WHERE " + std::string(kScope) +
                                " AND a.id = $4" + (forUpdate ? " FOR UPDATE OF a, u" : ""),
                            {scope.tenant, scope.departments, scope.locations, id});
  if (rows.empty()) return std::nullopt;
  return stored(rows[0]);
}

nlohmann::json AgentStore::stats(const auth::ScopeParams& scope) {
  const std::string where = std::string(kAgentFrom) + "WHERE " + std::string(kScope);
  const data::Params params{scope.tenant, scope.departments, scope.locations};
  const auto totals = db_.read(
      "SELECT count(*), count(*) FILTER (WHERE u.is_active), "
      "count(*) FILTER (WHERE a.online_status <> 'offline'), "
      "count(*) FILTER (WHERE a.online_status = 'offline')" +
          where,
      params);
  nlohmann::json byRole = nlohmann::json::object();
  for (const auto row : db_.read("SELECT u.role, count(*)" + where + " GROUP BY u.role", params))
    byRole[row.string(0)] = row.int64(1);
  nlohmann::json byDepartment = nlohmann::json::object();
  for (const auto row : db_.read("SELECT a.department, count(*)" + where + " GROUP BY a.department", params))
    byDepartment[row.string(0)] = row.int64(1);
  return {{"total", totals[0].int64(0)},
          {"active", totals[0].int64(1)},
          {"online", totals[0].int64(2)},
          {"offline", totals[0].int64(3)},
          {"byRole", byRole},
          {"byDepartment", byDepartment}};
}

nlohmann::json AgentStore::departments(const auth::ScopeParams& scope) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto row : db_.read("SELECT a.department, count(*), count(*) FILTER (WHERE u.is_active), "
                                 "count(*) FILTER (WHERE a.online_status <> 'offline')" +
                                     std::string(kAgentFrom) + "WHERE " + std::string(kScope) +
                                     " GROUP BY a.department ORDER BY a.department",
                                 {scope.tenant, scope.departments, scope.locations}))
    out.push_back(
        {{"name", row.string(0)}, {"agents", row.int64(1)}, {"active", row.int64(2)}, {"online", row.int64(3)}});
  return out;
}

StoredAgent AgentStore::create(data::Transaction& tx, const std::string& tenant, const NewAgent& agent,
                               const std::string& passwordHash) {
  try {
    const auto id = tx.exec(
                          "INSERT INTO users (tenant_id, username, email, password_hash, role) "
                          "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                          {tenant, agent.username, agent.email, passwordHash, agent.role})[0]
                        .int64(0);
    tx.exec(
        "INSERT INTO agents (id, tenant_id, full_name, phone, avatar, department, location) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7)",
        {id, tenant, agent.fullName, agent.phone, agent.avatar, agent.department, agent.location});
    const auto rows = tx.exec("SELECT " + kAgentColumns + std::string(kAgentFrom) + "WHERE a.id = $1", {id});
    return stored(rows[0]);
  } catch (const data::DatabaseError& e) {
    throwIfTaken(e);
    throw;
  }
}

void AgentStore::update(data::Transaction& tx, std::int64_t id, const AgentChanges& c) {
  // Column names come from this fixed list, never from the request; values are bound parameters.
  std::string users;
  std::string agents;
  data::Params params{id};
  const auto set = [&params](std::string& clause, std::string_view column, data::Param value) {
    params.push_back(std::move(value));
    clause += ", " + std::string(column) + " = $" + std::to_string(params.size());
  };
  if (c.username) set(users, "username", *c.username);
  if (c.email) set(users, "email", *c.email);
  if (c.role) set(users, "role", *c.role);
  if (c.isActive) set(users, "is_active", *c.isActive);
  try {
    if (!users.empty()) tx.exec("UPDATE users SET updated_at = now()" + users + " WHERE id = $1", params);
    params.erase(params.begin() + 1, params.end());
    if (c.fullName) set(agents, "full_name", *c.fullName);
    if (c.department) set(agents, "department", *c.department);
    if (c.location) set(agents, "location", *c.location);
    if (c.phone) set(agents, "phone", *c.phone);
    if (c.avatar) set(agents, "avatar", *c.avatar);
    tx.exec("UPDATE agents SET updated_at = now()" + agents + " WHERE id = $1", params);
  } catch (const data::DatabaseError& e) {
    throwIfTaken(e);
    throw;
  }
}

std::string AgentStore::setStatus(data::Transaction& tx, std::int64_t id, const std::string& status) {
  const auto rows = tx.exec(
      "WITH old AS (SELECT online_status FROM agents WHERE id = $1 FOR UPDATE) "
      "UPDATE agents SET online_hours_today = online_hours_today + CASE WHEN agents.online_status <> 'offline' THEN "
      "extract(epoch FROM now() - greatest(status_since, date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE "
      "'UTC')) / 3600 ELSE 0 END, online_status = $2, status_since = now(), last_seen = now(), updated_at = now() "
      "FROM old WHERE agents.id = $1 RETURNING old.online_status",
      {id, status});
  return rows.empty() ? std::string() : rows[0].string(0);
}

nlohmann::json AgentStore::addActivity(data::Transaction& tx, std::int64_t id, const std::string& type,
                                       const std::string& description, const nlohmann::json& metadata,
                                       std::optional<double> responseTimeMinutes, std::optional<double> satisfaction) {
  const auto rows = tx.exec(
      "INSERT INTO agent_activities (agent_id, type, description, metadata, "
      "response_time_minutes, satisfaction) VALUES ($1, $2, $3, $4::jsonb, $5, $6) RETURNING " +
          kActivityColumns,
      {id, type, description, metadata.is_null() ? data::Param(std::nullopt) : metadata, responseTimeMinutes,
       satisfaction});
  return activityJson(rows[0]);
}

void AgentStore::applyActivityCounters(data::Transaction& tx, std::int64_t id, const std::string& type,
                                       std::optional<double> responseTimeMinutes, std::optional<double> satisfaction) {
  // Running averages weight the new figure like one more ticket among those handled.
  tx.exec(
      "UPDATE agents SET "
      "current_tickets = greatest(0, current_tickets + CASE $2 WHEN 'ticket_assigned' THEN 1 "
      "  WHEN 'ticket_resolved' THEN -1 ELSE 0 END), "
      "total_tickets_handled = total_tickets_handled + CASE WHEN $2 = 'ticket_resolved' THEN 1 ELSE 0 END, "
      "tickets_resolved_today = tickets_resolved_today + CASE WHEN $2 = 'ticket_resolved' THEN 1 ELSE 0 END, "
      "messages_handled_today = messages_handled_today + CASE WHEN $2 = 'message_sent' THEN 1 ELSE 0 END, "
      "avg_response_time = CASE WHEN $3::numeric IS NULL THEN avg_response_time ELSE "
      "  round((avg_response_time * total_tickets_handled + $3::numeric) / (total_tickets_handled + 1), 2) END, "
      "customer_satisfaction = CASE WHEN $4::numeric IS NULL THEN customer_satisfaction ELSE "
      "  round((customer_satisfaction * total_tickets_handled + $4::numeric) / (total_tickets_handled + 1), 2) END, "
      "last_seen = now(), updated_at = now() WHERE id = $1",
      {id, type, responseTimeMinutes, satisfaction});
}

nlohmann::json AgentStore::activities(std::int64_t id, int days) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto row : db_.read("SELECT " + kActivityColumns +
                                     " FROM agent_activities WHERE agent_id = $1 AND timestamp >= now() - "
                                     "make_interval(days => $2) ORDER BY timestamp DESC LIMIT 1000",
                                 {id, days}))
    out.push_back(activityJson(row));
  return out;
}

nlohmann::json AgentStore::performance(std::int64_t id, const std::string& from, const std::string& to) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto row : db_.read("SELECT " + kMetricsColumns +
                                     " FROM agent_performance_metrics WHERE agent_id = $1 AND date BETWEEN $2::date "
                                     "AND $3::date ORDER BY date",
                                 {id, from, to}))
    out.push_back(metricsJson(row));
  return out;
}

}  // namespace monti::agents
