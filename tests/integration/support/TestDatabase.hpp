#pragma once

#include "support/MontiProcess.hpp"
#include "support/Sql.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace monti::itest {

/// A variable of the test runner's environment ("" when unset). scripts/test sets MONTI_TEST_DATABASE_URL
/// (the app role), MONTI_TEST_DATABASE_ADMIN_URL (a superuser) and MONTI_TEST_REDIS_URL.
std::string runnerVariable(const char* name);

/// `url` (postgresql://user:pw@host:port/db?query) with the database name replaced.
std::string withDatabaseName(const std::string& url, const std::string& database);

/// A name no other test uses: prefix, process id and random hex, e.g. t_1234_9f2c01ab.
std::string uniqueName(const std::string& prefix);

/// A fresh database of its own for one test, owned by the app role and dropped afterwards.
///
/// A database rather than a schema: PostgreSQL advisory locks (migrations 4242000001, outbox relay 4242000002)
/// and LISTEN/NOTIFY are scoped to a database, so tests running in parallel on separate databases cannot hold
/// each other's locks, and monti needs no search_path trick (its "options" overrides one given in the URL).
class TestDatabase {
 public:
  TestDatabase(const std::string& adminUrl, const std::string& appUrl);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  TestDatabase(TestDatabase&&) = delete;
  TestDatabase& operator=(TestDatabase&&) = delete;

  const std::string& name() const noexcept { return name_; }
  /// The app role's URL for this database: what DATABASE_URL gets.
  const std::string& url() const noexcept { return url_; }
  /// A connection of the test as the app role.
  Sql& sql();

 private:
  std::string adminUrl_;
  std::string name_;
  std::string url_;
  std::unique_ptr<Sql> sql_;
};

/// baseEnvironment() with the example plugin, DATABASE_URL=`databaseUrl` and POD_ID=`podId`.
Environment exampleEnvironment(const std::string& databaseUrl, const std::string& podId = "itest-pod");

/// A fixture giving each test its own database; skips when scripts/test's database variables are unset.
class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override { database_.reset(); }

  TestDatabase& db() { return *database_; }

 private:
  std::unique_ptr<TestDatabase> database_;
};

}  // namespace monti::itest
