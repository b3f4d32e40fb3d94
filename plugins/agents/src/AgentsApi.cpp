#include "AgentsApi.hpp"

#include "Agent.hpp"

#include <monti/http/Errors.hpp>
#include <monti/http/Pagination.hpp>

#include <charconv>
#include <chrono>
#include <ctime>

namespace monti::agents {
namespace {

using http::BadRequest;
using http::Request;
using http::Response;

constexpr int kMaxPerformanceDays = 90;
constexpr int kDefaultPerformanceDays = 30;
constexpr std::size_t kMaxBulkAgents = 1000;
constexpr std::size_t kMaxSearchBytes = 200;

std::string nowIso() {
  const auto now = std::chrono::system_clock::now();
  const auto t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[40];
  std::snprintf(out, sizeof out, "%s.%03lldZ", buffer, static_cast<long long>(ms));
  return out;
}

std::optional<std::string> enumQuery(const Request& r, const char* name, auto allowed) {
  auto value = r.query(name);
  if (value && !oneOf(allowed, *value)) throw BadRequest::field(name, "is not one of the allowed values");
  return value;
}

std::int64_t agentId(const Request& r) { return r.paramAs<std::int64_t>("id"); }

/// A list query as a cache key: the values JSON-encoded, so no separator inside a value can collide.
nlohmann::json cacheKey(const AgentFilters& f, const http::Page& page) {
  const auto value = [](const auto& optional) { return optional ? nlohmann::json(*optional) : nlohmann::json(); };
  return nlohmann::json::array({value(f.role), value(f.active), value(f.onlineStatus), value(f.department),
                                value(f.location), value(f.search), value(f.performanceLevel), page.page, page.limit});
}

/// A calendar date from YYYY-MM-DD or the date part of an ISO timestamp; BadRequest otherwise.
std::chrono::year_month_day parseDate(const std::string& text, const char* field) {
  const auto part = [&text](std::size_t at, std::size_t length, unsigned& out) {
    const auto* begin = text.data() + at;
    const auto [end, ec] = std::from_chars(begin, begin + length, out);
    return ec == std::errc{} && end == begin + length;
  };
  unsigned y = 0;
  unsigned m = 0;
  unsigned d = 0;
  if (text.size() < 10 || text[4] != '-' || text[7] != '-' || (text.size() > 10 && text[10] != 'T') || !part(0, 4, y) ||
      !part(5, 2, m) || !part(8, 2, d)) {
    throw BadRequest::field(field, "must be a date YYYY-MM-DD or an ISO 8601 timestamp");
  }
  const std::chrono::year_month_day date{std::chrono::year(static_cast<int>(y)), std::chrono::month(m),
                                         std::chrono::day(d)};
  if (!date.ok()) throw BadRequest::field(field, "is not a calendar date");
  return date;
}

std::string formatDate(std::chrono::year_month_day date) {
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()));
  return out;
}

int intQuery(const Request& r, const char* name, int fallback, int min, int max) {
  const auto text = r.query(name);
  if (!text) return fallback;
  int value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size() || value < min || value > max) {
    throw BadRequest::field(name, "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return value;
}

}  // namespace

AgentFilters parseFilters(const Request& r) {
  AgentFilters f;
  f.role = enumQuery(r, "role", kRoles);
  if (const auto status = r.query("status")) {
    if (*status != "active" && *status != "inactive") throw BadRequest::field("status", "must be active or inactive");
    f.active = *status == "active";
  }
  f.onlineStatus = enumQuery(r, "onlineStatus", kOnlineStatuses);
  f.performanceLevel = enumQuery(r, "performanceLevel", kPerformanceLevels);
  f.department = r.query("department");
  f.location = r.query("location");
  f.search = r.query("search");
  if (f.search && f.search->size() > kMaxSearchBytes) throw BadRequest::field("search", "is longer than 200 bytes");
  if (f.search && f.search->empty()) f.search.reset();
  return f;
}

