// The agents plugin's REST API against the real binary (plugins/agents/README.md, seed 001 §2, §7.1, §10.2 and
// CONTRACT.md): the lifecycle, who may do what, tenant and department scoping, status, activity, performance,
// stats and bulk updates. Search, filters and pagination are in AgentsListing at the end.
#include "support/AgentsFixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace monti::itest {
namespace {

std::string agentPath(std::int64_t id, const std::string& tail = "") { return "/agents/" + std::to_string(id) + tail; }

// ----------------------------------------------------------------------------------------------------------------
// Lifecycle: create → read → update → delete

class AgentsLifecycle : public AgentsSuite<AgentsLifecycle> {};

TEST_F(AgentsLifecycle, CreateAnswers201WithEveryFieldOfTheAgent) {
  auto body = agentBody("cs", "Sales");
  body["phone"] = "+1 555 0100";
  body["location"] = "Berlin";
  body["avatar"] = "https://example.test/a.png";
  const auto response = asAdmin("POST", "/agents", body);
  ASSERT_EQ(response.status, 201) << response.body;
  const auto agent = response.json();
  EXPECT_TRUE(isAgent(agent));
  for (const auto* field : {"username", "email", "fullName", "role", "department", "phone", "location", "avatar"})
    EXPECT_EQ(agent.value(field, nlohmann::json()), body[field]) << field << " in " << agent.dump();
  // The defaults of seed 001 §1.1.
  EXPECT_EQ(agent.value("isActive", false), true);
  EXPECT_TRUE(agent.value("lastLoginAt", nlohmann::json("x")).is_null()) << agent.dump();
  EXPECT_EQ(agent.value("onlineStatus", ""), "offline");
  EXPECT_EQ(agent.value("currentTickets", -1), 0);
  EXPECT_EQ(agent.value("totalTicketsHandled", -1), 0);
  EXPECT_EQ(agent.value("ticketsResolvedToday", -1), 0);
  EXPECT_EQ(agent.value("messagesHandledToday", -1), 0);
  EXPECT_DOUBLE_EQ(agent.value("onlineHoursToday", -1.0), 0.0);
  EXPECT_DOUBLE_EQ(agent.value("avgResponseTime", -1.0), 5.0);
  EXPECT_DOUBLE_EQ(agent.value("customerSatisfaction", -1.0), 3.5);
  EXPECT_EQ(agent.value("performanceLevel", ""), "medium");
  EXPECT_EQ(response.body.find("assword"), std::string::npos) << response.body;
  EXPECT_EQ(response.body.find(kAgentPassword), std::string::npos) << response.body;
}

TEST_F(AgentsLifecycle, GetReturnsTheAgentAsCreated) {
  const auto created = newAgent();
  const auto response = asAdmin("GET", agentPath(idOf(created)));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_TRUE(isAgent(response.json()));
  EXPECT_EQ(response.json(), created);
}

TEST_F(AgentsLifecycle, TheApiAliasServesTheSameAgent) {
  const auto created = newAgent();
  const auto response = get(port(), "/api" + agentPath(idOf(created)), bearer(admin().token));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.json().value("id", 0), idOf(created));
}

TEST_F(AgentsLifecycle, GetOfAnUnknownIdIs404) {
  const auto response = asAdmin("GET", agentPath(987654321));
  EXPECT_EQ(response.status, 404) << response.body;
  EXPECT_EQ(errorCode(response), "not_found") << response.body;
}

TEST_F(AgentsLifecycle, AnonymousCallsAre401) {
  const auto agent = newAgent();
  EXPECT_EQ(as("", "GET", "/agents").status, 401);
  EXPECT_EQ(as("", "GET", agentPath(idOf(agent))).status, 401);
  EXPECT_EQ(as("", "POST", "/agents", agentBody()).status, 401);
}

TEST_F(AgentsLifecycle, UpdateChangesTheFieldsAndMovesUpdatedAt) {
  const auto created = newAgent("cs", "Support");
  const auto id = idOf(created);
  // updatedAt has millisecond precision: make sure the clock has moved past createdAt.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const auto tag = uniqueTag();
  const nlohmann::json changes{{"fullName", "Renamed " + tag}, {"email", "renamed_" + tag + "@example.test"},
                               {"username", "renamed_" + tag}, {"role", "viewer"},
                               {"department", "Billing"},      {"phone", "+49 30 1234567"},
                               {"location", "Tokyo"},          {"avatar", "https://example.test/b.png"}};
  const auto response = asAdmin("PUT", agentPath(id), changes);
  ASSERT_EQ(response.status, 200) << response.body;
  const auto updated = response.json();
  EXPECT_TRUE(isAgent(updated));
  for (const auto& [field, value] : changes.items())
    EXPECT_EQ(updated.value(field, nlohmann::json()), value) << field;
  EXPECT_EQ(updated.value("createdAt", ""), created.value("createdAt", ""));
  EXPECT_GT(updated.value("updatedAt", ""), created.value("updatedAt", "")) << "updatedAt did not move";
  const auto fetched = fetchAgent(port(), admin().token, id);
  for (const auto& [field, value] : changes.items())
    EXPECT_EQ(fetched.value(field, nlohmann::json()), value) << field << " was not stored";
}

TEST_F(AgentsLifecycle, UpdateLeavesFieldsItDoesNotNameAlone) {
  auto body = agentBody("cs", "Sales");
  body["phone"] = "+1 555 0101";
  const auto created = newAgent(body);
  const auto response = asAdmin("PUT", agentPath(idOf(created)), nlohmann::json{{"fullName", "Only The Name"}});
  ASSERT_EQ(response.status, 200) << response.body;
  const auto updated = response.json();
  EXPECT_EQ(updated.value("fullName", ""), "Only The Name");
  for (const auto* field : {"username", "email", "role", "department", "phone", "isActive"})
    EXPECT_EQ(updated.value(field, nlohmann::json()), created.at(field)) << field;
}

TEST_F(AgentsLifecycle, UpdateOfAnUnknownIdIs404) {
  const auto response = asAdmin("PUT", agentPath(987654321), nlohmann::json{{"fullName", "Nobody Here"}});
  EXPECT_EQ(response.status, 404) << response.body;
}

TEST_F(AgentsLifecycle, DeleteAnswersSuccessAndLeavesAnInactiveAgent) {
  const auto created = newAgent();
  const auto id = idOf(created);
  const auto response = asAdmin("DELETE", agentPath(id));
  ASSERT_EQ(response.status, 200) << response.body;
  const auto json = response.json();
  EXPECT_EQ(json.value("success", false), true) << response.body;
  EXPECT_TRUE(json.contains("message") && json["message"].is_string()) << response.body;
  const auto after = asAdmin("GET", agentPath(id));
  ASSERT_EQ(after.status, 200) << "a soft-deleted agent must still be readable: " << after.body;
  EXPECT_EQ(after.json().value("isActive", true), false) << after.body;
  // Lists include inactive agents unless `status` filters (CONTRACT.md).
  const auto list = asAdmin("GET", "/agents?search=" + created.value("username", "") + "&limit=100");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(idsOf(list.json()), std::set<std::int64_t>{id}) << list.body;
}

