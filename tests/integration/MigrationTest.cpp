// Migrations against a real PostgreSQL: concurrent start-up, up/down symmetry, checksums and failed files.
// Each test has a database of its own (support/TestDatabase.hpp).
#include "support/Command.hpp"
#include "support/MontiProcess.hpp"
#include "support/TempFile.hpp"
#include "support/TestDatabase.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>

namespace monti::itest {
namespace {

namespace fs = std::filesystem;

using Migration = DatabaseTest;

// Where the build installs the core migrations: ../share/monti/migrations next to the binary.
fs::path coreMigrationsDir() { return fs::path(MONTI_BINARY).parent_path().parent_path() / "share/monti/migrations"; }

// A copy of the core migrations the test may edit; monti reads it through MONTI_DATABASE_MIGRATIONS_DIR.
fs::path copyCoreMigrations(const TempDir& dir) {
  auto copy = dir.path() / "migrations";
  fs::copy(coreMigrationsDir(), copy, fs::copy_options::recursive);
  return copy;
}

// The core migrations the build installs, in order: e.g. "0001_event_outbox".
std::vector<std::string> coreMigrationNames() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(coreMigrationsDir())) {
    const auto file = entry.path().filename().string();
    const std::string suffix = ".up.sql";
    if (file.size() > suffix.size() && file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0)
      names.push_back(file.substr(0, file.size() - suffix.size()));
  }
  std::sort(names.begin(), names.end());
  return names;
}

// What `migrate up` on an empty database reports: the core's files, then the example plugin's.
std::vector<std::string> allAppliedSteps() {
  std::vector<std::string> steps;
  for (const auto& name : coreMigrationNames())
    steps.push_back("applied core/" + name);
  steps.emplace_back("applied example/0001_example");
  return steps;
}

void writeFile(const fs::path& file, const std::string& content) { std::ofstream(file) << content; }

void appendFile(const fs::path& file, const std::string& content) { std::ofstream(file, std::ios::app) << content; }

// The "migration" log lines of a serving monti: their "step" values, e.g. "applied core/0001_event_outbox".
std::vector<std::string> migrationSteps(const MontiProcess& process) {
  std::vector<std::string> steps;
  for (const auto& line : process.out().lines()) {
    const auto json = nlohmann::json::parse(line, nullptr, false);
    if (json.is_object() && json.value("msg", "") == "migration") steps.push_back(json.value("step", ""));
  }
  return steps;
}

// The schema as pg_dump describes it, without the lines that differ between two dumps of the same schema
// (comments, settings, and the random key of the \restrict meta-commands newer pg_dump versions write).
std::string schemaOf(const TestDatabase& database) {
  const auto dump = runCommand({MONTI_PG_BIN "/pg_dump", "--schema-only", "--no-owner", "--dbname=" + database.url()});
  if (dump.exitCode != 0) throw std::runtime_error("pg_dump failed: " + dump.err);
  std::string schema;
  for (const auto& line : nonEmptyLines(dump.out)) {
    if (line.rfind("--", 0) == 0 || line.rfind("SET ", 0) == 0 || line.rfind('\\', 0) == 0 ||
        line.rfind("SELECT pg_catalog.set_config", 0) == 0) {
      continue;
    }
    schema += line + "\n";
  }
  return schema;
}

long long appliedCount(Sql& sql) { return sql.count("SELECT count(*) FROM schema_migrations"); }

TEST_F(Migration, TwoNodesStartingTogetherMigrateOnce) {
  // Both processes are forked before either can have finished migrating.
  MontiProcess a({}, exampleEnvironment(db().url(), "node-a"));
  MontiProcess b({}, exampleEnvironment(db().url(), "node-b"));
  ASSERT_NO_THROW(a.waitUntilListening(30s)) << a.describe();
  ASSERT_NO_THROW(b.waitUntilListening(30s)) << b.describe();

  const auto expected = allAppliedSteps();
  const auto stepsA = migrationSteps(a);
  const auto stepsB = migrationSteps(b);
  EXPECT_TRUE((stepsA == expected && stepsB.empty()) || (stepsB == expected && stepsA.empty()))
      << "node-a:\n"
      << a.out().text() << "node-b:\n"
      << b.out().text();
  const auto total = static_cast<long long>(expected.size());
  EXPECT_EQ(appliedCount(db().sql()), total);
  EXPECT_EQ(db().sql().count("SELECT count(DISTINCT (component, name)) FROM schema_migrations"), total);
}

