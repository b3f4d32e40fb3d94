// PostgreSQL access as a client sees it: prepared statements, the pool's timeout, the statement timeout and the
// read replica. Each test has a database of its own (support/TestDatabase.hpp).
#include "support/HttpClient.hpp"
#include "support/MontiProcess.hpp"
#include "support/TestDatabase.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <future>

namespace monti::itest {
namespace {

using Data = DatabaseTest;

std::string noteBody(const std::string& text) { return nlohmann::json{{"text", text}}.dump(); }

std::string notePath(std::int64_t id) { return "/api/v1/example/notes/" + std::to_string(id); }

// Waits until a statement of this database waits for a lock: a request is then parked holding its connection.
bool waitForLockWaiter(Sql& sql, const std::string& database, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (sql.count("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", {database}) >
        0) {
      return true;
    }
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

TEST_F(Data, HostileTextIsStoredAndReadBackVerbatim) {
  const auto server = startServer(exampleEnvironment(db().url()));
  const std::vector<std::string> texts{
      "'; DROP TABLE example_notes; --",
      "Robert'); DROP TABLE example_notes;--",
      R"(quotes " ' `, backslashes \ \\ \' \", dollar $1 $$ $tag$, percent %s %)",
      "unicode: äöü ß 日本語 🙂 \u202e right-to-left",
      "E'\\x41' ; SELECT pg_sleep(10); --\ttab\nnewline",
  };
  for (const auto& text : texts) {
    const auto created = postJson(server->port(), "/api/v1/example/notes", noteBody(text));
    ASSERT_EQ(created.status, 201) << created.body;
    const auto id = created.json().at("id").get<std::int64_t>();
    const auto read = get(server->port(), notePath(id));
    ASSERT_EQ(read.status, 200) << read.body;
    EXPECT_EQ(read.json().value("text", ""), text);
  }
  EXPECT_TRUE(db().sql().tableExists("example_notes"));
  EXPECT_EQ(db().sql().count("SELECT count(*) FROM example_notes"), static_cast<long long>(texts.size()));
}

TEST_F(Data, RequestFindingNoFreeConnectionGets503WithRetryAfterInsteadOfHanging) {
  auto env = exampleEnvironment(db().url());
  env["DATABASE_POOL_SIZE"] = "1";
  env["DATABASE_TIMEOUT"] = "200";
  const auto server = startServer(env);
  ASSERT_EQ(postJson(server->port(), "/api/v1/example/notes", noteBody("first")).status, 201);

  // The test locks the table, so the next insert waits inside PostgreSQL holding the pool's only connection.
  Sql locker(db().url());
  locker.query("BEGIN");
  locker.query("LOCK TABLE example_notes IN ACCESS EXCLUSIVE MODE");
  auto parked = std::async(std::launch::async, [port = server->port()] {
    return postJson(port, "/api/v1/example/notes", noteBody("parked"));
  });
  ASSERT_TRUE(waitForLockWaiter(db().sql(), db().name(), 10s)) << server->describe();

  const auto begin = std::chrono::steady_clock::now();
  const auto refused = get(server->port(), notePath(1));
  const auto waited = std::chrono::steady_clock::now() - begin;
  locker.query("COMMIT");

  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_TRUE(refused.header("Retry-After")) << refused.body;
  EXPECT_EQ(refused.json()["error"].value("code", ""), "database_unavailable") << refused.body;
  EXPECT_LT(waited, 5s);
  const auto done = parked.get();
  EXPECT_EQ(done.status, 201) << done.body;
  EXPECT_EQ(get(server->port(), notePath(1)).status, 200);
}

TEST_F(Data, StatementRunningPastTheStatementTimeoutIsCancelled) {
  auto env = exampleEnvironment(db().url());
  env["MONTI_DATABASE_STATEMENT_TIMEOUT"] = "300ms";
  const auto server = startServer(env);

  Sql locker(db().url());
  locker.query("BEGIN");
  locker.query("LOCK TABLE example_notes IN ACCESS EXCLUSIVE MODE");
  auto blocked = std::async(std::launch::async, [port = server->port()] {
    return postJson(port, "/api/v1/example/notes", noteBody("never stored"));
  });
  // The lock is held for 20 s; only the statement timeout can end the request before that.
  const auto status = blocked.wait_for(20s);
  locker.query("COMMIT");
  ASSERT_EQ(status, std::future_status::ready) << "the statement was not cancelled\n" << server->describe();
  const auto response = blocked.get();
  EXPECT_GE(response.status, 500) << response.body;
  EXPECT_EQ(db().sql().count("SELECT count(*) FROM example_notes"), 0);
}

TEST_F(Data, ReadOnlyQueriesGoToTheReadReplica) {
  // The "replica" is a second database with the same table but other content: reads show where they went.
  TestDatabase replica(runnerVariable("MONTI_TEST_DATABASE_ADMIN_URL"), runnerVariable("MONTI_TEST_DATABASE_URL"));
  replica.sql().query("CREATE TABLE example_notes (id bigserial PRIMARY KEY, text text NOT NULL)");
  replica.sql().query("INSERT INTO example_notes (text) VALUES ('from the replica')");
  auto env = exampleEnvironment(db().url());
  env["DATABASE_READ_URL"] = replica.url();
  const auto server = startServer(env);

  const auto created = postJson(server->port(), "/api/v1/example/notes", noteBody("from the primary"));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(db().sql().scalar("SELECT text FROM example_notes WHERE id = $1",
                              {std::to_string(created.json().at("id").get<std::int64_t>())}),
            "from the primary");
  const auto read = get(server->port(), notePath(created.json().at("id").get<std::int64_t>()));
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json().value("text", ""), "from the replica");
}

}  // namespace
}  // namespace monti::itest