TEST_F(AgentsLifecycle, DeleteOfAnUnknownIdIs404) {
  const auto response = asAdmin("DELETE", agentPath(987654321));
  EXPECT_EQ(response.status, 404) << response.body;
}

TEST_F(AgentsLifecycle, ANewAgentLogsInWithThePasswordItWasCreatedWith) {
  const auto body = agentBody("viewer", "Support");
  const auto created = newAgent(body);
  EXPECT_EQ(login(port(), body["username"].get<std::string>(), "Wrong1Password").status, 401);
  const auto response = login(port(), body["username"].get<std::string>(), kAgentPassword);
  ASSERT_EQ(response.status, 200) << response.body;
  const auto user = response.json().value("user", nlohmann::json::object());
  EXPECT_EQ(user.value("id", 0), idOf(created)) << response.body;
  EXPECT_EQ(user.value("role", ""), "viewer") << response.body;
  // The login shows in the agent's lastLoginAt.
  EXPECT_TRUE(isIsoUtc(fetchAgent(port(), admin().token, idOf(created)).value("lastLoginAt", nlohmann::json())));
}

TEST_F(AgentsLifecycle, ADeletedAgentCanNoLongerLogIn) {
  const auto body = agentBody("cs", "Support");
  const auto created = newAgent(body);
  ASSERT_EQ(login(port(), body["username"].get<std::string>(), kAgentPassword).status, 200);
  ASSERT_EQ(asAdmin("DELETE", agentPath(idOf(created))).status, 200);
  EXPECT_EQ(login(port(), body["username"].get<std::string>(), kAgentPassword).status, 401);
}

TEST_F(AgentsLifecycle, IsActiveTrueReactivatesADeletedAgent) {
  const auto created = newAgent();
  ASSERT_EQ(asAdmin("DELETE", agentPath(idOf(created))).status, 200);
  const auto response = asAdmin("PUT", agentPath(idOf(created)), nlohmann::json{{"isActive", true}});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.json().value("isActive", false), true) << response.body;
}

// ----------------------------------------------------------------------------------------------------------------
// Seed 001 §7.1: admin ['*'], cs [read:agents, update:self, read:performance, update:status],
// viewer [read:agents, read:performance].

class AgentsAccess : public AgentsSuite<AgentsAccess> {};

TEST_F(AgentsAccess, AViewerCannotCreateUpdateOrDelete) {
  const auto viewer = createAgentAndLogIn(port(), admin().token, "viewer");
  const auto other = newAgent();
  EXPECT_EQ(as(viewer.token, "POST", "/agents", agentBody()).status, 403);
  EXPECT_EQ(as(viewer.token, "PUT", agentPath(idOf(other)), nlohmann::json{{"fullName", "By Viewer"}}).status, 403);
  EXPECT_EQ(as(viewer.token, "DELETE", agentPath(idOf(other))).status, 403);
  const auto bulk = nlohmann::json{{"agentIds", {idOf(other)}}, {"updates", {{"department", "Viewers"}}}};
  EXPECT_EQ(as(viewer.token, "PUT", "/agents/bulk", bulk).status, 403);
  const auto after = fetchAgent(port(), admin().token, idOf(other));
  EXPECT_EQ(after, other) << "a refused call changed the agent";
}

TEST_F(AgentsAccess, AViewerCannotChangeItselfOrItsStatus) {
  const auto viewer = createAgentAndLogIn(port(), admin().token, "viewer");
  EXPECT_EQ(as(viewer.token, "PUT", agentPath(viewer.id), nlohmann::json{{"fullName", "Viewer Self"}}).status, 403);
  EXPECT_EQ(as(viewer.token, "PUT", agentPath(viewer.id, "/status"), nlohmann::json{{"status", "busy"}}).status, 403);
  EXPECT_EQ(fetchAgent(port(), admin().token, viewer.id).value("onlineStatus", ""), "offline");
}

TEST_F(AgentsAccess, AViewerReadsAgentsStatsActivityAndPerformance) {
  const auto viewer = createAgentAndLogIn(port(), admin().token, "viewer");
  const auto other = newAgent();
  for (const auto& path :
       {std::string("/agents"), agentPath(idOf(other)), agentPath(idOf(other), "/performance"),
        agentPath(idOf(other), "/activity"), std::string("/agents/stats"), std::string("/agents/search?q=ag_")}) {
    const auto response = as(viewer.token, "GET", path);
    EXPECT_EQ(response.status, 200) << path << ": " << response.body;
  }
}

TEST_F(AgentsAccess, ACsAgentUpdatesItsOwnNamePhoneAndAvatar) {
  const auto cs = createAgentAndLogIn(port(), admin().token, "cs");
  const nlohmann::json changes{
      {"fullName", "Self Made"}, {"phone", "+1 (555) 010-0199"}, {"avatar", "https://example.test/me.png"}};
  const auto response = as(cs.token, "PUT", agentPath(cs.id), changes);
  ASSERT_EQ(response.status, 200) << response.body;
  const auto stored = fetchAgent(port(), admin().token, cs.id);
  for (const auto& [field, value] : changes.items())
    EXPECT_EQ(stored.value(field, nlohmann::json()), value) << field;
}

TEST_F(AgentsAccess, ACsAgentCannotChangeItsOwnRoleDepartmentOrIdentity) {
  const auto cs = createAgentAndLogIn(port(), admin().token, "cs");
  const auto tag = uniqueTag();
  for (const auto& [field, value] :
       std::vector<std::pair<std::string, nlohmann::json>>{{"role", "admin"},
                                                           {"department", "Elsewhere"},
                                                           {"username", "self_" + tag},
                                                           {"email", "self_" + tag + "@example.test"},
                                                           {"isActive", false},
                                                           {"location", "Tokyo"}}) {
    const auto response = as(cs.token, "PUT", agentPath(cs.id), nlohmann::json{{field, value}});
    EXPECT_EQ(response.status, 403) << field << ": " << response.body;
  }
  // Mixed with allowed fields, the forbidden one still refuses the whole update.
  const auto mixed = as(cs.token, "PUT", agentPath(cs.id), nlohmann::json{{"fullName", "Sneaky"}, {"role", "admin"}});
  EXPECT_EQ(mixed.status, 403) << mixed.body;
  const auto stored = fetchAgent(port(), admin().token, cs.id);
  for (const auto* field : {"role", "department", "username", "email", "isActive", "fullName"})
    EXPECT_EQ(stored.at(field), cs.agent.at(field)) << field << " changed";
}

