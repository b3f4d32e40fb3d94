#pragma once
/// The REST handlers of seed 001 §2.2: parse, check permissions and scope, change the tables and emit the
/// events in one transaction.

#include "AgentStore.hpp"

#include <monti/auth/Passwords.hpp>
#include <monti/cache/Cache.hpp>
#include <monti/events/EventRegistry.hpp>
#include <monti/http/Request.hpp>
#include <monti/http/Response.hpp>
#include <monti/http/RouteRegistry.hpp>

namespace monti::agents {

/// Seed 001 §8.2: list pages and stats are cached per tenant and scope, and dropped by every write.
struct CacheTtls {
  std::chrono::milliseconds agents{std::chrono::minutes(2)};
  std::chrono::milliseconds stats{std::chrono::minutes(5)};
  std::chrono::milliseconds departments{std::chrono::hours(1)};
};

class AgentsApi {
 public:
  AgentsApi(data::Database& database, events::EventRegistry& events, auth::Passwords& passwords, cache::Cache& cache,
            CacheTtls ttls)
      : db_(database), store_(database), events_(events), passwords_(passwords), cache_(cache), ttls_(ttls) {}

  void registerRoutes(http::RouteRegistry& routes);

  http::Response list(const http::Request& r);
  http::Response search(const http::Request& r);
  http::Response stats(const http::Request& r);
  http::Response get(const http::Request& r);
  http::Response create(const http::Request& r);
  http::Response update(const http::Request& r);
  http::Response remove(const http::Request& r);
  http::Response status(const http::Request& r);
  http::Response performance(const http::Request& r);
  http::Response activity(const http::Request& r);
  http::Response recordActivity(const http::Request& r);
  http::Response bulk(const http::Request& r);
  http::Response departments(const http::Request& r);

  AgentStore& store() noexcept { return store_; }
  /// Drops the tenant's cached answers (after a committed write).
  void invalidate(const std::string& tenant);

 private:
  StoredAgent requireAgent(const http::Request& r, std::int64_t id);
  void emit(data::Transaction& tx, std::string_view name, const nlohmann::json& payload, const StoredAgent& agent);
  /// A cached answer for the caller's tenant and scope (`what` names the query and its parameters).
  http::Response cached(const http::Request& r, const std::string& what, std::chrono::milliseconds ttl,
                        const std::function<nlohmann::json()>& compute);

  data::Database& db_;
  AgentStore store_;
  events::EventRegistry& events_;
  auth::Passwords& passwords_;
  cache::Cache& cache_;
  CacheTtls ttls_;
};

/// The filters of GET /agents from the query; throws http::BadRequest naming a bad one.
AgentFilters parseFilters(const http::Request& r);

}  // namespace monti::agents
