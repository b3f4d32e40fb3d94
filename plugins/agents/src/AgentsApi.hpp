#pragma once
/// The REST handlers of seed 001 §2.2: parse, check permissions and scope, change the tables and emit the
/// events in one transaction.

#include "AgentStore.hpp"

#include <monti/auth/Passwords.hpp>
#include <monti/events/EventRegistry.hpp>
#include <monti/http/Request.hpp>
#include <monti/http/Response.hpp>
#include <monti/http/RouteRegistry.hpp>

namespace monti::agents {

class AgentsApi {
 public:
  AgentsApi(data::Database& database, events::EventRegistry& events, auth::Passwords& passwords)
      : db_(database), store_(database), events_(events), passwords_(passwords) {}

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

  AgentStore& store() noexcept { return store_; }

 private:
  StoredAgent requireAgent(const http::Request& r, std::int64_t id);
  void emit(data::Transaction& tx, std::string_view name, const nlohmann::json& payload, const StoredAgent& agent);

  data::Database& db_;
  AgentStore store_;
  events::EventRegistry& events_;
  auth::Passwords& passwords_;
};

/// The filters of GET /agents from the query; throws http::BadRequest naming a bad one.
AgentFilters parseFilters(const http::Request& r);

}  // namespace monti::agents