TEST_F(AgentsAccess, ACsAgentCannotUpdateAnotherAgent) {
  const auto cs = createAgentAndLogIn(port(), admin().token, "cs");
  const auto other = newAgent();
  const auto response = as(cs.token, "PUT", agentPath(idOf(other)), nlohmann::json{{"fullName", "Not Yours"}});
  EXPECT_EQ(response.status, 403) << response.body;
  EXPECT_EQ(fetchAgent(port(), admin().token, idOf(other)).value("fullName", ""), other.value("fullName", ""));
}

TEST_F(AgentsAccess, ACsAgentCannotCreateOrDelete) {
  const auto cs = createAgentAndLogIn(port(), admin().token, "cs");
  const auto other = newAgent();
  EXPECT_EQ(as(cs.token, "POST", "/agents", agentBody()).status, 403);
  EXPECT_EQ(as(cs.token, "DELETE", agentPath(idOf(other))).status, 403);
  EXPECT_EQ(as(cs.token, "DELETE", agentPath(cs.id)).status, 403);
  EXPECT_EQ(fetchAgent(port(), admin().token, cs.id).value("isActive", false), true);
}

TEST_F(AgentsAccess, ACsAgentSetsItsOwnStatusButNotAnothers) {
  const auto cs = createAgentAndLogIn(port(), admin().token, "cs");
  const auto other = newAgent();
  const auto own = as(cs.token, "PUT", agentPath(cs.id, "/status"), nlohmann::json{{"status", "away"}});
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(own.json().value("onlineStatus", ""), "away");
  const auto theirs = as(cs.token, "PUT", agentPath(idOf(other), "/status"), nlohmann::json{{"status", "busy"}});
  EXPECT_EQ(theirs.status, 403) << theirs.body;
  EXPECT_EQ(fetchAgent(port(), admin().token, idOf(other)).value("onlineStatus", ""), "offline");
}

TEST_F(AgentsAccess, ACsAgentRecordsActivityForItselfOnly) {
  const auto cs = createAgentAndLogIn(port(), admin().token, "cs");
  const auto other = newAgent();
  const nlohmann::json activity{{"type", "message_sent"}};
  EXPECT_EQ(as(cs.token, "POST", agentPath(cs.id, "/activity"), activity).status, 201);
  EXPECT_EQ(as(cs.token, "POST", agentPath(idOf(other), "/activity"), activity).status, 403);
  const auto viewer = createAgentAndLogIn(port(), admin().token, "viewer");
  EXPECT_EQ(as(viewer.token, "POST", agentPath(viewer.id, "/activity"), activity).status, 403);
}

TEST_F(AgentsAccess, AnAgentOfAnotherTenantIsInvisible) {
  const auto tenantB = addTenantMember(env(), port(), "admin", "tenantb");
  const auto theirs = createAgent(port(), tenantB.token, agentBody("cs", "Support"));
  const auto ours = newAgent();
  const auto id = idOf(theirs);
  const auto statsBefore = asAdmin("GET", "/agents/stats").json();
  for (const auto& [method, path, body] :
       std::vector<std::tuple<std::string, std::string, std::optional<nlohmann::json>>>{
           {"GET", agentPath(id), std::nullopt},
           {"PUT", agentPath(id), nlohmann::json{{"fullName", "Cross Tenant"}}},
           {"PUT", agentPath(id, "/status"), nlohmann::json{{"status", "busy"}}},
           {"GET", agentPath(id, "/performance"), std::nullopt},
           {"GET", agentPath(id, "/activity"), std::nullopt},
           {"POST", agentPath(id, "/activity"), nlohmann::json{{"type", "message_sent"}}},
           {"DELETE", agentPath(id), std::nullopt}}) {
    const auto response = asAdmin(method, path, body);
    EXPECT_EQ(response.status, 404) << method << " " << path << ": " << response.body;
  }
  const auto list = asAdmin("GET", "/agents?limit=100&search=" + theirs.value("username", ""));
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_TRUE(list.json().at("data").empty()) << list.body;
  const auto search = asAdmin("GET", "/agents/search?q=" + theirs.value("username", ""));
  ASSERT_EQ(search.status, 200) << search.body;
  EXPECT_TRUE(search.json().at("data").empty()) << search.body;
  // Bulk treats it as unknown and leaves it alone.
  const auto bulk =
      asAdmin("PUT", "/agents/bulk",
              nlohmann::json{{"agentIds", {id, idOf(ours)}}, {"updates", {{"department", "Taken Over"}}}});
  ASSERT_EQ(bulk.status, 200) << bulk.body;
  EXPECT_EQ(bulk.json().value("updated", -1), 1) << bulk.body;
  const auto stored = fetchAgent(port(), tenantB.token, id);
  EXPECT_EQ(stored, theirs) << "tenant A changed tenant B's agent";
  // Tenant B's stats do not count tenant A's agents, nor A's theirs.
  EXPECT_EQ(asAdmin("GET", "/agents/stats").json().value("total", -1), statsBefore.value("total", -2));
  const auto theirList = as(tenantB.token, "GET", "/agents?limit=100");
  ASSERT_EQ(theirList.status, 200) << theirList.body;
  EXPECT_EQ(idsOf(theirList.json()).count(idOf(ours)), 0U) << theirList.body;
  EXPECT_EQ(as(tenantB.token, "GET", agentPath(idOf(ours))).status, 404);
}

TEST_F(AgentsAccess, AUserWithDepartmentsSeesOnlyAgentsInThem) {
  const auto tag = uniqueTag();
  const auto mine = "Scope " + tag;
  const auto notMine = "Other " + tag;
  auto inside = agentBody("cs", mine);
  inside["fullName"] = "Scoped " + tag;
  auto outside = agentBody("cs", notMine);
  outside["fullName"] = "Scoped " + tag;
  const auto in = newAgent(inside);
  const auto out = newAgent(outside);
  auto viewer = makeAccount("viewer");
  const auto viewerId = createAccount(env(), viewer);
  db().sql().query("UPDATE users SET departments = ARRAY[$1::text] WHERE id = $2", {mine, std::to_string(viewerId)});
  const auto token = loginOk(port(), viewer).accessToken;
  const auto list = as(token, "GET", "/agents?limit=100&search=" + tag);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(idsOf(list.json()), std::set<std::int64_t>{idOf(in)}) << list.body;
  EXPECT_EQ(as(token, "GET", agentPath(idOf(in))).status, 200);
  EXPECT_EQ(as(token, "GET", agentPath(idOf(out))).status, 404);
}

// ----------------------------------------------------------------------------------------------------------------
// Status, activity, performance and stats