void AgentsApi::registerRoutes(http::RouteRegistry& routes) {
  const auto bind = [this](Response (AgentsApi::*handler)(const Request&)) {
    return [this, handler](const Request& r) { return (this->*handler)(r); };
  };
  routes.get("/agents", bind(&AgentsApi::list), {.permission = "read:agents"});
  routes.get("/agents/search", bind(&AgentsApi::search), {.permission = "read:agents"});
  routes.get("/agents/stats", bind(&AgentsApi::stats), {.permission = "read:agents"});
  routes.get("/agents/departments", bind(&AgentsApi::departments), {.permission = "read:agents"});
  routes.put("/agents/bulk", bind(&AgentsApi::bulk), {.permission = "manage:agents"});
  routes.post("/agents", bind(&AgentsApi::create), {.permission = "manage:agents"});
  routes.get("/agents/:id", bind(&AgentsApi::get), {.permission = "read:agents"});
  routes.put("/agents/:id", bind(&AgentsApi::update), {.permission = "update:self"});
  routes.del("/agents/:id", bind(&AgentsApi::remove), {.permission = "manage:agents"});
  routes.put("/agents/:id/status", bind(&AgentsApi::status), {.permission = "update:status"});
  routes.get("/agents/:id/performance", bind(&AgentsApi::performance), {.permission = "read:performance"});
  routes.get("/agents/:id/activity", bind(&AgentsApi::activity), {.permission = "read:agents"});
  routes.post("/agents/:id/activity", bind(&AgentsApi::recordActivity), {.permission = "update:status"});
}

StoredAgent AgentsApi::requireAgent(const Request& r, std::int64_t id) {
  auto agent = store_.find(auth::scopeParams(*r.user()), id);
  if (!agent) throw http::NotFound("no agent " + std::to_string(id));
  return *agent;
}

void AgentsApi::emit(data::Transaction& tx, std::string_view name, const nlohmann::json& payload,
                     const StoredAgent& agent) {
  const std::string aggregate = "agent:" + std::to_string(agent.json["id"].get<std::int64_t>());
  events_.emit(tx, name, payload, {.tenant = agent.tenant, .aggregate = aggregate});
}

Response AgentsApi::cached(const Request& r, const std::string& what, std::chrono::milliseconds ttl,
                           const std::function<nlohmann::json()>& compute) {
  const auto scope = auth::scopeParams(*r.user());
  const std::string tag = "agents:" + scope.tenant;
  // The scope is part of the key: two callers of one tenant with different departments see different data.
  const std::string key = tag + "|" + scope.departments + "|" + scope.locations + "|" + what;
  return Response::rawJson(cache_.getOrCompute(key, ttl, [&] { return compute().dump(); }, {tag}));
}

void AgentsApi::invalidate(const std::string& tenant) { cache_.deleteTag("agents:" + tenant); }

Response AgentsApi::list(const Request& r) {
  const auto filters = parseFilters(r);
  const auto page = http::parsePage(r);
  const auto key = cacheKey(filters, page);
  return cached(r, "list:" + key.dump(), ttls_.agents,
                [&] { return store_.list(auth::scopeParams(*r.user()), filters, page); });
}

Response AgentsApi::search(const Request& r) {
  auto filters = parseFilters(r);
  const auto q = r.query("q");
  if (!q || q->empty()) throw BadRequest::field("q", "is required");
  if (q->size() > kMaxSearchBytes) throw BadRequest::field("q", "is longer than 200 bytes");
  filters.search = *q;
  const auto page = http::parsePage(r);
  const auto key = cacheKey(filters, page);
  return cached(r, "list:" + key.dump(), ttls_.agents,
                [&] { return store_.list(auth::scopeParams(*r.user()), filters, page); });
}

Response AgentsApi::stats(const Request& r) {
  return cached(r, "stats", ttls_.stats, [&] { return store_.stats(auth::scopeParams(*r.user())); });
}

Response AgentsApi::departments(const Request& r) {
  return cached(r, "departments", ttls_.departments, [&] { return store_.departments(auth::scopeParams(*r.user())); });
}

Response AgentsApi::get(const Request& r) { return Response::json(requireAgent(r, agentId(r)).json); }

Response AgentsApi::create(const Request& r) {
  const auto input = parseNewAgent(r.json());
  const auto hash = passwords_.hash(input.password, "password");
  const auto& user = *r.user();
  auto tx = db_.begin();
  auto agent = store_.create(*tx, user.tenant, input, hash);
  if (!auth::canSee(user, agent.tenant, agent.department, agent.location)) {
    throw http::Forbidden("you may only create agents within your departments and locations");
  }
  emit(*tx, "agent.created", agent.json, agent);
  tx->commit();
  invalidate(agent.tenant);
  return Response::json(agent.json, 201);
}

