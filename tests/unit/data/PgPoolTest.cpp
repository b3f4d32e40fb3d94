// The pool against a real PostgreSQL (MONTI_TEST_DATABASE_URL); skipped without one.
#include "data/PgDatabase.hpp"

#include <monti/auth/Scope.hpp>
#include "data/PgPool.hpp"
#include "obs/PrometheusRegistry.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <future>
#include <random>
#include <thread>

namespace monti::data {
namespace {

using namespace std::chrono_literals;

std::string testUrl() {
  const char* url = std::getenv("MONTI_TEST_DATABASE_URL");
  return url != nullptr ? url : "";
}

class PgPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testUrl();
    if (url_.empty()) GTEST_SKIP() << "MONTI_TEST_DATABASE_URL is not set";
  }

  PgPool::Settings settings(int size, std::chrono::milliseconds timeout) const {
    return PgPool::Settings{url_, "test", size, timeout, 250ms, ConnectionOptions{}};
  }

  // A table only this test sees: a temp table would vanish with its connection, so use a unique name.
  std::string uniqueTable() {
    std::mt19937_64 rng{std::random_device{}()};
    return "pool_test_" + std::to_string(rng() % 1000000000);
  }

  std::string url_;
  obs::PrometheusRegistry metrics_;
};

TEST_F(PgPoolTest, ParametersTravelApartFromTheSql) {
  PgDatabase db(settings(2, 1s), std::nullopt, metrics_);
  const std::string hostile = "'; DROP TABLE pg_class; -- \\ \" ü";
  auto rows = db.exec("SELECT $1::text, $2::bigint, $3::boolean, $4::text IS NULL",
                      {hostile, std::int64_t{42}, true, std::nullopt});
  ASSERT_EQ(rows.size(), 1);
  EXPECT_EQ(rows[0].string(0), hostile);
  EXPECT_EQ(rows[0].int64(1), 42);
  EXPECT_TRUE(rows[0].boolean(2));
  EXPECT_TRUE(rows[0].boolean(3));
}

TEST_F(PgPoolTest, AcquirePastTheTimeoutIsUnavailableNotAHang) {
  PgPool pool(settings(1, 200ms), metrics_);
  auto held = pool.acquire();
  const auto begin = std::chrono::steady_clock::now();
  EXPECT_THROW(pool.acquire(), DatabaseUnavailable);
  const auto waited = std::chrono::steady_clock::now() - begin;
  EXPECT_GE(waited, 150ms);
  EXPECT_LT(waited, 5s);
}

TEST_F(PgPoolTest, ReleasedConnectionServesTheNextWaiter) {
  PgPool pool(settings(1, 5s), metrics_);
  auto first = std::make_unique<PgPool::Lease>(pool.acquire());
  auto waiter = std::async(std::launch::async, [&pool] { return pool.acquire()->exec("SELECT 7")[0].int64(0); });
  std::this_thread::sleep_for(50ms);
  first.reset();
  EXPECT_EQ(waiter.get(), 7);
}

TEST_F(PgPoolTest, StatementsArePreparedOncePerConnection) {
  PgPool pool(settings(1, 1s), metrics_);
  for (int i = 0; i < 3; ++i)
    pool.acquire()->exec("SELECT $1::int + 1", {i});
  auto rows =
      pool.acquire()->exec("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", {"SELECT $1::int + 1"});
  EXPECT_EQ(rows[0].int64(0), 1);
}

TEST_F(PgPoolTest, TransactionRollsBackUnlessCommitted) {
  PgDatabase db(settings(2, 1s), std::nullopt, metrics_);
  const auto table = uniqueTable();
  db.exec("CREATE TABLE " + table + " (v int)");
  {
    auto tx = db.begin();
    tx->exec("INSERT INTO " + table + " VALUES (1)");
  }
  {
    auto tx = db.begin();
    tx->exec("INSERT INTO " + table + " VALUES (2)");
    tx->commit();
  }
  auto rows = db.exec("SELECT v FROM " + table);
  db.exec("DROP TABLE " + table);
  ASSERT_EQ(rows.size(), 1);
  EXPECT_EQ(rows[0].int64(0), 2);
}

TEST_F(PgPoolTest, UniqueViolationIsRecognisable) {
  PgDatabase db(settings(1, 1s), std::nullopt, metrics_);
  const auto table = uniqueTable();
  db.exec("CREATE TABLE " + table + " (v int CONSTRAINT " + table + "_v UNIQUE)");
  db.exec("INSERT INTO " + table + " VALUES (1)");
  try {
    db.exec("INSERT INTO " + table + " VALUES (1)");
    ADD_FAILURE() << "expected a unique violation";
  } catch (const DatabaseError& e) {
    EXPECT_TRUE(e.isUniqueViolation());
    EXPECT_EQ(e.constraint(), table + "_v");
  }
  db.exec("DROP TABLE " + table);
}

