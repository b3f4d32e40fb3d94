// The agents plugin's jobs (plugins/agents/README.md "Jobs, sessions and levels", seed 001 §4–5), run on
// demand through the admin operations so that a test need not wait for 00:01.
#include "support/AgentsFixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace monti::itest {
namespace {

class AgentsJobs : public AgentsSuite<AgentsJobs> {};

std::string today() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char out[16];
  std::strftime(out, sizeof out, "%Y-%m-%d", &tm);
  return out;
}

TEST_F(AgentsJobs, DailyAggregationStoresTheDayOnceAndResetsTheDailyCounters) {
  const auto agent = newAgent();
  const auto id = idOf(agent);
  const auto path = "/agents/" + std::to_string(id);
  for (const auto& activity :
       {nlohmann::json{{"type", "ticket_resolved"}, {"responseTimeMinutes", 2}, {"satisfaction", 5}},
        nlohmann::json{{"type", "ticket_resolved"}, {"responseTimeMinutes", 8}, {"satisfaction", 3}},
        nlohmann::json{{"type", "message_sent"}}}) {
    ASSERT_EQ(asAdmin("POST", path + "/activity", activity).status, 201);
  }
  const auto day = today();  // the suite's own database: no other test aggregated it
  const auto first = asAdmin("POST", "/agents/aggregation", nlohmann::json{{"date", day}});
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json().value("aggregated", false), true);
  const auto rows = [&] {
    return db().sql().scalar(
        "SELECT tickets_resolved || '/' || messages_handled || '/' || avg_response_time || '/' || "
        "customer_satisfaction || '/' || sla_compliance FROM agent_performance_metrics WHERE agent_id = $1 AND date = "
        "$2::date",
        {std::to_string(id), day});
  };
  EXPECT_EQ(rows(), "2/1/5.00/4.00/50.00") << "tickets/messages/avg response/CSAT/SLA (one of two within 5 min)";
  const auto after = fetchAgent(port(), admin().token, id);
  EXPECT_EQ(after.value("ticketsResolvedToday", -1), 0) << "daily counters reset";
  EXPECT_EQ(after.value("messagesHandledToday", -1), 0);

  ASSERT_EQ(asAdmin("POST", path + "/activity", nlohmann::json{{"type", "message_sent"}}).status, 201);
  const auto second = asAdmin("POST", "/agents/aggregation", nlohmann::json{{"date", day}});
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.json().value("aggregated", true), false) << "a second run for the same day changes nothing";
  EXPECT_EQ(rows(), "2/1/5.00/4.00/50.00");
  EXPECT_EQ(fetchAgent(port(), admin().token, id).value("messagesHandledToday", -1), 1) << "counters kept";

  const auto performance = asAdmin("GET", path + "/performance");
  ASSERT_EQ(performance.status, 200);
  ASSERT_EQ(performance.json().size(), 1u) << performance.body;
  EXPECT_EQ(performance.json()[0].value("ticketsResolved", -1), 2);
  EXPECT_EQ(performance.json()[0].value("date", ""), day);

  EXPECT_EQ(asAdmin("POST", "/agents/aggregation", nlohmann::json{{"date", "2026-02-30"}}).status, 400);
  EXPECT_EQ(asAdmin("POST", "/agents/aggregation", nlohmann::json{{"date", "yesterday"}}).status, 400);
}

TEST_F(AgentsJobs, PerformanceLevelsFollowTheThresholds) {
  const auto good = newAgent();
  const auto poor = newAgent();
  const auto record = [&](const nlohmann::json& agent, double minutes, double csat) {
    for (int i = 0; i < 5; ++i) {
      ASSERT_EQ(
          asAdmin("POST", "/agents/" + std::to_string(idOf(agent)) + "/activity",
                  nlohmann::json{{"type", "ticket_resolved"}, {"responseTimeMinutes", minutes}, {"satisfaction", csat}})
              .status,
          201);
    }
  };
  record(good, 1, 5);
  record(poor, 30, 1);
  const auto refreshed = asAdmin("POST", "/agents/performance-levels");
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  EXPECT_GE(refreshed.json().value("changed", 0), 2);
  EXPECT_EQ(fetchAgent(port(), admin().token, idOf(good)).value("performanceLevel", ""), "high");
  EXPECT_EQ(fetchAgent(port(), admin().token, idOf(poor)).value("performanceLevel", ""), "low");
  const auto high = asAdmin("GET", "/agents?performanceLevel=high&limit=100");
  EXPECT_TRUE(idsOf(high.json()).contains(idOf(good)));
  EXPECT_FALSE(idsOf(high.json()).contains(idOf(poor)));
}

TEST_F(AgentsJobs, OperationsAreForAdminsOnly) {
  const auto cs = createAgentAndLogIn(port(), admin().token, "cs");
  EXPECT_EQ(agentsCall(port(), cs.token, "POST", "/agents/performance-levels").status, 403);
  EXPECT_EQ(agentsCall(port(), cs.token, "POST", "/agents/aggregation", nlohmann::json{{"date", today()}}).status, 403);
}

}  // namespace
}  // namespace monti::itest
