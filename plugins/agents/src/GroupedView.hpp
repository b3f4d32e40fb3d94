#pragma once
/// Seed 000's grouped monitoring: counts by onlineStatus × department and × location, kept incrementally
/// from the committed agent events (not recomputed from the table per event), for the agents:summary
/// rooms.

#include <monti/data/Database.hpp>
#include <monti/events/Event.hpp>
#include <monti/realtime/RoomRegistry.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace monti::agents {

/// The counts of one scope: a whole tenant, or one location of it.
struct GroupCounts {
  std::map<std::string, std::int64_t> byStatus;
  std::map<std::string, std::map<std::string, std::int64_t>> byStatusDepartment;
  std::map<std::string, std::map<std::string, std::int64_t>> byStatusLocation;
  nlohmann::json toJson() const;
};

class GroupedView {
 public:
  explicit GroupedView(data::Database& database) : db_(database) {}

  /// The summary room events `event` causes: one `agents_summary` for the tenant's room and one for the
  /// agent's location room, each carrying the scope's counts after the change and the changed agent.
  /// Runs on the active outbox relay. Thread-safe.
  std::vector<realtime::RoomEvent> apply(const events::Event& event);

  /// Counts straight from the table, for GET /agents/summary ("" location: the whole tenant).
  GroupCounts snapshot(const std::string& tenant, const std::string& location);

 private:
  struct Member {
    std::string status;
    std::string department;
    std::string location;
    bool active = true;
  };
  struct Tenant {
    std::unordered_map<std::int64_t, Member> agents;
    std::chrono::steady_clock::time_point lastApplied{};
  };
  Tenant& load(const std::string& tenant);
  static GroupCounts count(const Tenant& tenant, const std::string& location);

  data::Database& db_;
  std::mutex mutex_;
  std::unordered_map<std::string, Tenant> tenants_;
};

/// Merges one batch window of `agents_summary` events: the latest counts and every changed agent once.
std::vector<std::pair<std::string, nlohmann::json>> mergeSummaries(const std::vector<realtime::RoomMessage>& batch,
                                                                   const realtime::RoomParams& params);

}  // namespace monti::agents