Response AgentsApi::update(const Request& r) {
  const auto id = agentId(r);
  const auto changes = parseChanges(r.json());
  const auto& user = *r.user();
  const bool admin = user.has("manage:agents");
  if (!admin && (!user.isSelfOrAdmin(std::to_string(id)) || !changes.onlySelfEditable())) {
    throw http::Forbidden("you may change only your own fullName, phone and avatar");
  }
  auto tx = db_.begin();
  const auto scope = auth::scopeParams(user);
  if (!store_.find(*tx, scope, id, true)) throw http::NotFound("no agent " + std::to_string(id));
  if (!changes.empty()) store_.update(*tx, id, changes);
  auto agent = *store_.find(*tx, scope, id);
  if (!changes.empty()) emit(*tx, "agent.updated", agent.json, agent);
  tx->commit();
  if (!changes.empty()) invalidate(agent.tenant);
  return Response::json(agent.json);
}

Response AgentsApi::remove(const Request& r) {
  const auto id = agentId(r);
  auto tx = db_.begin();
  const auto scope = auth::scopeParams(*r.user());
  if (!store_.find(*tx, scope, id, true)) throw http::NotFound("no agent " + std::to_string(id));
  AgentChanges deactivate;
  deactivate.isActive = false;
  store_.update(*tx, id, deactivate);
  const auto agent = *store_.find(*tx, scope, id);
  emit(*tx, "agent.deleted",
       {{"agentId", id}, {"timestamp", nowIso()}, {"department", agent.department}, {"location", agent.location}},
       agent);
  tx->commit();
  invalidate(agent.tenant);
  return Response::json({{"success", true}, {"message", "agent " + std::to_string(id) + " was deactivated"}});
}

Response AgentsApi::status(const Request& r) {
  const auto id = agentId(r);
  const auto& user = *r.user();
  if (!user.has("manage:agents") && !user.isSelfOrAdmin(std::to_string(id))) {
    throw http::Forbidden("you may change only your own status");
  }
  const auto& body = r.json();
  if (!body.is_object() || !body.contains("status") || !body["status"].is_string() ||
      !oneOf(kOnlineStatuses, body["status"].get_ref<const std::string&>())) {
    throw BadRequest::field("status", "must be online, offline, away or busy");
  }
  const auto& next = body["status"].get_ref<const std::string&>();
  auto tx = db_.begin();
  const auto scope = auth::scopeParams(user);
  if (!store_.find(*tx, scope, id, true)) throw http::NotFound("no agent " + std::to_string(id));
  const auto previous = store_.setStatus(*tx, id, next);
  const auto activity = store_.addActivity(*tx, id, "status_change", "status changed from " + previous + " to " + next,
                                           {{"from", previous}, {"to", next}});
  auto agent = *store_.find(*tx, scope, id);
  const auto timestamp = nowIso();
  emit(*tx, "agent.status_changed",
       {{"agentId", id},
        {"status", next},
        {"previousStatus", previous},
        {"timestamp", timestamp},
        {"department", agent.department},
        {"location", agent.location}},
       agent);
  auto activityEvent = activity;
  activityEvent["department"] = agent.department;
  activityEvent["location"] = agent.location;
  emit(*tx, "agent.activity", activityEvent, agent);
  tx->commit();
  invalidate(agent.tenant);
  return Response::json(agent.json);
}

Response AgentsApi::performance(const Request& r) {
  const auto id = agentId(r);
  requireAgent(r, id);
  const auto today =
      std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
  const auto toText = r.query("to");
  const auto to = toText ? parseDate(*toText, "to") : today;
  const auto fromText = r.query("from");
  const auto from =
      fromText ? parseDate(*fromText, "from")
               : std::chrono::year_month_day(std::chrono::sys_days(to) - std::chrono::days(kDefaultPerformanceDays));
  if (std::chrono::sys_days(from) > std::chrono::sys_days(to)) throw BadRequest::field("from", "is after to");
  if (std::chrono::sys_days(to) - std::chrono::sys_days(from) > std::chrono::days(kMaxPerformanceDays)) {
    throw BadRequest::field("from", "the range may span at most 90 days");
  }
  return Response::json(store_.performance(id, formatDate(from), formatDate(to)));
}

Response AgentsApi::activity(const Request& r) {
  const auto id = agentId(r);
  requireAgent(r, id);
  return Response::json(store_.activities(id, intQuery(r, "days", 7, 1, kMaxPerformanceDays)));
}