class AgentsMetrics : public AgentsSuite<AgentsMetrics> {
 protected:
  // The UTC date `daysAgo` days before today, YYYY-MM-DD, as PostgreSQL sees it.
  static std::string utcDate(int daysAgo) {
    return db().sql().scalar("SELECT to_char((now() AT TIME ZONE 'UTC')::date - $1::int, 'YYYY-MM-DD')",
                             {std::to_string(daysAgo)});
  }
  // A row of agent_performance_metrics (the daily aggregation's output) for `daysAgo`.
  static void addMetricsRow(std::int64_t agentId, int daysAgo) {
    db().sql().query(
        "INSERT INTO agent_performance_metrics (agent_id, date, messages_handled, avg_response_time, "
        "customer_satisfaction, tickets_resolved, online_hours, sla_compliance) "
        "VALUES ($1, (now() AT TIME ZONE 'UTC')::date - $2::int, 40, 4.5, 4.25, 7, 6.5, 97.5)",
        {std::to_string(agentId), std::to_string(daysAgo)});
  }
  static std::set<std::string> datesOf(const HttpResponse& response) {
    std::set<std::string> dates;
    for (const auto& row : response.json())
      dates.insert(row.value("date", ""));
    return dates;
  }
};

TEST_F(AgentsMetrics, StatusChangeAnswersTheAgentWithTheNewStatus) {
  const auto agent = newAgent();
  const auto response = asAdmin("PUT", agentPath(idOf(agent), "/status"), nlohmann::json{{"status", "busy"}});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_TRUE(isAgent(response.json()));
  EXPECT_EQ(response.json().value("onlineStatus", ""), "busy");
  EXPECT_EQ(fetchAgent(port(), admin().token, idOf(agent)).value("onlineStatus", ""), "busy");
  for (const auto* status : {"online", "away", "offline"})
    EXPECT_EQ(setStatus(port(), admin().token, idOf(agent), status).value("onlineStatus", ""), status);
}

TEST_F(AgentsMetrics, AnUnknownOrMissingStatusIs400) {
  const auto agent = newAgent();
  EXPECT_TRUE(failsOn(asAdmin("PUT", agentPath(idOf(agent), "/status"), nlohmann::json{{"status", "sleeping"}}), 400,
                      "status"));
  EXPECT_TRUE(failsOn(asAdmin("PUT", agentPath(idOf(agent), "/status"), nlohmann::json::object()), 400, "status"));
  EXPECT_EQ(fetchAgent(port(), admin().token, idOf(agent)).value("onlineStatus", ""), "offline");
}

TEST_F(AgentsMetrics, StatusOfAnUnknownAgentIs404) {
  EXPECT_EQ(asAdmin("PUT", agentPath(987654321, "/status"), nlohmann::json{{"status", "busy"}}).status, 404);
}

TEST_F(AgentsMetrics, EveryStatusChangeRecordsAStatusChangeActivity) {
  const auto agent = newAgent();
  setStatus(port(), admin().token, idOf(agent), "busy");
  setStatus(port(), admin().token, idOf(agent), "away");
  const auto response = asAdmin("GET", agentPath(idOf(agent), "/activity"));
  ASSERT_EQ(response.status, 200) << response.body;
  std::vector<nlohmann::json> changes;
  for (const auto& activity : response.json()) {
    EXPECT_TRUE(isActivity(activity, idOf(agent)));
    if (activity.value("type", "") == "status_change") changes.push_back(activity);
  }
  ASSERT_EQ(changes.size(), 2U) << response.body;
  // Newest first: the change to away, then the one to busy.
  EXPECT_GE(changes[0].value("timestamp", ""), changes[1].value("timestamp", "")) << response.body;
  EXPECT_NE(changes[0].dump().find("away"), std::string::npos) << changes[0].dump();
  EXPECT_NE(changes[1].dump().find("busy"), std::string::npos) << changes[1].dump();
}

TEST_F(AgentsMetrics, PostedActivityAnswers201AndUpdatesTheCounters) {
  const auto agent = newAgent();
  const auto id = idOf(agent);
  const auto resolved = asAdmin("POST", agentPath(id, "/activity"),
                                nlohmann::json{{"type", "ticket_resolved"},
                                               {"description", "resolved #42"},
                                               {"metadata", {{"ticketId", 42}}},
                                               {"responseTimeMinutes", 3},
                                               {"satisfaction", 5}});
  ASSERT_EQ(resolved.status, 201) << resolved.body;
  EXPECT_TRUE(isActivity(resolved.json(), id));
  EXPECT_EQ(resolved.json().value("type", ""), "ticket_resolved");
  EXPECT_EQ(resolved.json().value("description", ""), "resolved #42");
  EXPECT_EQ(resolved.json().value("metadata", nlohmann::json()).value("ticketId", 0), 42) << resolved.body;
  const auto afterResolve = fetchAgent(port(), admin().token, id);
  EXPECT_EQ(afterResolve.value("ticketsResolvedToday", -1), agent.value("ticketsResolvedToday", 0) + 1);

  const auto sent = asAdmin("POST", agentPath(id, "/activity"), nlohmann::json{{"type", "message_sent"}});
  ASSERT_EQ(sent.status, 201) << sent.body;
  const auto afterMessage = fetchAgent(port(), admin().token, id);
  EXPECT_EQ(afterMessage.value("messagesHandledToday", -1), agent.value("messagesHandledToday", 0) + 1);
  EXPECT_EQ(afterMessage.value("ticketsResolvedToday", -1), afterResolve.value("ticketsResolvedToday", -2));

  const auto assigned = asAdmin("POST", agentPath(id, "/activity"), nlohmann::json{{"type", "ticket_assigned"}});
  ASSERT_EQ(assigned.status, 201) << assigned.body;
  EXPECT_EQ(fetchAgent(port(), admin().token, id).value("currentTickets", -1), agent.value("currentTickets", 0) + 1);
}

TEST_F(AgentsMetrics, PostedActivityOfAnUnknownTypeIs400) {
  const auto agent = newAgent();
  for (const auto* type : {"coffee_break", "status_change"}) {
    EXPECT_TRUE(
        failsOn(asAdmin("POST", agentPath(idOf(agent), "/activity"), nlohmann::json{{"type", type}}), 400, "type"))
        << type;
  }
  EXPECT_TRUE(failsOn(asAdmin("POST", agentPath(idOf(agent), "/activity"), nlohmann::json::object()), 400, "type"));
  const auto list = asAdmin("GET", agentPath(idOf(agent), "/activity"));
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_TRUE(list.json().empty()) << list.body;
}

