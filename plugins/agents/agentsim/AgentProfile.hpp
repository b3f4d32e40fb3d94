#pragma once

#include "Options.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace monti::agentsim {

/// The account data of simulated agent n. The same options give the same profile on every run, so a
/// restarted simulation finds its agents where it left them.
struct AgentProfile {
  std::string username;  // <prefix>_<n>
  std::string email;     // <prefix>_<n>@agentsim.test
  std::string fullName;
  std::string role;  // "cs", every 25th "viewer"
  std::string department;
  std::string location;
  std::string phone;  // empty for some agents

  /// The POST /api/v1/agents body with a fresh random password (nobody logs in as a simulated agent).
  nlohmann::json createBody() const;
};

/// The profile of agent `number` (1-based).
AgentProfile profileFor(const Options& options, int number);

/// The n in "<prefix>_<n>" when `username` is one of ours (1..agents), else 0.
int agentNumberOf(const Options& options, const std::string& username);

/// A strong password that passes the server's rules: upper, lower, digit, 23 characters.
std::string randomPassword();

}  // namespace monti::agentsim