Response AgentsApi::recordActivity(const Request& r) {
  const auto id = agentId(r);
  const auto& user = *r.user();
  if (!user.has("manage:agents") && !user.isSelfOrAdmin(std::to_string(id))) {
    throw http::Forbidden("you may record only your own activity");
  }
  const auto& body = r.json();
  if (!body.is_object()) throw BadRequest("expected a JSON object");
  std::vector<http::FieldError> problems;
  const auto type = body.value("type", std::string());
  if (!oneOf(kActivityTypes, type) || type == "status_change") {
    problems.push_back({"type", "must be login, logout, ticket_assigned, ticket_resolved or message_sent"});
  }
  const auto number = [&](const char* key, double min, double max) -> std::optional<double> {
    const auto it = body.find(key);
    if (it == body.end() || it->is_null()) return std::nullopt;
    if (!it->is_number() || it->get<double>() < min || it->get<double>() > max) {
      problems.push_back({key, "must be a number from " + std::to_string(static_cast<int>(min)) + " to " +
                                   std::to_string(static_cast<int>(max))});
      return std::nullopt;
    }
    return it->get<double>();
  };
  const auto responseTime = number("responseTimeMinutes", 0, 1440);
  const auto satisfaction = number("satisfaction", 1, 5);
  const auto description = body.value("description", type);
  if (description.size() > 1000) problems.push_back({"description", "must be at most 1000 bytes"});
  const auto metadata = body.value("metadata", nlohmann::json());
  if (!metadata.is_null() && !metadata.is_object()) problems.push_back({"metadata", "must be an object"});
  if (!problems.empty()) throw BadRequest("invalid activity", problems);

  auto tx = db_.begin();
  const auto scope = auth::scopeParams(user);
  if (!store_.find(*tx, scope, id, true)) throw http::NotFound("no agent " + std::to_string(id));
  auto activity = store_.addActivity(*tx, id, type, description, metadata, responseTime, satisfaction);
  store_.applyActivityCounters(*tx, id, type, responseTime, satisfaction);
  const auto agent = *store_.find(*tx, scope, id);
  auto event = activity;
  event["department"] = agent.department;
  event["location"] = agent.location;
  emit(*tx, "agent.activity", event, agent);
  const auto metric = type == "ticket_resolved" ? "ticketsResolvedToday"
                      : type == "message_sent"  ? "messagesHandledToday"
                                                : "currentTickets";
  emit(*tx, "agent.performance_updated",
       {{"agentId", id},
        {"metric", metric},
        {"value", agent.json[metric]},
        {"timestamp", activity["timestamp"]},
        {"department", agent.department},
        {"location", agent.location}},
       agent);
  tx->commit();
  invalidate(agent.tenant);
  return Response::json(activity, 201);
}

Response AgentsApi::bulk(const Request& r) {
  const auto& body = r.json();
  if (!body.is_object() || !body.contains("agentIds") || !body["agentIds"].is_array() || body["agentIds"].empty() ||
      body["agentIds"].size() > kMaxBulkAgents) {
    throw BadRequest::field("agentIds", "must be a list of 1 to 1000 agent ids");
  }
  std::vector<std::int64_t> ids;
  for (const auto& id : body["agentIds"]) {
    if (!id.is_number_integer()) throw BadRequest::field("agentIds", "must hold whole numbers");
    ids.push_back(id.get<std::int64_t>());
  }
  if (!body.contains("updates")) throw BadRequest::field("updates", "is required");
  const auto changes = parseChanges(body["updates"], "updates.");
  if (changes.empty()) throw BadRequest::field("updates", "names nothing to change");
  if (changes.username || changes.email) {
    throw BadRequest::field("updates", "username and email are unique: change them one agent at a time");
  }
  const auto scope = auth::scopeParams(*r.user());
  int updated = 0;
  nlohmann::json errors = nlohmann::json::array();
  for (const auto id : ids) {
    try {
      auto tx = db_.begin();
      if (!store_.find(*tx, scope, id, true)) {
        errors.push_back("agent " + std::to_string(id) + ": not found");
        continue;
      }
      store_.update(*tx, id, changes);
      const auto agent = *store_.find(*tx, scope, id);
      emit(*tx, "agent.updated", agent.json, agent);
      tx->commit();
      ++updated;
    } catch (const http::HttpError& e) {
      errors.push_back("agent " + std::to_string(id) + ": " + e.what());
    }
  }
  if (updated > 0) invalidate(r.user()->tenant);
  return Response::json({{"success", errors.empty()}, {"updated", updated}, {"errors", errors}});
}

}  // namespace monti::agents