TEST_F(AgentsMetrics, ActivityListsNewestFirst) {
  const auto agent = newAgent();
  for (const auto* type : {"login", "ticket_assigned", "message_sent", "logout"}) {
    ASSERT_EQ(asAdmin("POST", agentPath(idOf(agent), "/activity"), nlohmann::json{{"type", type}}).status, 201);
  }
  const auto response = asAdmin("GET", agentPath(idOf(agent), "/activity?days=7"));
  ASSERT_EQ(response.status, 200) << response.body;
  std::vector<std::string> types;
  for (const auto& activity : response.json())
    types.push_back(activity.value("type", ""));
  EXPECT_EQ(types, (std::vector<std::string>{"logout", "message_sent", "ticket_assigned", "login"})) << response.body;
}

TEST_F(AgentsMetrics, ActivityDaysOutside1To90Is400) {
  const auto agent = newAgent();
  for (const auto* days : {"0", "91", "abc", "-1"}) {
    const auto response = asAdmin("GET", agentPath(idOf(agent), std::string("/activity?days=") + days));
    EXPECT_EQ(response.status, 400) << "days=" << days << ": " << response.body;
  }
  EXPECT_EQ(asAdmin("GET", agentPath(idOf(agent), "/activity?days=90")).status, 200);
  EXPECT_EQ(asAdmin("GET", agentPath(idOf(agent), "/activity?days=1")).status, 200);
}

TEST_F(AgentsMetrics, PerformanceOfANewAgentIsEmpty) {
  const auto agent = newAgent();
  const auto response = asAdmin("GET", agentPath(idOf(agent), "/performance"));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.json(), nlohmann::json::array()) << response.body;
}

TEST_F(AgentsMetrics, PerformanceDefaultsToTheLast30Days) {
  const auto id = idOf(newAgent());
  for (const int daysAgo : {2, 10, 29, 45, 95})
    addMetricsRow(id, daysAgo);
  const auto response = asAdmin("GET", agentPath(id, "/performance"));
  ASSERT_EQ(response.status, 200) << response.body;
  const auto dates = datesOf(response);
  for (const int daysAgo : {2, 10, 29})
    EXPECT_EQ(dates.count(utcDate(daysAgo)), 1U) << utcDate(daysAgo) << " missing in " << response.body;
  for (const int daysAgo : {45, 95})
    EXPECT_EQ(dates.count(utcDate(daysAgo)), 0U) << utcDate(daysAgo) << " is outside 30 days: " << response.body;
  for (const auto& row : response.json()) {
    EXPECT_TRUE(row.value("id", nlohmann::json()).is_number_integer()) << row.dump();
    EXPECT_EQ(row.value("agentId", 0), id) << row.dump();
    for (const auto* field : {"messagesHandled", "ticketsResolved"})
      EXPECT_TRUE(row.value(field, nlohmann::json()).is_number_integer()) << field << " in " << row.dump();
    for (const auto* field : {"avgResponseTime", "customerSatisfaction", "onlineHours", "slaCompliance"})
      EXPECT_TRUE(row.value(field, nlohmann::json()).is_number()) << field << " in " << row.dump();
    EXPECT_TRUE(isIsoUtc(row.value("createdAt", nlohmann::json()))) << row.dump();
  }
  const auto rows = response.json();
  const auto it = std::find_if(rows.begin(), rows.end(),
                               [&](const nlohmann::json& row) { return row.value("date", "") == utcDate(10); });
  ASSERT_NE(it, rows.end());
  EXPECT_EQ(it->value("messagesHandled", 0), 40);
  EXPECT_EQ(it->value("ticketsResolved", 0), 7);
  EXPECT_DOUBLE_EQ(it->value("avgResponseTime", 0.0), 4.5);
  EXPECT_DOUBLE_EQ(it->value("customerSatisfaction", 0.0), 4.25);
  EXPECT_DOUBLE_EQ(it->value("onlineHours", 0.0), 6.5);
  EXPECT_DOUBLE_EQ(it->value("slaCompliance", 0.0), 97.5);
}

TEST_F(AgentsMetrics, PerformanceHonoursAnExplicitRange) {
  const auto id = idOf(newAgent());
  for (const int daysAgo : {2, 40, 45, 50, 60})
    addMetricsRow(id, daysAgo);
  const auto byDate = asAdmin("GET", agentPath(id, "/performance?from=" + utcDate(50) + "&to=" + utcDate(40)));
  ASSERT_EQ(byDate.status, 200) << byDate.body;
  EXPECT_EQ(datesOf(byDate), (std::set<std::string>{utcDate(50), utcDate(45), utcDate(40)})) << byDate.body;
  const auto byTimestamp =
      asAdmin("GET", agentPath(id, "/performance?from=" + utcDate(46) + "T00:00:00Z&to=" + utcDate(44) + "T00:00:00Z"));
  ASSERT_EQ(byTimestamp.status, 200) << byTimestamp.body;
  EXPECT_EQ(datesOf(byTimestamp), (std::set<std::string>{utcDate(45)})) << byTimestamp.body;
}

TEST_F(AgentsMetrics, PerformanceRangeOver90DaysOrBackwardsIs400) {
  const auto id = idOf(newAgent());
  const auto tooLong = asAdmin("GET", agentPath(id, "/performance?from=" + utcDate(100) + "&to=" + utcDate(0)));
  EXPECT_EQ(tooLong.status, 400) << tooLong.body;
  const auto backwards = asAdmin("GET", agentPath(id, "/performance?from=" + utcDate(1) + "&to=" + utcDate(5)));
  EXPECT_EQ(backwards.status, 400) << backwards.body;
  const auto garbage = asAdmin("GET", agentPath(id, "/performance?from=yesterday"));
  EXPECT_EQ(garbage.status, 400) << garbage.body;
  const auto ninety = asAdmin("GET", agentPath(id, "/performance?from=" + utcDate(90) + "&to=" + utcDate(0)));
  EXPECT_EQ(ninety.status, 200) << "exactly 90 days is allowed: " << ninety.body;
}

TEST_F(AgentsMetrics, PerformanceOfAnUnknownAgentIs404) {
  EXPECT_EQ(asAdmin("GET", agentPath(987654321, "/performance")).status, 404);
}

