#pragma once
/// The agents' tables in PostgreSQL: every query is scoped by the caller's tenant (and departments and
/// locations when the token restricts them) and uses bound parameters only.

#include "AgentInput.hpp"

#include <monti/auth/Scope.hpp>
#include <monti/data/Database.hpp>
#include <monti/http/Pagination.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace monti::agents {

/// GET /agents filters (seed 001 AgentFilters); each absent one matches everything.
struct AgentFilters {
  std::optional<std::string> role;
  std::optional<bool> active;  ///< status=active|inactive
  std::optional<std::string> onlineStatus;
  std::optional<std::string> department;
  std::optional<std::string> location;
  std::optional<std::string> search;
  std::optional<std::string> performanceLevel;
};

/// An agent as stored: its JSON and the facts routing and permissions need.
struct StoredAgent {
  nlohmann::json json;
  std::string tenant;
  std::string department;
  std::string location;
  std::string onlineStatus;
};

class AgentStore {
 public:
  explicit AgentStore(data::Database& database) : db_(database) {}

  /// {data, meta} for one page.
  nlohmann::json list(const auth::ScopeParams& scope, const AgentFilters& filters, const http::Page& page);
  std::optional<StoredAgent> find(const auth::ScopeParams& scope, std::int64_t id);
  std::optional<StoredAgent> find(data::Transaction& tx, const auth::ScopeParams& scope, std::int64_t id,
                                  bool forUpdate = false);
  nlohmann::json stats(const auth::ScopeParams& scope);
  /// [{name, agents, active, online}] per department in scope, by name.
  nlohmann::json departments(const auth::ScopeParams& scope);

  /// Inserts the account and the profile; throws http::Conflict when the username or email is taken.
  StoredAgent create(data::Transaction& tx, const std::string& tenant, const NewAgent& agent,
                     const std::string& passwordHash);
  /// Applies `changes` (already validated); throws http::Conflict on a taken username or email.
  void update(data::Transaction& tx, std::int64_t id, const AgentChanges& changes);
  /// Sets the online status, banking the online hours of the interval that ends. Returns the old status.
  std::string setStatus(data::Transaction& tx, std::int64_t id, const std::string& status);
  /// Records an activity; returns its JSON.
  nlohmann::json addActivity(data::Transaction& tx, std::int64_t id, const std::string& type,
                             const std::string& description, const nlohmann::json& metadata,
                             std::optional<double> responseTimeMinutes = std::nullopt,
                             std::optional<double> satisfaction = std::nullopt);
  /// Bumps the live counters an activity implies (tickets, messages, running averages).
  void applyActivityCounters(data::Transaction& tx, std::int64_t id, const std::string& type,
                             std::optional<double> responseTimeMinutes, std::optional<double> satisfaction);

  nlohmann::json activities(std::int64_t id, int days);
  nlohmann::json performance(std::int64_t id, const std::string& from, const std::string& to);

 private:
  data::Database& db_;
};

}  // namespace monti::agents
