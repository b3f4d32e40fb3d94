// The scheduler across nodes: the example plugin's example.tick runs every second (aligned to the epoch) and
// inserts a row into example_job_runs; each node claims a tick by inserting (job, tick_at, node) into job_runs.
#include "support/MontiProcess.hpp"
#include "support/TestDatabase.hpp"

#include <gtest/gtest.h>

#include <csignal>

namespace monti::itest {
namespace {

using Scheduler = DatabaseTest;

constexpr const char* kTickRuns = "SELECT count(*) FROM job_runs WHERE job = 'example.tick'";

TEST_F(Scheduler, JobEverySecondRunsOncePerTickAcrossTwoNodes) {
  // The first node migrates; the second starts once the tables exist so both tick from the start.
  auto a = startServer(exampleEnvironment(db().url(), "node-a"));
  auto b = startServer(exampleEnvironment(db().url(), "node-b"));

  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (db().sql().count(kTickRuns) < 4 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(100ms);
  // Stopping both waits for their running jobs, so every claimed tick has finished its run.
  a->signal(SIGTERM);
  b->signal(SIGTERM);
  ASSERT_EQ(a->waitForExit(20s), 0) << a->describe();
  ASSERT_EQ(b->waitForExit(20s), 0) << b->describe();

  auto& sql = db().sql();
  const auto claimed = sql.count(kTickRuns);
  EXPECT_GE(claimed, 3) << a->describe() << b->describe();
  EXPECT_EQ(sql.count("SELECT count(DISTINCT tick_at) FROM job_runs WHERE job = 'example.tick'"), claimed);
  EXPECT_EQ(sql.count("SELECT count(*) FROM job_runs WHERE job = 'example.tick' AND outcome <> 'ok'"), 0);
  // Each claimed tick ran the job exactly once: without the claim both nodes would run every tick.
  EXPECT_EQ(sql.count("SELECT count(*) FROM example_job_runs"), claimed);
  // Ticks are whole seconds: the interval is aligned to the epoch, the same on every node.
  EXPECT_EQ(sql.count("SELECT count(*) FROM job_runs WHERE job = 'example.tick' AND tick_at <> date_trunc('second', "
                      "tick_at)"),
            0);
}

TEST_F(Scheduler, RunHistoryRecordsNodeDurationAndOutcome) {
  const auto server = startServer(exampleEnvironment(db().url(), "history-node"));
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  const char* finished = "SELECT count(*) FROM job_runs WHERE job = 'example.tick' AND outcome = 'ok'";
  while (db().sql().count(finished) < 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(100ms);
  const auto rows = db().sql().query(
      "SELECT node, duration_ms IS NOT NULL, error IS NULL FROM job_runs WHERE job = 'example.tick' AND outcome = "
      "'ok' LIMIT 1");
  ASSERT_EQ(rows.size(), 1U) << server->describe();
  EXPECT_EQ(rows[0][0], "history-node");
  EXPECT_EQ(rows[0][1], "t");
  EXPECT_EQ(rows[0][2], "t");
}

}  // namespace
}  // namespace monti::itest