TEST_F(AgentsMetrics, StatsCountWhatWasCreated) {
  const auto tenant = "stats" + uniqueTag();
  const auto tenantAdmin = addTenantMember(env(), port(), "admin", tenant);
  const auto stats = [&] {
    const auto response = as(tenantAdmin.token, "GET", "/agents/stats");
    if (response.status != 200) throw std::runtime_error("stats: " + response.body);
    return response.json();
  };
  const auto count = [](const nlohmann::json& snapshot, const std::string& group, const std::string& key) {
    return snapshot.value(group, nlohmann::json::object()).value(key, 0);
  };
  const auto before = stats();
  for (const auto* field : {"total", "active", "online", "offline"})
    EXPECT_TRUE(before.value(field, nlohmann::json()).is_number_integer()) << field << " in " << before.dump();
  EXPECT_TRUE(before.value("byRole", nlohmann::json()).is_object()) << before.dump();
  EXPECT_TRUE(before.value("byDepartment", nlohmann::json()).is_object()) << before.dump();

  const auto create = [&](const std::string& role, const std::string& department) {
    return idOf(createAgent(port(), tenantAdmin.token, agentBody(role, department)));
  };
  const auto first = create("cs", "StatsA");
  create("cs", "StatsA");
  create("viewer", "StatsB");
  const auto last = create("admin", "StatsA");
  setStatus(port(), tenantAdmin.token, first, "online");
  const auto during = stats();
  EXPECT_EQ(during.value("total", 0) - before.value("total", 0), 4) << during.dump();
  EXPECT_EQ(during.value("active", 0) - before.value("active", 0), 4) << during.dump();
  EXPECT_EQ(during.value("online", 0) - before.value("online", 0), 1) << during.dump();
  EXPECT_EQ(during.value("offline", 0) - before.value("offline", 0), 3) << during.dump();
  EXPECT_EQ(count(during, "byRole", "cs") - count(before, "byRole", "cs"), 2) << during.dump();
  EXPECT_EQ(count(during, "byRole", "viewer") - count(before, "byRole", "viewer"), 1) << during.dump();
  EXPECT_EQ(count(during, "byRole", "admin") - count(before, "byRole", "admin"), 1) << during.dump();
  EXPECT_EQ(count(during, "byDepartment", "StatsA"), 3) << during.dump();
  EXPECT_EQ(count(during, "byDepartment", "StatsB"), 1) << during.dump();

  ASSERT_EQ(as(tenantAdmin.token, "DELETE", agentPath(last)).status, 200);
  const auto after = stats();
  EXPECT_EQ(after.value("total", 0) - before.value("total", 0), 4) << after.dump();
  EXPECT_EQ(after.value("active", 0) - before.value("active", 0), 3) << after.dump();
}

// ----------------------------------------------------------------------------------------------------------------
// PUT /agents/bulk

class AgentsBulk : public AgentsSuite<AgentsBulk> {};

TEST_F(AgentsBulk, UpdatesTheKnownAgentsAndReportsTheUnknownOne) {
  const auto a = idOf(newAgent());
  const auto b = idOf(newAgent());
  const std::int64_t missing = 987654321;
  const auto department = "Bulk " + uniqueTag();
  const auto response = asAdmin(
      "PUT", "/agents/bulk", nlohmann::json{{"agentIds", {a, missing, b}}, {"updates", {{"department", department}}}});
  ASSERT_EQ(response.status, 200) << response.body;
  const auto json = response.json();
  EXPECT_EQ(json.value("success", true), false) << response.body;
  EXPECT_EQ(json.value("updated", -1), 2) << response.body;
  const auto errors = json.value("errors", nlohmann::json::array());
  ASSERT_EQ(errors.size(), 1U) << response.body;
  ASSERT_TRUE(errors[0].is_string()) << response.body;
  EXPECT_EQ(errors[0].get<std::string>().rfind("agent " + std::to_string(missing) + ": ", 0), 0U) << response.body;
  for (const auto id : {a, b})
    EXPECT_EQ(fetchAgent(port(), admin().token, id).value("department", ""), department) << id;
}

TEST_F(AgentsBulk, SucceedsWhenEveryAgentExists) {
  const std::vector<std::int64_t> ids{idOf(newAgent()), idOf(newAgent()), idOf(newAgent())};
  const auto response = asAdmin(
      "PUT", "/agents/bulk", nlohmann::json{{"agentIds", ids}, {"updates", {{"role", "viewer"}, {"isActive", false}}}});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.json().value("success", false), true) << response.body;
  EXPECT_EQ(response.json().value("updated", -1), 3) << response.body;
  EXPECT_EQ(response.json().value("errors", nlohmann::json()), nlohmann::json::array()) << response.body;
  for (const auto id : ids) {
    const auto agent = fetchAgent(port(), admin().token, id);
    EXPECT_EQ(agent.value("role", ""), "viewer") << id;
    EXPECT_EQ(agent.value("isActive", true), false) << id;
  }
}

TEST_F(AgentsBulk, InvalidUpdatesAre400AndChangeNothing) {
  const auto a = newAgent();
  const auto b = newAgent();
  for (const auto& updates : {nlohmann::json{{"role", "boss"}}, nlohmann::json{{"department", "Ok"}, {"email", "x"}},
                              nlohmann::json{{"phone", "letters"}}}) {
    const auto response =
        asAdmin("PUT", "/agents/bulk", nlohmann::json{{"agentIds", {idOf(a), idOf(b)}}, {"updates", updates}});
    EXPECT_EQ(response.status, 400) << updates.dump() << ": " << response.body;
    EXPECT_EQ(errorCode(response), "validation_failed") << response.body;
  }
  EXPECT_EQ(fetchAgent(port(), admin().token, idOf(a)), a);
  EXPECT_EQ(fetchAgent(port(), admin().token, idOf(b)), b);
}

TEST_F(AgentsBulk, AgentIdsMustHoldOneTo1000Numbers) {
  const auto id = idOf(newAgent());
  const nlohmann::json updates{{"department", "Nowhere"}};
  std::vector<std::int64_t> tooMany(1001, id);
  for (const auto& body : {nlohmann::json{{"updates", updates}},
                           nlohmann::json{{"agentIds", nlohmann::json::array()}, {"updates", updates}},
                           nlohmann::json{{"agentIds", tooMany}, {"updates", updates}},
                           nlohmann::json{{"agentIds", {"one"}}, {"updates", updates}}}) {
    const auto response = asAdmin("PUT", "/agents/bulk", body);
    EXPECT_TRUE(failsOn(response, 400, "agentIds")) << body.dump().substr(0, 200);
  }
  EXPECT_EQ(fetchAgent(port(), admin().token, id).value("department", ""), "Support");
}

TEST_F(AgentsBulk, NeedsAnAdmin) {
  const auto cs = createAgentAndLogIn(port(), admin().token, "cs");
  const auto response = as(cs.token, "PUT", "/agents/bulk",
                           nlohmann::json{{"agentIds", {cs.id}}, {"updates", {{"fullName", "Bulk Self"}}}});
  EXPECT_EQ(response.status, 403) << response.body;
}

// ----------------------------------------------------------------------------------------------------------------
// Search, filters and pagination over 25 agents of a tenant of their own, created once for the suite.

struct Listed {
  std::int64_t id = 0;
  std::string role, department, location, onlineStatus, performanceLevel;
  bool active = true;
  bool kestrel = false;  // fullName holds "Kestrel"
  bool north = false;    // email at north.example.test
};

