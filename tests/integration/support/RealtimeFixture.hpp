#pragma once
/// Servers, accounts and helpers for the realtime hub's integration tests (docs/realtime.md).

#include "support/Accounts.hpp"
#include "support/MontiProcess.hpp"
#include "support/TestDatabase.hpp"
#include "support/WsClient.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace monti::itest {

/// An account that exists and is logged in.
struct Member {
  Account account;
  std::int64_t id = 0;
  std::string token;  ///< access token
};

/// authEnvironment() without the HTTP rate limiter plus, when scripts/test runs a Redis, REDIS_URL and a
/// MONTI_REDIS_KEY_PREFIX of this environment's own (so parallel tests never share rooms, history or presence).
Environment realtimeEnvironment(const std::string& databaseUrl, bool withRedis = true);

/// Creates an account with `role` and logs it in on `port`.
Member addMember(const Environment& env, int port, const std::string& role);

/// A room of the example plugin (`example:{id}`, anyone may join) no other test uses.
std::string uniqueRoom();

/// POST /api/v1/admin/realtime/publish; returns the 202 body {room, offset, epoch}, throws otherwise.
nlohmann::json publish(int port, const std::string& token, const std::string& room, const std::string& event,
                       const nlohmann::json& data);

/// A WebSocket to /ws with `Authorization: Bearer <token>`; throws unless it upgraded.
std::unique_ptr<WsClient> openWs(int port, const std::string& token, WsOptions options = {});

/// Subscribes `client` to `room`: success when the answer is `subscribed`, else a failure showing the answer.
::testing::AssertionResult subscribes(WsClient& client, const std::string& room);

/// True when `value` (a number or a string of digits, the spec does not say which) is `id`.
bool sameId(const nlohmann::json& value, std::int64_t id);

/// What collectEvents() saw.
struct Collected {
  std::vector<std::int64_t> offsets;   ///< every offset of the room, in arrival order
  std::vector<nlohmann::json> events;  ///< every event of the room ({offset, event, data, …})
  std::vector<nlohmann::json> frames;  ///< the `event` and `batch` messages that carried them
};

/// Reads `client` until an event of `room` with offset >= `lastOffset` arrived (or `timeout`); other messages
/// are set aside.
Collected collectEvents(WsClient& client, const std::string& room, std::int64_t lastOffset,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

/// GET /metrics as text.
std::string metricsText(int port);

/// A database with Monti's schema, an admin and two cs users, and one monti server with the example plugin
/// shared by the tests of a suite. `Derived::configure(Environment&)` adds the suite's settings.
template <typename Derived>
class RealtimeSuite : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    const auto app = runnerVariable("MONTI_TEST_DATABASE_URL");
    const auto admin = runnerVariable("MONTI_TEST_DATABASE_ADMIN_URL");
    if (app.empty() || admin.empty()) return;
    try {
      db_ = std::make_unique<TestDatabase>(admin, app);
      env_ = realtimeEnvironment(db_->url());
      Derived::configure(env_);
      migrateUp(env_);
      server_ = startServer(env_);
      admin_ = addMember(env_, server_->port(), "admin");
      alice_ = addMember(env_, server_->port(), "cs");
      bob_ = addMember(env_, server_->port(), "cs");
    } catch (const std::exception& e) {
      error_ = e.what();
      server_.reset();
    }
  }
  static void TearDownTestSuite() {
    server_.reset();
    db_.reset();
  }
  static void configure(Environment&) {}

 protected:
  void SetUp() override {
    if (!db_ && error_.empty()) GTEST_SKIP() << "MONTI_TEST_DATABASE_URL and MONTI_TEST_DATABASE_ADMIN_URL are not set";
    ASSERT_NE(server_, nullptr) << "the realtime test server did not start: " << error_;
  }

  static MontiProcess& server() { return *server_; }
  static int port() { return server_->port(); }
  static const Environment& env() { return env_; }
  static TestDatabase& db() { return *db_; }
  static const Member& admin() { return admin_; }
  /// Two users with role cs.
  static const Member& alice() { return alice_; }
  static const Member& bob() { return bob_; }

 private:
  static inline std::unique_ptr<TestDatabase> db_;
  static inline Environment env_;
  static inline std::unique_ptr<MontiProcess> server_;
  static inline Member admin_;
  static inline Member alice_;
  static inline Member bob_;
  static inline std::string error_;
};

}  // namespace monti::itest
