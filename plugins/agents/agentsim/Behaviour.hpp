#pragma once

#include "SimAgent.hpp"

#include <nlohmann/json.hpp>

#include <random>
#include <string>

namespace monti::agentsim {

/// The next onlineStatus of an agent: a Markov chain over the four statuses.
Status nextStatus(Status current, std::mt19937_64& rng);

/// One POST /api/v1/agents/:id/activity body and what it does to the agent's tickets.
struct Activity {
  nlohmann::json body;
  int assigned = 0;  // tickets it assigns (0 or 1)
  int resolved = 0;  // tickets it resolves (0 or 1)
};

/// A realistic activity for `agent`: mostly messages, tickets assigned and later resolved in order, with
/// response times around four minutes and satisfaction mostly 4.
Activity nextActivity(const SimAgent& agent, std::mt19937_64& rng);

}  // namespace monti::agentsim