TEST_F(Migration, MigrateCommandsPrintWhatTheyDid) {
  const auto env = exampleEnvironment(db().url());
  const auto up = runToExit({"migrate", "up"}, env);
  ASSERT_EQ(up.exitCode, 0) << up.err;
  EXPECT_NE(up.out.find("applied core/0001_event_outbox"), std::string::npos) << up.out;
  EXPECT_NE(up.out.find("applied example/0001_example"), std::string::npos) << up.out;
  const auto status = runToExit({"migrate", "status"}, env);
  ASSERT_EQ(status.exitCode, 0) << status.err;
  EXPECT_NE(status.out.find("0002_job_runs"), std::string::npos) << status.out;

  const auto down = runToExit({"migrate", "down", "1"}, env);
  ASSERT_EQ(down.exitCode, 0) << down.err;
  EXPECT_NE(down.out.find("reverted example/0001_example"), std::string::npos) << down.out;
  EXPECT_FALSE(db().sql().tableExists("example_notes"));
  EXPECT_TRUE(db().sql().tableExists("job_runs"));
  EXPECT_EQ(appliedCount(db().sql()), static_cast<long long>(coreMigrationNames().size()));
}

TEST_F(Migration, UpDownToZeroUpLeavesTheSameSchema) {
  const auto env = exampleEnvironment(db().url());
  ASSERT_EQ(runToExit({"migrate", "up"}, env).exitCode, 0);
  const auto before = schemaOf(db());
  ASSERT_NE(before.find("CREATE TABLE public.event_outbox"), std::string::npos) << before;

  const auto down = runToExit({"migrate", "down", "99"}, env);
  ASSERT_EQ(down.exitCode, 0) << down.err;
  EXPECT_EQ(appliedCount(db().sql()), 0);
  for (const char* table : {"event_outbox", "job_runs", "example_notes", "example_items", "example_job_runs"})
    EXPECT_FALSE(db().sql().tableExists(table)) << table << " survived migrate down";
  EXPECT_EQ(db().sql().count("SELECT count(*) FROM pg_proc WHERE proname = 'event_outbox_notify'"), 0);

  const auto up = runToExit({"migrate", "up"}, env);
  ASSERT_EQ(up.exitCode, 0) << up.err;
  EXPECT_EQ(schemaOf(db()), before);
}

TEST_F(Migration, ChangedChecksumOfAnAppliedFileStopsMigrateAndServe) {
  const TempDir dir;
  const auto migrations = copyCoreMigrations(dir);
  auto env = exampleEnvironment(db().url());
  env["MONTI_DATABASE_MIGRATIONS_DIR"] = migrations.string();
  ASSERT_EQ(runToExit({"migrate", "up"}, env).exitCode, 0);
  appendFile(migrations / "0002_job_runs.up.sql", "\n-- edited after it was applied\n");

  const auto up = runToExit({"migrate", "up"}, env);
  ASSERT_TRUE(up.exitCode) << "migrate up hung";
  EXPECT_NE(*up.exitCode, 0) << up.out;
  EXPECT_NE(up.err.find("0002_job_runs.up.sql"), std::string::npos) << up.err;
  EXPECT_NE(up.err.find("checksum"), std::string::npos) << up.err;

  const auto serve = runToExit({}, env, 30s);
  ASSERT_TRUE(serve.exitCode) << "monti serve started despite the changed migration\n" << serve.out;
  EXPECT_NE(*serve.exitCode, 0);
  EXPECT_NE(serve.err.find("0002_job_runs.up.sql"), std::string::npos) << serve.err;
  EXPECT_EQ(serve.out.find("\"listening\""), std::string::npos) << serve.out;
}

TEST_F(Migration, FailedMigrationRollsBackCompletelyAndNamesFileAndError) {
  const TempDir dir;
  const auto migrations = copyCoreMigrations(dir);
  writeFile(migrations / "9999_bad.up.sql",
            "CREATE TABLE bad_first_statement (id int);\nINSERT INTO bad_first_statement VALUES (1);\nSELEC oops;\n");
  writeFile(migrations / "9999_bad.down.sql", "DROP TABLE bad_first_statement;\n");
  auto env = exampleEnvironment(db().url());
  env["MONTI_DATABASE_MIGRATIONS_DIR"] = migrations.string();

  const auto up = runToExit({"migrate", "up"}, env);
  ASSERT_TRUE(up.exitCode) << "migrate up hung";
  EXPECT_NE(*up.exitCode, 0) << up.out;
  EXPECT_NE(up.err.find("9999_bad.up.sql"), std::string::npos) << up.err;
  EXPECT_NE(up.err.find("syntax error"), std::string::npos) << up.err;
  EXPECT_NE(up.err.find("SELEC"), std::string::npos) << up.err;

  EXPECT_FALSE(db().sql().tableExists("bad_first_statement"));
  EXPECT_EQ(db().sql().count("SELECT count(*) FROM schema_migrations WHERE name = '9999_bad'"), 0);
  // The files before it were applied, each in its own transaction.
  EXPECT_EQ(db().sql().count("SELECT count(*) FROM schema_migrations WHERE component = 'core'"),
            static_cast<long long>(coreMigrationNames().size()));
}

}  // namespace
}  // namespace monti::itest