TEST_F(PgPoolTest, ConnectionKilledByTheServerIsReplaced) {
  PgPool pool(settings(1, 1s), metrics_);
  const auto pid = pool.acquire()->exec("SELECT pg_backend_pid()")[0].int64(0);
  PgConnection other(url_);
  other.exec("SELECT pg_terminate_backend($1::int)", {pid});
  std::this_thread::sleep_for(100ms);  // let the server close the socket
  auto rows = pool.acquire()->exec("SELECT pg_backend_pid()");
  EXPECT_NE(rows[0].int64(0), pid);
}

TEST_F(PgPoolTest, UnreachableServerFailsFastBetweenAttempts) {
  PgPool pool(PgPool::Settings{"postgresql://nobody@127.0.0.1:1/none", "dead", 2, 1s, 10s, ConnectionOptions{}},
              metrics_);
  EXPECT_THROW(pool.acquire(), DatabaseUnavailable);
  const auto begin = std::chrono::steady_clock::now();
  EXPECT_THROW(pool.acquire(), DatabaseUnavailable);  // within retryInterval: no new attempt
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 50ms);
}

TEST_F(PgPoolTest, UnavailableErrorKeepsTheReasonOutOfTheClientMessage) {
  PgPool pool(PgPool::Settings{"postgresql://nobody:pw@127.0.0.1:1/none", "dead", 1, 1s, 0ms, ConnectionOptions{}},
              metrics_);
  try {
    pool.acquire();
    ADD_FAILURE() << "expected DatabaseUnavailable";
  } catch (const DatabaseUnavailable& e) {
    EXPECT_EQ(std::string(e.what()).find("127.0.0.1"), std::string::npos) << e.what();
    EXPECT_NE(e.logDetail().find("127.0.0.1"), std::string::npos) << e.logDetail();
    EXPECT_EQ(e.status(), 503);
    EXPECT_GT(e.retryAfter().count(), 0);
  }
}

TEST_F(PgPoolTest, OptionsInTheUrlAreKeptAlongsideMontisOwn) {
  auto custom = settings(1, 1s);
  custom.url = url_ + (url_.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3Dmonti_test_path";
  custom.connection.statementTimeout = 1234ms;
  PgPool pool(custom, metrics_);
  auto lease = pool.acquire();
  EXPECT_EQ(lease->exec("SHOW search_path")[0].string(0), "monti_test_path");
  EXPECT_EQ(lease->exec("SHOW statement_timeout")[0].string(0), "1234ms");
  EXPECT_EQ(lease->exec("SHOW client_min_messages")[0].string(0), "warning");
}

TEST_F(PgPoolTest, ScopeClauseNarrowsRowsAsDocumented) {
  PgDatabase db(settings(1, 1s), std::nullopt, metrics_);
  const std::string clause =
      "SELECT count(*) FROM (VALUES ('acme','Sales','Berlin'), ('acme','Support','Berlin'), "
      "('other','Sales','Berlin')) "
      "AS r(tenant_id, department, location) WHERE tenant_id = $1 "
      "AND (cardinality($2::text[]) = 0 OR department = ANY($2::text[])) "
      "AND (cardinality($3::text[]) = 0 OR location = ANY($3::text[]))";
  auth::Principal everything;
  everything.tenant = "acme";
  auth::Principal sales = everything;
  sales.departments = {"Sales"};
  const auto count = [&](const auth::Principal& who) {
    const auto p = auth::scopeParams(who);
    return db.read(clause, {p.tenant, p.departments, p.locations})[0].int64(0);
  };
  EXPECT_EQ(count(everything), 2);
  EXPECT_EQ(count(sales), 1);
}

TEST_F(PgPoolTest, ReadUsesTheReplicaWhenConfigured) {
  // Same server twice, but the replica pool's connections carry another application_name.
  auto replica = settings(1, 1s);
  replica.url = url_ + (url_.find('?') == std::string::npos ? "?" : "&") + "application_name=monti_replica";
  replica.name = "replica";
  PgDatabase db(settings(1, 1s), replica, metrics_);
  EXPECT_EQ(db.read("SELECT current_setting('application_name')")[0].string(0), "monti_replica");
  EXPECT_EQ(db.exec("SELECT current_setting('application_name')")[0].string(0), "monti");
}

}  // namespace
}  // namespace monti::data
