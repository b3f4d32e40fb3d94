#include "Behaviour.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace monti::agentsim {
namespace {

struct Transition {
  Status to;
  double weight;
};

// Agents work (online <-> busy with a customer), take breaks (away) and sometimes log off from a break.
// online -> online re-asserts the status, as a desktop client does after a reconnect. With every agent
// changing at the same rate, the chain settles at about 52% online, 29% busy, 13% away, 6% offline.
// Agents start offline (new accounts are), so the first seconds log most of them in.
constexpr std::array<Transition, 1> kFromOffline{{{Status::online, 1.0}}};
constexpr std::array<Transition, 3> kFromOnline{{{Status::busy, 0.55}, {Status::away, 0.25}, {Status::online, 0.20}}};
constexpr std::array<Transition, 1> kFromBusy{{{Status::online, 1.0}}};
constexpr std::array<Transition, 2> kFromAway{{{Status::online, 0.5}, {Status::offline, 0.5}}};

template <std::size_t N>
Status draw(const std::array<Transition, N>& transitions, std::mt19937_64& rng) {
  double total = 0;
  for (const auto& t : transitions)
    total += t.weight;
  double ticket = std::uniform_real_distribution<double>(0, total)(rng);
  for (const auto& t : transitions) {
    if (ticket < t.weight) return t.to;
    ticket -= t.weight;
  }
  return transitions.back().to;
}

// Minutes to the first response: lognormal with a median of 4 and a long tail (p95 about 11).
double responseTimeMinutes(std::mt19937_64& rng) {
  std::lognormal_distribution<double> minutes(std::log(4.0), 0.6);
  return std::round(std::clamp(minutes(rng), 0.2, 120.0) * 10) / 10;
}

// Customer ratings 1..5: mostly 4, then 5 (mean about 3.8).
int satisfaction(std::mt19937_64& rng) {
  std::discrete_distribution<int> rating({5, 8, 17, 45, 25});
  return rating(rng) + 1;
}

const char* channel(std::mt19937_64& rng) {
  static constexpr std::array<const char*, 3> kChannels{"chat", "email", "phone"};
  std::discrete_distribution<std::size_t> pick({50, 30, 20});
  const std::size_t index = pick(rng);
  return kChannels.at(index);
}

std::string ticketId(const SimAgent& agent, std::uint32_t sequence) {
  return "T-" + std::to_string(agent.number) + "-" + std::to_string(sequence + 1);
}

constexpr std::uint32_t kMaxOpenTickets = 6;  // an agent with this many open tickets resolves first

}  // namespace

Status nextStatus(Status current, std::mt19937_64& rng) {
  switch (current) {
    case Status::offline:
      return draw(kFromOffline, rng);
    case Status::online:
      return draw(kFromOnline, rng);
    case Status::busy:
      return draw(kFromBusy, rng);
    case Status::away:
      return draw(kFromAway, rng);
  }
  return Status::online;
}

Activity nextActivity(const SimAgent& agent, std::mt19937_64& rng) {
  const std::uint32_t open = agent.ticketsAssigned - agent.ticketsResolved;
  const double roll = std::uniform_real_distribution<double>(0, 1)(rng);
  Activity a;
  // 55% messages; the rest tickets, resolving when some are open (always at the limit), else assigning.
  if (roll < 0.55 && open < kMaxOpenTickets) {
    const char* via = channel(rng);
    a.body = {{"type", "message_sent"},
              {"description", std::string("Replied to a customer by ") + via},
              {"responseTimeMinutes", responseTimeMinutes(rng)},
              {"metadata", {{"channel", via}}}};
  } else if (open > 0 && (roll < 0.80 || open >= kMaxOpenTickets)) {
    const auto id = ticketId(agent, agent.ticketsResolved);
    a.body = {{"type", "ticket_resolved"},
              {"description", "Resolved ticket " + id},
              {"responseTimeMinutes", responseTimeMinutes(rng)},
              {"satisfaction", satisfaction(rng)},
              {"metadata", {{"ticketId", id}}}};
    a.resolved = 1;
  } else {
    const auto id = ticketId(agent, agent.ticketsAssigned);
    a.body = {{"type", "ticket_assigned"},
              {"description", "Assigned ticket " + id},
              {"metadata", {{"ticketId", id}, {"channel", channel(rng)}}}};
    a.assigned = 1;
  }
  return a;
}

}  // namespace monti::agentsim