class AgentsListing : public AgentsSuite<AgentsListing> {
 public:
  static void prepare() {
    tag_ = uniqueTag();
    owner_ = addTenantMember(env(), port(), "admin", "list" + tag_);
    const std::vector<std::string> roles{"admin", "cs", "viewer"};
    const std::vector<std::string> departments{"Sales", "Support", "Billing", "Field Ops"};
    const std::vector<std::string> statuses{"online", "busy", "away", "offline", "offline"};
    for (int i = 0; i < 25; ++i) {
      Listed spec;
      spec.role = roles[static_cast<std::size_t>(i % 3)];
      spec.department = departments[static_cast<std::size_t>((i / 3) % 4)];
      spec.location = i % 2 == 0 ? "Berlin" : "Tokyo";
      spec.onlineStatus = statuses[static_cast<std::size_t>(i % 5)];
      spec.performanceLevel = i % 7 < 2 ? "high" : (i % 7 < 4 ? "low" : "medium");
      spec.active = i != 2 && i != 9 && i != 16;
      spec.kestrel = i % 4 == 0;
      spec.north = i % 3 == 0;
      const auto number = std::string(i < 10 ? "0" : "") + std::to_string(i);
      auto username = "a" + tag_ + "n" + number;
      auto fullName = std::string(spec.kestrel ? "Kestrel " : "Member ") + number;
      // The four that check `%` and `_` are literal.
      if (i == 21) fullName = "Quota 100% Done";
      if (i == 22) fullName = "Quota 100X Done";
      if (i == 23) username = "p" + tag_ + "_q";
      if (i == 24) username = "p" + tag_ + "zq";
      if (i == 21) percent_ = static_cast<std::size_t>(i);
      if (i == 23) underscore_ = static_cast<std::size_t>(i);
      const nlohmann::json body{{"username", username},
                                {"email", username + (spec.north ? "@north.example.test" : "@south.example.test")},
                                {"fullName", fullName},
                                {"role", spec.role},
                                {"department", spec.department},
                                {"location", spec.location},
                                {"password", kAgentPassword}};
      spec.id = idOf(createAgent(port(), owner_.token, body));
      if (spec.onlineStatus != "offline") setStatus(port(), owner_.token, spec.id, spec.onlineStatus);
      agents_.push_back(spec);
    }
    for (const auto& spec : agents_) {
      if (spec.active) continue;
      const auto response = agentsCall(port(), owner_.token, "DELETE", agentPath(spec.id));
      if (response.status != 200) throw std::runtime_error("DELETE: " + response.body);
    }
    // Performance levels come from the hourly job (seed 001 §5.3); set them where it would.
    for (const auto& spec : agents_) {
      db().sql().query("UPDATE agents SET performance_level = $1 WHERE id = $2",
                       {spec.performanceLevel, std::to_string(spec.id)});
    }
  }

 protected:
  static std::set<std::int64_t> expected(const std::function<bool(const Listed&)>& predicate) {
    std::set<std::int64_t> ids;
    for (const auto& spec : agents_) {
      if (predicate(spec)) ids.insert(spec.id);
    }
    return ids;
  }
  static std::set<std::int64_t> all() {
    return expected([](const Listed&) { return true; });
  }
  // GET /agents`query` as the tenant's admin; the answer's JSON, or a failure.
  static nlohmann::json list(const std::string& query) {
    const auto response = agentsCall(port(), owner_.token, "GET", "/agents" + query);
    if (response.status != 200) throw std::runtime_error("GET /agents" + query + ": " + response.body);
    return response.json();
  }
  // The ids `query` (plus the suite's search term, which every one of the 25 agents matches) lists.
  static std::set<std::int64_t> matching(const std::string& query) {
    const auto page = list("?limit=100&search=" + tag_ + query);
    auto ids = idsOf(page);
    EXPECT_EQ(page.at("meta").value("total", -1), static_cast<int>(ids.size()))
        << "meta.total disagrees with the one page of " << query << ": " << page.at("meta").dump();
    return ids;
  }
  static const Listed& agent(std::size_t i) { return agents_.at(i); }

  static inline std::string tag_;
  static inline Member owner_;
  static inline std::vector<Listed> agents_;
  static inline std::size_t percent_ = 0;
  static inline std::size_t underscore_ = 0;
};

TEST_F(AgentsListing, TheSearchTermAloneListsAll25) {
  const auto page = list("?limit=100&search=" + tag_);
  EXPECT_EQ(idsOf(page), all());
  EXPECT_EQ(page.at("meta").value("total", 0), 25) << page.at("meta").dump();
  for (const auto& item : page.at("data"))
    EXPECT_TRUE(isAgent(item));
}

TEST_F(AgentsListing, RoleFilterListsExactlyThatRole) {
  for (const auto* role : {"admin", "cs", "viewer"}) {
    EXPECT_EQ(matching(std::string("&role=") + role), expected([&](const Listed& a) { return a.role == role; }))
        << role;
  }
}

TEST_F(AgentsListing, RoleFilterWorksWithoutASearchToo) {
  auto ids = idsOf(list("?limit=100&role=cs"));
  ids.erase(owner_.id);  // the tenant's core admin, should the plugin list accounts without a profile
  EXPECT_EQ(ids, expected([](const Listed& a) { return a.role == "cs"; }));
}

TEST_F(AgentsListing, StatusFilterSeparatesActiveFromInactive) {
  EXPECT_EQ(matching("&status=active"), expected([](const Listed& a) { return a.active; }));
  EXPECT_EQ(matching("&status=inactive"), expected([](const Listed& a) { return !a.active; }));
}

TEST_F(AgentsListing, OnlineStatusFilterListsExactlyThatStatus) {
  for (const auto* status : {"online", "busy", "away", "offline"}) {
    EXPECT_EQ(matching(std::string("&onlineStatus=") + status),
              expected([&](const Listed& a) { return a.onlineStatus == status; }))
        << status;
  }
}

TEST_F(AgentsListing, DepartmentFilterListsExactlyThatDepartment) {
  for (const auto* department : {"Sales", "Support", "Billing", "Field Ops"}) {
    EXPECT_EQ(matching("&department=" + queryValue(department)),
              expected([&](const Listed& a) { return a.department == department; }))
        << department;
  }
}

TEST_F(AgentsListing, LocationFilterListsExactlyThatLocation) {
  for (const auto* location : {"Berlin", "Tokyo"}) {
    EXPECT_EQ(matching(std::string("&location=") + location),
              expected([&](const Listed& a) { return a.location == location; }))
        << location;
  }
}

TEST_F(AgentsListing, PerformanceLevelFilterListsExactlyThatLevel) {
  for (const auto* level : {"high", "medium", "low"}) {
    EXPECT_EQ(matching(std::string("&performanceLevel=") + level),
              expected([&](const Listed& a) { return a.performanceLevel == level; }))
        << level;
  }
}

