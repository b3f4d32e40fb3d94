#pragma once
/// Seed 001 §4–5: the scheduled jobs (each runs once per tick across the cluster through the core's
/// scheduler) and the session manager fed by the realtime hub's connection events.

#include <monti/data/Database.hpp>
#include <monti/events/EventRegistry.hpp>
#include <monti/realtime/RoomRegistry.hpp>

#include <chrono>
#include <string>

namespace monti::agents {

/// Performance levels from the live averages (docs in the plugin README).
struct LevelThresholds {
  double highSatisfaction = 4.2;   ///< and at most highResponseMinutes → high
  double highResponseMinutes = 3;  ///< minutes
  double lowSatisfaction = 3.0;    ///< below it, or above lowResponseMinutes → low
  double lowResponseMinutes = 10;
  double slaMinutes = 5;  ///< a response within this counts towards SLA compliance
};

class AgentJobs {
 public:
  AgentJobs(data::Database& database, events::EventRegistry& events, const LevelThresholds& thresholds,
            std::chrono::minutes sessionTimeout)
      : db_(database), events_(events), thresholds_(thresholds), sessionTimeout_(sessionTimeout) {}

  /// Daily at 00:01 UTC: stores yesterday's metrics per agent and resets the daily counters. Idempotent:
  /// a second run for the same day changes nothing. Returns whether it did the work.
  bool aggregateDay(const std::string& day);
  /// Aggregates yesterday (UTC).
  void aggregateYesterday();
  /// Every 5 minutes: ends sessions idle past the timeout, sets agents without a live session offline,
  /// and forgets sessions that ended over 30 days ago.
  void cleanUpSessions();
  /// Hourly: recomputes performance levels; emits agent.updated for each agent whose level changed.
  int updatePerformanceLevels();

  /// The hub's connection events for an agent's connections (agent_sessions).
  void onConnection(const realtime::ConnectionEvent& event);

 private:
  data::Database& db_;
  events::EventRegistry& events_;
  LevelThresholds thresholds_;
  std::chrono::minutes sessionTimeout_;
};

}  // namespace monti::agents
