// monti survives a PostgreSQL restart: during the outage requests that need the database get 503 with
// Retry-After and /health says unhealthy; soon after PostgreSQL is back the same requests succeed, without
// restarting monti. Uses a private cluster (support/PrivatePostgres.hpp): the shared one must stay up.
#include "support/HttpClient.hpp"
#include "support/MontiProcess.hpp"
#include "support/PrivatePostgres.hpp"
#include "support/Sql.hpp"
#include "support/TestDatabase.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace monti::itest {
namespace {

// Polls `request` until it answers `status`, at most `timeout`; returns the last response.
template <typename Request>
HttpResponse waitForStatus(int status, std::chrono::milliseconds timeout, Request request) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto response = request();
    if (response.status == status || std::chrono::steady_clock::now() >= deadline) return response;
    std::this_thread::sleep_for(50ms);
  }
}

TEST(PostgresRestart, RequestsGet503DuringTheOutageAndSucceedWithin5sOfPostgresComingBack) {
  if (const auto reason = PrivatePostgres::unavailableReason(); !reason.empty()) GTEST_SKIP() << reason;
  PrivatePostgres postgres;
  const auto server = startServer(exampleEnvironment(postgres.url()));
  const auto created = postJson(server->port(), "/api/v1/example/notes", R"({"text":"survives restarts"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const auto note = "/api/v1/example/notes/" + std::to_string(created.json().at("id").get<std::int64_t>());
  ASSERT_EQ(get(server->port(), note).status, 200);

  postgres.stop();
  const auto down = get(server->port(), note);
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_TRUE(down.header("Retry-After")) << down.body;
  EXPECT_EQ(down.json()["error"].value("code", ""), "database_unavailable") << down.body;
  EXPECT_EQ(down.body.find("postgresql://"), std::string::npos) << "the URL leaked: " << down.body;
  const auto writing = postJson(server->port(), "/api/v1/example/notes", R"({"text":"during the outage"})");
  EXPECT_EQ(writing.status, 503) << writing.body;
  const auto health = get(server->port(), "/health");
  EXPECT_EQ(health.status, 503) << health.body;
  EXPECT_EQ(health.json().value("status", ""), "unhealthy") << health.body;
  EXPECT_EQ(health.json()["checks"]["database"].value("status", ""), "down") << health.body;

  postgres.start();
  const auto back = std::chrono::steady_clock::now();
  const auto again = waitForStatus(200, 5s, [&] { return get(server->port(), note); });
  ASSERT_EQ(again.status, 200) << "still failing 5 s after PostgreSQL came back: " << again.body << "\n"
                               << server->describe();
  EXPECT_EQ(again.json().value("text", ""), "survives restarts");
  EXPECT_LE(std::chrono::steady_clock::now() - back, 6s);
  const auto writes = postJson(server->port(), "/api/v1/example/notes", R"({"text":"after the outage"})");
  EXPECT_EQ(writes.status, 201) << writes.body;
  EXPECT_EQ(waitForStatus(200, 5s, [&] { return get(server->port(), "/health"); }).status, 200);
  EXPECT_TRUE(server->running());
}

TEST(PostgresRestart, OutboxRelayAndSchedulerResumeAfterPostgresComesBack) {
  if (const auto reason = PrivatePostgres::unavailableReason(); !reason.empty()) GTEST_SKIP() << reason;
  PrivatePostgres postgres;
  const auto server = startServer(exampleEnvironment(postgres.url()));
  postgres.stop();
  std::this_thread::sleep_for(1s);  // long enough for the relay and the scheduler to notice
  postgres.start();

  const nlohmann::json emit{{"name", "example.pinged"}, {"payload", {{"after", "restart"}}}, {"aggregate", "r"}};
  const auto emitted =
      waitForStatus(202, 5s, [&] { return postJson(server->port(), "/api/v1/example/events", emit.dump()); });
  ASSERT_EQ(emitted.status, 202) << emitted.body;
  const auto id = emitted.json().at("eventId").get<std::string>();
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  bool delivered = false;
  while (!delivered && std::chrono::steady_clock::now() < deadline) {
    const auto received = get(server->port(), "/api/v1/example/events").json();
    for (const auto& event : received.at("events"))
      delivered = delivered || event.value("id", "") == id;
    if (!delivered) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(delivered) << "the relay did not publish after the restart\n" << server->describe();

  Sql sql(postgres.url());
  const auto since = sql.scalar("SELECT now()");
  const auto ticked = [&] {
    return sql.count(
        "SELECT count(*) FROM job_runs WHERE job = 'example.tick' AND outcome = 'ok' AND "
        "started_at > $1::timestamptz",
        {since});
  };
  const auto tickDeadline = std::chrono::steady_clock::now() + 10s;
  while (ticked() == 0 && std::chrono::steady_clock::now() < tickDeadline)
    std::this_thread::sleep_for(100ms);
  EXPECT_GT(ticked(), 0) << "the scheduler did not run example.tick after the restart\n" << server->describe();
}

}  // namespace
}  // namespace monti::itest