TEST_F(AgentsListing, FiltersCombine) {
  EXPECT_EQ(matching("&role=cs&department=Support&status=active"),
            expected([](const Listed& a) { return a.role == "cs" && a.department == "Support" && a.active; }));
}

TEST_F(AgentsListing, UnknownFilterValuesAre400) {
  for (const auto* query : {"?role=boss", "?status=sleeping", "?onlineStatus=gone", "?performanceLevel=epic"}) {
    const auto response = agentsCall(port(), owner_.token, "GET", std::string("/agents") + query);
    EXPECT_EQ(response.status, 400) << query << ": " << response.body;
  }
}

TEST_F(AgentsListing, SearchMatchesUsernameEmailFullNameAndDepartmentIgnoringCase) {
  const auto search = [](const std::string& q) { return idsOf(list("?limit=100&search=" + queryValue(q))); };
  // username (in upper case)
  std::string upper = "A" + tag_ + "N07";
  for (auto& c : upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(search(upper), std::set<std::int64_t>{agent(7).id});
  // email only
  EXPECT_EQ(search("NORTH.example"), expected([](const Listed& a) { return a.north; }));
  // fullName only
  EXPECT_EQ(search("kESTREL"), expected([](const Listed& a) { return a.kestrel; }));
  // department only
  EXPECT_EQ(search("ILLIN"), expected([](const Listed& a) { return a.department == "Billing"; }));
}

TEST_F(AgentsListing, SearchTreatsPercentAsALiteralCharacter) {
  const auto exact = idsOf(list("?limit=100&search=" + queryValue("100%")));
  EXPECT_EQ(exact, std::set<std::int64_t>{agent(percent_).id});
  const auto alone = idsOf(list("?limit=100&search=" + queryValue("%")));
  EXPECT_EQ(alone, std::set<std::int64_t>{agent(percent_).id});
}

TEST_F(AgentsListing, SearchTreatsUnderscoreAsALiteralCharacter) {
  const auto exact = idsOf(list("?limit=100&search=" + queryValue(tag_ + "_q")));
  EXPECT_EQ(exact, std::set<std::int64_t>{agent(underscore_).id});
  auto alone = idsOf(list("?limit=100&search=" + queryValue("_")));
  alone.erase(owner_.id);  // admin_<hex>, should the plugin list accounts without a profile
  EXPECT_EQ(alone, std::set<std::int64_t>{agent(underscore_).id});
}

TEST_F(AgentsListing, PagesOf10CoverTheSetExactlyOnce) {
  std::multiset<std::int64_t> seen;
  for (int page = 1; page <= 3; ++page) {
    const auto json = list("?limit=10&page=" + std::to_string(page) + "&search=" + tag_);
    const auto& meta = json.at("meta");
    EXPECT_EQ(meta, (nlohmann::json{{"total", 25}, {"page", page}, {"limit", 10}, {"totalPages", 3}})) << meta.dump();
    EXPECT_EQ(json.at("data").size(), page < 3 ? 10U : 5U) << json.dump();
    for (const auto& item : json.at("data"))
      seen.insert(idOf(item));
  }
  EXPECT_EQ(seen.size(), 25U);
  EXPECT_EQ(std::set<std::int64_t>(seen.begin(), seen.end()), all()) << "a page repeated or skipped an agent";
  const auto beyond = list("?limit=10&page=4&search=" + tag_);
  EXPECT_TRUE(beyond.at("data").empty()) << beyond.dump();
  EXPECT_EQ(beyond.at("meta").value("total", 0), 25) << beyond.dump();
  EXPECT_EQ(beyond.at("meta").value("page", 0), 4) << beyond.dump();
}

TEST_F(AgentsListing, AskingForAPageTwiceGivesTheSameAgents) {
  const auto first = list("?limit=10&page=2&search=" + tag_);
  const auto second = list("?limit=10&page=2&search=" + tag_);
  EXPECT_EQ(first.at("data"), second.at("data"));
}

TEST_F(AgentsListing, DefaultsArePage1Limit20) {
  const auto json = list("?search=" + tag_);
  EXPECT_EQ(json.at("meta"), (nlohmann::json{{"total", 25}, {"page", 1}, {"limit", 20}, {"totalPages", 2}}));
  EXPECT_EQ(json.at("data").size(), 20U);
}

TEST_F(AgentsListing, LimitAbove100IsCappedAt100) {
  const auto json = list("?limit=500&search=" + tag_);
  EXPECT_EQ(json.at("meta").value("limit", 0), 100) << json.at("meta").dump();
  EXPECT_EQ(json.at("meta").value("totalPages", 0), 1) << json.at("meta").dump();
  EXPECT_EQ(json.at("data").size(), 25U);
}

TEST_F(AgentsListing, PageOrLimitBelow1OrNotANumberIs400) {
  for (const auto* query : {"?page=0", "?page=-1", "?limit=0", "?limit=-5", "?limit=abc", "?page=abc", "?page=1.5"}) {
    const auto response = agentsCall(port(), owner_.token, "GET", std::string("/agents") + query);
    EXPECT_EQ(response.status, 400) << query << ": " << response.body;
    const auto onSearch = agentsCall(port(), owner_.token, "GET", "/agents/search?q=" + tag_ + "&" + (query + 1));
    EXPECT_EQ(onSearch.status, 400) << "search " << query << ": " << onSearch.body;
  }
}

TEST_F(AgentsListing, SearchEndpointNeedsQ) {
  const auto response = agentsCall(port(), owner_.token, "GET", "/agents/search");
  EXPECT_EQ(response.status, 400) << response.body;
  const auto withFilterOnly = agentsCall(port(), owner_.token, "GET", "/agents/search?role=cs");
  EXPECT_EQ(withFilterOnly.status, 400) << withFilterOnly.body;
}

TEST_F(AgentsListing, SearchEndpointTakesQAsTheSearchWithTheOtherFilters) {
  const auto response = agentsCall(port(), owner_.token, "GET", "/agents/search?limit=100&q=" + tag_);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(idsOf(response.json()), all());
  EXPECT_EQ(response.json().at("meta").value("total", 0), 25);
  const auto filtered =
      agentsCall(port(), owner_.token, "GET", "/agents/search?limit=100&role=viewer&status=active&q=" + tag_);
  ASSERT_EQ(filtered.status, 200) << filtered.body;
  EXPECT_EQ(idsOf(filtered.json()), expected([](const Listed& a) { return a.role == "viewer" && a.active; }));
  const auto paged = agentsCall(port(), owner_.token, "GET", "/agents/search?limit=10&page=3&q=" + tag_);
  ASSERT_EQ(paged.status, 200) << paged.body;
  EXPECT_EQ(paged.json().at("meta"), (nlohmann::json{{"total", 25}, {"page", 3}, {"limit", 10}, {"totalPages", 3}}));
}

}  // namespace
}  // namespace monti::itest
