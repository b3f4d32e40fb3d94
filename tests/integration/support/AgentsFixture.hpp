#pragma once
/// Servers, accounts and helpers for the agents plugin's integration tests (plugins/agents/README.md, seed 001).

#include "support/Accounts.hpp"
#include "support/MontiProcess.hpp"
#include "support/RealtimeFixture.hpp"
#include "support/TestDatabase.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace monti::itest {

/// A password every rule of seed 001 §6.1 accepts.
inline const std::string kAgentPassword = "Agent1Secret";

/// realtimeEnvironment() (no HTTP rate limiter: the tests create dozens of agents) with only the agents plugin,
/// loaded from the folder where the real plugins are built.
Environment agentsEnvironment(const std::string& databaseUrl);

/// Ten random lowercase letters: no digit, `%` or `_`, so a search for it cannot match by accident.
std::string uniqueTag();

/// One request to /api/v1`path` with `Authorization: Bearer <token>` (none when `token` is empty).
HttpResponse agentsCall(int port, const std::string& token, const std::string& method, const std::string& path,
                        const std::optional<nlohmann::json>& body = std::nullopt);

/// A valid POST /agents body with a username and email no other test uses.
nlohmann::json agentBody(const std::string& role = "cs", const std::string& department = "Support");

/// POST /agents as `token`; returns the Agent, throws with the answer unless it is 201.
nlohmann::json createAgent(int port, const std::string& token, const nlohmann::json& body);

/// GET /agents/`id` as `token`; returns the Agent, throws with the answer unless it is 200.
nlohmann::json fetchAgent(int port, const std::string& token, std::int64_t id);

/// PUT /agents/`id`/status; throws with the answer unless it is 200.
nlohmann::json setStatus(int port, const std::string& token, std::int64_t id, const std::string& status);

/// The agent's id as a number.
std::int64_t idOf(const nlohmann::json& agent);

/// An agent created by an admin over the API and logged in with the password it was created with.
struct AgentLogin {
  nlohmann::json agent;
  std::int64_t id = 0;
  std::string token;
};
AgentLogin createAgentAndLogIn(int port, const std::string& adminToken, const std::string& role,
                               const std::string& department = "Support");

/// A core account (monti user create) of `role` in `tenant`, logged in on `port`.
Member addTenantMember(const Environment& env, int port, const std::string& role, const std::string& tenant);

/// The ids of a paginated answer's `data`.
std::set<std::int64_t> idsOf(const nlohmann::json& page);

/// True for "2026-11-22T10:00:00Z" or with a fraction of a second: ISO 8601 in UTC.
bool isIsoUtc(const nlohmann::json& value);

/// Every field of the README's Agent with its JSON type, and no password anywhere.
::testing::AssertionResult isAgent(const nlohmann::json& agent);

/// An AgentActivity of agent `agentId`: {id, agentId, type, description, timestamp, metadata}.
::testing::AssertionResult isActivity(const nlohmann::json& activity, std::int64_t agentId);

/// `value` percent-encoded for a query string.
std::string queryValue(const std::string& value);

/// `response` is `status` with the error shape and a detail naming `field`.
::testing::AssertionResult failsOn(const HttpResponse& response, int status, const std::string& field);

/// A database with Monti's schema and the agents plugin, one monti server and a core admin of the default tenant,
/// shared by the tests of a suite. Each test creates the agents it needs with names no other test uses.
template <typename Derived>
class AgentsSuite : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    const auto app = runnerVariable("MONTI_TEST_DATABASE_URL");
    const auto adminUrl = runnerVariable("MONTI_TEST_DATABASE_ADMIN_URL");
    if (app.empty() || adminUrl.empty()) return;
    try {
      db_ = std::make_unique<TestDatabase>(adminUrl, app);
      env_ = agentsEnvironment(db_->url());
      migrateUp(env_);
      server_ = startServer(env_);
      admin_ = addMember(env_, server_->port(), "admin");
      Derived::prepare();
    } catch (const std::exception& e) {
      error_ = e.what();
      server_.reset();
    }
  }
  static void TearDownTestSuite() {
    server_.reset();
    db_.reset();
  }
  /// Suite-wide data the tests only read; runs once the server listens.
  static void prepare() {}

 protected:
  void SetUp() override {
    if (!db_ && error_.empty()) GTEST_SKIP() << "MONTI_TEST_DATABASE_URL and MONTI_TEST_DATABASE_ADMIN_URL are not set";
    ASSERT_NE(server_, nullptr) << "the agents test server did not start: " << error_;
  }

  static MontiProcess& server() { return *server_; }
  static int port() { return server_->port(); }
  static const Environment& env() { return env_; }
  static TestDatabase& db() { return *db_; }
  /// A core admin account (no agent profile) of the default tenant.
  static const Member& admin() { return admin_; }

  static HttpResponse as(const std::string& token, const std::string& method, const std::string& path,
                         const std::optional<nlohmann::json>& body = std::nullopt) {
    return agentsCall(port(), token, method, path, body);
  }
  static HttpResponse asAdmin(const std::string& method, const std::string& path,
                              const std::optional<nlohmann::json>& body = std::nullopt) {
    return agentsCall(port(), admin_.token, method, path, body);
  }
  static nlohmann::json newAgent(const nlohmann::json& body) { return createAgent(port(), admin_.token, body); }
  static nlohmann::json newAgent(const std::string& role = "cs", const std::string& department = "Support") {
    return newAgent(agentBody(role, department));
  }

 private:
  static inline std::unique_ptr<TestDatabase> db_;
  static inline Environment env_;
  static inline std::unique_ptr<MontiProcess> server_;
  static inline Member admin_;
  static inline std::string error_;
};

}  // namespace monti::itest
